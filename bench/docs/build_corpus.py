"""Rebuild the documentation corpus of bench/docs/questions.jsonl from Debian doc packages, by a fixed rule.

    apt-get install -y postgresql-doc-15 git-doc shared-mime-info bzip2-doc fontconfig
    python bench/docs/build_corpus.py [--out ~/.cache/qa-bench/docs/corpus]

The corpus (about 400 HTML pages and 3 PDFs, none of them written by this project):
- postgresql/: the PostgreSQL 15 manual's Tutorial (Part I), chapters 5 Data Definition, 7 Queries, 6 Data
  Manipulation, 8 Data Types, 11 Indexes, 13 Concurrency Control, and the SQL Commands and Client Applications
  references: each part/chapter page and every page its own table of contents links to.
- git/: git's manual pages that git's own command lists (cmds-*.txt in git-doc) file under main porcelain,
  ancillary commands, guides and user interfaces, plus git(1) itself.
- pdf/: three real PDF manuals/specifications: the shared MIME-info database specification (freedesktop.org),
  the bzip2 and libbzip2 manual, and the fontconfig user's manual (the .pdf.gz ones decompressed).

Same packages, same corpus: files are copied byte for byte in sorted order; files the rule no longer picks are
removed from the managed sub-folders, and files whose bytes are unchanged are left alone (so an index over the
folder stays valid).
"""
from __future__ import annotations

import argparse
import gzip
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("bench.docs.build_corpus")

DEFAULT_OUT = Path.home() / ".cache" / "qa-bench" / "docs" / "corpus"
PACKAGES = ("postgresql-doc-15", "git-doc", "shared-mime-info", "bzip2-doc", "fontconfig")
INSTALL = "apt-get install -y " + " ".join(PACKAGES)

POSTGRES_HTML = Path("/usr/share/doc/postgresql-doc-15/html")
# part/chapter/reference pages: each is taken with every page its table of contents (div.toc) links to
POSTGRES_TOCS = ("tutorial.html", "ddl.html", "dml.html", "queries.html", "datatype.html", "indexes.html",
                 "mvcc.html", "sql-commands.html", "reference-client.html")

GIT_DOC = Path("/usr/share/doc/git-doc")
# git's own classification of its manual pages (the lists `git help -a` is built from)
GIT_LISTS = ("cmds-mainporcelain.txt", "cmds-ancillarymanipulators.txt", "cmds-ancillaryinterrogators.txt",
             "cmds-guide.txt", "cmds-userinterfaces.txt")
GIT_EXTRA = ("git",)


@dataclass(frozen=True)
class Source:
    package: str
    path: Path      # the file as the package installs it
    target: str     # its path inside the corpus folder


PDFS = (
    Source("shared-mime-info", Path("/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf"),
           "pdf/shared-mime-info-spec.pdf"),
    Source("bzip2-doc", Path("/usr/share/doc/bzip2/manual.pdf.gz"), "pdf/bzip2-manual.pdf"),
    Source("fontconfig", Path("/usr/share/doc/fontconfig/fontconfig-user.pdf.gz"), "pdf/fontconfig-user.pdf"),
)
MANAGED = ("postgresql", "git", "pdf")


class MissingPackage(RuntimeError):
    """A doc package the corpus needs is not installed."""


def require(path: Path, package: str) -> Path:
    if not path.exists():
        raise MissingPackage(f"{path} is missing: the package {package} is not installed. Run as root:\n    {INSTALL}")
    return path


def installed(documents: tuple[tuple[str, Path, str], ...], install: str) -> list[Source]:
    """The sources of (package, the file as installed, its path in the corpus) triples; MissingPackage, saying the
    command `install`, when a package's file is not there."""
    for package, path, _ in documents:
        if not path.exists():
            raise MissingPackage(f"{path} is missing: the package {package} is not installed. Run as root:\n"
                                 f"    {install}")
    return [Source(package, path, target) for package, path, target in documents]


