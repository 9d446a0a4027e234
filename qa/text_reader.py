"""Read plain text into blocks: the title, underlined and numbered headings, paragraphs kept verbatim, pages' furniture
dropped."""
from __future__ import annotations

import re
import textwrap
from collections import Counter

from qa.blocks import Block, Builder, Parsed, label_kind, row_text

# "Overview\n--------": a heading underlined (reStructuredText, READMEs); the line at least half the heading's length
UNDERLINE = re.compile(r"([=\-~^*#+])\1{2,}")
# "1.  Introduction", "4.2. Leap seconds" (RFCs, reports): a short one-line block under a section number
NUMBERED = re.compile(r"(\d{1,2}(?:\.\d{1,2}){1,4}[.:]?|\d{1,2}\.)[ \t]+([A-Z][^\n]{0,70}[^\s.,;:])")  # not "12 March"
NUMBERED_WORDS = 9
SUBSECTION_WORDS = 14  # under a number with a dot inside ("4.1. I keep getting the error 506 Cannot talk to daemon")
# a numbered heading that asks ("2.4. Must I specify servers by IP address if DNS is not available on chronyd start?")
# zsh's FAQ numbers them "3.2: In which startup file do I put...?", its sections "1.1: Sources of information"
NUMBERED_QUESTION = re.compile(r"(\d{1,2}(?:\.\d{1,2}){1,4}[.:]?|\d{1,2}[.:])[ \t]+([A-Z][^\n]{0,200}\?)")
NUMBERED_QUESTION_WORDS = 30
# "Table of Contents" over a list of numbered entries ("  o 2. Configuration issues", "      ? 2.1. What is ..."):
# dropped with its list (a contents list ranked above the section it lists, and each entry is a heading again below)
CONTENTS = re.compile(r"(?:table of )?contents:?", re.IGNORECASE)
CONTENTS_ENTRY = re.compile(r"(?:[-*o?•·]\s+)?(?:\d{1,2}(?:\.\d{1,2})*\.?|chapter \d+\.?|appendix [A-Z]\.?)\s+\S",
                            re.IGNORECASE)
ENTRY_MARK = re.compile(r"^[-*o?•·]\s+")  # "  o 1. chrony compared to other programs": the entry without its mark
# "Q: Why is ...?" / "A: Screen always ...": a FAQ in text; the question is a heading its answer travels with
QUESTION = re.compile(r"Q(?:uestion)?[:.][ \t]+(\S[^\n]*(?:\n[^\n]+)*)")
OUTDENTED = "\x01"  # marks a line set left of an indented body (_dedented): "Abstract", "Chapter 2. apt-get"
# a word hyphenated at a line's end in prose ("compati-\n     ble", screen's FAQ): joined, as the PDF reader does
HYPHENATED = re.compile(r"(?<=[a-z])-\n[ \t]*(?=[a-z])")
ORG_HEADING = re.compile(r"(\*{1,6})[ \t]+(\S.*)")
# "* Dependencies" on a line of its own between paragraphs (tmux's README, Org-mode files not indented): a heading when
# the text has at least this many, none next to another "* " line (a loose list's items are)
ORG_OUTLINE = 2
# an indented block, or a "$ command" line, after a paragraph that ends with ":" ("available from:", "use:") is what
# that line introduces: code, kept verbatim and with it (tmux's README was 36 passages, "available from:" one of them
# and its address another)
PROMPT = re.compile(r"\$[ \t]+\S")
LIST_MARK = re.compile(r"(?:[-*o•·]|\d{1,2}[.)])[ \t]")  # " o When it is ...", " 1. Redistributions ...": a list
PROSE = re.compile(r"\b[A-Za-z][a-z]*(?:,? [a-z]+){5}")  # six words in a row: a sentence, not a command or an address
HEADING_CHARS = 80   # an outdented line this long or shorter, with no sentence end, is a heading
CENTRED = 10     # a title line indented at least this much, alone, is set in the middle of the page
PAGE_NUMBER = re.compile(r"\[Page \d+\]|^\s*(?:-\s*)?\d{1,4}(?:\s*-)?\s*$|\bPage \d+ of \d+\b", re.IGNORECASE)
COLUMNS = re.compile(r"\S {3,}(?=\S)")  # a gap between columns ("Network Working Group      J. Doe")
RUNNING_CHARS = 100  # a running header or footer is at most this long
PAGE_NUMBER_WORDS = 4  # words beside a page number in a footer ("Doe  Informational  [Page 3]"); more: a sentence
# A manual formatted for a terminal (groff's grotty): colour and bold codes ("\x1b[1mman-db\x1b[0m", 1,042 in man-db's
# manual, in its title and every citation) and overstrike ("N\bN" bold, "_\bx" underlined) are not text.
TERMINAL_CODES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
OVERSTRUCK = re.compile(r"[^\n]\x08")
PAGE_LINES = 3   # the lines at each end of a page where running headers and footers are looked for
GRID_RULE = re.compile(r"[+|][-=+|]*[-=][-=+|]*[+|]")  # "+-----+", "|-----+-----|", "+=====+": a grid table's rule
PAGE_SPACING = 20  # a page without form feeds has at least this many lines (a printed page: 50-70)


