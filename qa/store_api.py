"""The store Protocol: all that qa.search and qa.engine need of an index (embedded FAISS/SQLite/bm25s, or Milvus).

Passages are named by integer ids ("rows"): in the embedded store a passage's row in its generation, in another
store a stable id. Vectors are unit length, so a dot product is the cosine.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from qa.passages import Passage


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    title: str
    path: str
    sha256: str
    passages: int


@dataclass(frozen=True)
class Components:
    """Component scores of given passages for one query, in the order of the ids asked."""
    passage: np.ndarray     # cosine of the query and the passage vector
    sentence: np.ndarray    # cosine of the query and the passage's closest sentence
    bm25: np.ndarray        # BM25 score divided by the query's best BM25 score over the whole store (0 if none)
    coverage: np.ndarray    # share of the query's term weight (idf) the passage holds


class RowsGone(LookupError):
    """Passages asked for by row are no longer stored: a write removed them while a question was being answered (a
    store changed in place, Milvus; the embedded store's generations never change)."""


def top_rows(scores: np.ndarray, n: int) -> np.ndarray:
    """The rows of the `n` highest scores, best first; linear in len(scores) (a full sort is not, at 1M rows)."""
    if len(scores) > n:
        rows = np.argpartition(-scores, n)[:n]
        return rows[np.argsort(-scores[rows], kind="stable")]
    return np.argsort(-scores, kind="stable")


@runtime_checkable
class Store(Protocol):
    """Documents, their passages with a vector each, their sentences with a vector each, and BM25 over passages."""

    meta: dict

    def __len__(self) -> int:
        """The number of passages."""
        ...

    def dense_search(self, query_vector: np.ndarray, n: int, within: np.ndarray | None = None) -> np.ndarray:
        """Ids of the `n` passages whose vectors are closest to the query (only among `within`, if given)."""
        ...

    def sentence_search(self, query_vector: np.ndarray, n: int, within: np.ndarray | None = None) -> np.ndarray:
        """Ids of the passages owning the `n` sentences closest to the query (a passage may repeat)."""
        ...

    def keyword_search(self, query: str, n: int, within: np.ndarray | None = None) -> np.ndarray:
        """Ids of the `n` passages of highest BM25 score for the query, best first, only those scoring above 0."""
        ...

    def components(self, query_vector: np.ndarray, query: str, coverage_query: str, ids: np.ndarray) -> Components:
        """Component scores of passages `ids`; coverage is measured on `coverage_query`'s terms."""
        ...

    def sentence_similarity(self, query_vector: np.ndarray, row: int) -> np.ndarray:
        """The cosine of the query and each sentence of passage `row`, in the order of sentence_spans(row)."""
        ...

    def sentence_spans(self, row: int) -> list[tuple[int, int]]:
        """The sentences of passage `row`, as offsets into its text."""
        ...

    def idf(self, terms: list[str]) -> np.ndarray:
        """The BM25 inverse document frequency of each analysed term."""
        ...

    def correct(self, query: str, dictionary: frozenset[str] = frozenset()) -> str:
        """The query with words unknown to the store's vocabulary spelt as a close known one."""
        ...

    def passages(self, rows: list[int]) -> list[Passage]:
        """The passages with the given ids, in that order."""
        ...

    def documents(self) -> list[DocumentInfo]:
        ...

    def document(self, doc_id: str) -> DocumentInfo | None:
        ...

    def titles(self, doc_ids: set[str]) -> dict[str, str]:
        ...

    def page_labels(self, doc_ids: set[str]) -> dict[str, tuple[str, ...]]:
        """{id: each page's printed number ("i", "ii", "1"...)} of those of the given documents that label their
        pages otherwise than 1, 2, 3... (qa.documents.Document.page_labels); the others are left out."""
        ...

    def document_text(self, doc_id: str) -> str | None:
        ...

    def rows_of(self, doc_ids: Sequence[str]) -> np.ndarray:
        """The passage ids of the given documents."""
        ...

    def close(self) -> None:
        ...
