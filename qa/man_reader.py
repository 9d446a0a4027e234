"""Read a manual page saved as plain text (`man -P cat tar > tar.txt`): its sections, subsections and options.

As plain text such a page was one paragraph a blank line, cut at its justified lines, with no section path: "What
does the --directory option of tar do?" did not reach "-C, --directory=DIR / Change to DIR before performing any
operations." Read as a manual page, NAME, OPTIONS... are headings, "   Operation mode" a subheading, and each
option a term whose section is its own ("tar - an archiving utility > OPTIONS > -C, --directory=DIR"), as an HTML
reference list's options are (qa/html_reader.py).
"""
from __future__ import annotations

import re

from qa.blocks import Builder, Parsed

# The first line of a rendered manual page: "TAR(1)     GNU TAR Manual     TAR(1)"; its last: "GNU TAR 1.34  February
# 2021  TAR(1)".
HEADER = re.compile(r"^(\S+)\(([0-9][0-9a-zA-Z]*)\)(?:\s{2,}.*)?\s{2,}\1\(\2\)$")
FOOTER = re.compile(r"^\S.*\s{2,}\S+\([0-9][0-9a-zA-Z]*\)$")
# A word that man broke at the end of a line with its hyphen (U+2010): "pro‐" / "vided".
BROKEN = re.compile(r"(\w)\u2010\n[ \t]+(?=[a-z])")
SUBSECTION_INDENT = 3
# An option's or argument's name, on a line of its own above its indented description.
TERM = re.compile(r"^[-+\w\[<]")
TERM_CHARS = 80
BESIDE = re.compile(r"^(-\S+(?:, -\S+)*)\s{2,}(\S.*)$")


def is_man_page(text: str) -> bool:
    """Whether `text` is a manual page rendered as plain text (its first line is man's header)."""
    first = text.lstrip("\n").split("\n", 1)[0].strip()
    return bool(HEADER.match(first))


def read_man(text: str) -> Parsed:
    """The page's blocks: sections and subsections as headings, options as terms opening sections of their own,
    their descriptions and the rest as paragraphs (lines joined, man's justification spaces and broken words
    undone), deeper-indented examples as code. Its title is the NAME line ("tar - an archiving utility")."""
    lines = BROKEN.sub(r"\1", text.strip("\n")).split("\n")[1:]
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and FOOTER.match(lines[-1].strip()):
        lines.pop()
    builder = Builder()
    title: str | None = None
    section = ""
    term_open = False
    body: list[str] = []       # the lines of the block being read
    base = 7                    # the indent of body text (man's default)

    def close_term() -> None:
        nonlocal term_open
        if term_open:
            builder.close_term()
            term_open = False

    def flush() -> None:
        nonlocal title, term_open
        if not body:
            return
        indents = [len(line) - len(line.lstrip()) for line in body]
        first = body[0].strip()
        deeper = [line for line, indent in zip(body[1:], indents[1:], strict=True) if indent > indents[0]]
        beside = BESIDE.match(first) if indents[0] <= base and len(deeper) == len(body) - 1 else None
        if beside:  # "-1     list one file per line": the option and its description on one line
            close_term()
            builder.open_term(beside.group(1))
            term_open = True
            builder.add("term", beside.group(1))
            builder.add("paragraph", " ".join(" ".join([beside.group(2), *deeper]).split()))
        elif (indents[0] <= base and len(deeper) == len(body) - 1 and deeper and len(first) <= TERM_CHARS
                and TERM.match(first)):  # "-C, --directory=DIR" over its description
            close_term()
            builder.open_term(" ".join(first.split()))
            term_open = True
            builder.add("term", first)
            builder.add("paragraph", " ".join(" ".join(deeper).split()))
        elif indents[0] > base and not term_open and len(body) <= 3:  # "    info tar": an example
            builder.add("code", "\n".join(line.strip() for line in body))
        else:
            if indents[0] <= base:
                close_term()  # text at the section's indent ends the option above it
            paragraph = " ".join(" ".join(body).split())
            builder.add("paragraph", paragraph)
            if section == "NAME" and title is None:
                title = paragraph
        body.clear()

    for line in lines:
        indent = len(line) - len(line.lstrip())
        if not line.strip():
            flush()
        elif indent == 0:
            flush()
            close_term()
            section = line.strip()
            builder.heading(section, 1)
        elif indent == SUBSECTION_INDENT:
            flush()
            close_term()
            builder.heading(line.strip(), 2)
        else:
            body.append(line)
    flush()
    close_term()
    return Parsed(tuple(builder.blocks), title)