def read_text(text: str) -> Parsed:
    """Plain text: the headline (a '#' heading, an underlined first line, or a short first line followed by a blank
    line) is the title; underlined lines and short numbered lines ("2.  Leap Seconds") between paragraphs are
    headings; blank-line separated blocks are paragraphs, kept verbatim (an indented body, as an RFC's, dedented)."""
    text = TERMINAL_CODES.sub("", OVERSTRUCK.sub("", text))  # grotty's bold and underline: man-db's manual
    text = _dedented(_without_page_furniture(_paged(text.replace("\xa0", " "))))  # "4.2.4.\xa0The Kept Back list"
    title = None
    # the first line whole, trailing blanks stripped after: a lazy match backtracked over every blank of a long line
    match = re.match(r"\s*(#{1,6}[ \t]+)?([^\n]+)(\n|$)", text)
    headline = match.group(2).rstrip(" \t").replace(OUTDENTED, "") if match else ""
    if match and headline:
        rest = text[match.end():]
        underline = re.match(r"[ \t]*([^\n]*)(\n|$)", rest)
        underlined = underline is not None and _underlines(underline.group(1), headline)
        if underlined and underline is not None:
            title, text = headline.strip(), rest[underline.end():]
        elif match.group(1) or (len(headline) <= 200 and "\n\n" in text[match.end(2):match.end(2) + 3]):
            title, text = headline.strip(), rest
    chunks = [c for c in (chunk.strip("\n").rstrip() for chunk in re.split(r"\n[ \t]*\n", text)) if c.strip()]
    if title is None:  # a line centred on its own after an RFC's header block (set out in columns) is the title
        for i, chunk in enumerate(chunks[:3]):
            if "\n" not in chunk and len(chunk) - len(chunk.lstrip()) >= CENTRED and len(chunk.strip()) <= 100:
                if i and not re.search(r"[=/\\{}<>$]|--", chunk):
                    title = chunk.strip()
                    del chunks[i]
                break
            if not any(COLUMNS.search(line.strip()) for line in chunk.split("\n")):
                break
    builder = Builder()
    levels: dict[str, int] = {}  # underline characters by first use: the first one marks level 1
    chunks = _without_contents(chunks)
    numbered = [_numbered(chunk.replace(OUTDENTED, "")) for chunk in chunks]
    outline = set() if any(numbered) or any(_underlined(chunk) for chunk in chunks) else _org_outline(chunks)
    for i, chunk in enumerate(chunks):
        outdented = chunk.startswith(OUTDENTED)
        chunk = chunk.replace(OUTDENTED, "")
        lines = chunk.split("\n")
        question = QUESTION.fullmatch(chunk.strip())
        if _underlined(chunk):
            builder.heading(lines[0].strip(), levels.setdefault(lines[1].strip()[0], len(levels) + 1))
            chunk = "\n".join(lines[2:])
            if not chunk.strip():
                continue
        elif numbered[i] and numbered[i] not in (*numbered[max(i - 1, 0):i], *numbered[i + 1:i + 2]):
            builder.heading(chunk.strip(), numbered[i])  # numbered lines of one level one after another: a list
            continue
        elif i in outline or (outdented and "\n" not in chunk and _heading_line(chunk)):
            stars = ORG_HEADING.fullmatch(chunk.strip())  # "** Socket directory": an Org-mode heading of level 2
            builder.heading(stars.group(2) if stars else chunk.strip(), len(stars.group(1)) if stars else 1)
            continue
        elif question:
            builder.subheading(question.group(1))
            continue
        elif re.match(r"A(?:nswer)?[:.][ \t]", chunk):  # the answer to the question just above
            chunk = re.sub(r"^A(?:nswer)?[:.][ \t]+", "", chunk)
        grid = _grid(chunk)
        if grid is not None:
            header, rows = grid
            for row in rows:
                builder.add("row", row_text(header, row))
            continue
        if i and chunks[i - 1].rstrip().endswith(":") and _introduced_code(chunk):
            builder.blocks.append(Block("code", textwrap.dedent(chunk.expandtabs(8)).strip("\n"), 0, builder.path()))
            continue
        chunk = chunk if chunk[:1].isspace() and "\n" in chunk else HYPHENATED.sub("", chunk.strip())
        builder.blocks.append(Block(label_kind(chunk) or "paragraph", chunk, 0, builder.path()))
    return builder.parsed(title)


