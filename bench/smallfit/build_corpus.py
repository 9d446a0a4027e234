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

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.docs import build_corpus as docs  # noqa: E402
from bench.docs.build_corpus import Source  # noqa: E402

DEFAULT_OUT = Path.home() / ".cache" / "qa-bench" / "smallfit" / "corpus"
PACKAGES = ("chrony", "ufw", "dnsmasq-base", "lynx-common", "mutt", "vim-runtime", "fail2ban", "htop", "groff",
            "gnupg")
INSTALL = "apt-get install -y " + " ".join(PACKAGES)

DOC = Path("/usr/share/doc")
# (package, the file as installed, its path in the corpus: <document>/<file>), sorted by document
DOCUMENTS = (
    ("chrony", DOC / "chrony/FAQ.gz", "chrony/FAQ.txt"),
    ("dnsmasq-base", DOC / "dnsmasq-base/setup.html", "dnsmasq/setup.html"),
    ("fail2ban", DOC / "fail2ban/README.md.gz", "fail2ban/README.md"),
    ("gnupg", DOC / "gnupg/README.gz", "gnupg/README.txt"),
    ("groff", DOC / "groff-base/examples/mom/mom-pdf.pdf.gz", "groff/mom-pdf.pdf"),
    ("htop", DOC / "htop/README.gz", "htop/README.md"),
    ("lynx-common", DOC / "lynx-common/lynx_help/lynx_url_support.html.gz", "lynx/lynx_url_support.html"),
    ("mutt", DOC / "mutt/html/mimesupport.html", "mutt/mimesupport.html"),
    ("ufw", DOC / "ufw/README.gz", "ufw/README.txt"),
    ("vim-runtime", Path("/usr/share/vim/vim90/doc/usr_05.txt"), "vim/usr_05.txt"),
)
MANAGED = tuple(target.split("/")[0] for _, _, target in DOCUMENTS)


def sources() -> list[Source]:
    """Every file of the corpus, one a document, in order."""
    return docs.installed(DOCUMENTS, INSTALL)


def build(out: Path) -> list[tuple[Source, int, bool]]:
    """Write the corpus into `out`; returns (source, size, changed) for each file, in order."""
    return docs.write(out, sources(), MANAGED)


def main(argv: list[str] | None = None) -> int:
    return docs.main(argv, build=build, default_out=DEFAULT_OUT, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
