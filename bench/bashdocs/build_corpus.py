"""Rebuild the corpus of bench/bashdocs/questions.jsonl from Debian's bash-doc package, by a fixed list of files.

    apt-get install -y bash-doc
    python bench/bashdocs/build_corpus.py [--out ~/.cache/qa-bench/bashdocs/corpus]

The corpus (4 files, none of them written by this project) is the folder a bash user would add: GNU Bash's
documentation as bash-doc installs it in /usr/share/doc/bash/, the same text in two formats each:
- bash/bashref.html and bash/bashref.pdf: the Bash Reference Manual (Texinfo output, one HTML page);
- bash/bash.html and bash/bash.pdf: the bash(1) manual page (man2html and groff output).

Writing follows bench/docs/build_corpus.py (byte-for-byte copies in sorted order, stale files removed, unchanged
files left alone).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.docs import build_corpus as docs  # noqa: E402
from bench.docs.build_corpus import Source  # noqa: E402

BASH = Path("/usr/share/doc/bash")
# (package, the file as installed, its path in the corpus), sorted by target
FILES: tuple[tuple[str, Path, str], ...] = (
    ("bash-doc", BASH / "bash.html", "bash/bash.html"),
    ("bash-doc", BASH / "bash.pdf", "bash/bash.pdf"),
    ("bash-doc", BASH / "bashref.html", "bash/bashref.html"),
    ("bash-doc", BASH / "bashref.pdf", "bash/bashref.pdf"),
)
MANAGED = ("bash",)
DEFAULT_OUT = Path.home() / ".cache" / "qa-bench" / "bashdocs" / "corpus"


def sources() -> list[Source]:
    """Every file of the corpus, in order; MissingPackage (with the apt-get line) if a package is not installed."""
    packages = dict.fromkeys(package for package, _, _ in FILES)
    return docs.installed(FILES, "apt-get install -y " + " ".join(packages))


def build(out: Path) -> list[tuple[Source, int, bool]]:
    """Write the corpus into `out`; returns (source, size, changed) for each file, in order."""
    return docs.write(out, sources(), MANAGED)


def main(argv: list[str] | None = None) -> int:
    return docs.main(argv, build=build, default_out=DEFAULT_OUT, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
