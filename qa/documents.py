"""Read documents from disk into plain text with a title, dropping page boilerplate."""
from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from qa.readers import SUPPORTED_SUFFIXES, ReadError, read_bytes

# Whole lines that are web-page furniture, not content (matched case-insensitively, trailing colon allowed).
BOILERPLATE = re.compile(
    r"^\s*(you may also like|more from (the )?author|related (articles?|posts?|stories)|read more|"
    r"share this( article| story| post)?|advertisement|sponsored( content)?|subscribe( to our newsletter)?|"
    r"sign up for our newsletter|leave a (comment|reply)|recommended( for you)?|most popular|trending( now)?)"
    r"\s*:?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Document:
    id: str          # stable id derived from the file name
    title: str       # the headline
    text: str        # the full text; passages point into it by character offsets
    body_start: int  # where the body starts (after the headline)
    path: str        # source file, relative to the documents folder
    sha256: str      # content hash of the file's bytes
    pages: tuple[int, ...] = ()  # PDF: the offset where each page starts

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding `offset`, for paged documents."""
        return bisect.bisect_right(self.pages, offset) if self.pages else None

    def content_spans(self) -> list[tuple[int, int]]:
        """Character spans of the body's paragraphs: blank-line separated blocks, boilerplate dropped."""
        spans = []
        for match in re.finditer(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", self.text[self.body_start:]):
            start, end = match.start() + self.body_start, match.end() + self.body_start
            block = self.text[start:end].rstrip()
            if not BOILERPLATE.match(block):
                spans.append((start, start + len(block)))
        return spans


def document_id(relative_path: str) -> str:
    """A readable, URL-safe id from a file path: 'news/My Article.txt' -> 'news-my-article'."""
    stem = relative_path.rsplit(".", 1)[0]
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug or "document"


def parse_text(text: str, fallback_title: str) -> tuple[str, int]:
    """The headline (a Markdown heading or a short first line) and the offset where the body starts."""
    match = re.match(r"\s*(#{1,6}[ \t]+)?(.+?)[ \t]*(\n|$)", text)
    if match and (match.group(1) or (len(match.group(2)) <= 200 and "\n\n" in text[match.end(2):match.end(2) + 3])):
        return match.group(2).strip(), match.end()
    return fallback_title, 0


def read_document(path: Path, root: Path) -> Document:
    """Read one supported file (see qa.readers); raises qa.readers.ReadError if it can't be read."""
    return parse_document(path.relative_to(root).as_posix(), path.read_bytes())


def parse_document(relative: str, data: bytes) -> Document:
    """A document from a file's bytes; `relative` is its path in its folder (it gives the id and type).

    Raises qa.readers.ReadError if the type is unsupported or no body text can be extracted.
    """
    parsed = read_bytes(relative, data)
    stem = relative.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if parsed.title or parsed.pages:  # a title the format carries; a PDF's first line is no headline
        title, body_start = parsed.title or stem.replace("-", " ").replace("_", " "), 0
    else:
        title, body_start = parse_text(parsed.text, fallback_title=stem.replace("-", " ").replace("_", " "))
    doc = Document(
        id=document_id(relative),
        title=title,
        text=parsed.text,
        body_start=body_start,
        path=relative,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=parsed.pages,
    )
    if not doc.content_spans():
        raise ReadError(f"{relative!r} has a title but no text to search")
    return doc


def find_documents(folder: Path) -> list[Path]:
    """Supported files under `folder`, in a stable order; hidden files and folders are skipped."""
    if not folder.is_dir():
        raise FileNotFoundError(f"documents folder not found: {folder}")
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
