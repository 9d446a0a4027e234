"""Turn a file's bytes into structure (qa.blocks) by its type: .txt, .md, .html, .pdf, .docx."""
from __future__ import annotations

import codecs
import re

from qa.blocks import (
    Block,
    EmptyDocument,
    Parsed,
    ReadError,
    Unreadable,
    UnsupportedType,
)
from qa.man_reader import is_man_page, read_man
from qa.text_reader import read_text

__all__ = ["SUPPORTED_SUFFIXES", "READER_VERSION", "Block", "Parsed", "ReadError", "UnsupportedType",
           "EmptyDocument", "Unreadable", "read_bytes", "decode", "suffix_of"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
READER_VERSION = 61  # bump when any reader's output changes: cached parses of older versions are read again


def suffix_of(name: str) -> str:
    """'Report.PDF' -> '.pdf'; '' when there is no extension."""
    ending = name.rsplit(".", 1)[-1] if "." in name else ""
    return "." + ending.lower() if ending else ""


# The opening bytes of binary formats sent under a text extension: (what it looks like, the extensions it may have).
MAGIC = ((b"%PDF-", ("a PDF", (".pdf",))),
         (b"PK\x03\x04", ("a Word document (or another zip archive)", (".docx",))))


def read_bytes(name: str, data: bytes) -> Parsed:
    """Parse by file-name suffix; raises UnsupportedType, EmptyDocument or Unreadable (all ReadError)."""
    suffix = suffix_of(name)
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedType(f"unsupported file type {suffix or '(none)'!r}: use one of "
                              f"{', '.join(SUPPORTED_SUFFIXES)}")
    if not data.strip():
        raise EmptyDocument("the file is empty")
    kind = next((k for magic, k in MAGIC if data.startswith(magic)), None)
    if kind is not None and suffix not in kind[1]:  # a PDF or Word file under another name reads as garbled text
        raise Unreadable(f"this looks like {kind[0]}, not a {suffix} file: give it the {kind[1][0]} extension")
    if suffix == ".pdf":
        from qa.pdf_reader import read_pdf

        parsed = read_pdf(data)
    elif suffix == ".docx":
        from qa.docx_reader import read_docx

        parsed = read_docx(data)
    elif suffix in (".html", ".htm"):
        from qa.html_reader import read_html

        parsed = read_html(normalise_newlines(decode(data)))  # as HTML's parsers do: "\r\n" kept in <pre> code
    elif suffix == ".md":
        from qa.markdown_reader import read_markdown

        parsed = read_markdown(normalise_newlines(decode(data)))
    else:
        text = normalise_newlines(decode(data))
        parsed = read_man(text) if is_man_page(text) else read_text(text)
    if not any(re.search(r"\w", b.text) for b in parsed.blocks):
        why = " (a scanned PDF or an image needs OCR first)" if suffix == ".pdf" else " (only a title or navigation)"
        raise EmptyDocument(f"no text could be extracted from the file{why}")
    return parsed


def normalise_newlines(text: str) -> str:
    """Windows' and old Macs' line ends as "\n": git's HTML manual pages end their lines with "\r\n", which their
    code blocks kept (485 passages of bench/docs held a "\r")."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a byte-order mark, told by where its zero bytes fall (ASCII letters are 'x\\0' or
    '\\0x'); None if the bytes don't look like UTF-16."""
    sample = data[:4096]
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    # measured on English and German text: 70-95% of one half of the bytes are zero, and none of the other
    if half < 2 or max(even, odd) < 0.6 * half or min(even, odd) > 0.02 * half:
        return None
    try:
        return data[:len(data) // 2 * 2].decode("utf-16-le" if odd > even else "utf-16-be")
    except UnicodeDecodeError:
        return None


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (with or without BOM), UTF-8 with a few Windows-1252 bytes (_mixed); else
    the encoding charset-normalizer can tell.

    Text that still holds NUL characters is binary and refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        text16 = _utf16_without_bom(data)
        if text16 is not None:
            text = text16
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = _mixed(data) or _detected(data)
    if "\0" in text:
        raise Unreadable("the file holds binary data (NUL characters), not text: save it as UTF-8 text")
    return text


def _mixed(data: bytes) -> str | None:
    """UTF-8 text with a few bytes of another encoding (a Windows-1252 "é" or "€" pasted into UTF-8), read as UTF-8
    with those bytes read as Windows-1252; None when the bytes are not mostly UTF-8 (at least as many characters
    beyond ASCII read well as bytes that do not). Read by one code page, such a file's every "é" became "Ã©". Stray
    bytes of another code page (Windows-1250, -1251) are read as Windows-1252 too."""
    valid = data.decode("utf-8-sig", errors="ignore")
    bad = len(data) - len(valid.encode("utf-8")) - (3 if data.startswith(codecs.BOM_UTF8) else 0)
    beyond_ascii = len(valid) - len(valid.encode("ascii", errors="ignore"))
    if not 0 < bad <= beyond_ascii:
        return None
    return data.decode("utf-8-sig", errors=WINDOWS_1252_BYTES)


def _as_windows_1252(error: UnicodeError) -> tuple[str, int]:
    """An error handler: bytes that are not UTF-8 read as Windows-1252 (its 5 unused bytes as U+FFFD)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end


WINDOWS_1252_BYTES = "qa-windows-1252"
codecs.register_error(WINDOWS_1252_BYTES, _as_windows_1252)


def _detected(data: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None:
        raise Unreadable("the text is not UTF-8 and its encoding could not be told: save it as UTF-8")
    # several code pages often read a short text equally well: prefer the most common one, Windows-1252
    tied = [m for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence]
    return str(next((m for m in tied if m.encoding in ("cp1252", "latin_1", "iso8859_15")), best))
