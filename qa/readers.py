"""Turn a file's bytes into plain text by its type: .txt, .md, .html (readable text only) and .pdf (per page)."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")


class ReadError(ValueError):
    """A file that can't become a document; `status` is the HTTP status that describes why."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Parsed:
    text: str                        # the document's text; passages point into it
    title: str | None = None         # a title the format carries (<title>, PDF metadata), if any
    pages: tuple[int, ...] = field(default_factory=tuple)  # PDF: offset where each page starts


def suffix_of(name: str) -> str:
    """'Report.PDF' -> '.pdf'; '' when there is no extension."""
    ending = name.rsplit(".", 1)[-1] if "." in name else ""
    return "." + ending.lower() if ending else ""


def read_bytes(name: str, data: bytes) -> Parsed:
    """Parse by file-name suffix; raises ReadError (415 unsupported, 422 empty/unreadable)."""
    suffix = suffix_of(name)
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(f"unsupported file type {suffix or '(none)'!r}: use one of "
                        f"{', '.join(SUPPORTED_SUFFIXES)}", status=415)
    if not data.strip():
        raise ReadError("the file is empty")
    if suffix == ".pdf":
        parsed = read_pdf(data)
    elif suffix in (".html", ".htm"):
        parsed = read_html(decode(data))
    else:
        parsed = Parsed(normalise_newlines(decode(data)))
    if not re.search(r"\w", parsed.text):
        raise ReadError("no text could be extracted from the file (a scanned PDF or an image needs OCR first)")
    return parsed


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM, or UTF-16 with BOM); else the encoding charset-normalizer can tell."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None:
        raise ReadError("the text is not UTF-8 and its encoding could not be told: save it as UTF-8")
    # several code pages often read a short text equally well: prefer the most common one, Windows-1252
    tied = [m for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence]
    return str(next((m for m in tied if m.encoding in ("cp1252", "latin_1", "iso8859_15")), best))


def read_html(markup: str) -> Parsed:
    """The readable text of a page: headings, paragraphs, list items; no navigation, scripts or forms."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
                     "svg", "button", "template", "head"]):
        tag.decompose()
    for tag in soup.select("[role=navigation], [aria-hidden=true], .nav, .navbar, .menu, .sidebar, .cookie, .ad"):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    blocks = []
    for tag in root.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "td", "dd"]):
        if tag.find(["p", "li", "blockquote", "pre", "td", "dd"]):
            continue  # a container: its inner blocks are taken on their own
        text = " ".join(tag.get_text(" ", strip=True).split())
        if text:
            blocks.append(text)
    heading = soup.find("h1")
    title = (heading.get_text(" ", strip=True) if heading else None) or title
    if title and blocks and blocks[0] == title:
        blocks = blocks[1:]
    return Parsed("\n\n".join(blocks), title=title)


def read_pdf(data: bytes) -> Parsed:
    """Text page by page; pages are separated by a blank line and their start offsets kept for citations."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ReadError("the PDF is encrypted: remove the password and upload it again")
        texts = [normalise_newlines(page.extract_text() or "").strip() for page in reader.pages]
        title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except ReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ReadError(f"the PDF could not be read ({exc})") from exc
    pages, parts, offset = [], [], 0
    for text in texts:
        pages.append(offset)
        parts.append(text)
        offset += len(text) + 2
    return Parsed("\n\n".join(parts), title=str(title) if title else None, pages=tuple(pages))