def _introduced_code(chunk: str) -> bool:
    """Whether a block after a line ending in ":" is the code, command or address it introduces: indented, or a
    "$ command", and neither a list nor prose."""
    first = chunk.replace(OUTDENTED, "").lstrip()
    return ((chunk[:1].isspace() or PROMPT.match(chunk) is not None) and LIST_MARK.match(first) is None
            and PROSE.search(chunk) is None)


def _org_outline(chunks: list[str]) -> set[int]:
    """The chunks that are Org-mode style headings ("* Dependencies") in a text that is not indented: one short line
    each, no sentence end, neither chunk beside it a "* " line too; none unless there are ORG_OUTLINE of them."""
    def starred(i: int) -> bool:
        return 0 <= i < len(chunks) and ORG_HEADING.match(chunks[i].replace(OUTDENTED, "").strip()) is not None

    found = {i for i, chunk in enumerate(chunks)
             if "\n" not in chunk.strip() and not chunk.startswith(OUTDENTED) and starred(i)
             and _heading_line(chunk) and not starred(i - 1) and not starred(i + 1) and i + 1 < len(chunks)}
    return found if len(found) >= ORG_OUTLINE else set()


def _grid(chunk: str) -> tuple[list[str], list[list[str]]] | None:
    """A table drawn in ASCII ("+-----+-----+", "| Type | Description |", "|-----+-----|") as its header and rows,
    each cell's lines joined; None for any other block. The debconf specification's table of data types was one
    paragraph of bars, each description cut into line pieces beside the other column's."""
    lines = [line.strip() for line in chunk.split("\n") if line.strip()]
    if len(lines) < 3 or not all(line[0] in "+|" and line[-1] in "+|" and len(line) > 1 for line in lines):
        return None
    rows: list[list[list[str]]] = [[]]
    columns = 0
    for line in lines:
        if GRID_RULE.fullmatch(line):
            if rows[-1]:
                rows.append([])
            continue
        cells = [cell.strip() for cell in line[1:-1].split("|")]
        if columns and len(cells) != columns:
            return None
        columns = len(cells)
        rows[-1].append(cells)
    joined = [[" ".join(part for part in column if part) for column in zip(*row, strict=True)] for row in rows if row]
    if len(joined) < 2 or columns < 2:
        return None
    header = joined[0] if all(0 < len(cell) <= 30 for cell in joined[0]) else []
    return header, joined[1:] if header else joined


