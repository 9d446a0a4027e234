"""Dense vector search with FAISS over unit vectors (inner product = cosine): exact while small, HNSW beyond."""
from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HnswParams:
    """The graph's shape, fixed at build, and how widely a query searches it (bench/scale.py measures these)."""

    m: int = 32                  # links per vector
    ef_construction: int = 80    # candidates kept while linking a new vector
    ef_search: int = 128         # candidates kept while searching (at least k)


def kind_for(count: int, approximate_above: int | None) -> str:
    """The search an index of `count` vectors gets: "flat" (exact) up to the threshold, "hnsw" above it."""
    return "hnsw" if approximate_above is not None and count > approximate_above else "flat"


class VectorIndex:
    """Row i is passage i. `search` returns (scores, rows) of the nearest vectors, best first.

    Up to `approximate_above` vectors the search is exact (a flat scan); above it, an HNSW graph, which finds
    the nearest rows with high probability (recall@10 is measured in bench/scale.py) in far less time.
    """

    def __init__(self, index: faiss.Index, params: HnswParams | None = None) -> None:
        self.index = index
        self.params = params or HnswParams()
        self.kind = "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"

    @classmethod
    def build(cls, vectors: np.ndarray, approximate_above: int | None = None,
              params: HnswParams | None = None) -> VectorIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        params = params or HnswParams()
        if kind_for(len(vectors), approximate_above) == "hnsw":
            index = faiss.IndexHNSWFlat(vectors.shape[1], params.m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = params.ef_construction
            log.info("building an HNSW index of %d vectors (more than %d)", len(vectors), approximate_above)
            with _all_threads():
                index.add(vectors)
        else:
            index = faiss.IndexFlatIP(vectors.shape[1])
            index.add(vectors)
        return cls(index, params)

    @classmethod
    def load(cls, path: Path, params: HnswParams | None = None) -> VectorIndex:
        return cls(faiss.read_index(str(path)), params)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self))
        if k == 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        query = query.reshape(1, -1).astype(np.float32)
        if self.kind == "hnsw":
            scores, rows = self.index.search(query, k, params=faiss.SearchParametersHNSW(
                efSearch=max(self.params.ef_search, k)))
        else:
            scores, rows = self.index.search(query, k)
        keep = rows[0] >= 0
        return scores[0][keep], rows[0][keep]

    def similarity(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to the given rows."""
        if len(rows) == 0:
            return np.zeros(0, dtype=np.float32)
        vectors = self.index.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        return vectors @ query.astype(np.float32)


@contextmanager
def _all_threads() -> Iterator[None]:
    """Build with every core (FAISS's OpenMP threads are set per calling thread; queries keep theirs at one)."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(len(os.sched_getaffinity(0)))
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)
