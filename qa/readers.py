"""Turn a file's bytes into structure (qa.blocks) by its type: .txt, .md, .html, .pdf, .docx."""
from __future__ import annotations

import bisect
import codecs
import re
from typing import TYPE_CHECKING

from qa.blocks import (
    Block,
    EmptyDocument,
    Parsed,
    ReadError,
    Unreadable,
    UnsupportedType,
    label_kind,
)

if TYPE_CHECKING:
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore

__all__ = ["SUPPORTED_SUFFIXES", "READER_VERSION", "Block", "Parsed", "ReadError", "UnsupportedType",
           "EmptyDocument", "Unreadable", "read_bytes", "decode", "suffix_of"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
READER_VERSION = 19  # bump when any reader's output changes: cached parses of older versions are read again


def suffix_of(name: str) -> str:
    """'Report.PDF' -> '.pdf'; '' when there is no extension."""
    ending = name.rsplit(".", 1)[-1] if "." in name else ""
    return "." + ending.lower() if ending else ""


def read_bytes(name: str, data: bytes) -> Parsed:
    """Parse by file-name suffix; raises UnsupportedType, EmptyDocument or Unreadable (all ReadError)."""
    suffix = suffix_of(name)
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedType(f"unsupported file type {suffix or '(none)'!r}: use one of "
                              f"{', '.join(SUPPORTED_SUFFIXES)}")
    if not data.strip():
        raise EmptyDocument("the file is empty")
    if suffix == ".pdf":
        from qa.pdf_reader import read_pdf

        parsed = read_pdf(data)
    elif suffix == ".docx":
        from qa.docx_reader import read_docx

        parsed = read_docx(data)
    elif suffix in (".html", ".htm"):
        from qa.html_reader import read_html

        parsed = read_html(decode(data))
    elif suffix == ".md":
        parsed = read_markdown(decode(data))
    else:
        parsed = read_text(decode(data))
    if not any(re.search(r"\w", b.text) for b in parsed.blocks):
        why = " (a scanned PDF or an image needs OCR first)" if suffix == ".pdf" else " (only a title or navigation)"
        raise EmptyDocument(f"no text could be extracted from the file{why}")
    return parsed


def normalise_newlines(text: str) -> str:
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


def read_text(text: str) -> Parsed:
    """Plain text: the headline (a '#' heading or a short first line followed by a blank line) is the title;
    blank-line separated blocks are paragraphs, kept verbatim."""
    text = normalise_newlines(text)
    title = None
    # the first line whole, trailing blanks stripped after: a lazy match backtracked over every blank of a long line
    match = re.match(r"\s*(#{1,6}[ \t]+)?([^\n]+)(\n|$)", text)
    headline = match.group(2).rstrip(" \t") if match else ""
    if match and headline and (match.group(1) or (len(headline) <= 200
                                                  and "\n\n" in text[match.end(2):match.end(2) + 3])):
        title, text = headline.strip(), text[match.end():]
    blocks = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        chunk = chunk.strip("\n").rstrip()
        if chunk.strip():
            chunk = chunk if chunk[:1].isspace() and "\n" in chunk else chunk.strip()
            blocks.append(Block(label_kind(chunk) or "paragraph", chunk))
    return Parsed(tuple(blocks), title)


# CommonMark's fences: a run of at least three backticks (no backtick after it on the line) or tildes, indented up
# to three spaces; closed by a run of the same character at least as long with nothing after it, or by the end
FENCE = re.compile(r"[ \t]{0,3}(`{3,}(?!.*`)|~{3,})")
FENCE_END = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})[ \t]*")


