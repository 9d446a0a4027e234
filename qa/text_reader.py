"""Read plain text into blocks: the title, underlined and numbered headings, paragraphs kept verbatim, pages' furniture
dropped."""
from __future__ import annotations

import re
from collections import Counter

from qa.blocks import Block, Builder, Parsed, label_kind

# "Overview\n--------": a heading underlined (reStructuredText, READMEs); the line at least half the heading's length
UNDERLINE = re.compile(r"([=\-~^*#+])\1{2,}")
# "1.  Introduction", "4.2. Leap seconds" (RFCs, reports): a short one-line block under a section number
NUMBERED = re.compile(r"(\d{1,2}(?:\.\d{1,2}){0,4})\.?[ \t]+([A-Z][^\n]{0,70}[^\s.,;:])")
NUMBERED_WORDS = 9
CENTRED = 10     # a title line indented at least this much, alone, is set in the middle of the page
PAGE_NUMBER = re.compile(r"\[Page \d+\]|^\s*(?:-\s*)?\d{1,4}(?:\s*-)?\s*$|\bPage \d+ of \d+\b", re.IGNORECASE)
COLUMNS = re.compile(r"\S {3,}(?=\S)")
PAGE_LINES = 3   # the lines at each end of a page where running headers and footers are looked for


def read_text(text: str) -> Parsed:
    """Plain text: the headline (a '#' heading, an underlined first line, or a short first line followed by a blank
    line) is the title; underlined lines and short numbered lines ("2.  Leap Seconds") between paragraphs are
    headings; blank-line separated blocks are paragraphs, kept verbatim (an indented body, as an RFC's, dedented)."""
    text = _dedented(_without_page_furniture(text))
    title = None
    # the first line whole, trailing blanks stripped after: a lazy match backtracked over every blank of a long line
    match = re.match(r"\s*(#{1,6}[ \t]+)?([^\n]+)(\n|$)", text)
    headline = match.group(2).rstrip(" \t") if match else ""
    if match and headline:
        rest = text[match.end():]
        underline = re.match(r"[ \t]*([^\n]*)(\n|$)", rest)
        underlined = underline is not None and _underlines(underline.group(1), headline)
        if underlined and underline is not None:
            title, text = headline.strip(), rest[underline.end():]
        elif match.group(1) or (len(headline) <= 200 and "\n\n" in text[match.end(2):match.end(2) + 3]):
            title, text = headline.strip(), rest
    chunks = [c for c in (chunk.strip("\n").rstrip() for chunk in re.split(r"\n[ \t]*\n", text)) if c.strip()]
    if title is None:  # a line centred on its own near the top before any heading (an RFC's title) is the title
        for i, chunk in enumerate(chunks[:3]):
            if _numbered(chunk) or len(chunk.split("\n")) > 1 and _underlines(chunk.split("\n")[1], chunk):
                break
            if "\n" not in chunk and len(chunk) - len(chunk.lstrip()) >= CENTRED and len(chunk.strip()) <= 100:
                title = chunk.strip()
                del chunks[i]
                break
    builder = Builder()
    levels: dict[str, int] = {}  # underline characters by first use: the first one marks level 1
    numbered = [_numbered(chunk) for chunk in chunks]
    for i, chunk in enumerate(chunks):
        lines = chunk.split("\n")
        if len(lines) >= 2 and _underlines(lines[1], lines[0]):
            builder.heading(lines[0].strip(), levels.setdefault(lines[1].strip()[0], len(levels) + 1))
            chunk = "\n".join(lines[2:])
            if not chunk.strip():
                continue
        elif numbered[i] and numbered[i] not in (*numbered[max(i - 1, 0):i], *numbered[i + 1:i + 2]):
            builder.heading(chunk.strip(), numbered[i])  # numbered lines of one level one after another: a list
            continue
        chunk = chunk if chunk[:1].isspace() and "\n" in chunk else chunk.strip()
        builder.blocks.append(Block(label_kind(chunk) or "paragraph", chunk, 0, builder.path()))
    return builder.parsed(title)


def _underlines(line: str, heading: str) -> bool:
    """Whether `line` underlines `heading`: one character repeated, at least half as long, under a short line."""
    line, heading = line.strip(), heading.strip()
    return (bool(UNDERLINE.fullmatch(line)) and 0 < len(heading) <= 100 and len(line) >= len(heading) / 2
            and not UNDERLINE.fullmatch(heading))


def _numbered(chunk: str) -> int:
    """The level of a numbered heading ("4.2. Leap seconds" -> 2), 0 if the block is none."""
    match = NUMBERED.fullmatch(chunk.strip())
    if "\n" in chunk.strip() or not match or len(match.group(2).split()) > NUMBERED_WORDS:
        return 0
    return match.group(1).count(".") + 1


def _without_page_furniture(text: str) -> str:
    """Text paged with form feeds (RFCs, printed manuals) without the running headers and footers that recur at the
    ends of its pages ("RFC 9998   Lantern Time Sync   April 2024", "Doe   Informational   [Page 3]"); a sentence
    cut by the page break is joined again."""
    pages = text.split("\f")
    if len(pages) < 2:
        return text

    def ends(lines: list[str]) -> list[int]:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        return filled[:PAGE_LINES] + filled[-PAGE_LINES:]

    paged = [page.split("\n") for page in pages]
    recurring = Counter(shape for lines in paged for shape in {_shape(lines[i]) for i in ends(lines)})
    running = {shape for shape, n in recurring.items() if n >= max(2, len(pages) // 2)}
    kept = []
    for number, lines in enumerate(paged):
        edges = set(ends(lines))
        filled = [i for i, line in enumerate(lines) if line.strip()]
        # the line next to a page break set out in columns ("RFC 9998   Lantern Time Sync   April 2024")
        nearest = {filled[0]} if number and filled else set()
        nearest |= {filled[-1]} if number < len(paged) - 1 and filled else set()
        kept.append("\n".join(line for i, line in enumerate(lines) if not (
            i in edges and (_shape(line) in running or PAGE_NUMBER.search(line))
            or i in nearest and len(COLUMNS.findall(line.strip())) >= 2)).strip("\n"))
    joined = kept[0]
    for page in kept[1:]:
        last = joined.rstrip().rsplit("\n", 1)[-1].strip()
        first = page.lstrip("\n").split("\n", 1)[0].strip()
        # a sentence going on over the page break: one paragraph again
        same = bool(last) and last[-1] not in ".:!?" and first[:1].islower()
        joined = joined.rstrip() + ("\n" if same else "\n\n") + page.lstrip("\n")
    return joined


def _shape(line: str) -> str:
    """A line with its numbers and spacing evened out: "[Page 3]" and "[Page 4]" recur as one."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "0", line)).strip()


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
    return "\n".join(line[min(indent, len(line) - len(line.lstrip(" "))):] for line in text.split("\n"))
