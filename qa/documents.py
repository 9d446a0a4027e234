"""Read documents from disk into their blocks and text (the blocks joined), with a title, boilerplate dropped."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii

from qa.blocks import STICKY
from qa.readers import SUPPORTED_SUFFIXES, Block, EmptyDocument, read_bytes

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
    text: str        # the blocks joined by blank lines; passages point into it by character offsets
    path: str        # source file, relative to the documents folder
    sha256: str      # content hash of the file's bytes
    blocks: tuple[Block, ...] = ()             # the title first, then the body in reading order
    spans: tuple[tuple[int, int], ...] = ()    # each block's (start, end) in `text`
    page_labels: tuple[str, ...] = ()          # PDF: each page's printed number, if not 1, 2, 3... (Parsed)

    def block_text(self, number: int) -> str:
        """The text of block `number` (1-based: block 1 is the title), as cited as "paragraph N"."""
        start, end = self.spans[number - 1]
        return self.text[start:end]

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "path": self.path, "sha256": self.sha256,
                "blocks": [[b.kind, b.text, b.level, list(b.path), b.page] for b in self.blocks],
                "page_labels": list(self.page_labels)}

    @classmethod
    def from_json(cls, data: dict) -> Document:
        blocks = tuple(Block(kind, text, level, tuple(path), page) for kind, text, level, path, page in data["blocks"])
        return assemble(data["id"], data["title"], data["path"], data["sha256"], blocks,
                        tuple(data.get("page_labels", ())))


def assemble(doc_id: str, title: str, path: str, sha256: str, blocks: tuple[Block, ...],
             page_labels: tuple[str, ...] = ()) -> Document:
    """A document whose text is its blocks joined by blank lines, each block's span kept."""
    spans, offset = [], 0
    for block in blocks:
        spans.append((offset, offset + len(block.text)))
        offset += len(block.text) + 2
    return Document(doc_id, title, "\n\n".join(b.text for b in blocks), path, sha256, blocks, tuple(spans),
                    page_labels)


# An id is at most this long (a clash adds "-2", ...; qa.schema allows ids of 300 characters): a file deep in
# folders with long names gave a 355-character id that /api/ask could not be restricted to.
MAX_ID_SLUG = 200
# A title is shown in every citation and document list: a document's own headline (a 500,000-character first line)
# is cut to this, at a word where it can be, with "…".
MAX_TITLE_CHARS = 300


def ascii_letters(text: str) -> str:
    """`text` spelled in lower-case ASCII (anyascii's transliteration): "Äpfel" -> "apfel", "Straße" -> "strasse",
    "Отчёт" -> "otchet", "Αθήνα" -> "athina", "猫の本" -> "maonoben"."""
    return anyascii(text).lower()


def document_id(relative_path: str) -> str:
    """A readable, URL-safe id from a file path: 'news/My Article.txt' -> 'news-my-article', 'Äpfel.txt' -> 'apfel',
    'Отчёт.pdf' -> 'otchet', '€ 2024.txt' -> 'eur-2024' (a name anyascii spells as nothing, '★.txt', -> 'document')."""
    stem = relative_path.rsplit(".", 1)[0]
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_letters(stem)).strip("-")
    return slug[-MAX_ID_SLUG:].strip("-") or "document"  # the end of a long path: its file's own name


def bounded_title(title: str) -> str:
    """The title on one line, at most MAX_TITLE_CHARS characters."""
    title = " ".join(title.split())
    if len(title) <= MAX_TITLE_CHARS:
        return title
    cut = title[:MAX_TITLE_CHARS - 1]
    word = cut.rsplit(" ", 1)[0] if " " in cut[MAX_TITLE_CHARS // 2:] else cut
    return word.rstrip() + "…"


def read_document(path: Path, root: Path) -> Document:
    """Read one supported file (see qa.readers); raises qa.readers.ReadError if it can't be read."""
    return parse_document(path.relative_to(root).as_posix(), path.read_bytes())


def parse_document(relative: str, data: bytes) -> Document:
    """A document from a file's bytes; `relative` is its path in its folder (it gives the id and type).

    Raises qa.readers.ReadError if the type is unsupported or no body text can be extracted.
    """
    parsed = read_bytes(relative, data)
    stem = relative.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    title = bounded_title(parsed.title or stem.replace("-", " ").replace("_", " "))
    body = tuple(b for b in parsed.blocks if not BOILERPLATE.match(b.text))
    if not body:
        raise EmptyDocument(f"{relative!r} has a title but no text to search")
    # headings, labels and terms travel with what follows them (qa.passages): alone they make no passage, and the
    # document would be listed with nothing to search
    if all(b.kind in STICKY for b in body if re.search(r"\w", b.text)):
        raise EmptyDocument(f"{relative!r} has only headings or terms, with no text under them to search")
    first_page = body[0].page if parsed.paged else None
    return assemble(document_id(relative), title, relative, hashlib.sha256(data).hexdigest(),
                    (Block("title", title, 0, (), first_page), *body), parsed.page_labels)


def find_documents(folder: Path) -> list[Path]:
    """Supported files under `folder`, in a stable order; hidden files and folders are skipped."""
    if not folder.is_dir():
        raise FileNotFoundError(f"documents folder not found: {folder}")
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
