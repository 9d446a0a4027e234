"""Compose the reply: the answering sentence of each passage highlighted, quoted with [n] markers, or a plain 'no'."""
from __future__ import annotations

import re
from dataclasses import dataclass

from qa.passages import Passage

NOT_FOUND = "The documents don't answer this question."
# A declined reply whose first passage is shown at least this probable (a calibrated chance) says the documents may
# not answer and points to that passage, which the chat shows open: "The documents don't answer this question" over a
# passage 48% likely to answer overstated it (a new user's "how many monthly archives are kept?", its [1] quoting "6
# monthly"). Of the bench sets' declined replies (seed, docs, docsfit, newdocs, pydocs, bashdocs; a /tmp harness over
# Engine, 2026-11-29), 69 had [1] shown at 0.3 or more: 57 to answerable questions (28 of them with the evidence in
# [1]) and 12 to unanswerable ones; under 0.3, 69 of 179 were answerable.
UNSURE = 0.3
MAYBE = "The documents may not answer this question: the closest passage is [1], {score:.0%} likely to answer."
# A second passage's sentence is quoted only when the sentence model gives it this probability of holding the answer
# (qa/relevance.py's SENTENCE). Measured on bench/dev.jsonl and bench/seed_questions.jsonl (answered questions whose
# [2] passed the abstention threshold, 6 replies): [2]'s sentence held the evidence once (probability 0.40) and did
# not five times (0.51, 0.52, 0.52, 0.61, and 0.81 for the card's "The mobilization and deployment..."): the sentence
# probability does not tell them apart, so the bar sits above every unrelated one seen (0.6 kept two of them).
SECOND_QUOTE = 0.85


@dataclass(frozen=True)
class Citation:
    rank: int
    score: float               # relevance, 0..1: how well the passage answers (calibrated, absolute)
    passage: Passage
    title: str                 # the document's title
    highlight: tuple[int, int]  # the answering sentence (with what it introduces, continues or is continued by)
    answers: float = 0.0       # the passage model's probability alone (qa/relevance.py): what `found` mostly rests on
    sentence_relevance: float = 0.0  # the sentence model's probability that the chosen sentence holds the answer
    page_labels: tuple[str, ...] = ()  # the document's pages' printed numbers, if it labels them (PDF)

    @property
    def section(self) -> str:
        """The quoted sentence's section path ("json > Basic usage > json.dumps"): the passage's, or, in a passage
        that joins small sections, the one the sentence is in (Passage.section_at); "" if the document has no
        headings."""
        # at the quote's end: a quote may open with the line introducing its list, or the sentence it continues,
        # in the section before the quoted sentence's
        return self.passage.section_at(max(self.highlight[1] - 1, self.highlight[0]))

    @property
    def paragraph(self) -> int:
        """The paragraph number of the quote's first line (Passage.paragraph_at): the passage may start earlier."""
        return self.passage.paragraph_at(self.highlight[0])

    @property
    def page(self) -> int | None:
        """The page of the quote's first line (Passage.page_at), for paged documents (PDF); None otherwise."""
        return self.passage.page_at(self.highlight[0])

    @property
    def page_label(self) -> str | None:
        """The page's printed number ("114", "xiv") when the document labels its pages; None otherwise (and for a
        page labelled with nothing, as a cover may be)."""
        page = self.page
        return (self.page_labels[page - 1] or None) if page is not None and 0 < page <= len(self.page_labels) else None


def page_words(page: int | None, label: str | None) -> str:
    """A page as a citation names it: "page 114 (PDF page 124)" where the printed number is not the page's place in
    the file (a viewer's page box takes either, depending on the viewer), "page 12" where it is, "" for no page."""
    if page is None:
        return ""
    return f"page {page}" if label is None or label == str(page) else f"page {label} (PDF page {page})"


@dataclass(frozen=True)
class Answer:
    answer: str
    found: bool
    query: str
    passages: list[Citation]


def quote(citation: Citation) -> str:
    """The highlighted sentence of a cited passage, as one line when it is prose wrapped in the source (unwrapped)."""
    start, end = citation.highlight
    return unwrapped(citation.passage.text[start:end])


# A plain-text file's prose is wrapped at ~72 characters, its continuation lines sometimes indented (screen's FAQ):
# quoted verbatim, a reply read "so the\nsystem time is reasonably close to the true time" (chrony's FAQ). Lines
# this long or longer, but the last, that open no list item, prompt or comment are one line of prose; shorter ones
# (code, a list, an address) keep their breaks.
WRAPPED = 40
OPENS_BLOCK = re.compile(r"(?:[-*+•]|\d{1,2}[.)]|>>>|\$|#|//)\s")


def unwrapped(text: str) -> str:
    """`text` with its line breaks and runs of spaces made single spaces when it is wrapped prose, else as it is."""
    lines = [line.strip() for line in text.strip().split("\n")]
    if len(lines) < 2 or any(len(line) < WRAPPED for line in lines[:-1]) or not lines[-1] \
            or any(OPENS_BLOCK.match(line) for line in lines[1:]) or text[:1].isspace():
        return text
    return " ".join(" ".join(lines).split())


def same_words(one: str, other: str) -> bool:
    """Whether one quote's words hold the other's, case, punctuation and line breaks aside: the same sentence in a
    document's HTML and its PDF (other quotation marks, a line break for a space, "pear-trees" for "pear trees") is
    one quote, not two."""
    a, b = (" ".join(re.findall(r"\w+", text.lower())) for text in (one, other))
    return a in b or b in a


def compose(query: str, citations: list[Citation], found: bool, threshold: float) -> Answer:
    """The reply: when the documents answer (`found`), the answering sentence of passage [1], and of the next
    passage only if it answers too (its passage model probability, on which `found` is decided too, is at the
    threshold or above, and its sentence's probability of holding the answer at SECOND_QUOTE or above) and says
    something else; else NOT_FOUND, or MAYBE when the first passage is shown UNSURE probable or more (the passages
    stay, marked by their score). Citations come best first."""
    if not found or not citations:
        unsure = bool(citations) and citations[0].score >= UNSURE
        return Answer(MAYBE.format(score=citations[0].score) if unsure else NOT_FOUND, False, query, citations)
    first = quote(citations[0])
    quoted = [f"{first} [{citations[0].rank}]"]
    for c in citations[1:]:
        answers_too = c.answers >= threshold and c.sentence_relevance >= SECOND_QUOTE
        if answers_too and not same_words(quote(c), first):
            quoted.append(f"{quote(c)} [{c.rank}]")
            break
    return Answer(" ".join(quoted), True, query, citations)