def _underlined(chunk: str) -> bool:
    """Whether a block opens with an underlined heading."""
    lines = chunk.replace(OUTDENTED, "").split("\n")
    return len(lines) >= 2 and _underlines(lines[1], lines[0])


def _underlines(line: str, heading: str) -> bool:
    """Whether `line` underlines `heading`: one character repeated, at least half as long, under a short line that
    is not indented code ("    x = 1" over "    ---")."""
    if len(heading) - len(heading.lstrip()) > 3:
        return False
    line, heading = line.strip(), heading.strip()
    return (bool(UNDERLINE.fullmatch(line)) and 0 < len(heading) <= 100 and len(line) >= len(heading) / 2
            and not UNDERLINE.fullmatch(heading) and not COLUMNS.search(heading))  # not a table's header row


def _numbered(chunk: str) -> int:
    """The level of a numbered heading ("4.2. Leap seconds" -> 2), 0 if the block is none; a FAQ's question may be
    longer and wrap onto a second line ("2.4. Must I specify servers by IP address if DNS is not available on\n
    chronyd start?")."""
    lines = chunk.strip().split("\n")
    asks = chunk.rstrip().endswith("?")
    match = NUMBERED_QUESTION.fullmatch(" ".join(line.strip() for line in lines)) if asks else \
        NUMBERED.fullmatch(chunk.strip())
    if match is None or len(lines) > (2 if asks else 1):
        return 0
    level = match.group(1).rstrip(".:").count(".") + 1
    most = NUMBERED_QUESTION_WORDS if asks else SUBSECTION_WORDS if level > 1 else NUMBERED_WORDS
    return level if len(match.group(2).split()) <= most else 0


def _heading_line(line: str) -> bool:
    """Whether a line set left of an indented body is a heading: short, words, no sentence end, no columns."""
    line = line.strip()
    return (0 < len(line) <= HEADING_CHARS and line[-1] not in ".,;:" and re.search(r"[^\W\d_]{2}", line) is not None
            and not COLUMNS.search(line) and len(line.split()) <= NUMBERED_WORDS + 1)


def _without_contents(chunks: list[str]) -> list[str]:
    """The chunks without a table of contents: a "Contents" line and the list of numbered entries under it."""
    def entries(chunk: str) -> list[str] | None:
        lines = [ENTRY_MARK.sub("", " ".join(line.split())) for line in chunk.replace(OUTDENTED, "").split("\n")
                 if line.strip()]
        listed = sum(bool(CONTENTS_ENTRY.match(line)) for line in lines) >= 0.6 * len(lines)  # (a wrapped entry)
        return lines if lines and listed else None

    kept: list[str] = []
    after = 0  # chunks since a "Contents" line, while they are entries (0: none)
    seen: set[str] = set()  # the entries skipped
    for i, chunk in enumerate(chunks):
        plain = chunk.replace(OUTDENTED, "").strip()
        if CONTENTS.fullmatch(plain):
            after, seen = 1, set()
            continue
        lines = entries(chunk) if after else None
        # the list, in one chunk or several; a first entry alone is a one-entry list, a later one the first heading
        # unless more entries follow it (the debconf specification sets each entry apart) and it is none seen in
        # the list already (its first heading repeats its first entry)
        ahead = i + 1 < len(chunks) and entries(chunks[i + 1]) is not None
        if lines and (after == 1 or len(lines) >= 2 or ahead and lines[0] not in seen):
            after += 1
            seen.update(lines)
            continue
        after = 0
        kept.append(chunk)
    return kept


