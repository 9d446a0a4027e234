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
# 2021  TAR(1)". Told apart by their first and last words, not one expression over the line: a run of spaces split
# two ways made a regex cubic (a 4,000-space first line took 52 s).
PAGE_NAME = re.compile(r"\S+\([0-9][0-9a-zA-Z]*\)")
LINE_CHARS = 300  # longer first and last lines are no man header or footer
# A word that man broke at the end of a line with its hyphen (U+2010): "pro‐" / "vided", "FIL‐" / "TER RULES" (rsync's
# page had 12 capital words left broken so).
BROKEN = re.compile(r"(\w)\u2010\n[ \t]+(?=[a-z])|([A-Z])\u2010\n[ \t]+(?=[A-Z])")
SUBSECTION_INDENT = 3
# An option's or argument's name, on a line of its own above its indented description.
TERM = re.compile(r"^[-+\w\[<]")
TERM_CHARS = 80
BESIDE = re.compile(r"^(-\S+(?:, -\S+)*)\s{2,}(\S.*)$")
# "--help, -h (*)           show this help"; matched on stripped lines (trailing spaces would make it quadratic)
SUMMARY_LINE = re.compile(r"^(-\S.*?)\s{2,}(\S.*)$")


def is_man_page(text: str) -> bool:
    """Whether `text` is a manual page rendered as plain text (its first line is man's header: the page's name at
    both ends, "TAR(1) ... TAR(1)")."""
    first = text.lstrip("\n")[:LINE_CHARS + 1].split("\n", 1)[0].strip()
    words = first.split()
    return (len(first) <= LINE_CHARS and len(words) >= 2 and words[0] == words[-1]
            and bool(PAGE_NAME.fullmatch(words[0])) and "  " in first)


def _is_footer(line: str) -> bool:
    """Whether `line` is man's last line: "GNU TAR 1.34   February 2021   TAR(1)"."""
    line = line.strip()
    words = line.split()
    return (len(line) <= LINE_CHARS and len(words) >= 2 and bool(PAGE_NAME.fullmatch(words[-1]))
            and line[:-len(words[-1])].endswith("  "))


def _summary(lines: list[str], indents: list[int]) -> list[str] | None:
    """Lines that are options each beside a short description, at one indent (a line further in goes on the one
    before): "--archive, -a: archive mode is -rlptgoD ..." for each; None if they are anything else."""
    items: list[str] = []
    for line, indent in zip(lines, indents, strict=True):
        beside = SUMMARY_LINE.match(line.strip()) if indent == indents[0] else None
        if beside:
            items.append(f"{beside.group(1)}: {beside.group(2)}")
        elif items and indent > indents[0]:
            items[-1] += " " + line.strip()
        else:
            return None
    return [" ".join(item.split()) for item in items] if len(items) > 1 else None


def read_man(text: str) -> Parsed:
    """The page's blocks: sections and subsections as headings, options as terms opening sections of their own,
    their descriptions and the rest as paragraphs (lines joined, man's justification spaces and broken words
    undone), deeper-indented examples as code. Its title is the NAME line ("tar - an archiving utility")."""
    lines = BROKEN.sub(lambda m: m.group(1) or m.group(2), text.strip("\n")).split("\n")[1:]
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and _is_footer(lines[-1]):
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

    def option(tag: str, description: list[str]) -> None:
        nonlocal term_open
        close_term()
        builder.open_term(" ".join(tag.split()))
        term_open = True
        builder.add("term", tag)
        if description:
            builder.add("paragraph", " ".join(" ".join(description).split()))

    def entry(lines: list[str], at: int) -> bool:
        """An option at indent `at` over (or beside) its description; False if `lines` are no option."""
        first = lines[0]
        if section == "SYNOPSIS":  # a wrapped command line, not an option
            return False
        rest = [line.strip() for line in lines[1:]]
        hanging = min((len(line) - len(line.lstrip()) for line in lines[1:]), default=0)
        if (hanging > at and len(first) > hanging and first[hanging - 1] == " " and first[hanging] != " "
                and not first[:hanging].rstrip().endswith(",")):  # "-v, --version" goes on past the column
            tag, description = first[at:hanging].strip(), [first[hanging:], *rest]  # "-c        If the -c ..."
        elif beside := BESIDE.match(first.strip()):  # "-1     list one file per line"
            tag, description = beside.group(1), [beside.group(2), *rest]
        else:
            tag, description = first.strip(), rest
        if not rest and description == [] or len(tag) > TERM_CHARS or not TERM.match(tag):
            return False
        option(tag, description)
        return True

    def flush() -> None:
        nonlocal title
        if not body:
            return
        indents = [len(line) - len(line.lstrip()) for line in body]
        at = indents[0]
        if at <= base and any(indent > at for indent in indents):
            # a list of options: each line at the list's indent opens one, with or without a blank line between
            entries: list[list[str]] = []
            for line, indent in zip(body, indents, strict=True):
                if indent == at or not entries:
                    entries.append([line])
                else:
                    entries[-1].append(line)
            if all(len(e) > 1 or BESIDE.match(e[0].strip()) for e in entries):
                for lines in entries:
                    if not entry(lines, at):
                        close_term()
                        paragraph(lines)
                body.clear()
                return
        if at > base and not term_open and len(body) <= 3:  # "    info tar": an example
            builder.add("code", "\n".join(line.strip() for line in body))
        elif len(body) == 1 and at <= base and BESIDE.match(body[0].strip()):
            entry(body, at)
        elif (summary := _summary(body, indents)) is not None:
            # a summary of options, one a line ("--verbose, -v            increase verbosity"), that was no list of
            # options above: each an item, not one paragraph (rsync's OPTION SUMMARY was one of 8,203 characters)
            close_term()
            for item in summary:
                builder.add("item", item)
        else:
            if at <= base:
                close_term()  # text at the section's indent ends the option above it
            text = paragraph(body)
            if section == "NAME" and title is None:
                title = text
        body.clear()

    def paragraph(lines: list[str]) -> str:
        text = " ".join(" ".join(lines).split())
        builder.add("paragraph", text)
        return text

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
