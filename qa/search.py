"""Hybrid search: dense (FAISS) and lexical (BM25) candidates, fused into one ranking."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.embedder import Embedder
from qa.store import Index


@dataclass(frozen=True)
class Hit:
    row: int         # passage row in the index
    score: float     # fused score, 0..1, only comparable within one query
    dense: float     # cosine similarity of query and passage
    lexical: float   # BM25 score divided by the query's best BM25 score


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


def dense_scores(index: Index, query_vector: np.ndarray, rows: np.ndarray, mode: str) -> np.ndarray:
    """Passage similarity to the query: of the whole passage, of its best sentence, or the larger of the two."""
    passage = index.vectors.similarity(query_vector, rows)
    if mode == "passage":
        return passage
    owned = [index.sentence_rows(int(r)) for r in rows]
    sims = index.sentences.similarity(query_vector, np.fromiter((s for o in owned for s in o), dtype=np.int64))
    bounds = np.cumsum([0] + [len(o) for o in owned])
    sentence = np.array([sims[a:b].max() for a, b in zip(bounds[:-1], bounds[1:])], dtype=np.float32)
    return sentence if mode == "sentence" else np.maximum(passage, sentence)


def search(index: Index, query_vector: np.ndarray, query: str, top_k: int, candidates: int,
           dense_weight: float, fusion: str = "normalised", dense_mode: str = "max") -> list[Hit]:
    """The `top_k` passages for the query: the union of all retrievers' candidates, re-scored and fused.

    Candidates come from the passage vectors, the sentence vectors (mapped to their passage) and BM25.
    """
    if len(index) == 0:
        return []
    _, passage_rows = index.vectors.search(query_vector, candidates)
    _, sentence_rows = index.sentences.search(query_vector, candidates)
    owners = np.searchsorted(index.sentence_offsets, sentence_rows, side="right") - 1
    bm25 = index.lexical.scores(query)
    lexical_rows = np.argsort(-bm25)[:candidates]
    lexical_rows = lexical_rows[bm25[lexical_rows] > 0]
    rows = np.unique(np.concatenate([passage_rows, owners, lexical_rows]).astype(np.int64))
    dense = dense_scores(index, query_vector, rows, dense_mode)
    best = float(bm25.max()) if len(bm25) else 0.0
    lexical = bm25[rows] / best if best > 0 else np.zeros(len(rows), dtype=np.float32)
    if fusion == "dense":
        fused = dense
    elif fusion == "bm25":
        fused = lexical + 1e-6 * dense  # ties (no term matched) broken by meaning
    elif fusion == "rrf":
        fused = fuse_rrf(dense, lexical)
    else:
        fused = fuse_normalised(dense, lexical, dense_weight)
    order = np.argsort(-fused, kind="stable")[:top_k]
    return [Hit(int(rows[i]), float(fused[i]), float(dense[i]), float(lexical[i])) for i in order]
