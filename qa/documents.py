"""Read documents from disk into plain text with a title, dropping page boilerplate."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md")

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
    """Read one .txt/.md file; bytes are decoded as UTF-8 (a BOM is dropped), line ends normalised to \\n."""
    data = path.read_bytes()
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    relative = path.relative_to(root).as_posix()
    title, body_start = parse_text(text, fallback_title=path.stem.replace("-", " ").replace("_", " "))
    return Document(
        id=document_id(relative),
        title=title,
        text=text,
        body_start=body_start,
        path=relative,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def find_documents(root: Path) -> list[Path]:
    """Supported files under the documents folder, in a stable order; hidden files are skipped."""
    if not root.is_dir():
        raise FileNotFoundError(f"documents folder not found: {root}")
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
