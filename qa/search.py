"""Hybrid search: dense (FAISS) and lexical (BM25) candidates, scored together and ranked."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.relevance import DEFAULT, RelevanceModel
from qa.store import Index

FUSIONS = ("learned", "normalised", "rrf", "dense", "bm25")


@dataclass(frozen=True)
class Hit:
    row: int          # passage row in the index
    score: float      # the ranking score of the chosen fusion
    relevance: float  # probability that the passage answers the question (the relevance model)
    dense: float      # cosine of query and passage, or its closest sentence if higher
    lexical: float    # BM25 score divided by the query's best BM25 score


def minmax(values: np.ndarray) -> np.ndarray:
    """Scale to 0..1; all-equal values map to 1 if positive, else 0."""
    if len(values) == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.full_like(values, 1.0 if high > 0 else 0.0)
    return (values - low) / (high - low)


def fuse_normalised(dense: np.ndarray, lexical: np.ndarray, dense_weight: float) -> np.ndarray:
    """txtai-style convex combination of min-max normalised scores."""
    return dense_weight * minmax(dense) + (1.0 - dense_weight) * minmax(lexical)


def fuse_rrf(dense: np.ndarray, lexical: np.ndarray, k: int = 60) -> np.ndarray:
    """Reciprocal rank fusion (Cormack et al. 2009); passages without lexical score get no lexical share."""
    dense_rank = np.argsort(np.argsort(-dense))
    lexical_rank = np.argsort(np.argsort(-lexical))
    return 1.0 / (k + 1 + dense_rank) + np.where(lexical > 0, 1.0 / (k + 1 + lexical_rank), 0.0)


def best_sentence_similarity(index: Index, query_vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each passage row, the cosine of the query and the passage's closest sentence."""
    owned = [index.sentence_rows(int(r)) for r in rows]
    sims = index.sentences.similarity(query_vector, np.fromiter((s for o in owned for s in o), dtype=np.int64))
    bounds = np.cumsum([0] + [len(o) for o in owned])
    return np.array([sims[a:b].max() for a, b in zip(bounds[:-1], bounds[1:])], dtype=np.float32)


def top_rows(scores: np.ndarray, n: int) -> np.ndarray:
    """The rows of the `n` highest scores, best first; linear in len(scores) (a full sort is not, at 1M rows)."""
    if len(scores) > n:
        rows = np.argpartition(-scores, n)[:n]
        return rows[np.argsort(-scores[rows], kind="stable")]
    return np.argsort(-scores, kind="stable")


def gather(index: Index, query_vector: np.ndarray, query: str, n: int,
           within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Candidate rows from the passage vectors, the sentence vectors and BM25, with their feature rows.

    `within` (rows): candidates only from these passages (the documents a user chose to ask), searched exactly.
    """
    bm25 = index.lexical.scores(query)
    if within is None:
        _, passage_rows = index.vectors.search(query_vector, n)
        _, sentence_rows = index.sentences.search(query_vector, n)
        owners = np.searchsorted(index.sentence_offsets, sentence_rows, side="right") - 1
        lexical_rows = top_rows(bm25, n)
        lexical_rows = lexical_rows[bm25[lexical_rows] > 0]
        rows = np.unique(np.concatenate([passage_rows, owners, lexical_rows]).astype(np.int64))
    else:  # the same three candidate lists, taken exactly from the chosen passages only
        within = np.unique(np.asarray(within, dtype=np.int64))
        passage_rows = within[top_rows(index.vectors.similarity(query_vector, within), n)]
        starts, counts = index.sentence_offsets[within], np.diff(index.sentence_offsets)[within]
        sentences = (np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())).astype(np.int64)
        closest = top_rows(index.sentences.similarity(query_vector, sentences), n)
        owners = np.searchsorted(index.sentence_offsets, sentences[closest], side="right") - 1
        lexical_rows = within[top_rows(bm25[within], n)]
        lexical_rows = lexical_rows[bm25[lexical_rows] > 0]
        rows = np.unique(np.concatenate([passage_rows, owners, lexical_rows]).astype(np.int64))
    passage = index.vectors.similarity(query_vector, rows)
    sentence = best_sentence_similarity(index, query_vector, rows)
    best = float(bm25.max()) if len(bm25) else 0.0
    lexical = bm25[rows] / best if best > 0 else np.zeros(len(rows), dtype=np.float32)
    coverage = index.lexical.coverage_all(query)[rows]
    features = np.column_stack([passage, sentence, lexical, coverage,
                                passage - passage.max(initial=0), sentence - sentence.max(initial=0)])
    return rows, features.astype(np.float64)


def search(index: Index, query_vector: np.ndarray, query: str, top_k: int, candidates: int = 50,
           dense_weight: float = 0.5, fusion: str = "learned", dense_mode: str = "max",
           model: RelevanceModel = DEFAULT, within: np.ndarray | None = None) -> list[Hit]:
    """The `top_k` passages for the query, best first; `within` (passage rows) restricts them to those rows.

    fusion: "learned" ranks by the relevance model; "normalised" (weighted min-max), "rrf", "dense" and
    "bm25" are kept for comparison. dense_mode picks the dense score: "passage", "sentence" or "max".
    """
    if len(index) == 0 or (within is not None and len(within) == 0):
        return []
    rows, features = gather(index, query_vector, query, candidates, within)
    relevance = model(features)
    dense = {"passage": features[:, 0], "sentence": features[:, 1]}.get(dense_mode, features[:, :2].max(axis=1))
    lexical = features[:, 2]
    if fusion == "learned":
        ranking = relevance
    elif fusion == "normalised":
        ranking = fuse_normalised(dense, lexical, dense_weight)
    elif fusion == "rrf":
        ranking = fuse_rrf(dense, lexical)
    elif fusion == "dense":
        ranking = dense
    elif fusion == "bm25":
        ranking = lexical + 1e-6 * dense  # ties (no term matched) broken by meaning
    else:
        raise ValueError(f"unknown fusion {fusion!r}: use one of {', '.join(FUSIONS)}")
    order = np.argsort(-ranking, kind="stable")[:top_k]
    return [Hit(int(rows[i]), float(ranking[i]), float(relevance[i]), float(dense[i]), float(lexical[i]))
            for i in order]
