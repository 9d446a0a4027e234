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


@dataclass(frozen=True)
class Answer:
    answer: str
    found: bool
    query: str
    passages: list[Citation]


def sentence_scores(similarity: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    """How well each sentence answers: meaning (cosine) and the query's rare words it contains, equally."""
    return 0.5 * similarity + 0.5 * coverage


def relevance(similarity: float, coverage: float, weights: tuple[float, float, float]) -> float:
    """Calibrated probability-like score (logistic) that a passage answers the question."""
    a, b, c = weights
    return float(1.0 / (1.0 + np.exp(-(a * similarity + b * coverage + c))))


def compose(query: str, citations: list[Citation], threshold: float, sentences: dict[int, str]) -> Answer:
    """The reply text: the best passage's sentence, and a second one from another passage nearly as good."""
    found = bool(citations) and citations[0].score >= threshold
    if not found:
        return Answer(NOT_FOUND, False, query, citations)
    quoted = [f"{sentences[citations[0].rank]} [1]"]
    for c in citations[1:]:
        if c.score >= threshold and c.score >= citations[0].score - 0.1 and sentences[c.rank] not in quoted[0]:
            quoted.append(f"{sentences[c.rank]} [{c.rank}]")
            break
    return Answer(" ".join(quoted), True, query, citations)
