"""Read a PDF into blocks with pdfminer.six: paragraphs from its layout analysis, headings by font size,
running headers/footers and page numbers dropped, words hyphenated at line ends joined, table rows rebuilt from
column boxes (lines on one baseline in side-by-side boxes are one row, each value with its column's header).

Why pdfminer.six (measured on libtasn1.pdf, 36 pages, and shared-mime-info-spec.pdf, 17 pages, from Debian):
pypdfium2 extracts text fastest (2-3 ms a page) and pypdf in 11-25 ms a page, but both return a page as lines
only; pdfminer.six (31-35 ms a page) returns text boxes with positions and every character's font and size,
which is what paragraphs, headings, titles and running headers are told from. 100 pages cost ~3 s, once
(parsed documents are cached by content hash).
"""
from __future__ import annotations

import io
import itertools
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from qa.blocks import Block, Builder, Parsed, Unreadable, clean_inline, row_text

LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "\u00ad": "", "\ufffe": ""})
# a glyph the PDF's font does not map to text, which pdfminer writes "(cid:136)": at a line's start a bullet (the
# gnuplot manual's 122 list items began "(cid:136) All evaluation ..."), elsewhere nothing
UNMAPPED = re.compile(r"\(cid:\d+\)")
UNMAPPED_BULLET = re.compile(r"^(\s*)\(cid:\d+\)(?=\s)")
# TeX sets an accent as a glyph of its own before its letter: "Br¨oker", "J´erˆome" are "Bröker", "Jérôme"; and "~" as
# the accent alone: "˜ /.gnuplot" is "~/.gnuplot"
ACCENTS = {"¨": "\u0308", "´": "\u0301", "ˆ": "\u0302", "˜": "\u0303", "¸": "\u0327", "ˇ": "\u030c", "˘": "\u0306",
           "˚": "\u030a", "¯": "\u0304", "˙": "\u0307", "˝": "\u030b"}
# on a vowel, or "˜n", "¸c": "don´t" and "John´s" typed with an acute for an apostrophe stay as they are
SPACING_ACCENT = re.compile(f"([{''.join(ACCENTS)}])([aeiouyAEIOUY])|(˜)([nN])|(¸)([cC])")
TILDE_PATH = re.compile(r"˜ ?(?=/)")
OPENING_GRAVE = re.compile(r"(?<![^\W\d_])(?<![\u0300-\u036f])\u0300")  # not after a letter or another mark
PAGE_NUMBER = re.compile(r"^(page\s+)?(\d+|[ivxlcdm]+)(\s*(/|of)\s*\d+)?$", re.IGNORECASE)
BULLET = re.compile(r"^[•◦▪‣∙·\-–*]\s+")
CONTENTS = re.compile(r"^(table of )?contents$", re.IGNORECASE)
LEADERS = re.compile(r"(\.\s?){4,}\s*\S*\s*$")  # "Introduction . . . . . 1": a contents or index line
ENTRY_FILLER = re.compile(r"[\d\s.]+")  # what is left of contents lines split apart: ". . .", "6 6 7 7 8", "1.1"
CONTENTS_SHARE = 0.3  # a page of contents: this share of its blocks are leaders or such filler
# or, after a "Contents" heading, this share of its blocks open with a section or page number: the Debian FAQ's
# contents set only some entries in leaders, and three of its four pages were read as text ("35 8.6 Why is
# ‘foo-data’ not removed ...", "45", "11.10How can I ...") that a question ranked second at 0.88
ENTRIES_SHARE = 0.8
CHAPTER_NUMBER = re.compile(r"^(?:(?:chapter|appendix|part)\s+\w+|\d+(?:\.\d+)*)\.?\s+", re.IGNORECASE)
ENTRY = re.compile(r"^\d+(?:\.\d+)*\.?(?=\s|[A-Z]|$)")
DOTS = re.compile(r"(\.\s){2,}|\.{4,}|^[.\s]+$")  # dot leaders, whole or in part (". . .", "Archive areas . .", ".")
DOTTED_LINES = 5
# The 25 pages of contents and indexes in dot leaders in the 12 bench PDFs have 89-98% such lines; a chapter's own
# short contents over its first sections (bzip2's manual) 34%, a title page over the contents (crc-doc) 48%.
DOTTED_SHARE = 0.8
ITALIC = re.compile(r"italic|oblique", re.IGNORECASE)
RULE = re.compile(r"[-=_\s]+")  # a line of dashes under a table's header
# A running header or footer with numbers that change has at most RUNNING_LINES lines of at most this many characters:
# the longest of the 393 dropped from the 6 PDFs of bench/docs and bench/docsfit has 29 characters, each one line.
RUNNING_CHARACTERS = 80
RUNNING_LINES = 3
MARGIN = 0.09          # the top and bottom 9% of a page hold running headers, footers and page numbers
MONO_HEADER = re.compile(r"[A-Z][a-z]+(?: [A-Za-z][a-z]+)?")  # a header cell of a monospaced table: "Default value"
HEADING_RATIO = 1.15   # a line this much larger than the body text is a heading
# pdfminer cuts a line of justified prose in two where a space is wide (after a sentence's full stop), and may give the
# right part first: bzip2's manual read "In this case, bzip2 will If no file names are specified, bzip2 compresses
# from standard input ..." and nettle's "... was de- It is signed by Guido Bertoni, ..." (the line "signed by ...
# Assche.  It is"). Parts of one box on one baseline are put left to right and joined where the space between them is
# at most this many times the text's size: in the bench PDFs such prose gaps are 5-18 points at 9-10 points, while
# table cells set in one box stand 25-370 points apart (bash's "\b  backspace", LittleCMS's error codes).
SAME_LINE_GAP = 2.0
BASELINE = 2.0  # points: lines whose baselines are this close are on one line (a table's cells, a cut line's parts)
TITLE_SIZE_TOLERANCE = 0.5  # points: the lines of a title set on several lines have one size
COVER_CHARACTERS = 400  # a title page's text: title, subtitle, authors, date, publisher (Debian Policy's: 98)
JUNK_TITLES = re.compile(r"^(untitled|microsoft word - .*|.*\.(docx?|pdf|tex|dvi))$", re.IGNORECASE)
MAX_LABEL = 24  # characters of a page label kept ("T-1", "xiv", "A-12"; a label is a prefix and a number)
# A definition list (texinfo's @table: bash's options and variables, Nettle's and libtasn1's functions): a term of one
# short line with its description to its right on the same baseline, or under it indented. The term's box is at most
# this long, and a description beside it starts at most TERM_GAP points after it (bash's "-s" ends at 158, "Enable
# (set) each optname." starts at 205; the other column of a two-column page starts further off).
TERM_CHARACTERS = 60
TERM_GAP = 72.0
TERM_INDENT = 8.0  # points: a description under its term starts this much further right
BULLETS = frozenset("•◦▪‣∙·")  # a box of only one of these is a list's bullet (read_pdf), never a term
# "-" or "*" alone is a term when its description stands this far off (bash's "*" of pattern matching: 57 points),
# else a bullet set apart from its item's text
BULLET_GAP = 20.0
TERM_REPEATS = 3
HEADING_COLUMN_REPEATS = 3  # bold headings at one left edge, that many times, make an indent level (_heading_columns)