def _without_comments(text: str) -> str:
    """Markdown without its HTML comments (`<!-- YAML added: v1.2 -->`, hidden from every viewer), except those
    inside fenced code, which is shown verbatim.

    In one pass over the lines. A regex found each fence's end by reading on from every line that opens one, and
    a comment's end from every '<!--': a file of four-backtick fences (which it did not close) or of unclosed
    '<!--' took quadratic time (8,000 four-backtick blocks, 720 kB: 19 s), and comments in those fences went."""
    out: list[str] = []
    prose = position = 0   # prose: where the text outside fences resumes; position: the start of the line
    fence = ""             # the open fence's run of marks
    for line in text.split("\n"):
        if fence:
            closing = FENCE_END.fullmatch(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = ""
                out.append(text[prose:position + len(line)])
                prose = position + len(line)
        elif opening := FENCE.match(line):
            fence = opening.group(1)
            out.append(_drop_comments(text[prose:position]))
            prose = position
        position += len(line) + 1
    return "".join(out) + (text[prose:] if fence else _drop_comments(text[prose:]))


def _drop_comments(text: str) -> str:
    """Without <!-- ... --> (each up to the first '-->' after it); an unclosed one and what follows are kept, and so
    is a '<!--' inside an inline code span ("Write `<!--` to open a comment", "``<!--``"), which is code shown as
    written. Code spans as CommonMark pairs them, within a line: a run of backticks up to the next run of the same
    length; a run that no such run closes (a lone "`", "`make'") is a literal backtick. Each line holding a '<!--'
    is read once."""
    kept, position, search = [], 0, 0
    line_end, spans = -1, []  # where the line being read ends; its code spans
    while (start := text.find("<!--", search)) >= 0:
        if start > line_end:  # another line: its start is after the last place looked at
            start_of_line = text.rfind("\n", max(line_end, 0), start) + 1
            line_end = text.find("\n", start)
            line_end = len(text) if line_end < 0 else line_end
            spans = _code_spans(text, start_of_line, line_end)
        inside = bisect.bisect_right(spans, (start, len(text))) - 1
        if inside >= 0 and spans[inside][0] < start < spans[inside][1]:
            search = start + 4
            continue
        end = text.find("-->", start + 4)
        if end < 0:
            break
        kept.append(text[position:start])
        position = search = end + 3
    return "".join(kept) + text[position:]


BACKTICKS = re.compile(r"(?<!\\)`+")


def _code_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The inline code spans of text[start:end] (one line), as (opening, closing) offsets, in order."""
    runs = [(m.start(), m.end()) for m in BACKTICKS.finditer(text, start, end)]
    by_length: dict[int, list[int]] = {}
    for i, (s, e) in enumerate(runs):
        by_length.setdefault(e - s, []).append(i)
    spans, i = [], 0
    while i < len(runs):
        length = runs[i][1] - runs[i][0]
        same = by_length[length]
        after = bisect.bisect_right(same, i)
        if after < len(same):
            closing = same[after]
            spans.append((runs[i][0], runs[closing][1]))
            i = closing + 1
        else:
            i += 1
    return spans


def read_markdown(text: str) -> Parsed:
    """Markdown rendered by markdown-it-py (CommonMark and tables), then read as HTML: headings, fenced code,
    lists and tables become blocks, and no '#' or '```' reaches a citation."""
    from markdown_it import MarkdownIt

    from qa.html_reader import read_html

    # raw HTML in Markdown is shown as text ("# Orchard <notes>"), as a Markdown viewer without HTML would
    text = _without_comments(normalise_newlines(text))
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": BLOCK_NESTING}).enable("table")
    md.block.ruler.before("table", "too_deep", _too_deep)
    md.core.ruler.after("block", "inline_nesting", _inline_nesting)
    html = md.render(text)
    return read_html(f"<html><body>{html}</body></html>")


# markdown-it stops at its nesting limit (20 in CommonMark's preset: a list 10 levels deep) and drops everything
# after it, to the end of the document; blocks may nest up to this (a list 48 levels deep, a quote 97), and a
# document nested deeper is refused rather than read in part. Inline nesting ([[[[x]]) keeps CommonMark's 20:
# at 100, 100 kB of "[a" took 4.3 s instead of 0.6 s.
BLOCK_NESTING = 100
INLINE_NESTING = 20


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A block rule tried before the others on every line: a line this deep would be the limit's (lists open two
    levels at once, so two under it), and markdown-it would drop it and the rest of the document."""
    if state.level >= BLOCK_NESTING - 2:
        raise Unreadable("the Markdown nests lists or quotes too deeply to read (lists over 48 levels, quotes over 97)")
    return False


def _inline_nesting(state: StateCore) -> None:
    state.md.options["maxNesting"] = INLINE_NESTING
