"""Rebuild the fit corpus of bench/docsfit/questions.jsonl from Debian doc packages, by a fixed rule.

    apt-get install -y sqlite3-doc debian-reference-en nodejs nettle-dev libtasn1-doc zlib1g-dev
    python bench/docsfit/build_corpus.py [--out ~/.cache/qa-bench/docsfit/corpus]

The corpus (71 HTML, 14 Markdown and 3 PDF files, none of them written by this project), disjoint from the held-out
bench/docs corpus (PostgreSQL, git, 3 other PDFs) so that models fitted here are scored there on unseen documents:
- sqlite/: 57 pages of SQLite's documentation (sqlite3-doc): the SQL language reference (lang_*.html), the
  pragma, limits, data types, JSON, WAL, locking, temporary files, FAQ and similar pages listed in SQLITE_PAGES.
- debian-reference/: the Debian Reference (debian-reference-en), its preface, 12 chapters and appendix.
- nodejs/: 14 modules of the Node.js API reference in Markdown (nodejs), listed in NODE_MODULES.
- pdf/: nettle's manual (nettle-dev), the libtasn1 manual (libtasn1-doc) and "A painless guide to CRC error
  detection algorithms" (zlib1g-dev), the .pdf.gz ones decompressed.

File names are the packages' own, so the document ids in questions.jsonl stay put. Writing follows
bench/docs/build_corpus.py (byte-for-byte copies, stale files removed, unchanged files left alone).
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "bench_docs_build_corpus", Path(__file__).resolve().parents[1] / "docs" / "build_corpus.py")
assert _spec is not None and _spec.loader is not None
docs = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = docs
_spec.loader.exec_module(docs)
Source, MissingPackage = docs.Source, docs.MissingPackage

DEFAULT_OUT = Path.home() / ".cache" / "qa-bench" / "docsfit" / "corpus"
PACKAGES = ("sqlite3-doc", "debian-reference-en", "nodejs", "nettle-dev", "libtasn1-doc", "zlib1g-dev")
INSTALL = "apt-get install -y " + " ".join(PACKAGES)

SQLITE_HTML = Path("/usr/share/doc/sqlite3")
# the SQL language reference and the pages on storage, limits and behaviour a user asks about
SQLITE_PAGES = (
    "autoinc", "backup", "cli", "datatype3", "expridx", "faq", "foreignkeys", "gencol", "inmemorydb", "isolation",
    "json1", "lang", "lang_aggfunc", "lang_altertable", "lang_analyze", "lang_attach", "lang_comment",
    "lang_conflict", "lang_corefunc", "lang_createindex", "lang_createtable", "lang_createtrigger",
    "lang_createview", "lang_createvtab", "lang_datefunc", "lang_delete", "lang_detach", "lang_dropindex",
    "lang_droptable", "lang_droptrigger", "lang_dropview", "lang_explain", "lang_expr", "lang_indexedby",
    "lang_insert", "lang_keywords", "lang_reindex", "lang_replace", "lang_returning", "lang_savepoint",
    "lang_select", "lang_transaction", "lang_update", "lang_upsert", "lang_vacuum", "lang_with", "limits",
    "lockingv3", "partialindex", "pragma", "quirks", "rowidtable", "stricttables", "tempfiles", "wal", "whentouse",
    "withoutrowid",
)
DEBIAN_REFERENCE = Path("/usr/share/debian-reference")   # /usr/share/doc/debian-reference-en/docs links here
NODE_API = Path("/usr/share/doc/nodejs/api")
NODE_MODULES = ("child_process", "cluster", "console", "dns", "events", "os", "path", "querystring", "readline",
                "timers", "tty", "url", "worker_threads", "zlib")
PDFS = (
    Source("nettle-dev", Path("/usr/share/doc/nettle-dev/nettle.pdf.gz"), "pdf/nettle.pdf"),
    Source("libtasn1-doc", Path("/usr/share/doc/libtasn1-doc/libtasn1.pdf"), "pdf/libtasn1.pdf"),
    Source("zlib1g-dev", Path("/usr/share/doc/zlib1g-dev/crc-doc.1.0.pdf.gz"), "pdf/crc-doc.pdf"),
)
MANAGED = ("sqlite", "debian-reference", "nodejs", "pdf")


def require(path: Path, package: str) -> Path:
    if not path.exists():
        raise MissingPackage(f"{path} is missing: the package {package} is not installed. Run as root:\n    {INSTALL}")
    return path


def sources() -> list[Source]:
    """Every file of the corpus, in order (sqlite, debian-reference, nodejs, pdf)."""
    chapters = sorted(p.name for p in require(DEBIAN_REFERENCE, "debian-reference-en").glob("*.en.html")
                      if p.name != "index.en.html")  # the index is a table of contents only
    found = (
        [Source("sqlite3-doc", SQLITE_HTML / f"{p}.html", f"sqlite/{p}.html") for p in sorted(SQLITE_PAGES)]
        + [Source("debian-reference-en", DEBIAN_REFERENCE / c, f"debian-reference/{c}") for c in chapters]
        + [Source("nodejs", NODE_API / f"{m}.md", f"nodejs/{m}.md") for m in sorted(NODE_MODULES)]
        + list(PDFS)
    )
    for source in found:
        require(source.path, source.package)
    return found


def build(out: Path) -> list[tuple[Source, int, bool]]:
    """Write the corpus into `out`; returns (source, size, changed) for each file, in order."""
    return docs.write(out, sources(), MANAGED)


def main(argv: list[str] | None = None) -> int:
    return docs.main(argv, build=build, default_out=DEFAULT_OUT, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
