"""Compose the reply: the answering sentence of each passage highlighted, quoted with [n] markers, or a plain 'no'."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.passages import Passage

NOT_FOUND = "The documents don't answer this question."


@dataclass(frozen=True)
class Citation:
    rank: int
    score: float               # relevance, 0..1: how well the passage answers (calibrated, absolute)
    passage: Passage
    title: str                 # the document's title
    highlight: tuple[int, int]  # the answering sentence, offsets into passage.text

    @property
    def section(self) -> str:
        """The passage's section path ("json > Basic usage > json.dumps"), "" if its document has no headings."""
        return self.passage.section


@dataclass(frozen=True)
class Answer:
    answer: str
    found: bool
    query: str
    passages: list[Citation]


def sentence_scores(similarity: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    """How well each sentence answers: meaning (cosine) and the query's rare words it contains, equally."""
    return 0.5 * similarity + 0.5 * coverage


def compose(query: str, citations: list[Citation], found: bool, threshold: float,
            sentences: dict[int, str]) -> Answer:
    """The reply: when the documents answer (`found`), the answering sentence of the best-ranked passage [1],
    and of one more relevant passage nearly as good; else NOT_FOUND (the passages stay, marked by their score)."""
    if not found or not citations:
        return Answer(NOT_FOUND, False, query, citations)
    first = citations[0]
    quoted = [f"{sentences[first.rank]} [{first.rank}]"]
    for c in citations[1:]:
        if c.score >= max(threshold, first.score - 0.1) and sentences[c.rank] not in quoted[0]:
            quoted.append(f"{sentences[c.rank]} [{c.rank}]")
            break
    return Answer(" ".join(quoted), True, query, citations)