@dataclass(frozen=True)
class _Line:
    text: str
    size: float      # the most common character size
    mono: bool       # set in a monospaced font (code)
    x0: float
    x1: float
    y0: float = 0.0  # the baseline's height above the page's bottom, in points
    bold: bool = False  # set in a bold font
    italic: bool = False  # set in an italic (oblique) font


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


def _first_seen(obj: object) -> int:
    """A stand-in for `id` inside pdfminer.layout: a number by the order objects are first asked for one.

    pdfminer groups text boxes closest first and breaks ties between equal distances by id(), a memory address,
    so the same PDF came out in another order from run to run (bzip2-manual.pdf: 2 different readings in 6 runs;
    its blocks, passages and citations with it). Its group_textboxes asks for the boxes' ids in list order, so
    numbering them by first request breaks ties by the page's own order, the same every run."""
    number = getattr(obj, "_qa_first_seen", None)
    if number is None:
        number = next(_SEEN)
        obj._qa_first_seen = number  # type: ignore[attr-defined]
    return number


_SEEN = itertools.count()


def deterministic_layout() -> None:
    """Make pdfminer's layout analysis break ties the same way every run (_first_seen)."""
    import pdfminer.layout

    pdfminer.layout.id = _first_seen  # type: ignore[attr-defined]  # module globals come before builtins


def read_pdf(data: bytes) -> Parsed:
    from pdfminer.high_level import extract_pages
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException

    deterministic_layout()

    try:
        pages = list(extract_pages(io.BytesIO(data)))
        title, labels = _catalog(data)
    except (PDFEncryptionError, PDFPasswordIncorrect) as exc:
        raise Unreadable("the PDF is encrypted: remove the password and upload it again") from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError, OSError,
            AssertionError, IndexError, RecursionError) as exc:
        raise Unreadable(f"the PDF could not be read ({type(exc).__name__}: {exc})") from exc
    boxes = _numbers_joined([box for number, page in enumerate(pages, 1) for box in _boxes(page, number)])
    dotted = {number for number, page in enumerate(pages, 1) if _dotted(page)}
    if not title:  # the first page's largest line, before running headers go (the title is often one of them)
        title = _first_page_title(boxes, statistics.median(
            line.size for box in boxes for line in box.lines for _ in line.text) if boxes else 0.0)
    boxes = _rejoined(_drop_running(boxes, len(pages)))
    sizes = [line.size for box in boxes for line in box.lines for _ in range(len(line.text))]
    body = statistics.median(sizes) if sizes else 0.0
    heading_sizes = sorted({round(line.size, 1) for box in boxes for line in box.lines
                            if line.size > body * HEADING_RATIO}, reverse=True)
    builder = Builder()
    cover = _cover(boxes, body) if len(pages) > 1 else set()
    depths: dict[int, int] = {}  # each heading size's last numbered heading's depth (_heading)
    columns = _heading_columns(boxes, body) if not heading_sizes else ()  # sizes give the outline if there are any
    bullet = False
    tables = _tables(boxes)
    boxes, terms = _definitions(boxes, body, tables, cover)
    column: float | None = None  # the open term's description column: a box left of it ends the term's section
    header: list[str] = []   # the last table's header: a table that goes on at the top of the next page keeps it
    for box in boxes:
        if column is not None and (id(box) in terms or box.lines[0].x0 < column - 2):
            builder.close_term()
            column = None
        if id(box) in terms:  # named by its term: "... > 4.3.2 The Shopt Builtin > globstar", as HTML's <dt>
            name = clean_inline(box.text)
            if columns:  # a man page's term in plain type ("shopt [-pqsu] ..."): nested as its bold ones are, the
                # options in bold under it ("cdable_vars")
                _heading(builder, name, len(heading_sizes) + 1, box.page, depths, sized=False,
                         indent=_indent(box, columns))
                continue
            builder.open_term(name)
            builder.add("term", name, page=box.page)
            column = terms[id(box)]
            continue
        if id(box) in tables:
            table = tables[id(box)]
            if table and table.code:
                builder.add("code", table.code, page=box.page)
            elif table:  # the table's first box: all its rows; its other boxes are skipped
                header = _add_rows(builder, table, box.page, header, box is _first_on_page(boxes, box))
            continue
        if id(box) in cover:  # a title page's lines say what the document is, they head no section
            if clean_inline(box.text) != clean_inline(title or ""):
                builder.add("paragraph", _joined(box.lines), page=box.page)
            continue
        if BULLET.match(box.text + " ") and len(box.text.strip()) == 1:
            bullet = True  # a bullet set apart from its text: the next box is a list item
            continue
        if bullet:
            builder.add("item", _joined(box.lines), page=box.page)
            bullet = False
            continue
        _add_box(builder, box, body, heading_sizes, title, depths, columns)
    builder.blocks = _dense_levels(_continued(_without_contents(builder.blocks, dotted)))
    return builder.parsed(clean_inline(title) if title else None, paged=True,
                          page_labels=labels if len(labels) == len(pages) else ())


