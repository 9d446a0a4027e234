"""Rebuild the held-out corpus of bench/small/questions.jsonl from Debian packages, by a fixed rule.

    apt-get install -y nano apt-doc sudo unattended-upgrades screen openssh-client needrestart debian-history
    python bench/small/build_corpus.py [--out ~/.cache/qa-bench/small/corpus]

Eight small, real, user-facing documents (none of them written by this project), one sub-folder each, because each
is indexed alone, as a user's single document (bench/small/evaluate.py):
- nano-faq/faq.html: the GNU nano editor FAQ (nano), HTML.
- apt-guide/guide.txt: the APT User's Guide in plain text (apt-doc, guide.text.gz decompressed).
- sudo-troubleshooting/TROUBLESHOOTING.md: sudo's troubleshooting tips and FAQ (sudo), Markdown.
- unattended-upgrades/README.md: unattended-upgrades' README with its options reference, Markdown.
- screen-faq/FAQ.txt: GNU screen's FAQ (screen), plain text.
- openssh-debian/README.Debian.txt: Debian's notes on OpenSSH (openssh-client), plain text.
- needrestart/README.md: needrestart's README (needrestart), Markdown.
- debian-history/project-history.en.pdf: "A Brief History of Debian" (debian-history), PDF.

Disjoint from the packages of bench/docs, bench/docsfit and the fit set bench/smallfit. The .gz files are
decompressed, and plain-text files get a .txt suffix; otherwise the packages' own file names. Writing follows
bench/docs/build_corpus.py (byte-for-byte copies in sorted order, stale files removed, unchanged files left alone).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.docs import build_corpus as docs  # noqa: E402
from bench.docs.build_corpus import Source  # noqa: E402

DEFAULT_OUT = Path.home() / ".cache" / "qa-bench" / "small" / "corpus"
PACKAGES = ("nano", "apt-doc", "sudo", "unattended-upgrades", "screen", "openssh-client", "needrestart",
            "debian-history")
INSTALL = "apt-get install -y " + " ".join(PACKAGES)

DOC = Path("/usr/share/doc")
# (package, the file as installed, its path in the corpus: <document>/<file>), sorted by document
DOCUMENTS = (
    ("apt-doc", DOC / "apt-doc" / "guide.text.gz", "apt-guide/guide.txt"),
    ("debian-history", DOC / "debian-history" / "docs" / "project-history.en.pdf",
     "debian-history/project-history.en.pdf"),
    ("nano", DOC / "nano" / "faq.html", "nano-faq/faq.html"),
    ("needrestart", DOC / "needrestart" / "README.md", "needrestart/README.md"),
    ("openssh-client", DOC / "openssh-client" / "README.Debian.gz", "openssh-debian/README.Debian.txt"),
    ("screen", DOC / "screen" / "FAQ.gz", "screen-faq/FAQ.txt"),
    ("sudo", DOC / "sudo" / "TROUBLESHOOTING.md.gz", "sudo-troubleshooting/TROUBLESHOOTING.md"),
    ("unattended-upgrades", DOC / "unattended-upgrades" / "README.md.gz", "unattended-upgrades/README.md"),
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
