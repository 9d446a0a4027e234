"""The one path from a question to a cited answer: query -> search -> highlight -> answer."""
from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass

import faiss

from qa.answer import Answer, Citation, compose
from qa.conversation import Turn, standalone_query
from qa.documents import parse_document
from qa.embedder import Embedder
from qa.indexing import sync
from qa.library import LIBRARY, mark_removed, safe_name, save_original
from qa.passages import Passage
from qa.relevance import models_for
from qa.search import SHORTLIST, Hit, search
from qa.settings import Settings
from qa.store import DocumentInfo, Index

log = logging.getLogger(__name__)

# A follow-up keeps the conversation's reading unless the question alone is this much more likely answered
# (calibrated probabilities; qa/relevance.py). 0.25 and 0.3 score alike on the seed and dev follow-ups.
FOLLOW_UP_MARGIN = 0.25


class Engine:
    """Holds the one loaded index and the model; `ask` is safe to call from several threads."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, index: Index | None = None) -> None:
        """Bring the index in settings.index up to date with settings.docs, or serve `index` as it is (benchmarks)."""
        faiss.omp_set_num_threads(settings.faiss_threads)
        self.settings = settings
        self.embedder = embedder or Embedder(settings.backend, settings.batch_size, settings.model_cache,
                                             settings.embedder)
        if index is not None and index.meta.get("model") != self.embedder.name:
            raise ValueError(f"the index was made with {index.meta.get('model')}, the embedder is {self.embedder.name}")
        self.models = models_for(self.embedder.model)  # the answer models fitted on this embedder's features
        self.index: Index = index if index is not None else self._sync()
        self.write_lock = threading.Lock()  # one change to the documents at a time; asking goes on meanwhile

    def _sync(self) -> Index:
        return sync(self.settings.docs, self.settings.index, self.embedder, self.settings.max_passage_tokens,
                    self.settings.approximate_above)

    def _swap(self) -> None:
        """Load the updated index and put it in service; the old one closes once in-flight questions are done."""
        old, self.index = self.index, self._sync()
        if old.folder != self.index.folder:
            closer = threading.Timer(60, old.close)
            closer.daemon = True  # never keeps the process alive
            closer.start()

    def add(self, name: str, data: bytes) -> tuple[DocumentInfo, bool]:
        """Add a file's content; returns the document and whether it is new (the same content is not added twice).

        Raises qa.readers.ReadError (unsupported type, empty, unreadable) before anything is written.
        """
        parse_document(safe_name(name), data)  # raises ReadError for what can't become a document
        with self.write_lock:
            sha = hashlib.sha256(data).hexdigest()
            existing = next((d for d in self.index.documents() if d.sha256 == sha), None)
            if existing is not None:
                return existing, False
            target = save_original(self.settings.index, name, data)
            try:
                self._swap()
            except Exception:
                target.unlink(missing_ok=True)
                raise
            added = next(d for d in self.index.documents() if d.sha256 == sha)
            log.info("added %s as %s (%d passages)", name, added.id, added.passages)
            return added, True

    def remove(self, doc_id: str) -> bool:
        """Remove a document from the index (and its original, if it was added); False if there is no such id."""
        with self.write_lock:
            doc = self.index.document(doc_id)
            if doc is None:
                return False
            if doc.path.startswith(LIBRARY + "/"):
                (self.settings.index / doc.path).unlink(missing_ok=True)
            else:
                mark_removed(self.settings.index, doc.path, doc.sha256)
            self._swap()
            log.info("removed %s (%s)", doc.id, doc.path)
            return True

    def ask(self, question: str, history: list[Turn] | None = None, top_k: int | None = None) -> Answer:
        faiss.omp_set_num_threads(self.settings.faiss_threads)  # OpenMP settings are per thread: set in this one
        index = self.index
        top_k = top_k or self.settings.top_k
        standalone = standalone_query(question, history or [])
        found = self._retrieve(index, question, standalone, top_k)
        if standalone != " ".join(question.split()):  # read as a follow-up
            alone = self._retrieve(index, question, question, top_k)
            if better_founded(alone.best, found.best, self.settings.min_relevance):
                found = alone  # it was no follow-up: the question alone is answered, the conversation's query not
        return self._answer(index, found, top_k)

    def _retrieve(self, index: Index, question: str, query: str, top_k: int) -> Retrieved:
        """Search for `query` (the user's `question`, or it with the conversation); hits best first."""
        query = index.lexical.correct(query, self.embedder.words)
        vector = self.embedder.query(query)
        # the whole shortlist: whether the documents answer is the best passage model probability among it
        hits = search(index, vector, query, max(top_k, SHORTLIST), self.settings.candidates, self.settings.dense_weight,
                      self.settings.fusion, models=self.models, question=question)
        hits = sorted(hits, key=lambda h: -h.relevance)  # the order of the score shown, whatever the fusion
        return Retrieved(query, hits, index.passages([h.row for h in hits[:top_k]]))

    def _answer(self, index: Index, found: Retrieved, top_k: int) -> Answer:
        """Cite the top_k passages with their answering sentence highlighted and compose the reply."""
        titles = index.titles({p.doc_id for p in found.passages})
        citations = [Citation(rank, round(hit.relevance, 4), passage, titles.get(passage.doc_id, ""), hit.sentence,
                              hit.answers)
                     for rank, (hit, passage) in enumerate(zip(found.hits[:top_k], found.passages, strict=True), 1)]
        return compose(found.query, citations, found.best >= self.settings.min_relevance, self.settings.min_relevance)


def better_founded(alone: float, follow_up: float, threshold: float) -> bool:
    """Whether a question read alone should replace its reading as a follow-up (both calibrated probabilities):
    only when alone it is answered and as a follow-up it is not, or far less surely (FOLLOW_UP_MARGIN)."""
    return alone >= threshold and (follow_up < threshold or alone - follow_up > FOLLOW_UP_MARGIN)


@dataclass(frozen=True)
class Retrieved:
    query: str                 # what was searched, spelling corrected
    hits: list[Hit]            # the shortlist, best first: by the probability that the passage answers (pooled)
    passages: list[Passage]    # of the first top_k hits

    @property
    def best(self) -> float:
        """Whether the documents answer: the passage model's best probability in the shortlist (qa/relevance.py)."""
        return max((h.answers for h in self.hits), default=0.0)
