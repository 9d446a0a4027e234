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


TOMBSTONES_MAX = 0.2  # a graph with more removed vectors than this share is built anew


def kind_for(count: int, approximate_above: int | None) -> str:
    """The search an index of `count` vectors gets: "flat" (exact) up to the threshold, "hnsw" above it."""
    return "hnsw" if approximate_above is not None and count > approximate_above else "flat"


class VectorIndex:
    """Row i is passage i. `search` returns (scores, rows) of the nearest vectors, best first.

    Up to `approximate_above` vectors the search is exact (a flat scan); above it, an HNSW graph, which finds
    the nearest rows with high probability (recall@10 is measured in bench/scale.py) in far less time.
    A graph is expensive to build, so a new generation takes over the previous one's (`build(previous=...)`):
    vectors it already holds keep their place, new ones are linked in, and the vectors of removed rows stay
    in the graph as tombstones that searches skip. `labels` maps the graph's entries to rows (-1: tombstone);
    None means entry i is row i.
    """

    def __init__(self, index: faiss.Index, params: HnswParams | None = None, labels: np.ndarray | None = None) -> None:
        self.index = index
        self.params = params or HnswParams()
        self.kind = "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"
        self.labels = labels
        self.rows = int(index.ntotal) if labels is None else int((labels >= 0).sum())
        self._entries: np.ndarray | None = None  # row -> graph entry, where labels reorder them
        self._live: np.ndarray | None = None     # the bitmap of entries that are rows, kept alive for FAISS
        if labels is not None:
            self._entries = np.empty(self.rows, dtype=np.int64)
            live = np.flatnonzero(labels >= 0)
            self._entries[labels[live]] = live
            if self.rows < len(labels):
                self._live = np.packbits(labels >= 0, bitorder="little")

    @classmethod
    def build(cls, vectors: np.ndarray, approximate_above: int | None = None, params: HnswParams | None = None,
              previous: Path | None = None) -> VectorIndex:
        """An index of `vectors` (row i = vectors[i]); an HNSW graph reuses the one saved at `previous` if it can."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        params = params or HnswParams()
        if kind_for(len(vectors), approximate_above) == "flat":
            flat = faiss.IndexFlatIP(vectors.shape[1])
            flat.add(vectors)
            return cls(flat, params)
        if previous is not None and previous.is_file():
            reused = cls._extend(cls.load(previous, params), vectors)
            if reused is not None:
                return reused
        index = faiss.IndexHNSWFlat(vectors.shape[1], params.m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = params.ef_construction
        log.info("building an HNSW index of %d vectors (more than %d)", len(vectors), approximate_above)
        with _all_threads():
            index.add(vectors)
        return cls(index, params)

    @classmethod
    def _extend(cls, old: VectorIndex, vectors: np.ndarray) -> VectorIndex | None:
        """`old`'s graph made to hold `vectors`, or None if it should be built anew (other kind, many tombstones)."""
        if old.kind != "hnsw" or old.index.d != vectors.shape[1]:
            return None
        stored = old.index.reconstruct_n(0, old.index.ntotal)
        labels = old.labels if old.labels is not None else np.arange(old.index.ntotal, dtype=np.int64)
        free: dict[bytes, list[int]] = {}
        # every entry can take a row with its vector, a tombstone too (a document removed, then added back);
        # reversed so that entries are popped in order and equal vectors keep theirs
        for entry in range(len(labels) - 1, -1, -1):
            free.setdefault(stored[entry].tobytes(), []).append(entry)
        new_labels = np.full(old.index.ntotal, -1, dtype=np.int64)
        fresh = []
        for row, vector in enumerate(vectors):
            entries = free.get(vector.tobytes())
            if entries:
                new_labels[entries.pop()] = row
            else:
                fresh.append(row)
        tombstones = int((new_labels < 0).sum())
        if tombstones > TOMBSTONES_MAX * (len(new_labels) + len(fresh)):
            log.info("%d of the previous graph's vectors are gone: building anew", tombstones)
            return None
        with _all_threads():
            old.index.add(vectors[fresh])
        labels = np.concatenate([new_labels, np.asarray(fresh, dtype=np.int64)])
        log.info("HNSW graph reused: %d vectors kept, %d added, %d tombstones", len(vectors) - len(fresh),
                 len(fresh), tombstones)
        return cls(old.index, old.params, None if np.array_equal(labels, np.arange(len(labels))) else labels)

    @classmethod
    def load(cls, path: Path, params: HnswParams | None = None) -> VectorIndex:
        labels = _labels_path(path)
        return cls(faiss.read_index(str(path)), params, np.load(labels) if labels.is_file() else None)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))
        if self.labels is not None:
            np.save(_labels_path(path), self.labels)

    def __len__(self) -> int:
        return self.rows

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self))
        if k == 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        query = query.reshape(1, -1).astype(np.float32)
        if self.kind == "hnsw":
            search = faiss.SearchParametersHNSW(  # type: ignore[attr-defined]  # not in faiss's stubs
                efSearch=max(self.params.ef_search, k))
            if self._live is not None:
                selector = faiss.IDSelectorBitmap(len(self._live), faiss.swig_ptr(self._live))
                search.sel = selector  # the selector must outlive the search: `selector` holds it
            scores, entries = self.index.search(query, k, params=search)
        else:
            scores, entries = self.index.search(query, k)
        keep = entries[0] >= 0
        scores, entries = scores[0][keep], entries[0][keep]
        return scores, (entries if self.labels is None else self.labels[entries])

    def similarity(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to the given rows."""
        if len(rows) == 0:
            return np.zeros(0, dtype=np.float32)
        entries = np.asarray(rows, dtype=np.int64)
        if self._entries is not None:
            entries = self._entries[entries]
        vectors = self.index.reconstruct_batch(entries)
        return vectors @ query.astype(np.float32)


def _labels_path(path: Path) -> Path:
    return path.with_name(path.name + ".labels.npy")


@contextmanager
def _all_threads() -> Iterator[None]:
    """Build with every core (FAISS's OpenMP threads are set per calling thread; queries keep theirs at one)."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(len(os.sched_getaffinity(0)))
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)