def _definitions(boxes: list[_Box], body: float, tables: dict[int, _Table | None],
                 cover: set[int]) -> tuple[list[_Box], dict[int, float]]:
    """The boxes in reading order with each definition term (TERM_CHARACTERS) just before its description, and
    {id(term box): its description's left edge}. Layout analysis reads a page's terms apart from their descriptions
    when they stand side by side: bash's shopt options came out "-s", "-u", "-q", "-o", then their four
    descriptions, and a term on its own line was quoted alone ("globstar") with nothing to say what the line under
    it describes."""
    def candidate(box: _Box) -> bool:
        line = box.lines[0]
        text = box.text.strip()
        return (len(box.lines) == 1 and 0 < len(text) <= TERM_CHARACTERS and id(box) not in tables
                and id(box) not in cover and not line.bold and line.size <= body * HEADING_RATIO
                and not re.search(r"\w[.!?:;,]$", text) and text not in BULLETS)

    def describes(term: _Box, box: _Box) -> bool:
        """Whether `box` can be `term`'s description: words, not a list item, code under code, another term ("1A"
        beside "1B" in a table of characters) nor a category ("[Function]" right of a function's signature); after
        a term of only symbols (bash's "*", "?"), a sentence (not a formula's "CRC0" after "=")."""
        text = box.text.strip()
        return (re.search(r"[^\W\d_]{3}", text) is not None and not BULLET.match(text + " ")
                and not (term.lines[0].mono and box.lines[0].mono)  # an indented line of code: one code block
                and (not candidate(box) or len(text.split()) >= 4)
                and (re.search(r"\w", term.text) is not None or text[:1].isupper()))

    terms: dict[int, float] = {}
    described: dict[int, int] = {}   # id(description) -> id(its term)
    columns: dict[int, tuple[int, int]] = {}  # id(term) -> the left edges of its column and its description's
    pages: dict[int, list[_Box]] = {}
    for box in boxes:
        pages.setdefault(box.page, []).append(box)
    for box in boxes:
        if not candidate(box) or id(box) in described:  # a description is no term of its own
            continue
        line = box.lines[0]
        free = [other for other in pages[box.page] if other is not box and id(other) not in tables
                and id(other) not in described and id(other) not in terms and describes(box, other)]
        beside = [other for other in free if abs(other.lines[0].y0 - line.y0) < 2
                  and (BULLET_GAP if BULLET.match(box.text.strip() + " ") else 0)
                  < other.lines[0].x0 - line.x1 <= TERM_GAP]
        below = [other for other in free if -2 <= (other.top - box.bottom) * box.height < line.size
                 and line.x0 + TERM_INDENT <= other.lines[0].x0 <= line.x0 + 2 * TERM_GAP]  # not the next column
        if beside or below:
            description = min(beside, key=lambda other: other.lines[0].x0) if beside else \
                min(below, key=lambda other: other.top)
            terms[id(box)] = description.lines[0].x0
            described[id(description)] = id(box)
            columns[id(box)] = (round(line.x0), round(description.lines[0].x0))
    # a definition list sets its terms and descriptions in two columns, the same all along: a pair whose columns no
    # TERM_REPEATS pairs share is words of a line that layout analysis boxed apart (LittleCMS's justified text, a
    # table's cells)
    shared = Counter(columns.values())
    keep = {term for term, pair in columns.items() if shared[pair] >= TERM_REPEATS}
    terms = {term: x0 for term, x0 in terms.items() if term in keep}
    described = {description: term for description, term in described.items() if term in keep}
    if not terms:
        return boxes, terms
    follows = {term: box for box in boxes if (term := described.get(id(box))) is not None}
    ordered: list[_Box] = []
    for box in boxes:
        if id(box) not in described:  # a description comes just after its term
            ordered += [box, follows[id(box)]] if id(box) in follows else [box]
    return ordered, terms


@dataclass(frozen=True)
class _Table:
    rows: tuple[tuple[str, ...], ...]   # cells by column, "" where a row has none
    code: str = ""                      # a monospaced region: its lines, cells on one baseline side by side


def _tables(boxes: list[_Box]) -> dict[int, _Table | None]:
    """Tables found on each page: side-by-side boxes whose lines share baselines (a column of property names beside
    a column of types and one of descriptions) give rows of cells; {id(first box): table, id(other boxes): None}.

    Boxes are side by side when a line of one and a line of the other sit on one baseline (within 2 points) without
    overlapping horizontally. Two-column prose is not a table: the first column must be narrow (under 30% of the
    text's width) and the table must have at least 3 rows; columns set mostly in a monospaced font are code."""
    found: dict[int, _Table | None] = {}
    columns = 0  # the last monospaced table's columns: going on at the top of the next page, it has no header
    tabled: dict[int, int] = {}  # the last box of each monospaced table: its page
    after = {id(b): id(a) for a, b in itertools.pairwise(boxes)}  # the box before each box
    for page in sorted({b.page for b in boxes}):
        on_page = [b for b in boxes if b.page == page]
        left = min(line.x0 for b in on_page for line in b.lines)
        width = max(line.x1 for b in on_page for line in b.lines) - left or 1.0
        lines = [(line, i) for i, b in enumerate(on_page) for line in b.lines]
        linked: dict[int, set[int]] = {}
        for a, i in lines:
            for b, j in lines:
                if i < j and abs(a.y0 - b.y0) < 2 and (a.x1 <= b.x0 or b.x1 <= a.x0):
                    linked.setdefault(i, set()).add(j)
                    linked.setdefault(j, set()).add(i)
        seen: set[int] = set()
        for start in sorted(linked):
            if start in seen:
                continue
            group, todo = set(), [start]
            while todo:
                i = todo.pop()
                if i not in group:
                    group.add(i)
                    todo.extend(linked.get(i, ()))
            seen |= group
            members = [on_page[i] for i in sorted(group)]
            region = [line for b in members for line in b.lines if not RULE.fullmatch(line.text)]
            if not region:
                continue
            if sum(line.mono for line in region) * 2 > len(region):
                # monospaced columns are code or a screen (a declaration's types and names), its lines rebuilt,
                # unless a header names them ("Property  Type  Description"): fontconfig's guide sets its tables so,
                # and its rows cut as code lost their header ("embolden  Bool  Rasterizer should ...")
                before = after.get(id(members[0]))
                rows = _mono_rows(region, columns if before in tabled and tabled[before] < page else 0)
                if rows:
                    found[id(members[0])] = _Table(tuple(rows))
                    columns = len(rows[0])
                    tabled[id(members[-1])] = page
                else:
                    found[id(members[0])] = _Table((), _screen(region))
                found.update((id(b), None) for b in members[1:])
                continue
            rows = _rows(region)
            if rows is None or len(rows) < 3:
                continue
            first = min(line.x0 for line in region)
            if max(line.x1 - line.x0 for line in region if line.x0 < first + 3) > 0.3 * width:
                continue
            found[id(members[0])] = _Table(tuple(rows))
            found.update((id(b), None) for b in members[1:])
    return found


