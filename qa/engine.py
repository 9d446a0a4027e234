"""The one path from a question to a cited answer: query -> search -> highlight -> answer."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import faiss
import numpy as np

from qa.answer import NOT_FOUND, Answer, Citation, compose
from qa.collection import Collection
from qa.conversation import Turn, standalone_query
from qa.embedder import Embedder
from qa.language import foreign
from qa.passages import Passage
from qa.relevance import models_for
from qa.search import SHORTLIST, Hit, search
from qa.settings import Settings
from qa.store import Index
from qa.store_api import RowsGone, Store

log = logging.getLogger(__name__)

# The documents answer only when the first passage is shown at least this probable (answers_question): "how old is
# vladimir putin" had a passage model best of 0.35 on the seed while its first passage, read by the cross-encoder,
# showed 0.07. The highest floor that declines no answerable question of the fit sets: on SQuAD's near-topic
# questions (`python -m bench.near_topic`, the train sample) 0.1 declined 0.513 of them and 0.14 0.580, answering
# 0.957 of the answerable either way, the seed, dev and bench/docsfit unchanged; 0.15 declines a seed question
# (shown 0.144). Checked on SQuAD dev's near-topic questions (0.520 -> 0.543 declined, answered 0.953 either way).
MIN_SHOWN = 0.14
# Above that floor they answer when the passage model says so (Retrieved.best >= Settings.min_relevance), or when the
# first passage is shown more likely than not to answer, whatever the passage model says:
# a reply that shows [1] at 0.6 and says the documents don't answer contradicts itself. The shown probability has
# the cross-encoder's reading, which the passage model lacks: on bench/docsfit's documentation questions the answered
# share went 0.63 -> 0.76 with 0.82 -> 0.80 of its near-topic questions declined, the seed's 0.85 -> 0.88 (declined
# 0.92, unchanged), bench/dev.jsonl's 0.83 -> 0.92, and SQuAD dev with one paragraph in five left out (its questions
# near-topic) 0.94 answered either way, declined 0.45 -> 0.44 (a /tmp harness over qa.search.search).
SURE_SHOWN = 0.5
NO_DOCUMENTS = "There are no documents yet: add some."
# Said when writes removed the passages a question was reading twice in a row (a Milvus store is changed in place).
CHANGED = "The documents changed while this question was answered: ask it again."
# While the first index is being built (qa.collection.Collection.building): there is nothing to search yet; and if
# that build failed, nothing until the server is restarted.
INDEXING = "The documents are still being indexed ({progress}): ask again once that is done."
NOT_INDEXED = ("The documents could not be indexed ({progress}); the server's log says why: restart it once that is "
               "fixed.")
# Said after NOT_FOUND when a question in another language than the passages (qa.language.foreign) is declined by
# models that read one language (MiniLM's): the documents may well answer it.
OTHER_LANGUAGE = ("The question seems to be in another language than the documents, which the English embedding "
                  "model does not connect: start with --embedder e5 (QA_EMBEDDER=e5) to ask in other languages.")


# Said after NOT_FOUND when the question uses a literal name (qa.names) that no shortlisted passage holds: such a
# question is not answered whatever the models say (on bench/docsfit, "What does PRAGMA optimize_all do in SQLite?"
# was answered at 0.53; its 5 answerable questions that use such names find them in their shortlist).
UNNAMED = "None of the passages found mentions {names}."


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
            embedder or Embedder(settings.backend, settings.batch_size, settings.model_cache, settings.embedder))
        if index is not None and index.meta.get("model") != self.embedder.name:
            raise ValueError(f"the index was made with {index.meta.get('model')}, the embedder is {self.embedder.name}")
        self.models = models_for(self.embedder.model)  # the answer models fitted on this embedder's features
        if settings.reranker == "off":
            self.models = replace(self.models, reranker=None)
        self.collection = collection or Collection(settings, self.embedder, index).open()

    @property
    def index(self) -> Store:
        """The index being served now (an embedded one is replaced whole when the documents change)."""
        return self.collection.index

    def ask(self, question: str, history: list[Turn] | None = None, top_k: int | None = None,
            documents: Sequence[str] | None = None) -> Answer:
        """Answer from all documents, or only from `documents` (ids; raises UnknownDocuments for unknown ones)."""
        faiss.omp_set_num_threads(self.settings.faiss_threads)  # OpenMP settings are per thread: set in this one
        building = self.collection.building
        if building is not None:
            said = NOT_INDEXED if building.failed else INDEXING
            return Answer(said.format(progress=building), False, question, [])
        top_k = top_k or self.settings.top_k
        for attempt in (1, 2):
            index = self.index
            try:
                return self._asked(index, question, history or [], top_k, documents)
            except RowsGone:  # a write on a store changed in place (Milvus) removed passages it was reading
                log.info("the documents changed while %r was answered (attempt %d)", question, attempt)
        return Answer(CHANGED, False, question, [])

    def _asked(self, index: Store, question: str, history: list[Turn], top_k: int,
               documents: Sequence[str] | None) -> Answer:
        if len(index) == 0:
            return Answer(NO_DOCUMENTS, False, question, [])
        within = self._rows_of(index, documents) if documents else None
        standalone = standalone_query(question, history)
        found = self._retrieve(index, question, standalone, top_k, within)
        if standalone != " ".join(question.split()):  # read as a follow-up
            alone = self._retrieve(index, question, question, top_k, within)
            if better_founded(alone.best, found.best, self._answered(alone), self._answered(found)):
                found = alone  # it was no follow-up: alone the question is answered at least as surely
        answer = self._answer(index, found, top_k)
        if not answer.found and found.unnamed:
            answer = replace(answer, answer=f"{NOT_FOUND} " + UNNAMED.format(  # no passage names it: no maybe
                names=" or ".join(f"“{name}”" for name in found.unnamed)))
        if not answer.found and self.models.crosslingual is None and \
                foreign(question, [c.passage.text for c in answer.passages]):
            answer = replace(answer, answer=f"{answer.answer} {OTHER_LANGUAGE}")
        return answer

    @staticmethod
    def _rows_of(index: Store, documents: Sequence[str]) -> np.ndarray:
        unknown = [d for d in dict.fromkeys(documents) if index.document(d) is None]
        if unknown:
            raise UnknownDocuments(f"no document with id {', '.join(map(repr, unknown))}: "
                                   "GET /api/documents lists the ids")
        return index.rows_of(list(documents))

    def _retrieve(self, index: Store, question: str, query: str, top_k: int,
                  within: np.ndarray | None = None) -> Retrieved:
        """Search for `query` (the user's `question`, or it followed by the words naming what it follows up:
        qa.conversation); hits best first. The cross-encoder reads follow-ups too: with the whole previous question
        in the query it quoted what answers that turn ("Who is Franak Viacorka?"), with its subject words only it
        ranks as well as without it on the seed's follow-ups and better on bench/docsfit's (bench/RESULTS.md)."""
        query = index.correct(query, self.embedder.words)
        vector = self.embedder.query(query)
        # the whole shortlist: whether the documents answer rests mostly on the best passage model probability in it
        hits = search(index, vector, query, max(top_k, SHORTLIST), self.settings.candidates, self.settings.dense_weight,
                      self.settings.fusion, models=self.models, question=question, within=within)
        hits = sorted(hits, key=lambda h: -h.relevance)  # the order of the score shown, whatever the fusion
        return Retrieved(query, hits, index.passages([h.row for h in hits[:top_k]]), unnamed(hits))

    def _answer(self, index: Store, found: Retrieved, top_k: int) -> Answer:
        """Cite the top_k passages with their answering sentence highlighted and compose the reply."""
        titles = index.titles({p.doc_id for p in found.passages})
        paged = {p.doc_id for p in found.passages if p.page is not None}  # PDFs: their pages' printed numbers
        labels = index.page_labels(paged) if paged else {}
        citations = [Citation(rank, round(hit.relevance, 4), passage, titles.get(passage.doc_id, ""), hit.sentence,
                              hit.answers, hit.sentence_relevance, labels.get(passage.doc_id, ()))
                     for rank, (hit, passage) in enumerate(zip(found.hits[:top_k], found.passages, strict=True), 1)]
        return compose(found.query, citations, self._answered(found), self.settings.min_relevance)

    def _answered(self, found: Retrieved) -> bool:
        return answers_question(found, self.settings.min_relevance, read_again=self.models.reranker is not None)


def answers_question(found: Retrieved, threshold: float, read_again: bool) -> bool:
    """Whether the reply claims the documents answer: the passage model says so (Retrieved.best >= threshold) or,
    when the cross-encoder read the passages again (`read_again`), the first one is shown more likely than not to
    answer (SURE_SHOWN: measured only with it; without it the score shown is the pooled probability, mostly the
    dense model's); and in both cases the first one is shown at least MIN_SHOWN probable, and the shortlist holds
    every name the question uses literally (qa.names)."""
    sure = read_again and found.shown >= SURE_SHOWN
    return (found.best >= threshold or sure) and found.shown >= MIN_SHOWN and not found.unnamed


def unnamed(hits: Sequence[Hit]) -> tuple[str, ...]:
    """The literal names the question uses (qa.names) that no passage of the shortlist holds (Hit.lacking)."""
    if not hits:
        return ()
    return tuple(name for name in hits[0].lacking if all(name in hit.lacking for hit in hits[1:]))


def better_founded(alone: float, follow_up: float, alone_answered: bool, follow_up_answered: bool) -> bool:
    """Whether a question read alone should replace its reading as a follow-up, given each reading's
    Retrieved.best and whether it is answered (answers_question): when alone it is answered, and the follow-up is
    not or is no surer by the passage model (a follow-up answered only by SURE_SHOWN is compared on that model's
    probability too). A follow-up's reading only adds the words of the turn it follows (qa.conversation); if they
    add no certainty, the question named its own subject ("How many troops do they say Ukraine has on the Belarusian
    border?" after "Who is Franak Viacorka?": 0.905 alone, 0.725 with "Franak Viacorka"). Until the subject words
    replaced the whole previous question, the conversation's reading was kept unless alone was 0.2 surer; without
    that margin bench/docsfit's follow-ups gain one first hit (11 of 14), the seed's and bench/docs' are unchanged."""
    return alone_answered and (not follow_up_answered or alone >= follow_up)


@dataclass(frozen=True)
class Retrieved:
    query: str                 # what was searched, spelling corrected
    hits: list[Hit]            # the shortlist, best first: by the probability that the passage answers (pooled)
    passages: list[Passage]    # of the first top_k hits
    unnamed: tuple[str, ...] = ()  # names the question uses (qa.names) that no shortlisted passage holds

    @property
    def best(self) -> float:
        """The passage model's best probability in the shortlist (qa/relevance.py): what whether the documents
        answer mostly rests on (answers_question)."""
        return max((h.answers for h in self.hits), default=0.0)

    @property
    def shown(self) -> float:
        """The first passage's probability, as the reply shows it."""
        return self.hits[0].relevance if self.hits else 0.0
