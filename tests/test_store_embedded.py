"""The shared store suite (tests/store_suite.py) on the embedded FAISS/SQLite/bm25s store (qa.store.Index)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from qa.documents import Document
from qa.store import Index, write_generation
from qa.store_api import Store
from tests.store_suite import Doc, StoreSuite


class EmbeddedHarness:
    """Every change writes a whole new generation, as qa.indexing.sync does."""

    def __init__(self, root: Path, embedder) -> None:
        self.root, self.embedder, self.docs = root, embedder, {}

    def query(self, text: str) -> np.ndarray:
        return self.embedder.query(text)

    def _write(self) -> Store:
        docs = sorted(self.docs.values(), key=lambda d: d.path)
        passages = [p for d in docs for p in d.passages]
        sentences = [s for d in docs for s in d.sentences]
        vectors = self.embedder([p.indexed() for p in passages]) if passages else np.zeros((0, self.embedder.dim))
        texts = [p.text[s:e] for p, spans in zip(passages, sentences, strict=True) for s, e in spans]
        sentence_vectors = self.embedder(texts) if texts else np.zeros((0, self.embedder.dim))
        documents = [Document(d.id, d.title, d.text, d.path, hashlib.sha256(d.text.encode()).hexdigest(),
                              page_labels=d.page_labels) for d in docs]
        folder = write_generation(self.root, {"model": self.embedder.name}, documents, passages,
                                  np.asarray(vectors, dtype=np.float32), sentences,
                                  np.asarray(sentence_vectors, dtype=np.float32))
        return Index.load(folder)

    def build(self, docs: list[Doc]) -> Store:
        self.docs = {d.id: d for d in docs}
        return self._write()

    def add(self, store: Store, doc: Doc) -> Store:
        self.docs[doc.id] = doc
        return self._write()

    def remove(self, store: Store, doc_id: str) -> tuple[Store, bool]:
        if doc_id not in self.docs:
            return store, False
        del self.docs[doc_id]
        return self._write(), True

    def reopen(self, store: Store) -> Store:
        assert isinstance(store, Index)
        store.close()
        return Index.load(store.folder)


class TestEmbeddedStore(StoreSuite):
    @pytest.fixture()
    def harness(self, tmp_path: Path, embedder) -> EmbeddedHarness:
        return EmbeddedHarness(tmp_path / "index", embedder)