def _mono_rows(lines: list[_Line], columns: int) -> list[tuple[str, ...]] | None:
    """A monospaced region's rows when it is a table: at least 3 rows under a header of names ("Property  Type
    Description"; a column without a name, such as numbers set flush right, joins the one before it), or, going on
    from a table of `columns` columns, rows of at least as many non-empty columns."""
    rows = _rows(lines)
    if rows is None or len(rows) < 3:
        return None
    if all(MONO_HEADER.fullmatch(cell) for cell in rows[0] if cell) and rows[0][0]:
        named = [i for i, cell in enumerate(rows[0]) if cell] + [len(rows[0])]
        rows = [tuple(" ".join(c for c in row[a:b] if c) for a, b in itertools.pairwise(named)) for row in rows]
        return rows if len(rows[0]) >= 2 else None
    used = [i for i in range(len(rows[0])) if any(row[i] for row in rows)]
    if not columns or len(used) < columns:
        return None
    cells = [[row[i] for i in used] for row in rows]
    while len(cells[0]) > columns:  # more columns than the table's: numbers set flush right start at several places
        apart = [i for i in range(len(cells[0]) - 1) if not any(row[i] and row[i + 1] for row in cells)]
        i = apart[0] if apart else len(cells[0]) - 2  # two that never both hold a cell join, else the last two
        cells = [[*row[:i], f"{row[i]} {row[i + 1]}".strip(), *row[i + 2:]] for row in cells]
    return [tuple(row) for row in cells]


def _screen(lines: list[_Line]) -> str:
    """Monospaced lines in reading order, the cells on one baseline joined by two spaces."""
    return "\n".join("  ".join(cell.text.strip() for cell in cells) for cells in _baselines(_reading_order(lines)))


def _reading_order(lines: list[_Line]) -> list[_Line]:
    """Top to bottom, then left to right."""
    return sorted(lines, key=lambda ln: (-ln.y0, ln.x0))


def _baselines(lines: list[_Line]) -> list[list[_Line]]:
    """Consecutive lines grouped by baseline (within BASELINE points of the group's first)."""
    groups: list[list[_Line]] = []
    for line in lines:
        if groups and abs(groups[-1][0].y0 - line.y0) < BASELINE:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _rows(lines: list[_Line]) -> list[tuple[str, ...]] | None:
    """Lines of a table region as rows: columns start where cells of multi-cell baselines start; a baseline with
    nothing in the first column continues the row above (a description wrapped onto a second line)."""
    baselines = _baselines(_reading_order(lines))
    starts: list[float] = []
    for cells in baselines:
        if len(cells) > 1:
            for cell in cells:
                if all(abs(cell.x0 - s) > 5 for s in starts):
                    starts.append(cell.x0)
    starts.sort()
    if len(starts) < 2:
        return None
    rows: list[list[str]] = []
    for cells in baselines:
        values = [""] * len(starts)
        for cell in cells:
            column = max(i for i, s in enumerate(starts) if s <= cell.x0 + 5) if cell.x0 + 5 >= starts[0] else 0
            values[column] = f"{values[column]} {cell.text.strip()}".strip()
        if rows and not values[0]:
            rows[-1] = [_joined_text(a, b) for a, b in zip(rows[-1], values, strict=True)]
        else:
            rows.append(values)
    return [tuple(clean_inline(v) for v in row) for row in rows]


def _joined_text(a: str, b: str) -> str:
    if not b:
        return a
    if re.search(r"[^\W\d_]-$", a) and b[:1].islower():
        return a[:-1] + b
    return f"{a} {b}".strip()


def _first_on_page(boxes: list[_Box], box: _Box) -> _Box:
    return next(b for b in boxes if b.page == box.page)


def _add_rows(builder: Builder, table: _Table, page: int, header: list[str], at_top: bool) -> list[str]:
    """The table's rows as blocks, 'Header: value; ...' when its first row is a header (short capitalised cells,
    one in every column) or when it goes on at the top of a page after a table with as many columns."""
    rows = [list(row) for row in table.rows]
    first = rows[0]
    if all(cell and len(cell) <= 30 and cell[:1].isupper() for cell in first):
        header, rows = first, rows[1:]
    elif not (at_top and len(header) == len(first)):
        header = []
    for row in rows:
        builder.add("row", row_text(header, row), page=page)
    return header


