"""What every reader returns: a document as a typed list of blocks (title, headings, paragraphs, code, ...)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

# title: the document's headline; heading: a section heading (level 1-6); paragraph; item: a list item;
# term: a definition term (a function signature, a glossary word) whose description follows; code: verbatim;
# row: a table row with its header ("Header: value; ..."); label: "Note", "See also", "New in version 3.8"
Kind = Literal["title", "heading", "paragraph", "item", "term", "code", "row", "label"]
# Kinds that name what follows them: they travel with it into a passage (qa.passages), never a passage alone.
STICKY: frozenset[str] = frozenset({"title", "heading", "label", "term"})

# Short blocks that introduce what follows instead of saying something themselves.
LABEL = re.compile(
    r"^(notes?|tip|hint|warning|caution|important|danger|attention|see also|"
    r"new in version [\w.]+|changed in version [\w.]+|deprecated( since version [\w.]+)?|"
    r"deprecated since [\w.]+|todo|seealso)\s*:?$",
    re.IGNORECASE,
)


class ReadError(ValueError):
    """A file that can't become a document; the message says why and what to do."""


class UnsupportedType(ReadError):
    """The file's type is not one the readers know."""


class EmptyDocument(ReadError):
    """The file holds no text to search (empty, only markup, a scanned PDF)."""


class Unreadable(ReadError):
    """The file is damaged, encrypted or in an encoding that can't be told."""


@dataclass(frozen=True)
class Block:
    kind: Kind
    text: str
    level: int = 0                      # heading level, 1 = top; 0 for other kinds
    path: tuple[str, ...] = ()          # the headings (and section terms) this block is under, itself included
    page: int | None = None             # 1-based page, for paged documents (PDF)


@dataclass(frozen=True)
class Parsed:
    blocks: tuple[Block, ...]           # in reading order; the title (if any) is not among them
    title: str | None = None            # a title the format carries (<h1>/<title>, PDF metadata, docx Title)
    paged: bool = False                 # PDF: the blocks carry page numbers
    page_labels: tuple[str, ...] = ()   # PDF: each page's printed number ("xiv", "114"), when the file labels its
                                        # pages otherwise than 1, 2, 3... (() when it does not)


def clean_inline(text: str) -> str:
    """Inline text with runs of whitespace made one space, ends stripped."""
    return " ".join(text.split())


# A list item this short over a nested list, not a sentence, names that list ("DVDs", "Borrowing rules:").
LIST_NAME_CHARS = 60
# "--enable-hwloc: ...", "Loan period : ...": up to four words, each without a colon (one way to split a line: a
# pattern that could split a word in several ways took minutes over a long line without spaces)
NAMED_ITEM = re.compile(r"([^\s:]+(?: [^\s:]+){0,3}) ?: ")


def list_name(item: str) -> str:
    """The name an item gives the list nested under it ("DVDs" over "Loan period is 7 days."), "" when it is none;
    an item that opens with a name and a colon gives that name ("--enable-affinity: enable sched_setaffinity(2) ...
    conflicts with hwloc" over "default: check", htop's build options)."""
    if 0 < len(item) <= LIST_NAME_CHARS and item[-1] not in ".!?;,":
        return item
    named = NAMED_ITEM.match(item)
    return named.group(1).strip() if named else ""


def label_kind(text: str) -> Kind | None:
    """'label' for a short block like "Note" or "New in version 3.8:", else None."""
    return "label" if len(text) <= 40 and LABEL.match(text.strip()) else None


@dataclass
class Builder:
    """Collects blocks in reading order and gives each its section path from the headings seen so far."""

    blocks: list[Block] = field(default_factory=list)
    _headings: list[tuple[int, str]] = field(default_factory=list)   # (level, text), outermost first
    _terms: list[str] = field(default_factory=list)                  # section terms (dt with an anchor) open now
    _sub: bool = False                                               # the innermost heading is a subheading

    def heading(self, text: str, level: int, page: int | None = None, sub: bool = False) -> None:
        text = clean_inline(text)
        if not text:
            return
        while self._headings and self._headings[-1][0] >= level:
            self._headings.pop()
        self._headings.append((level, text))
        self._sub = sub
        self._terms.clear()
        self.blocks.append(Block("heading", text, level, self.path(), page))

    def subheading(self, text: str, page: int | None = None) -> None:
        """A heading without a level of its own (a bold one-line paragraph): one level under the current one, or
        beside the subheading before it (a FAQ's bold questions are siblings, not each inside the one before)."""
        if self._headings and self._sub:
            level = self._headings[-1][0]
        else:
            level = min(6, self._headings[-1][0] + 1) if self._headings else 2
        self.heading(text, level, page, sub=True)

    def path(self) -> tuple[str, ...]:
        return tuple(h for _, h in self._headings) + tuple(self._terms)

    def open_term(self, name: str) -> None:
        """A definition term that names a section of its own (json.dumps) until close_term()."""
        self._terms.append(name)

    def close_term(self) -> None:
        if self._terms:
            self._terms.pop()

    def add(self, kind: Kind, text: str, page: int | None = None) -> None:
        if kind != "code":
            text = clean_inline(text)
            if kind == "paragraph":
                kind = label_kind(text) or kind
        else:
            text = text.strip("\n").rstrip()
        if text.strip():
            self.blocks.append(Block(kind, text, 0, self.path(), page))

    def parsed(self, title: str | None, paged: bool = False, page_labels: tuple[str, ...] = ()) -> Parsed:
        return Parsed(tuple(self.blocks), title, paged, page_labels)


def row_text(header: list[str], values: list[str]) -> str:
    """A table row as 'Header1: value1; Header2: value2', so header and value meet; ' | ' without a header."""
    if header and len(header) >= len(values):
        return "; ".join(f"{h}: {v}" if h else v for h, v in zip(header, values, strict=False) if v)
    return " | ".join(v for v in values if v)


def term_name(text: str) -> str:
    """The short name of a definition term for a section path: 'json.dumps(obj, *, ...)' -> 'json.dumps'."""
    name = text.split("(", 1)[0].strip() if re.match(r"^@?[\w.\s]+\(", text) else text
    return name if len(name) <= 80 else name[:77].rstrip() + "..."
