"""Read a PDF into blocks with pdfminer.six: paragraphs from its layout analysis, headings by font size,
running headers/footers and page numbers dropped, words hyphenated at line ends joined.

Why pdfminer.six (measured on libtasn1.pdf, 36 pages, and shared-mime-info-spec.pdf, 17 pages, from Debian):
pypdfium2 extracts text fastest (2-3 ms a page) and pypdf in 11-25 ms a page, but both return a page as lines
only; pdfminer.six (31-35 ms a page) returns text boxes with positions and every character's font and size,
which is what paragraphs, headings, titles and running headers are told from. 100 pages cost ~3 s, once
(parsed documents are cached by content hash).
"""
from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, replace

from qa.blocks import Block, Builder, Parsed, Unreadable, clean_inline

LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "\u00ad": "", "\ufffe": ""})
PAGE_NUMBER = re.compile(r"^(page\s+)?(\d+|[ivxlcdm]+)(\s*(/|of)\s*\d+)?$", re.IGNORECASE)
BULLET = re.compile(r"^[•◦▪‣∙·\-–*]\s+")
CONTENTS = re.compile(r"^(table of )?contents$", re.IGNORECASE)
LEADERS = re.compile(r"(\.\s?){4,}\s*\S*\s*$")  # "Introduction . . . . . 1": a contents or index line
MARGIN = 0.09          # the top and bottom 9% of a page hold running headers, footers and page numbers
HEADING_RATIO = 1.15   # a line this much larger than the body text is a heading
JUNK_TITLES = re.compile(r"^(untitled|microsoft word - .*|.*\.(docx?|pdf|tex|dvi))$", re.IGNORECASE)


@dataclass(frozen=True)
class _Line:
    text: str
    size: float      # the most common character size
    mono: bool       # set in a monospaced font (code)
    x0: float
    x1: float


@dataclass(frozen=True)
class _Box:
    page: int
    lines: tuple[_Line, ...]
    top: float       # distance from the top of the page, 0..1
    bottom: float
    height: float    # the page's height in points

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


def read_pdf(data: bytes) -> Parsed:
    from pdfminer.high_level import extract_pages
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException

    try:
        pages = list(extract_pages(io.BytesIO(data)))
        title = _metadata_title(data)
    except (PDFEncryptionError, PDFPasswordIncorrect) as exc:
        raise Unreadable("the PDF is encrypted: remove the password and upload it again") from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError, OSError,
            AssertionError, IndexError, RecursionError) as exc:
        raise Unreadable(f"the PDF could not be read ({type(exc).__name__}: {exc})") from exc
    boxes = [box for number, page in enumerate(pages, 1) for box in _boxes(page, number)]
    if not title:  # the first page's largest line, before running headers go (the title is often one of them)
        first = [line for box in boxes if box.page == 1 for line in box.lines if len(line.text.strip()) > 2]
        title = max(first, key=lambda line: line.size).text.strip() if first else None
    boxes = _rejoined(_drop_running(boxes, len(pages)))
    sizes = [line.size for box in boxes for line in box.lines for _ in range(len(line.text))]
    body = statistics.median(sizes) if sizes else 0.0
    heading_sizes = sorted({round(line.size, 1) for box in boxes for line in box.lines
                            if line.size > body * HEADING_RATIO}, reverse=True)
    builder = Builder()
    bullet = False
    for box in boxes:
        if BULLET.match(box.text + " ") and len(box.text.strip()) == 1:
            bullet = True  # a bullet set apart from its text: the next box is a list item
            continue
        if bullet:
            builder.add("item", _joined(box.lines), page=box.page)
            bullet = False
            continue
        _add_box(builder, box, body, heading_sizes, title)
    builder.blocks = _continued(_without_contents(builder.blocks))
    return builder.parsed(clean_inline(title) if title else None, paged=True)


def _without_contents(blocks: list[Block]) -> list[Block]:
    """Without a "Contents" / "Table of Contents" heading and the entries under it (up to the next heading)."""
    kept: list[Block] = []
    skipping = False
    for block in blocks:
        if block.kind == "heading":
            skipping = bool(CONTENTS.match(block.text))
        if not skipping:
            kept.append(block)
    return kept


def _continued(blocks: list[Block]) -> list[Block]:
    """A paragraph that stops mid-sentence and one that goes on in lower case (a new box, the next page) are one;
    'man-' + 'agement' -> 'management'."""
    joined: list[Block] = []
    for block in blocks:
        last = joined[-1] if joined else None
        if (last is not None and last.kind == block.kind == "paragraph" and last.path == block.path
                and not re.search(r"[.!?:;]$", last.text) and block.text[:1].islower()):
            text = last.text[:-1] + block.text if re.search(r"[^\W\d_]-$", last.text) else f"{last.text} {block.text}"
            joined[-1] = replace(last, text=text)
        else:
            joined.append(block)
    return joined


def _metadata_title(data: bytes) -> str | None:
    from pypdf import PdfReader

    try:
        metadata = PdfReader(io.BytesIO(data)).metadata
    except Exception:  # metadata is optional: a damaged info dictionary only loses the title
        return None
    title = str(metadata.get("/Title") or "").strip() if metadata else ""
    return title if title and not JUNK_TITLES.match(title) else None