def _without_contents(blocks: list[Block], dotted: set[int]) -> list[Block]:
    """Without a "Contents" / "Table of Contents" heading and the entries under it: up to the next heading, or, where
    the entries are set out in dot leaders and page numbers (A Brief History of Debian: 60 blocks of ". . ." and
    "6 6 7 7 8", its entries read as headings), up to the first block on a page after them that is not so set out
    (`dotted`: pages whose lines are; Debian Policy's seven pages of contents left "23 License" and "Index" as
    headings over its abstract)."""
    per_page: dict[int | None, list[bool]] = {}
    numbered: dict[int | None, list[bool]] = {}
    for block in blocks:
        filler = LEADERS.search(block.text) or ENTRY_FILLER.fullmatch(block.text)
        per_page.setdefault(block.page, []).append(bool(filler))
        numbered.setdefault(block.page, []).append(bool(filler or ENTRY.match(block.text)))
    # a page holding a heading for the last time (its words without its number: "8 The Debian package management
    # tools" listed, "Chapter 8. The Debian package management tools" where it opens) is text, however numbered its
    # blocks are (a chapter of numbered steps)
    later = Counter(_entry_key(block.text) for block in blocks if block.kind == "heading")
    opening: set[int | None] = set()
    for block in blocks:
        if block.kind == "heading" and not CONTENTS.match(block.text):
            later[_entry_key(block.text)] -= 1
            if not later[_entry_key(block.text)]:
                opening.add(block.page)
    leaders = {page: page in dotted or sum(marks) >= CONTENTS_SHARE * len(marks)
               or (page not in opening and len(marks) >= DOTTED_LINES
                   and sum(numbered[page]) >= ENTRIES_SHARE * len(marks)) for page, marks in per_page.items()}
    ahead = Counter(" ".join(block.text.split()) for block in blocks if block.kind == "heading")
    kept: list[Block] = []
    skipping = False
    after_leaders = False  # skipping has passed a page set out in leaders: the first page that is not ends it
    gone: set[tuple[str, ...]] = set()  # the paths of headings skipped
    for block in blocks:
        if skipping and leaders[block.page]:
            after_leaders = True
        elif skipping and after_leaders:
            skipping = after_leaders = False
        if block.kind == "heading":
            text = " ".join(block.text.split())
            ahead[text] -= 1
            # an entry read as a heading ("3.1. Creating links" in italics) is a heading again further on
            if not (skipping and (leaders[block.page] or ahead[text] > 0)):
                skipping = bool(CONTENTS.match(block.text))
                after_leaders = skipping and leaders[block.page]
        if skipping:
            if block.kind == "heading":
                gone.add(block.path)
            continue
        if block.kind == "heading":
            gone.discard(block.path)  # a heading kept: its path names it now
        # a heading under the contents' level had it in its path ("Contents > Abstract"), the text after the
        # contents pages those of the entries skipped ("23 License > Index")
        path = tuple(h for i, h in enumerate(block.path) if not CONTENTS.match(h) and block.path[:i + 1] not in gone)
        kept.append(block if path == block.path else replace(block, path=path))
    return kept


def _entry_key(heading: str) -> str:
    """A heading's words without its number, as a contents entry and the heading itself share them."""
    return CHAPTER_NUMBER.sub("", " ".join(heading.split())).lower()


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


def _first_page_title(boxes: list[_Box], body: float) -> str | None:
    """The first page's largest line with the lines of its size around it in its box: a title set on two lines
    ("Everything we know about CRC but afraid to" / "forget") is one title, not a title and a heading. None when no
    line is set larger than the document's text (`body`, its characters' median size) by HEADING_RATIO: bash's
    manual page as a PDF was titled "NAME", its first bold section heading (10.9 points over 10), and every citation
    of it began "NAME > ..."; a manual page is titled by its NAME line ("bash − GNU Bourne-Again SHell")."""
    first = [(box, line) for box in boxes if box.page == 1 for line in box.lines if len(line.text.strip()) > 2]
    if not first:
        return None
    box, largest = max(first, key=lambda pair: pair[1].size)
    at = box.lines.index(largest)
    if largest.text.strip() == "NAME":  # a manual page (groff's man macros): titled by its NAME line
        if at + 1 < len(box.lines):
            return _joined(box.lines[at + 1:at + 2])
        below = [b for b in boxes if b.page == 1 and b.top >= box.bottom and b is not box]
        return _joined(min(below, key=lambda b: b.top).lines[:1]) if below else None
    if largest.size < body * HEADING_RATIO:
        return None  # no line set larger than the text: a section heading in bold is no title (the file's name is)
    start = end = at
    while start > 0 and abs(box.lines[start - 1].size - largest.size) < TITLE_SIZE_TOLERANCE:
        start -= 1
    while end + 1 < len(box.lines) and abs(box.lines[end + 1].size - largest.size) < TITLE_SIZE_TOLERANCE:
        end += 1
    return _joined(box.lines[start:end + 1])


def _cover(boxes: list[_Box], body: float) -> set[int]:
    """The boxes of a title page: the first page when it holds a few short lines, no contents and no sentence in the
    body's face (Debian Policy's "Release 4.6.2.0", "The Debian Policy Mailing List" and "Dec 17, 2022" were
    headings that every section's path began with; nettle's author headed its preface); a first page that says
    something is the document's own text."""
    first = [box for box in boxes if box.page == 1]
    plain = any(_kind(line, body) != "heading" and not line.bold and re.search(r"[.!?]$", line.text.strip())
                for box in first for line in box.lines)  # a sentence in the body's face: the page is text
    contents = any(CONTENTS.match(clean_inline(line.text)) for box in first for line in box.lines)
    if not first or plain or contents or sum(len(box.text) for box in first) > COVER_CHARACTERS:
        return set()
    return {id(box) for box in first}


