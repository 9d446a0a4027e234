"""The one path from a question to a cited answer: query -> search -> highlight -> answer."""
from __future__ import annotations

import logging
import threading

import faiss
import numpy as np

from qa.answer import Answer, Citation, compose, relevance, sentence_scores
from qa.conversation import Turn, standalone_query
from qa.embedder import Embedder
from qa.indexing import sync
from qa.search import search
from qa.settings import Settings
from qa.store import Index

log = logging.getLogger(__name__)

# Logistic weights (similarity, coverage, bias) for the relevance score, fitted by bench/calibrate.py.
RELEVANCE_WEIGHTS = (10.0, 4.0, -7.0)


class Engine:
    """Holds the one loaded index and the model; `ask` is safe to call from several threads."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        faiss.omp_set_num_threads(settings.faiss_threads)
        self.settings = settings
        self.embedder = embedder or Embedder(settings.batch_size)
        self.index: Index = sync(settings.docs, settings.index, self.embedder, settings.max_passage_tokens)
        self.lock = threading.Lock()  # held while the index is swapped

    def ask(self, question: str, history: list[Turn] | None = None, top_k: int | None = None) -> Answer:
        index = self.index
        top_k = top_k or self.settings.top_k
        query = index.lexical.correct(standalone_query(question, history or []))
        query_vector = self.embedder([query])[0]
        hits = search(index, query_vector, query, top_k, self.settings.candidates, self.settings.dense_weight)
        passages = index.passages([h.row for h in hits])
        titles = {d.id: d.title for d in index.documents()}

        citations, best_sentences = [], {}
        for rank, (hit, passage) in enumerate(zip(hits, passages), start=1):
            spans = index.sentence_spans(hit.row)
            rows = index.sentence_rows(hit.row)
            similarity = index.sentences.similarity(query_vector, np.arange(rows.start, rows.stop))
            coverage = np.array([index.lexical.coverage(query, passage.text[s:e]) for s, e in spans])
            best = int(np.argmax(sentence_scores(similarity, coverage)))
            score = relevance(hit.dense, index.lexical.coverage(query, passage.text), RELEVANCE_WEIGHTS)
            citations.append(Citation(rank, round(score, 4), passage, titles.get(passage.doc_id, ""), spans[best]))
            best_sentences[rank] = passage.text[spans[best][0]:spans[best][1]]
        return compose(query, citations, self.settings.min_relevance, best_sentences)