def postgres_sources() -> list[Source]:
    """The chosen parts of the PostgreSQL manual, by their own tables of contents."""
    from bs4 import BeautifulSoup

    pages: list[str] = []
    for toc_page in POSTGRES_TOCS:
        soup = BeautifulSoup(require(POSTGRES_HTML / toc_page, "postgresql-doc-15").read_text(encoding="utf-8"),
                             "html.parser")
        toc = soup.find("div", class_="toc")
        if toc is None:
            raise RuntimeError(f"{POSTGRES_HTML / toc_page} has no table of contents (div.toc): a changed manual?")
        links = [str(a["href"]).split("#")[0] for a in toc.find_all("a", href=True)]
        for page in [toc_page, *links]:
            if page and page not in pages:
                pages.append(page)
    return [Source("postgresql-doc-15", require(POSTGRES_HTML / p, "postgresql-doc-15"), f"postgresql/{p}")
            for p in sorted(pages)]


def git_sources() -> list[Source]:
    """git's manual pages in the chosen command lists."""
    names = set(GIT_EXTRA)
    for listing in GIT_LISTS:
        text = require(GIT_DOC / listing, "git-doc").read_text(encoding="utf-8")
        names.update(re.findall(r"^linkgit:([\w.-]+)\[", text, flags=re.MULTILINE))
    found = [n for n in sorted(names) if (GIT_DOC / f"{n}.html").exists()]
    if not found:
        require(GIT_DOC / "git.html", "git-doc")
    return [Source("git-doc", GIT_DOC / f"{n}.html", f"git/{n}.html") for n in found]


def content(source: Source) -> bytes:
    data = require(source.path, source.package).read_bytes()
    return gzip.decompress(data) if source.path.suffix == ".gz" else data


def build(out: Path) -> list[tuple[Source, int, bool]]:
    """Write the corpus into `out`; returns (source, size, changed) for each file, in order."""
    for pdf in PDFS:
        require(pdf.path, pdf.package)
    return write(out, postgres_sources() + git_sources() + list(PDFS), MANAGED)


def write(out: Path, sources: list[Source], managed: tuple[str, ...]) -> list[tuple[Source, int, bool]]:
    """Copy `sources` into `out`, removing files of the `managed` sub-folders no source targets."""
    wanted = {s.target for s in sources}
    for folder in managed:
        for stale in sorted((out / folder).rglob("*")) if (out / folder).is_dir() else []:
            if stale.is_file() and stale.relative_to(out).as_posix() not in wanted:
                stale.unlink()
                log.info("removed %s (no longer picked)", stale)
    written = []
    for source in sources:
        data = content(source)
        target = out / source.target
        changed = not target.exists() or target.read_bytes() != data
        if changed:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.tmp")
            temporary.write_bytes(data)
            temporary.replace(target)
        written.append((source, len(data), changed))
    return written


def main(argv: list[str] | None = None, build: Callable[[Path], list[tuple[Source, int, bool]]] = build,
         default_out: Path = DEFAULT_OUT, description: str | None = __doc__) -> int:
    parser = argparse.ArgumentParser(description=(description or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=default_out, help=f"corpus folder (default {default_out})")
    parser.add_argument("--quiet", action="store_true", help="print the totals only, not every file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        written = build(args.out.expanduser())
    except MissingPackage as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for source, size, changed in written:
        if not args.quiet:
            print(f"{'copied' if changed else 'same  '} {size:>9,} B  {source.target}  <- {source.path}")
    by_folder: dict[str, int] = {}
    for source, _, _ in written:
        folder = source.target.split("/")[0]
        by_folder[folder] = by_folder.get(folder, 0) + 1
    total = sum(size for _, size, _ in written)
    print(f"{len(written)} files ({', '.join(f'{n} {k}' for k, n in by_folder.items())}), {total / 1e6:.1f} MB, "
          f"{sum(c for _, _, c in written)} copied, in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