def _catalog(data: bytes) -> tuple[str | None, tuple[str, ...]]:
    """The title in the PDF's metadata, and its pages' printed numbers when it labels them otherwise than 1, 2, 3...
    (a front matter in roman numerals, a cover unnumbered: Debian Policy's page 124 is printed 114; of the 12 PDFs of
    the bench corpora 4 label their pages so). Both are optional: a damaged dictionary loses only itself."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
    except Exception:  # pdfminer read the file: pypdf's view of it only adds these two
        return None, ()
    try:
        metadata = reader.metadata
    except Exception:
        metadata = None
    title = str(metadata.get("/Title") or "").strip() if metadata else ""
    try:
        labels = tuple(clean_inline(str(label))[:MAX_LABEL] for label in reader.page_labels)
    except Exception:  # a malformed /PageLabels tree
        labels = ()
    if all(label == str(number) for number, label in enumerate(labels, 1)):
        labels = ()
    return (title if title and not JUNK_TITLES.match(title) else None), labels


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
            text = _glyphs(line.get_text().translate(LIGATURES).rstrip())
            chars = [c for c in line if isinstance(c, LTChar)]
            if not text.strip() or not chars or LEADERS.search(text):
                continue
            size = Counter(round(c.size, 1) for c in chars).most_common(1)[0][0]
            # code: nine characters in ten monospaced (a sentence with an inline file name is prose), no bullet
            mono = (sum(_is_mono(c.fontname) for c in chars) >= 0.9 * len(chars)
                    and not BULLET.match(text.strip() + " "))
            bold = sum("bold" in c.fontname.lower() for c in chars) > len(chars) / 2
            italic = sum(bool(ITALIC.search(c.fontname)) for c in chars) > len(chars) / 2
            lines.append(_Line(text, size, mono, line.x0, line.x1, line.y0, bold, italic))
        lines = _baselines_joined(lines)
        if lines:
            found.append(_Box(number, tuple(lines), 1 - element.y1 / height, 1 - element.y0 / height, height))
    return found


def _baselines_joined(lines: list[_Line]) -> list[_Line]:
    """A box's lines with those on one baseline put left to right, and prose split by a wide space joined again."""
    out: list[_Line] = []
    for run in _baselines(lines):
        joined: list[_Line] = []
        for line in sorted(run, key=lambda ln: ln.x0):
            left = joined[-1] if joined else None
            if (left is not None and not left.mono and not line.mono
                    and (left.bold, left.italic) == (line.bold, line.italic)
                    and 0 <= line.x0 - left.x1 <= SAME_LINE_GAP * max(left.size, line.size)):
                joined[-1] = replace(left, text=f"{left.text.rstrip()} {line.text.lstrip()}", x1=line.x1,
                                     size=left.size if len(left.text) >= len(line.text) else line.size)
            else:
                joined.append(line)
        out.extend(joined)
    return out


def _dotted(page: object) -> bool:
    """A page of contents or of an index set out in dot leaders: at least DOTTED_LINES lines with leaders, and leaders
    or bare numbers in DOTTED_SHARE of its lines (Sphinx sets an entry, its dots and its page number as separate
    lines: "2.2 Archive areas . .", ". . .", "7")."""
    from pdfminer.layout import LTTextBox, LTTextLine

    lines = [text for box in page if isinstance(box, LTTextBox)  # type: ignore[attr-defined]
             for line in box if isinstance(line, LTTextLine) if (text := line.get_text().strip())]
    leaders = sum(bool(DOTS.search(text)) for text in lines)
    filler = sum(bool(DOTS.search(text) or ENTRY_FILLER.fullmatch(text)) for text in lines)
    return leaders >= DOTTED_LINES and filler >= DOTTED_SHARE * len(lines)


def _glyphs(text: str) -> str:
    """A line's text with unmapped glyphs as bullets (at its start) or nothing, and TeX's spaced accents on their
    letters."""
    if "(cid:" in text:
        text = UNMAPPED.sub("", UNMAPPED_BULLET.sub(r"\1•", text))
    if SPACING_ACCENT.search(text) or "˜" in text:
        text = SPACING_ACCENT.sub(_accented, TILDE_PATH.sub("~", text))
    if "\u0300" in text:  # a combining grave on no letter is TeX's opening quote: the Debian FAQ's " ̀stable’"
        text = OPENING_GRAVE.sub("‘", text)
    return text


def _accented(match: re.Match[str]) -> str:
    """The letter of a SPACING_ACCENT match with its accent on it, as one character where Unicode has one."""
    accent, letter = [group for group in match.groups() if group]
    return unicodedata.normalize("NFC", letter + ACCENTS[accent])


def _is_mono(font: str) -> bool:
    return bool(re.search(r"mono|nimbusmon|courier|typewriter|consol|cmtt|sfmtt", font, re.IGNORECASE))


# A book's running header names the chapter or section the page is in, numbered: "CHAPTER 7. BASICS OF THE DEBIAN
# PACKAGE …", "7.12. HOW DO I PUT A PACKAGE ON HOLD?" (the Debian FAQ), or Sphinx's footers "Chapter 1. About this
# manual" and "1.4. Related documents" (Debian Policy: 300 of them were read as headings), texinfo's "Chapter 7:
# Reference" (nettle), ReportLab's "Chapter 1 Introduction". Each title is on a few pages only, so such headers
# repeat as their shape: the number's form, whatever the title. In capitals any number form counts; in mixed case
# only "Chapter 1" and a section number ending in a full stop ("1.4."), which Sphinx's own headings ("1.4 Related
# documents") don't open with.
CAPITALS_HEADER = re.compile(r"^((?:CHAPTER|APPENDIX|PART|SECTION) [\dA-Z]+\.?|\d+(?:\.\d+)+\.?) [^a-z]*[A-Z][^a-z]*$")
SECTION_HEADER = re.compile(r"^((?:Chapter|Appendix|Part|Section) [\dA-Z]+[.:]?|\d+(?:\.\d+)+\.) [A-Z]")


def _running_key(box: _Box) -> str:
    """What a running header or footer repeats as from page to page: a short box (up to RUNNING_LINES lines of at
    most RUNNING_CHARACTERS, not ending a sentence: a period after a number does not, "Chapter 3.") with its numbers
    masked, as page and chapter numbers change ("bzip2 manual, page 3", "Internal use only / Page 3 of 4"); any other
    box as its exact text only ("Confidential. Do not distribute."). Masked, body text that opens several pages
    alike was dropped as a header: "Week 12 summary: the line produced 3134 units with 1 stoppages and an uptime of
    97 percent." on every page of a weekly report, the first lines of each chapter of a book."""
    text = clean_inline(box.text).lower()
    short = len(box.lines) <= RUNNING_LINES and all(len(line.text.strip()) <= RUNNING_CHARACTERS for line in box.lines)
    if short and (shouted := CAPITALS_HEADER.match(clean_inline(box.text))):
        return "^" + re.sub(r"\d+", "#", shouted.group(1).lower())
    if short and (named := SECTION_HEADER.match(box.text.strip())):
        return "~" + re.sub(r"\d+", "#", named.group(1).lower())
    if short and not re.search(r"[^\d\s][.!?]$", text):
        return "#" + re.sub(r"\d+", "#", text)
    return "=" + text


