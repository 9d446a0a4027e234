"""Rebuild the Python documentation corpus of bench/pydocs/questions.jsonl from Debian doc packages, by a fixed rule.

    apt-get install -y python3.11-doc python-reportlab-doc
    python bench/pydocs/build_corpus.py [--out ~/.cache/qa-bench/pydocs/corpus]

(python3-doc, Debian 12's default Python documentation, is python3.11-doc.) The corpus (345 HTML pages and 1 PDF,
none of them written by this project), disjoint from bench/docs (PostgreSQL, git) and bench/docsfit (SQLite, Debian
Reference, Node.js) and from their PDFs:
- python/: pages of the Python 3.11.2 manual (/usr/share/doc/python3.11/html), under their own sub-folders:
  every page of library/ (286), tutorial/ (16), howto/ (19), faq/ (8), reference/ (10, the language reference)
  and using/ (6) except the chapter pages: a page that holds a table of contents (a Sphinx toctree,
  div.toctree-wrapper) and documents no module of its own (no id="module-...") is only a list of links to other
  pages (library/text.html "Text Processing Services", every folder's index.html). So library/functions.html,
  stdtypes.html, exceptions.html and the asyncio-*.html pages are in, and so are the pages of the modules 3.11
  deprecates (library/superseded.html's list). Left out: whatsnew/, c-api/, extending/, distutils/ and the
  top-level pages (genindex*, search, contents, glossary, license...). The pages' ../_static/ and ../_images/
  files are not copied: the text is all there is to read.
- pdf/: the ReportLab PDF library's user guide (python-reportlab-doc, 134 pages): a Python library's manual, to
  ask about besides the standard library's.

Writing follows bench/docs/build_corpus.py (byte-for-byte copies in sorted order, files the rule no longer picks
removed from the managed sub-folders, unchanged files left alone).
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

_spec = importlib.util.spec_from_file_location(
    "bench_docs_build_corpus", Path(__file__).resolve().parents[1] / "docs" / "build_corpus.py")
assert _spec is not None and _spec.loader is not None
docs = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = docs
_spec.loader.exec_module(docs)
MissingPackage = docs.MissingPackage
if TYPE_CHECKING:  # the same class, by the path mypy knows it by
    from bench.docs.build_corpus import Source
else:
    Source = docs.Source

DEFAULT_OUT = Path.home() / ".cache" / "qa-bench" / "pydocs" / "corpus"
PACKAGES = ("python3.11-doc", "python-reportlab-doc")
INSTALL = "apt-get install -y " + " ".join(PACKAGES)

PYTHON_HTML = Path("/usr/share/doc/python3.11/html")
FOLDERS = ("library", "tutorial", "howto", "faq", "reference", "using")
TOCTREE = re.compile(rb'class="toctree-wrapper')
MODULE = re.compile(rb'id="module-')
PDFS = (
    Source("python-reportlab-doc", Path("/usr/share/doc/python-reportlab-doc/reportlab-userguide.pdf"),
           "pdf/reportlab-userguide.pdf"),
)
MANAGED = ("python", "pdf")


def require(path: Path, package: str) -> Path:
    if not path.exists():
        raise MissingPackage(f"{path} is missing: the package {package} is not installed. Run as root:\n    {INSTALL}")
    return path


def is_chapter_page(markup: bytes) -> bool:
    """A page that is only a table of contents: a Sphinx toctree and no module of its own."""
    return bool(TOCTREE.search(markup)) and not MODULE.search(markup)


def python_sources() -> list[Source]:
    """The chosen pages of the Python manual, sorted by their path in the corpus."""
    require(PYTHON_HTML / "library" / "functions.html", "python3.11-doc")
    found = []
    for folder in FOLDERS:
        for page in sorted(require(PYTHON_HTML / folder, "python3.11-doc").glob("*.html")):
            if not is_chapter_page(page.read_bytes()):
                found.append(Source("python3.11-doc", page, f"python/{folder}/{page.name}"))
    return sorted(found, key=lambda s: s.target)


def sources() -> list[Source]:
    """Every file of the corpus, in order (python, pdf)."""
    for pdf in PDFS:
        require(pdf.path, pdf.package)
    return python_sources() + list(PDFS)


def build(out: Path) -> list[tuple[Source, int, bool]]:
    """Write the corpus into `out`; returns (source, size, changed) for each file, in order."""
    return docs.write(out, sources(), MANAGED)


def main(argv: list[str] | None = None) -> int:
    return int(docs.main(argv, build=build, default_out=DEFAULT_OUT, description=__doc__))


if __name__ == "__main__":
    sys.exit(main())