def _without_page_furniture(text: str) -> str:
    """Text paged with form feeds (RFCs, printed manuals) without the running headers and footers at the ends of its
    pages: a line that recurs word for word at page ends on most pages and is no sentence ("RFC 9998   Lantern Time
    Sync   April 2024"), or a page number alone or in a short line ("Doe   Informational   [Page 3]", "- 12 -");
    a sentence cut by the page break is joined again. Lines only alike ("Chapter 1", "Chapter 2") stay."""
    pages = text.split("\f")
    if len(pages) < 2:
        return text

    def ends(lines: list[str]) -> list[int]:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        edge = PAGE_LINES if len(filled) > 3 * PAGE_LINES else 1  # a short page: its first and last line only
        return filled[:edge] + filled[-edge:]

    paged = [page.split("\n") for page in pages]
    recurring = Counter(line for lines in paged for line in {" ".join(lines[i].split()) for i in ends(lines)})
    running = {line for line, n in recurring.items()
               if n >= max(2, 0.6 * len(pages)) and line[-1:] not in ".!?:;," and len(line) <= RUNNING_CHARS
               and re.search(r"[^\W\d_]{3}", line)}  # words, not a brace closing code on every page
    kept: list[str] = []
    for lines in paged:
        edges = set(ends(lines))
        page = "\n".join(line for i, line in enumerate(lines)
                         if not (i in edges and (" ".join(line.split()) in running or _page_number(line))))
        page = page.strip("\n")
        if not page.strip():
            continue
        if kept:
            last = kept[-1].rstrip().rsplit("\n", 1)[-1].strip()
            first = page.lstrip("\n").split("\n", 1)[0].strip()
            # a sentence going on over the page break: one paragraph again
            kept.append("\n" if bool(last) and last[-1] not in ".:!?" and first[:1].islower() else "\n\n")
        kept.append(page.rstrip() if kept else page)
    return "".join(kept)  # joined once: joining page by page took quadratic time (16,000 pages: 28 s)


def _paged(text: str) -> str:
    """Text paged without form feeds, by a fixed number of lines (nroff's output for a terminal: man-db's manual,
    66 lines a page), with its pages marked by form feeds: the line that recurs at one spacing, PAGE_SPACING lines
    or more apart, at least three times, laid out in columns and no sentence ("man-db      v2.11.2      2023-01-08"
    closed each of its 31 pages and was a paragraph 31 times, cutting sentences over the page breaks)."""
    if "\f" in text:
        return text
    lines = text.split("\n")
    at: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        plain = " ".join(line.split())
        if plain and len(plain) <= RUNNING_CHARS and COLUMNS.search(line.strip()) and plain[-1] not in ".!?:;,":
            at.setdefault(plain, []).append(i)
    for places in at.values():
        gaps = {b - a for a, b in zip(places, places[1:], strict=False)}
        if len(places) >= 3 and len(gaps) == 1 and min(gaps) >= PAGE_SPACING:
            for i in places:
                lines[i] = "\f"
            return "\n".join(lines)
    return text


def _page_number(line: str) -> bool:
    """A page number line: "42", "- 12 -", "Page 3 of 10", or a short line holding "[Page 3]"."""
    match = PAGE_NUMBER.search(line)
    return match is not None and len((line[:match.start()] + line[match.end():]).split()) <= PAGE_NUMBER_WORDS


def _dedented(text: str) -> str:
    """Text whose body is indented throughout (an RFC's three spaces) with that indent taken off every line, so
    paragraphs are not read as indented code; deeper indents stay relative, shallower lines as they are."""
    # the body's lines: long ones (headings and a title set apart are short)
    indents = Counter(len(line) - len(line.lstrip(" ")) for line in text.split("\n") if len(line.strip()) >= 40)
    if not indents:
        return text
    indent, count = indents.most_common(1)[0]
    if indent == 0 or indent > 8 or count < 0.6 * sum(indents.values()):
        return text

    def dedented(line: str) -> str:
        own = len(line) - len(line.lstrip(" "))
        return OUTDENTED + line if own < indent and line.strip() else line[min(indent, own):]

    return "\n".join(map(dedented, text.split("\n")))