def _drop_running(boxes: list[_Box], pages: int) -> list[_Box]:
    """Without page numbers and the headers/footers that repeat in the margins of several pages."""
    in_margin = {id(b) for b in boxes if b.bottom <= MARGIN * 1.5 or b.top >= 1 - MARGIN * 1.5}
    keys = {id(b): _running_key(b) for b in boxes if id(b) in in_margin}
    # a capital header repeats as its shape if it is set no larger than the text, or if its own text repeats too: a
    # chapter's heading at the top of the page it opens is large and there once ("CHAPTER 2. THE FERRIES")
    exact = Counter(text for _, text in {(b.page, clean_inline(b.text)) for b in boxes if id(b) in in_margin})
    sizes = [line.size for b in boxes for line in b.lines for _ in range(len(line.text))]
    body = statistics.median(sizes) if sizes else 0.0
    # in mixed case, a large one is the chapter's heading whatever repeats: ReportLab's running header "Chapter 2
    # Graphics and Text with pdfgen" is set small over the chapter's pages, the heading that opens it large
    for b in boxes:
        large = max(line.size for line in b.lines) > body * HEADING_RATIO
        if (id(b) in in_margin and large and (keys[id(b)].startswith("~")
                                              or keys[id(b)].startswith("^") and exact[clean_inline(b.text)] < 2)):
            keys[id(b)] = "=" + clean_inline(b.text).lower()
    seen = Counter(key for _, key in {(b.page, keys[id(b)]) for b in boxes if id(b) in in_margin})
    repeated = {key for key, n in seen.items() if n >= 2 and n >= 0.3 * pages}
    # a header naming the page's section by its heading's words, not numbered (LittleCMS's "Introduction", "Special
    # profile types": 129 left in the text of its two PDFs), or by them without its number (bzip2's "How to use bzip2"
    # over the pages of "2. How to use bzip2"): set small at the page's very edge on two pages or more, large where the
    # section opens (a label "Example:" near the foot of pages, under a heading "Example:", stays)
    headings = {clean_inline(line.text).lower() for b in boxes for line in b.lines if line.size > body * HEADING_RATIO}
    headings |= {re.sub(r"\d+", "#", NUMBERED.sub("", heading)) for heading in headings}  # as keys mask numbers
    named = {key for key, n in seen.items() if n >= 2 and key[1:] in headings}
    return [b for b in boxes if not (id(b) in in_margin and (
        keys[id(b)] in repeated or PAGE_NUMBER.match(clean_inline(b.text))
        or keys[id(b)] in named and (b.bottom <= MARGIN or b.top >= 1 - MARGIN)
        and max(line.size for line in b.lines) <= body * HEADING_RATIO))]


def _numbers_joined(boxes: list[_Box]) -> list[_Box]:
    """A section number that layout analysis set in a box of its own joined to the words beside it on its baseline
    ("3.1" + "Incremental CRC computation", 13 points apart in crc-doc: the heading had lost its number)."""
    joined: dict[int, _Box] = {}
    gone: set[int] = set()
    pages: dict[int, list[_Box]] = {}
    for box in boxes:
        pages.setdefault(box.page, []).append(box)
    for number in boxes:
        if len(number.lines) != 1 or not SECTION_NUMBER.fullmatch(number.lines[0].text.strip()):
            continue
        n = number.lines[0]
        for box in pages[number.page]:  # its own page's boxes only: Debian Policy has 271 such numbers
            first = box.lines[0]
            if (box is not number and id(box) not in gone and abs(first.y0 - n.y0) < 1
                    and 0 < first.x0 - n.x1 < 2 * n.size and abs(first.size - n.size) < 0.5):
                line = replace(first, text=f"{n.text.strip()} {first.text.strip()}", x0=n.x0)
                joined[id(box)] = replace(joined.get(id(box), box), lines=(line, *box.lines[1:]))
                gone.add(id(number))
                break
    return [joined.get(id(b), b) for b in boxes if id(b) not in gone]


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


def _add_box(builder: Builder, box: _Box, body: float, heading_sizes: list[float], title: str | None,
             depths: dict[int, int], columns: tuple[int, ...] = ()) -> None:
    """A box's lines: monospaced runs are code, larger runs headings, the rest paragraphs and list items; a box of
    one short bold line at the body's size is a heading one level under the smallest sized heading, nested by its
    indent when such headings stand in several `columns` (_heading_columns)."""
    first = box.lines[0]
    if _opens_with_heading(box, body):
        # numbered ones nest by their number ("3.1." under "3.")
        _heading(builder, clean_inline(first.text), len(heading_sizes) + 1, box.page, depths, sized=False,
                 indent=_indent(box, columns) if columns else None)
        if len(box.lines) == 1:
            return
        box = replace(box, lines=box.lines[1:])
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
            _heading(builder, text, heading_sizes.index(size) + 1 if size in heading_sizes else 1, box.page, depths)
        else:
            for paragraph in _paragraphs(lines):
                if BULLET.match(paragraph):
                    builder.add("item", BULLET.sub("", paragraph), page=box.page)
                else:
                    builder.add("paragraph", paragraph, page=box.page)


