"""How likely a passage answers a question: a logistic model over retrieval features, fitted on SQuAD."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# One row of features per candidate passage, in this order (see qa.search.features).
FEATURES = (
    "passage_similarity",   # cosine of question and passage
    "sentence_similarity",  # cosine of question and the passage's closest sentence
    "bm25",                 # BM25 score over the query's best BM25 score
    "coverage",             # share of the question's terms (idf-weighted) found in the passage
    "passage_gap",          # passage_similarity minus the best among the candidates (<= 0)
    "sentence_gap",         # sentence_similarity minus the best among the candidates (<= 0)
)


@dataclass(frozen=True)
class RelevanceModel:
    weights: tuple[float, ...]
    bias: float

    def __call__(self, features: np.ndarray) -> np.ndarray:
        """Probability, per row of features, that the passage answers the question."""
        logits = features @ np.asarray(self.weights, dtype=np.float64) + self.bias
        return 1.0 / (1.0 + np.exp(-logits))


# Fitted by `python bench/fit_relevance.py` (logistic regression on SQuAD v1.1 train questions, articles
# disjoint from the benchmark's; negatives include questions whose article is not indexed). The bias is shifted
# so that 0.5 here is probability 0.061 on the fitted scale: from the script's threshold table, it answers 99% of
# answerable SQuAD and 88% of answerable seed questions while declining 83% of SQuAD questions about other
# articles. (The table's best mean balanced accuracy, at 0.082, declined 21% of answerable seed questions.)
DEFAULT = RelevanceModel(weights=(-0.128, 7.955, 0.456, 3.614, 2.060, -4.619), bias=-5.496)
