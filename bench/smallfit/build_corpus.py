"""Rebuild the small-document fit corpus of bench/smallfit/questions.jsonl from Debian packages, by a fixed rule.

    apt-get install -y chrony ufw dnsmasq-base lynx-common mutt vim-runtime fail2ban htop groff gnupg
    python bench/smallfit/build_corpus.py [--out ~/.cache/qa-bench/smallfit/corpus]
    python bench/small/check_questions.py --set smallfit   # the questions' evidence against it
    python bench/small/evaluate.py --set smallfit          # the product's figures on it

One sub-folder per document, because each is indexed alone, as a user's single small document (3-50 KB of text;
none written by this project; no package of bench/docs, bench/docsfit or the held-out bench/small set):
- chrony/FAQ.txt: chrony's FAQ (chrony, FAQ.gz decompressed).
- ufw/README.txt: the Uncomplicated Firewall's README (ufw, README.gz decompressed).
- dnsmasq/setup.html: dnsmasq's setup guide (dnsmasq-base).
- lynx/lynx_url_support.html: Lynx's help page on the URL schemes it supports (lynx-common, decompressed).
- mutt/mimesupport.html: the "Mutt's MIME Support" chapter of the Mutt manual (mutt).
- vim/usr_05.txt: "Set your settings", chapter 5 of Vim's user manual (vim-runtime).
- fail2ban/README.md: Fail2Ban's README (fail2ban, decompressed).
- htop/README.md: htop's README (htop, README.gz decompressed; it is Markdown).
- groff/mom-pdf.pdf: "Producing PDFs with groff and mom" (groff, decompressed).
- gnupg/README.txt: GnuPG's README (gnupg, README.gz decompressed).

Writing follows bench/docs/build_corpus.py: byte-for-byte copies (.gz ones decompressed) in sorted order, stale
files of these sub-folders removed, unchanged files left alone (so an index over a sub-folder stays valid).
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

_spec = importlib.util.spec_from_file_location(
    "bench_docs_build_corpus", Path(__file__).resolve().parents[1] / "docs" / "build_corpus.py")
assert _spec is not None and _spec.loader is not None
docs = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = docs
_spec.loader.exec_module(docs)
Source, MissingPackage = docs.Source, docs.MissingPackage

DEFAULT_OUT = Path.home() / ".cache" / "qa-bench" / "smallfit" / "corpus"
PACKAGES = ("chrony", "ufw", "dnsmasq-base", "lynx-common", "mutt", "vim-runtime", "fail2ban", "htop", "groff",
            "gnupg")
INSTALL = "apt-get install -y " + " ".join(PACKAGES)

DOC = Path("/usr/share/doc")
DOCUMENTS = sorted((
    Source("chrony", DOC / "chrony/FAQ.gz", "chrony/FAQ.txt"),
    Source("ufw", DOC / "ufw/README.gz", "ufw/README.txt"),
    Source("dnsmasq-base", DOC / "dnsmasq-base/setup.html", "dnsmasq/setup.html"),
    Source("lynx-common", DOC / "lynx-common/lynx_help/lynx_url_support.html.gz", "lynx/lynx_url_support.html"),
    Source("mutt", DOC / "mutt/html/mimesupport.html", "mutt/mimesupport.html"),
    Source("vim-runtime", Path("/usr/share/vim/vim90/doc/usr_05.txt"), "vim/usr_05.txt"),
    Source("fail2ban", DOC / "fail2ban/README.md.gz", "fail2ban/README.md"),
    Source("htop", DOC / "htop/README.gz", "htop/README.md"),
    Source("groff", DOC / "groff-base/examples/mom/mom-pdf.pdf.gz", "groff/mom-pdf.pdf"),
    Source("gnupg", DOC / "gnupg/README.gz", "gnupg/README.txt"),
), key=lambda source: source.target)
MANAGED = tuple(source.target.split("/")[0] for source in DOCUMENTS)


def require(path: Path, package: str) -> Path:
    if not path.exists():
        raise MissingPackage(f"{path} is missing: the package {package} is not installed. Run as root:\n    {INSTALL}")
    return path


def build(out: Path) -> list[tuple[Any, int, bool]]:  # bench/docs/build_corpus.py's Source
    """Write the corpus into `out`; returns (source, size, changed) for each file, in order."""
    for source in DOCUMENTS:
        require(source.path, source.package)
    return docs.write(out, list(DOCUMENTS), MANAGED)


def main(argv: list[str] | None = None) -> int:
    return docs.main(argv, build=build, default_out=DEFAULT_OUT, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
