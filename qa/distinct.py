"""One result for one answer: passages quoting the same sentence (a manual's HTML and its PDF) are listed once, and
a shortlist holds one copy of a text.

Debian's doc packages ship many manuals in two or three formats (bash: bashref.html and bashref.pdf; Debian Policy:
HTML, PDF and text), and a user who adds the folder gets each sentence once per copy. Asked "What is the exit
status of a pipeline?" over bash's HTML and PDF, [1] and [2] quoted the same sentence (one "(see The Set Builtin)",
the other "(see Section 4.3.1 [The Set Builtin], page 67)"), so the list held one answer where it had room for
three. A manual repeats itself too: Python's shelve.open and shelve.Shelf both say "Changed in version 3.10:
pickle.DEFAULT_PROTOCOL is now used as the default pickle protocol." The ranking is kept; of passages whose quotes
are near-duplicates only the first (the most probable) stays, and the next distinct one moves up (`distinct`).
Before that, the passages read for the answer are chosen so (`distinct_passages`): with bash's two manuals in two
formats each, a shortlist of 10 held 5 or 6 texts.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

WORD = re.compile(r"\w+")
# Quotes this alike are one answer: this share of the shorter one's words are the other's. bash's pipeline sentence
# in HTML and PDF: 1.0 (the PDF's adds "Section 4.3.1 ..., page 67" to a cross-reference, 0.74 of their union). Two
# sections saying one thing in nearly the same words are one answer too: "If set, the return value of a pipeline is
# the value of the last (rightmost) command to exit with a non-zero status, ..." (set -o pipefail) and "If pipefail
# is enabled, the pipeline's return status is the value of ..." (Pipelines), 0.91. Two rows of one table are not:
# shopt's nocaseglob and nocasematch ("If set, Bash matches filenames / patterns in a case-insensitive fashion when
# performing ..."), 0.79. Nor are two documents' that differ: time.strftime's "%j: Day of the year as a decimal
# number [001,366]." is all in datetime's "%j: Day of the year as a zero-padded decimal number. Example: 001, 002,
# ..., 366" (1.0), so quotes are compared only in one document or one section (`alike`). Code is compared whole:
# pathlib's examples ">>> sorted(Path('.').glob('*.py'))" and "... glob('**/*.py')" have the same words.
SAME = 0.9
# A quote this long is alike on its own words; a shorter one ("HISTIGNORE subsumes the function of HISTCONTROL.")
# only when the text around it (CONTEXT characters each side) is alike too: copies of one page (1.0 in bash's HTML
# and PDF), not a short sentence that several sections repeat ("This option is enabled by default.").
LONG = 8
CONTEXT = 200
# Fewer words are never compared: a lone term ("pipefail") is in many quotes.
FEWEST = 3


@dataclass(frozen=True)
class Quoted:
    """A hit's quote and the text around it, as their word sets, and the ends of the quote's section path."""
    quote: frozenset[str]
    around: frozenset[str]
    top: str = ""      # the path's first heading: the document's ("Bash Reference Manual", "time — Time access ...")
    last: str = ""     # and its last ("3.2.3 Pipelines", "time.strftime")
    document: str = ""  # the document's id
    lines: str = ""    # a quote of several lines (code, a list): its text, whitespace made single spaces, lower case


def words(text: str) -> frozenset[str]:
    """The lower-case words of `text`."""
    return frozenset(WORD.findall(text.lower()))


def quoted(text: str, span: tuple[int, int], section: str = "", document: str = "") -> Quoted:
    """A passage's quote (text[start:end]), the CONTEXT characters around it, the quote's section path and its
    document."""
    start, end = span
    parts = [part.strip().lower() for part in section.split(" > ")]
    quote = text[start:end].strip()
    return Quoted(words(quote), words(text[max(0, start - CONTEXT):end + CONTEXT]), top=parts[0], last=parts[-1],
                  document=document, lines=" ".join(quote.lower().split()) if "\n" in quote else "")


def contained(first: frozenset[str], second: frozenset[str]) -> float:
    """The share of the smaller set's words that the other holds."""
    return len(first & second) / max(1, min(len(first), len(second)))


def alike(first: Quoted, second: Quoted) -> bool:
    """Whether two quotes are one answer: of one document, or of two under one heading (the same first or last
    one, not empty: copies of a manual name their sections alike; two documents without headings are not compared),
    SAME of the shorter one's words in the other, and either LONG words or the text around them alike too."""
    shorter = min(len(first.quote), len(second.quote))
    if first.document != second.document and not (first.top == second.top != "" or first.last == second.last != ""):
        return False
    if first.lines or second.lines:  # code is told apart by its symbols: only the same lines are one answer
        return first.lines == second.lines
    if shorter < FEWEST or contained(first.quote, second.quote) < SAME:
        return False
    return shorter >= LONG or contained(first.around, second.around) >= SAME


def distinct(order: Sequence[int], quotes: Sequence[Quoted], top_k: int) -> list[int]:
    """The first `top_k` of `order` (positions into `quotes`, best first), leaving out any whose quote is alike a
    quote kept before it."""
    kept: list[int] = []
    for position in order:
        if any(alike(quotes[position], quotes[other]) for other in kept):
            continue
        kept.append(int(position))
        if len(kept) == top_k:
            break
    return kept


# Passages sharing this share of the smaller one's word triples are copies of one text (cut at other places in
# another format). Over the shortlists bench/bashdocs' 40 questions read (41, a follow-up read twice; 10 passages
# each), the pairs' shares fall apart: 1,491 pairs at 0.3 or less, 20 at 0.4, 329 at 0.5 or more (143 at 1.0).
COPY = 0.5
FEWEST_TRIPLES = 5  # a passage of a few words ("Example:") is no copy of all that holds them


def triples(text: str) -> frozenset[tuple[str, ...]]:
    """The runs of three words of `text`, in lower case."""
    found = WORD.findall(text.lower())
    return frozenset(tuple(found[i:i + 3]) for i in range(len(found) - 2))


def copies(first: frozenset[tuple[str, ...]], second: frozenset[tuple[str, ...]]) -> bool:
    """Whether two passages (their word triples) are copies of one text: sharing COPY of the smaller one's triples
    (at least FEWEST_TRIPLES of them), whatever their sections (bash's manual page repeats its reference manual under
    other headings)."""
    smaller = min(len(first), len(second))
    return smaller >= FEWEST_TRIPLES and len(first & second) / smaller >= COPY


def distinct_passages(texts: Sequence[tuple[str, str]], count: int) -> list[int]:
    """The positions of the first `count` of `texts` ((text, document id), best first) that are no copy of one
    before them in another document. One document's alike passages are its own entries, not copies: Node.js's
    emitter.once() and emitter.prependOnceListener() are described in nearly the same words."""
    kept: list[int] = []
    seen: list[tuple[frozenset[tuple[str, ...]], str]] = []
    for position, (text, document) in enumerate(texts):
        own = triples(text)
        if any(document != other and copies(own, words) for words, other in seen):
            continue
        kept.append(position)
        seen.append((own, document))
        if len(kept) == count:
            break
    return kept