def _heading(builder: Builder, text: str, rank: int, page: int | None, depths: dict[int, int],
             sized: bool = True, indent: int | None = None) -> None:
    """Add a heading of the `rank`-th size (1: the largest; the sizes' count + 1: bold at the body's size), nested by
    its number within its size: level rank * 10 + depth, made 1, 2, ... at the end (_dense_levels). "1.1 Scope"
    nests under Sphinx's chapter heading "CHAPTER ONE. ABOUT THIS MANUAL" set at its size (Debian Policy), "3.1."
    under "3."; a chapter's heading ("Chapter 3", "Appendix A. ...") has depth 1, an unnumbered one the depth of the
    last numbered one of its size (`depths`), else 9: crc-doc's "3.1" stands apart from "Incremental CRC
    computation", which must not hold "3.2" and "3.3".

    The second line of a numbered heading that wrapped into a box of its own ("1.6 How does the Debian project fit
    in or compare with the Free" / "Software Foundation's GNU project?", the Debian FAQ) joins it, instead of
    becoming a heading that the next sections nest under; also after a full stop ("5.14 I have a wireless network
    card which doesn't work with Linux." / "What should I do?"): a numbered heading with nothing under it, then one
    of its size without a number, is one heading set on two lines (not when set apart only by a bold face: groff
    mom's "7. Comparison ..." has a subheading "-Tps /-mpdfmark" next). Sphinx's chapter opener, "CHAPTER" / "ONE" /
    "ABOUT THIS MANUAL" on three lines, is one heading "CHAPTER ONE. ABOUT THIS MANUAL"."""
    last = builder.blocks[-1] if builder.blocks else None
    if not re.search(r"[^\W\d_]", text):  # no word: a number set large ("2", "6" on a revision table), no section
        builder.add("paragraph", text, page=page)
        return
    if last is not None and last.kind == "heading" and last.page == page and len(last.text) + len(text) < 200:
        if CHAPTER_WORD.match(last.text) and " " not in text and len(text) <= 15:
            builder.blocks.pop()
            text = f"{last.text} {text}"
        elif CHAPTER_NAMED.match(last.text) and not NUMBERED.match(text):
            builder.blocks.pop()
            text, rank = f"{last.text}. {text}", min(rank, last.level // 10)
        elif sized and last.level // 10 == rank and NUMBERED.match(last.text) and not NUMBERED.match(text):
            builder.blocks.pop()
            broken = re.search(r"\w-$", last.text) and text[:1].islower()  # "the system in-" / "staller?"
            text = f"{last.text[:-1]}{text}" if broken else f"{last.text} {text}"
    number = NUMBERED.match(text)
    if CHAPTER_HEADING.match(text):
        depth = depths[rank] = 1
    elif number:
        depth = depths[rank] = number.group(0).strip().rstrip(".").count(".") + 1
    elif indent is not None:  # set apart by its face, and its indent says how deep (_heading_columns)
        depth = indent
    else:
        depth = depths.get(rank, 9)
    builder.heading(text, rank * 10 + depth, page=page)


# A numbered heading ("1.6 How does ...", "Chapter 3", "A.2"): its wrapped second line is not numbered.
NUMBERED = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[A-Z]\.\d+(?:\.\d+)*|chapter \d+|appendix [A-Z])\s", re.IGNORECASE)
CHAPTER_WORD = re.compile(r"^(chapter|appendix|part)$", re.IGNORECASE)  # Sphinx: "CHAPTER" over "ONE"
CHAPTER_NAMED = re.compile(r"^(chapter|appendix|part) [^\W_]+$", re.IGNORECASE)  # "CHAPTER ONE" over its title
CHAPTER_HEADING = re.compile(r"^(chapter|appendix|part) [^\W_]+\b", re.IGNORECASE)
SECTION_NUMBER = re.compile(r"\d+(\.\d+)+\.?|\d+\.")  # "3.1", "3.": a number without its section's words


def _opens_with_heading(box: _Box, body: float) -> bool:
    """Whether the box's first line is a heading by its face (_set_apart): a box of one such line, or one opening a
    box whose next line is plain ("1. Introduction" in bold over its first paragraph, groff's mom)."""
    first = box.lines[0]
    return _set_apart(first, body) and (len(box.lines) == 1 or not box.lines[1].bold
                                        and first.text.strip()[-1] != ":")


def _heading_columns(boxes: list[_Box], body: float) -> tuple[int, ...]:
    """The left edges at which headings set apart by their face stand, HEADING_COLUMN_REPEATS times or more each,
    when there are two such edges or more; else (). A man page made PDF by groff has no heading larger than its
    text: it sets its sections ("PARAMETERS"), subsections ("Shell Variables") and the terms of its lists
    ("HISTSIZE") all in bold at about the text's size, each further right. Read at one level, "HISTSIZE" was a
    section beside "PARAMETERS", not inside it. (Used only where no heading is set larger: ReportLab's guide has
    bold lines at six edges, figures' and tables' among them, and its sizes to give the outline.)"""
    edges = Counter(round(box.lines[0].x0) for box in boxes
                    if _opens_with_heading(box, body) and not NUMBERED.match(box.lines[0].text.strip()))
    columns = sorted(edge for edge, count in edges.items() if count >= HEADING_COLUMN_REPEATS)
    return tuple(columns) if len(columns) >= 2 else ()


def _indent(box: _Box, columns: tuple[int, ...]) -> int:
    """How deep a heading at the box's left edge stands among the heading `columns`: 1 at or left of the first."""
    return 1 + sum(column < box.lines[0].x0 - 2 for column in columns)


def _dense_levels(blocks: list[Block]) -> list[Block]:
    """Heading levels 1, 2, ... in the order of _heading's rank * 10 + depth; paths are already set."""
    dense = {level: i for i, level in enumerate(sorted({b.level for b in blocks if b.kind == "heading"}), 1)}
    return [replace(b, level=dense[b.level]) if b.kind == "heading" else b for b in blocks]


def _set_apart(line: _Line, body: float) -> bool:
    """A short line at about the body's size that is a heading by its face: bold, or italic and numbered ("3.1.
    Creating destination points at headings"), not a sentence."""
    text = line.text.strip()
    return (not line.mono and _kind(line, body) == "text" and len(text) <= 80 and not re.search(r"[.,;]$", text)
            and re.search(r"[^\W\d_]", text) is not None
            and (line.bold or line.italic and NUMBERED.match(text) is not None))


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
