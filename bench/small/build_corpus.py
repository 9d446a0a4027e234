"""Rebuild the corpora of the small-document sets from Debian packages, by a fixed rule: bench/small (held out) and
bench/smallfit (where choices are made; --set smallfit).

    apt-get install -y nano apt-doc sudo unattended-upgrades screen openssh-client needrestart debian-history
    python bench/small/build_corpus.py [--out ~/.cache/qa-bench/small/corpus]
    apt-get install -y chrony ufw dnsmasq-base lynx-common mutt vim-runtime fail2ban htop groff gnupg
    python bench/small/build_corpus.py --set smallfit [--out ~/.cache/qa-bench/smallfit/corpus]

Small, real, user-facing documents (none of them written by this project), one sub-folder each, because each is
indexed alone, as a user's single document (bench/small/evaluate.py). bench/small's eight:
- nano-faq/faq.html: the GNU nano editor FAQ (nano), HTML.
- apt-guide/guide.txt: the APT User's Guide in plain text (apt-doc, guide.text.gz decompressed).
- sudo-troubleshooting/TROUBLESHOOTING.md: sudo's troubleshooting tips and FAQ (sudo), Markdown.
- unattended-upgrades/README.md: unattended-upgrades' README with its options reference, Markdown.
- screen-faq/FAQ.txt: GNU screen's FAQ (screen), plain text.
- openssh-debian/README.Debian.txt: Debian's notes on OpenSSH (openssh-client), plain text.
- needrestart/README.md: needrestart's README (needrestart), Markdown.
- debian-history/project-history.en.pdf: "A Brief History of Debian" (debian-history), PDF.
bench/smallfit's ten:
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

The two sets share no package with each other, bench/docs, bench/docsfit or bench/pydocs. The .gz files are
decompressed, and plain-text files get a .txt suffix; otherwise the packages' own file names. Writing follows
bench/docs/build_corpus.py (byte-for-byte copies in sorted order, stale files removed, unchanged files left alone).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.docs import build_corpus as docs  # noqa: E402
from bench.docs.build_corpus import Source  # noqa: E402

DOC = Path("/usr/share/doc")
# per set: (package, the file as installed, its path in the corpus: <document>/<file>), sorted by document
SETS: dict[str, tuple[tuple[str, Path, str], ...]] = {
    "small": (
        ("apt-doc", DOC / "apt-doc" / "guide.text.gz", "apt-guide/guide.txt"),
        ("debian-history", DOC / "debian-history" / "docs" / "project-history.en.pdf",
         "debian-history/project-history.en.pdf"),
        ("nano", DOC / "nano" / "faq.html", "nano-faq/faq.html"),
        ("needrestart", DOC / "needrestart" / "README.md", "needrestart/README.md"),
        ("openssh-client", DOC / "openssh-client" / "README.Debian.gz", "openssh-debian/README.Debian.txt"),
        ("screen", DOC / "screen" / "FAQ.gz", "screen-faq/FAQ.txt"),
        ("sudo", DOC / "sudo" / "TROUBLESHOOTING.md.gz", "sudo-troubleshooting/TROUBLESHOOTING.md"),
        ("unattended-upgrades", DOC / "unattended-upgrades" / "README.md.gz", "unattended-upgrades/README.md"),
    ),
    "smallfit": (
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
    ),
}


def sources(name: str) -> list[Source]:
    """Every file of a set's corpus, one a document, in order."""
    packages = dict.fromkeys(package for package, _, _ in SETS[name])
    return docs.installed(SETS[name], "apt-get install -y " + " ".join(packages))


def build(name: str, out: Path) -> list[tuple[Source, int, bool]]:
    """Write a set's corpus into `out`; returns (source, size, changed) for each file, in order."""
    return docs.write(out, sources(name), tuple(target.split("/")[0] for _, _, target in SETS[name]))


def main(argv: list[str] | None = None) -> int:
    chooser = argparse.ArgumentParser(add_help=False)
    chooser.add_argument("--set", choices=tuple(SETS), default="small")
    chosen, rest = chooser.parse_known_args(argv)
    return docs.main(rest, build=lambda out: build(chosen.set, out),
                     default_out=Path.home() / ".cache" / "qa-bench" / chosen.set / "corpus", description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
