"""The one path from a question to a cited answer: query -> search -> highlight -> answer."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import faiss
import numpy as np

from qa.answer import Answer, Citation, compose, sentence_scores
from qa.answer_type import has_answer_type
from qa.collection import Collection
from qa.conversation import Turn, standalone_query
from qa.embedder import Embedder
from qa.passages import Passage
from qa.search import Hit, search
from qa.settings import Settings
from qa.store import Index

log = logging.getLogger(__name__)

# A passage without the kind of answer asked for ("when" with no time in it) is far less likely to answer.
WRONG_TYPE_FACTOR = 0.3
FOUND_DEPTH = 5
NO_DOCUMENTS = "There are no documents yet: add some."


class UnknownDocuments(ValueError):
    """`ask` was restricted to documents that are not in the index."""


class Engine:
    """Answers questions from the collection's current index with the model; `ask` is safe from several threads."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, index: Index | None = None,
                 collection: Collection | None = None) -> None:
        """Bring the index in settings.index up to date with settings.docs, or serve `index` as it is (benchmarks).

        The documents and every change to them belong to `collection` (qa.collection); this class only answers.
        """
        faiss.omp_set_num_threads(settings.faiss_threads)
        self.settings = settings
        self.embedder = collection.embedder if collection is not None else (
            embedder or Embedder(settings.backend, settings.batch_size, settings.model_cache))
        if index is not None and index.meta.get("model") != self.embedder.name:
            raise ValueError(f"the index was made with {index.meta.get('model')}, the embedder is {self.embedder.name}")
        self.collection = collection or Collection(settings, self.embedder, index).open()

    @property
    def index(self) -> Index:
        """The index being served now (replaced whole when the documents change)."""
        return self.collection.index

    def ask(self, question: str, history: list[Turn] | None = None, top_k: int | None = None,
            documents: Sequence[str] | None = None) -> Answer:
        """Answer from all documents, or only from `documents` (ids; raises UnknownDocuments for unknown ones)."""
        faiss.omp_set_num_threads(self.settings.faiss_threads)  # OpenMP settings are per thread: set in this one
        index = self.index
        if len(index) == 0:
            return Answer(NO_DOCUMENTS, False, question, [])
        within = self._rows_of(index, documents) if documents else None
        top_k = top_k or self.settings.top_k
        standalone = standalone_query(question, history or [])
        found = self._retrieve(index, question, standalone, top_k, within)
        if standalone != " ".join(question.split()):  # read as a follow-up
            alone = self._retrieve(index, question, question, top_k, within)
            if max(alone.relevance, default=0) > max(found.relevance, default=0):
                found = alone  # it was no follow-up: the question alone finds more
        return self._answer(index, found, top_k)

    @staticmethod
    def _rows_of(index: Index, documents: Sequence[str]) -> np.ndarray:
        unknown = [d for d in dict.fromkeys(documents) if index.document(d) is None]
        if unknown:
            raise UnknownDocuments(f"no document with id {', '.join(map(repr, unknown))}: "
                                   "GET /api/documents lists the ids")
        return index.rows_of(list(documents))

    def _retrieve(self, index: Index, question: str, query: str, top_k: int,
                  within: np.ndarray | None = None) -> Retrieved:
        """Search for `query`; relevance is judged on the same few passages whatever top_k is asked for."""
        query = index.lexical.correct(query, self.embedder.words)
        vector = self.embedder([query])[0]
        hits = search(index, vector, query, max(top_k, FOUND_DEPTH), self.settings.candidates,
                      self.settings.dense_weight, self.settings.fusion, within=within)
        passages = index.passages([h.row for h in hits])
        relevance = [hit.relevance if has_answer_type(question, passage.text) else hit.relevance * WRONG_TYPE_FACTOR
                     for hit, passage in zip(hits, passages)]
        return Retrieved(query, vector, hits, passages, relevance)

    def _answer(self, index: Index, found: Retrieved, top_k: int) -> Answer:
        """Highlight the answering sentence of each of the top_k passages and compose the reply."""
        titles = index.titles({p.doc_id for p in found.passages})
        citations, best_sentences = [], {}
        for rank, (hit, passage, score) in enumerate(zip(found.hits[:top_k], found.passages, found.relevance), 1):
            spans = index.sentence_spans(hit.row)
            rows = index.sentence_rows(hit.row)
            similarity = index.sentences.similarity(found.vector, np.arange(rows.start, rows.stop))
            coverage = index.lexical.coverage(found.query, [passage.text[s:e] for s, e in spans])
            best = int(np.argmax(sentence_scores(similarity, coverage)))
            citations.append(Citation(rank, round(score, 4), passage, titles.get(passage.doc_id, ""), spans[best]))
            best_sentences[rank] = passage.text[spans[best][0]:spans[best][1]]
        answered = max(found.relevance, default=0) >= self.settings.min_relevance
        return compose(found.query, citations, answered, self.settings.min_relevance, best_sentences)


@dataclass(frozen=True)
class Retrieved:
    query: str                 # what was searched, spelling corrected
    vector: np.ndarray
    hits: list[Hit]
    passages: list[Passage]
    relevance: list[float]     # per hit, with the answer-type check applied
