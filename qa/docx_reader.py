"""Read a Word .docx into blocks with python-docx: headings by paragraph style, paragraphs, list items, tables."""
from __future__ import annotations

import io
import re
import zipfile

from qa.blocks import Builder, Parsed, Unreadable, clean_inline, row_text

HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


def read_docx(data: bytes) -> Parsed:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Unreadable(f"the Word file could not be read ({exc}): save it again as .docx") from exc
    title = clean_inline(document.core_properties.title or "") or None
    builder = Builder()
    for element in document.iter_inner_content():
        if isinstance(element, Paragraph):
            text = clean_inline(element.text)
            style = (element.style.name if element.style is not None else "") or ""
            if not text:
                continue
            heading = HEADING_STYLE.match(style)
            if style.lower() == "title":
                if title is None:
                    title = text
                elif text != title:
                    builder.heading(text, 1)
            elif heading:
                builder.heading(text, int(heading.group(1)))
            elif style.lower().startswith("list") or element._p.pPr is not None and element._p.pPr.numPr is not None:
                builder.add("item", text)
            else:
                builder.add("paragraph", text)
        elif isinstance(element, Table):
            _table(builder, element)
    return builder.parsed(title)


def _table(builder: Builder, table: object) -> None:
    """Rows as 'Header: value; ...', the first row being the header."""
    from docx.table import Table

    assert isinstance(table, Table)
    rows = [[clean_inline(cell.text) for cell in row.cells] for row in table.rows]
    if not rows:
        return
    header, body = (rows[0], rows[1:]) if len(rows) > 1 else ([], rows)
    for values in body:
        if any(values):
            builder.add("row", row_text(header, values))