def _boxes(page: object, number: int) -> list[_Box]:
    from pdfminer.layout import LTChar, LTPage, LTTextBox, LTTextLine

    assert isinstance(page, LTPage)
    height = page.height or 1.0
    found = []
    for element in page:
        if not isinstance(element, LTTextBox):
            continue
        lines = []
        for line in element:
            if not isinstance(line, LTTextLine):
                continue
            text = line.get_text().translate(LIGATURES).rstrip()
            chars = [c for c in line if isinstance(c, LTChar)]
            if not text.strip() or not chars or LEADERS.search(text):
                continue
            size = Counter(round(c.size, 1) for c in chars).most_common(1)[0][0]
            mono = sum(_is_mono(c.fontname) for c in chars) > len(chars) / 2
            lines.append(_Line(text, size, mono, line.x0, line.x1))
        if lines:
            found.append(_Box(number, tuple(lines), 1 - element.y1 / height, 1 - element.y0 / height, height))
    return found


def _is_mono(font: str) -> bool:
    return bool(re.search(r"mono|courier|typewriter|consol|cmtt|sfmtt", font, re.IGNORECASE))


def _normalised(text: str) -> str:
    return re.sub(r"\d+", "#", clean_inline(text).lower())


def _drop_running(boxes: list[_Box], pages: int) -> list[_Box]:
    """Without page numbers and the headers/footers that repeat in the margins of several pages."""
    in_margin = {id(b) for b in boxes if b.bottom <= MARGIN * 1.5 or b.top >= 1 - MARGIN * 1.5}
    seen = Counter(text for _, text in {(b.page, _normalised(b.text)) for b in boxes if id(b) in in_margin})
    repeated = {t for t, n in seen.items() if n >= 2 and n >= 0.3 * pages}
    return [b for b in boxes if not (id(b) in in_margin and (_normalised(b.text) in repeated
                                                              or PAGE_NUMBER.match(clean_inline(b.text))))]


def _rejoined(boxes: list[_Box]) -> list[_Box]:
    """Boxes that layout analysis split inside a paragraph joined again: the next box starts on the next line
    (a gap under one line), at the same left edge, and the first one stops mid-sentence."""
    joined: list[_Box] = []
    for box in boxes:
        last = joined[-1] if joined else None
        if (last is not None and last.page == box.page and not re.search(r"[.!?:;]$", last.lines[-1].text.strip())
                and 0 <= (box.top - last.bottom) * box.height < last.lines[-1].size
                and abs(box.lines[0].x0 - last.lines[0].x0) < 2 and last.lines[-1].mono == box.lines[0].mono
                and abs(last.lines[-1].size - box.lines[0].size) < 0.5):
            joined[-1] = replace(last, lines=last.lines + box.lines, bottom=box.bottom)
        else:
            joined.append(box)
    return joined


def _add_box(builder: Builder, box: _Box, body: float, heading_sizes: list[float], title: str | None) -> None:
    """A box's lines: monospaced runs are code, larger runs headings, the rest paragraphs and list items."""
    groups: list[list[_Line]] = []
    for line in box.lines:
        if groups and _kind(groups[-1][0], body) == _kind(line, body):
            groups[-1].append(line)
        else:
            groups.append([line])
    for group in groups:
        kind, lines = _kind(group[0], body), tuple(group)
        text = _joined(lines)
        if kind == "code":
            builder.add("code", "\n".join(line.text for line in lines), page=box.page)
        elif kind == "heading" and len(text) <= 200:
            if title and clean_inline(text) == clean_inline(title) and box.page == 1:
                continue  # the title itself
            size = round(max(line.size for line in lines), 1)
            builder.heading(text, heading_sizes.index(size) + 1 if size in heading_sizes else 1, page=box.page)
        else:
            for paragraph in _paragraphs(lines):
                if BULLET.match(paragraph):
                    builder.add("item", BULLET.sub("", paragraph), page=box.page)
                else:
                    builder.add("paragraph", paragraph, page=box.page)


def _kind(line: _Line, body: float) -> str:
    return "code" if line.mono else "heading" if line.size > body * HEADING_RATIO else "text"


def _paragraphs(lines: tuple[_Line, ...]) -> list[str]:
    """Split a box where a line ends short after a full stop, or a bullet starts; join the rest of its lines."""
    right = max(line.x1 for line in lines)
    width = right - min(line.x0 for line in lines) or 1.0
    groups: list[list[_Line]] = [[]]
    for line in lines:
        previous = groups[-1][-1] if groups[-1] else None
        if previous is not None and (
                BULLET.match(line.text.strip())
                or (previous.x1 < right - 0.15 * width and re.search(r"[.:!?]$", previous.text.strip()))):
            groups.append([])
        groups[-1].append(line)
    return [_joined(tuple(g)) for g in groups if g]


def _joined(lines: tuple[_Line, ...]) -> str:
    """Lines joined by spaces; 'manage-' + 'ment' -> 'management' (a line-end hyphen before a lower-case letter)."""
    text = ""
    for line in lines:
        part = line.text.strip()
        if re.search(r"[^\W\d_]-$", text) and part[:1].islower():
            text = text[:-1] + part
        else:
            text = f"{text} {part}" if text else part
    return clean_inline(text)
