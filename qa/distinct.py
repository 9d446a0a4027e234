"""One result for one answer: passages quoting the same sentence (a manual's HTML and its PDF) are listed once.

Debian's doc packages ship many manuals in two or three formats (bash: bashref.html and bashref.pdf; Debian Policy:
HTML, PDF and text), and a user who adds the folder gets each sentence once per copy. Asked "What is the exit
status of a pipeline?" over bash's HTML and PDF, [1] and [2] quoted the same sentence (one "(see The Set Builtin)",
the other "(see Section 4.3.1 [The Set Builtin], page 67)"), so the list held one answer where it had room for
three. A manual repeats itself too: Python's shelve.open and shelve.Shelf both say "Changed in version 3.10:
pickle.DEFAULT_PROTOCOL is now used as the default pickle protocol." The ranking is kept; of passages whose quotes
are near-duplicates only the first (the most probable) stays, and the next distinct one moves up.
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
# performing ..."), 0.79. Over bash's manual as HTML and PDF, 16 of 20 questions had two alike quotes among their
# first 3 passages (66 of the 560 pairs among their first 8).
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
    """A hit's quote and the text around it, as their word sets."""
    quote: frozenset[str]
    around: frozenset[str]


def words(text: str) -> frozenset[str]:
    """The lower-case words of `text`."""
    return frozenset(WORD.findall(text.lower()))


def quoted(text: str, span: tuple[int, int]) -> Quoted:
    """A passage's quote (text[start:end]) and the CONTEXT characters around it."""
    start, end = span
    return Quoted(words(text[start:end]), words(text[max(0, start - CONTEXT):end + CONTEXT]))


def contained(first: frozenset[str], second: frozenset[str]) -> float:
    """The share of the smaller set's words that the other holds."""
    return len(first & second) / max(1, min(len(first), len(second)))


def alike(first: Quoted, second: Quoted) -> bool:
    """Whether two quotes are one answer: SAME of the shorter one's words in the other, and either LONG words or
    the text around them alike too."""
    shorter = min(len(first.quote), len(second.quote))
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
