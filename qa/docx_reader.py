"""Read a Word .docx into blocks with python-docx: headings by paragraph style, paragraphs, list items, tables."""
from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from lxml import etree

from qa.blocks import Builder, Parsed, Unreadable, clean_inline, list_name, row_text

HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = {"w": W, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
# A paragraph's text is every w:t in it: runs, links, tracked insertions (w:ins), fields and inline content controls
# (python-docx's Paragraph.text reads runs and links only: "The monthly rent is , due ..." lost its inserted "950
# euros"). Deleted text is w:delText, not w:t; a text box's copy for old readers (mc:Fallback) is skipped.
TEXT_PATH = ".//w:t[not(ancestor::mc:Fallback) and not(ancestor::w:moveFrom)] | .//w:tab[not(ancestor::mc:Fallback)]"
TEXT = etree.XPath(TEXT_PATH, namespaces=NAMESPACES)  # a move's old place: no text
# a code paragraph's text keeps its line breaks (w:br, w:cr) and tabs: pandoc's "Source Code" and Word's "HTML
# Preformatted" set a script's lines apart by breaks, and joined on one line "shell: /bin/bash# CAUTION!# If you ..."
LINES = etree.XPath(TEXT_PATH + " | .//w:br[not(ancestor::mc:Fallback)] | .//w:cr[not(ancestor::mc:Fallback)]",
                    namespaces=NAMESPACES)
CODE_STYLE = re.compile(r"\b(?:code|verbatim|preformatted|source ?code|plain ?text|macro ?text)", re.IGNORECASE)
MONOSPACE = re.compile(r"courier|consolas|mono|menlo|lucida console|inconsolata|fira code|source code", re.IGNORECASE)
RUN_STYLE = etree.XPath("./w:rPr/w:rStyle/@w:val", namespaces=NAMESPACES)
RUN_FONT = etree.XPath("./w:rPr/w:rFonts/@w:ascii | ./w:rPr/w:rFonts/@w:hAnsi", namespaces=NAMESPACES)
RUNS = etree.XPath(".//w:r[not(ancestor::mc:Fallback)]", namespaces=NAMESPACES)
BOLD = etree.XPath("./w:rPr/w:b", namespaces=NAMESPACES)
BOLD_HEADING_CHARS = 100
# a cell's or footnote's paragraphs, also inside a content control or a table in the cell (not a text box's)
PARAGRAPHS = etree.XPath(".//w:p[not(ancestor::w:p)]", namespaces=NAMESPACES)
FOOTNOTE_REFERENCES = etree.XPath(".//w:footnoteReference/@w:id", namespaces=NAMESPACES)
FOOTNOTES = etree.XPath("./w:footnote[not(@w:type) or @w:type='normal']", namespaces=NAMESPACES)


def read_docx(data: bytes) -> Parsed:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Unreadable(f"the Word file could not be read ({exc}): save it again as .docx") from exc
    title = clean_inline(document.core_properties.title or "") or None
    body = document.element.body
    if body is None:
        raise Unreadable("the Word file has no body to read: save it again as .docx")
    reader = _Reader(document, title)
    reader.body(body)
    return reader.builder.parsed(reader.title)


class _Reader:
    """The body's paragraphs and tables in order, content controls (w:sdt) read through, each footnote after the
    paragraph that cites it, the items of a nested list in a section named by the item above them."""

    def __init__(self, document: Any, title: str | None) -> None:
        self.document = document
        self.title = title
        self.builder = Builder()
        self.notes = _footnotes(document)
        self.stored = title is not None          # the title is the file's stored one, not one shown in it
        self.bold = False                       # the title is a bold line (no title style, nothing stored)
        self.above: list[tuple[int, str]] = []  # the list items above the one being read: (level, text)
        self.owner = ""                         # the item whose name the open section has

    def own(self, owner: str) -> None:
        """Open the section of a nested list's owning item ("DVDs"), closing the one before; "" closes."""
        if owner != self.owner:
            if self.owner:
                self.builder.close_term()
            if owner:
                self.builder.open_term(owner)
            self.owner = owner

    def item(self, text: str, level: int) -> None:
        while self.above and self.above[-1][0] >= level:
            self.above.pop()
        parent = self.above[-1][1] if self.above else ""
        self.own(list_name(parent))
        self.builder.add("item", text)
        self.above.append((level, text))

    def body(self, element: Any) -> None:
        for child in element.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                self.paragraph(child)
            elif tag == "tbl":
                self.table(child)
            elif tag in ("sdt", "sdtContent", "customXml", "ins"):  # a block-level content control, a tracked insertion
                self.body(child)

    def paragraph(self, p: Any) -> None:
        from docx.text.paragraph import Paragraph

        text = _text(p)
        if text:
            named = Paragraph(p, self.document._body).style if p.pPr is not None else None  # none: Normal
            style = (named.name if named is not None else "") or ""
            heading = HEADING_STYLE.match(style)
            listed = style.lower().startswith("list") or p.pPr is not None and p.pPr.numPr is not None
            if not listed:
                self.own("")  # the list, if any, has ended
                self.above = []
            if _code(p, style):
                self.builder.add("code", _lines(p))
            elif style.lower() == "title":
                if self.title is None or (self.stored or self.bold) and not self.builder.blocks:
                    if self.bold and self.title:  # "CONFIDENTIAL" in bold over the title shown: kept as text
                        self.builder.add("paragraph", self.title)
                    self.title, self.stored, self.bold = text, False, False  # shown wins over stored
                elif text != self.title:
                    self.builder.heading(text, 1)
            elif heading:
                # a page saved as Word keeps its headings' permalink marks: "Salt¶" (borg's manual, through pandoc)
                self.builder.heading(text.rstrip("¶ ") or text, int(heading.group(1)))
            elif listed:
                self.item(text, _level(p, style))
            elif _bold_line(p, text):  # a heading set in bold without a heading style
                if self.title is None and not self.builder.blocks:
                    self.title, self.bold = text, True
                else:
                    self.builder.subheading(text)
            else:
                self.builder.add("paragraph", text)
        self.notes_of(p)

    def table(self, tbl: Any) -> None:
        """Rows as 'Header: value; ...', the first row being the header; a first row of one cell across the table
        is its caption ("Table 1. Opening hours by branch"): a paragraph, the next row the header."""
        from docx.table import Table

        self.own("")
        self.above = []
        table = Table(tbl, self.document._body)
        rows = [[_text(cell._tc) for cell in row.cells] for row in table.rows]
        elements = [row._tr for row in table.rows]
        if len(rows) > 2 and len(rows[0]) > 1 and len(set(rows[0])) == 1 and len(set(rows[1])) > 1:
            if rows[0][0]:
                self.builder.add("paragraph", rows[0][0])
            self.notes_of(elements[0])
            rows, elements = rows[1:], elements[1:]
        if not rows:
            return
        header, body = (rows[0], rows[1:]) if len(rows) > 1 else ([], rows)
        if header:
            self.notes_of(elements[0])
        for values, element in zip(body, elements[len(rows) - len(body):], strict=True):
            if any(values):
                self.builder.add("row", row_text(header, values))
            self.notes_of(element)

    def notes_of(self, element: Any) -> None:
        """The footnotes `element` (a paragraph, a table row) cites, each as a paragraph, in the order cited."""
        for ref in FOOTNOTE_REFERENCES(element):
            if note := self.notes.get(str(ref)):
                self.builder.add("paragraph", note)


def _level(p: Any, style: str) -> int:
    """A list item's level: its numbering's w:ilvl, else the style's number ("List Bullet 2" is level 1)."""
    ilvl = p.pPr.numPr.ilvl if p.pPr is not None and p.pPr.numPr is not None else None
    if ilvl is not None and ilvl.val is not None:
        return int(ilvl.val)
    number = re.search(r"(\d)$", style)
    return int(number.group(1)) - 1 if number else 0


def _bold_line(p: Any, text: str) -> bool:
    """A short paragraph all in bold runs, not a sentence: "Article II. Meetings" in bylaws typed without heading
    styles (each was a passage of its own, and every section path empty)."""
    runs = _text_runs(p)

    def bold(run: Any) -> bool:
        marks = BOLD(run)
        return bool(marks) and marks[0].get(f"{{{W}}}val", "true") not in ("0", "false", "off")

    return bool(runs) and len(text) <= BOLD_HEADING_CHARS and text[-1] not in ".,;!?" and all(map(bold, runs))


def _text_runs(p: Any) -> list[Any]:
    """A paragraph's runs that hold some text (not only white space)."""
    return [r for r in RUNS(p) if "".join(t.text or "" for t in TEXT(r)).strip()]


def _code(p: Any, style: str) -> bool:
    """A paragraph of code: in a code style ("Source Code", "HTML Preformatted"), or every run of its text in a code
    character style ("Verbatim Char") or a fixed-width font (Courier, Consolas...)."""
    if CODE_STYLE.search(style):
        return True
    runs = _text_runs(p)
    return bool(runs) and all(any(CODE_STYLE.search(name) for name in RUN_STYLE(r))
                              or any(MONOSPACE.search(font) for font in RUN_FONT(r)) for r in runs)


def _lines(p: Any) -> str:
    """A code paragraph's text, its line breaks and tabs kept."""
    text = "".join("\t" if e.tag == f"{{{W}}}tab" else "\n" if e.tag in (f"{{{W}}}br", f"{{{W}}}cr") else (e.text or "")
                   for e in LINES(p))
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


def _text(element: Any) -> str:
    """The text of a paragraph, cell or footnote on one line: its w:t (tabs as spaces), paragraphs joined by spaces."""
    paragraphs = PARAGRAPHS(element) if element.tag != f"{{{W}}}p" else [element]
    texts = ("".join(" " if t.tag == f"{{{W}}}tab" else (t.text or "") for t in TEXT(p)) for p in paragraphs)
    return clean_inline(" ".join(texts))


def _footnotes(document: Any) -> dict[str, str]:
    """Footnote text by id, from the document's footnotes part (python-docx does not read it)."""
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/footnotes") and not rel.is_external:
            try:
                root = etree.fromstring(rel.target_part.blob)
            except etree.XMLSyntaxError:
                return {}
            return {str(note.get(f"{{{W}}}id")): _text(note) for note in FOOTNOTES(root)}
    return {}
