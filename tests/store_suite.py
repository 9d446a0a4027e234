"""One test suite every store (qa.store_api.Store) passes, as Haystack's testing/document_store.py: a test module
subclasses StoreSuite and gives a `harness` fixture that builds, changes and reopens its kind of store."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
import pytest

from qa.passages import Passage, split_sentences
from qa.store_api import Store

ORCHARD = ("The Orchard", "orchard.md", [
    "The pear trees were planted in 1931 by the first owner. They still bear fruit every autumn.",
    "The cider press stands in the old barn. It was built from oak and is turned by hand.",
])
HARBOUR = ("The Harbour", "harbour.md", [
    "Fishing boats leave the harbour before dawn. The lighthouse guides them home at night.",
    "The harbour master keeps a log of every ship that enters the bay.",
])


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    path: str
    text: str
    passages: list[Passage]
    sentences: list[list[tuple[int, int]]]
    page_labels: tuple[str, ...] = ()


def make_doc(doc_id: str, title: str, path: str, paragraphs: list[str]) -> Doc:
    """A document whose passages are its paragraphs, each split into sentences."""
    text = "\n\n".join([title, *paragraphs])
    passages, start = [], len(title) + 2
    for number, paragraph in enumerate(paragraphs, 2):
        passages.append(Passage(doc_id, number, start, start + len(paragraph), paragraph, None, ""))
        start += len(paragraph) + 2
    return Doc(doc_id, title, path, text, passages, [split_sentences(p.text) for p in passages])


ORCHARD_DOC = make_doc("orchard", *ORCHARD)
HARBOUR_DOC = make_doc("harbour", *HARBOUR)


class Harness(Protocol):
    def build(self, docs: list[Doc]) -> Store: ...
    def add(self, store: Store, doc: Doc) -> Store: ...
    def remove(self, store: Store, doc_id: str) -> tuple[Store, bool]: ...
    def reopen(self, store: Store) -> Store: ...
    def query(self, text: str) -> np.ndarray: ...


def _row_of(store: Store, doc_id: str, paragraph: int) -> int:
    rows = store.rows_of([doc_id])
    return next(int(r) for r, p in zip(rows, store.passages([int(r) for r in rows]), strict=True)
                if p.paragraph == paragraph)


class StoreSuite:
    """The tests; a subclass provides the `harness` fixture."""

    @pytest.fixture()
    def store(self, harness: Harness) -> Store:
        return harness.build([ORCHARD_DOC, HARBOUR_DOC])

    def test_is_a_store(self, store: Store) -> None:
        assert isinstance(store, Store)

    def test_counts_passages_and_documents(self, store: Store) -> None:
        assert len(store) == 4
        assert [d.id for d in store.documents()] == ["harbour", "orchard"]  # by path
        assert {d.id: d.passages for d in store.documents()} == {"harbour": 2, "orchard": 2}

    def test_fetches_documents(self, store: Store) -> None:
        found = store.document("orchard")
        assert found is not None and (found.title, found.path) == ("The Orchard", "orchard.md")
        assert store.document_text("orchard") == ORCHARD_DOC.text
        assert store.document("nowhere") is None and store.document_text("nowhere") is None
        assert store.titles({"orchard", "harbour"}) == {"orchard": "The Orchard", "harbour": "The Harbour"}
        assert store.page_labels({"orchard", "harbour"}) == {}  # neither labels its pages

    def test_keeps_the_page_labels_of_a_document_that_has_them(self, store: Store, harness: Harness) -> None:
        doc = make_doc("book", "The Book", "book.pdf", ["Its preface.", "Its first chapter."])
        changed = harness.add(store, replace(doc, page_labels=("i", "1")))
        assert changed.page_labels({"book", "orchard"}) == {"book": ("i", "1")} and changed.page_labels(set()) == {}
        assert harness.reopen(changed).page_labels({"book"}) == {"book": ("i", "1")}

    def test_fetches_passages_in_the_order_asked(self, store: Store) -> None:
        rows = [int(r) for r in store.rows_of(["orchard"])]
        fetched = store.passages(rows[::-1])
        assert {p.text for p in fetched} == {p.text for p in ORCHARD_DOC.passages}
        assert [p.doc_id for p in fetched] == ["orchard", "orchard"]
        assert store.passages([]) == []

    def test_keeps_section_paths_the_sections_a_passage_joins_and_where_its_blocks_start(self, store: Store,
                                                                                          harness: Harness) -> None:
        title, path, paragraphs = "The Guide", "guide.md", ["Ferries leave hourly.\n\nTickets cost five euros."]
        doc = make_doc("guide", title, path, paragraphs)
        first = doc.passages[0]
        second = first.text.index("Tickets")
        joined = Passage("guide", 2, first.start, first.end, first.text, 4, "The Guide > Travel",
                         ((0, "The Guide > Travel > Times"), (second, "The Guide > Travel > Prices")),
                         ((second, 3, 5),))  # where its second block starts, on the next page
        changed = harness.add(store, Doc(doc.id, title, path, doc.text, [joined], doc.sentences))
        found = changed.passages(changed.rows_of(["guide"]).tolist())[0]
        assert found == joined and found.section_at(second + 3) == "The Guide > Travel > Prices"
        assert (found.page_at(second + 3), found.paragraph_at(second + 3), found.page_at(0)) == (5, 3, 4)
        assert changed.passages([_row_of(changed, "orchard", 2)])[0].parts == ()
        assert changed.passages([_row_of(changed, "orchard", 2)])[0].blocks == ()
        again = harness.reopen(changed)
        reopened = again.passages([_row_of(again, "guide", 2)])[0]
        assert (reopened.parts, reopened.blocks) == (joined.parts, joined.blocks)

    def test_dense_search_finds_the_closest_passage(self, store: Store, harness: Harness) -> None:
        rows = store.dense_search(harness.query("When were the pear trees planted?"), 2)
        assert store.passages([int(rows[0])])[0].text.startswith("The pear trees")

    def test_sentence_search_names_the_owning_passage(self, store: Store, harness: Harness) -> None:
        rows = store.sentence_search(harness.query("What guides the boats home at night?"), 1)
        assert store.passages([int(rows[0])])[0].text.startswith("Fishing boats")

    def test_keyword_search_only_returns_matching_passages(self, store: Store) -> None:
        rows = store.keyword_search("cider press", 10)
        assert [p.text[:13] for p in store.passages([int(r) for r in rows])] == ["The cider pre"]
        assert len(store.keyword_search("zeppelin", 10)) == 0

    def test_searches_stay_within_the_chosen_passages(self, store: Store, harness: Harness) -> None:
        within = np.sort(store.rows_of(["harbour"]))
        vector = harness.query("When were the pear trees planted?")
        for rows in (store.dense_search(vector, 5, within), store.sentence_search(vector, 5, within)):
            assert len(rows) and set(rows.tolist()) <= set(within.tolist())
        assert len(store.keyword_search("pear trees", 5, within)) == 0

    def test_component_scores(self, store: Store, harness: Harness) -> None:
        pear, press = _row_of(store, "orchard", 2), _row_of(store, "orchard", 3)
        query = "When were the pear trees planted?"
        found = store.components(harness.query(query), query, "pear trees planted", np.array([pear, press]))
        assert found.passage[0] > found.passage[1] and found.sentence[0] > found.sentence[1]
        assert found.sentence[0] >= found.passage[0] - 0.2
        assert found.bm25[0] == pytest.approx(1.0) and found.bm25[1] == 0.0
        assert found.coverage[0] == pytest.approx(1.0) and found.coverage[1] == 0.0

    def test_sentences_of_a_passage(self, store: Store, harness: Harness) -> None:
        row = _row_of(store, "harbour", 2)
        spans = store.sentence_spans(row)
        assert spans == HARBOUR_DOC.sentences[0] and len(spans) == 2
        similarity = store.sentence_similarity(harness.query("What guides the boats home at night?"), row)
        assert len(similarity) == 2 and similarity[1] > similarity[0]

    def test_idf_is_higher_for_rarer_terms(self, store: Store) -> None:
        harbour, pear, absent = store.idf(["harbour", "pear", "zeppelin"])
        assert absent > pear and absent > harbour and pear > harbour  # harbour is in 2 passages, pear in 1

    def test_spelling_follows_the_documents(self, store: Store, harness: Harness) -> None:
        assert store.correct("When did the lighthuose open?") == "When did the lighthouse open?"
        assert store.correct("Is the millwheel turning?") == "Is the millwheel turning?"  # nothing close yet
        store = harness.add(store, make_doc("mill", "The Mill", "mill.md", ["The millwheel grinds wheat."]))
        assert store.correct("Is the milwheel turning?") == "Is the millwheel turning?"
        store, _ = harness.remove(store, "harbour")
        assert store.correct("When did the lighthuose open?") == "When did the lighthuose open?"
        assert harness.reopen(store).correct("Is the milwheel turning?") == "Is the millwheel turning?"

    def test_add_a_document(self, store: Store, harness: Harness) -> None:
        extra = make_doc("mill", "The Mill", "mill.md", ["The water wheel grinds wheat into flour."])
        store = harness.add(store, extra)
        assert len(store) == 5 and store.document("mill") is not None
        assert store.passages([int(r) for r in store.keyword_search("water wheel", 3)])[0].doc_id == "mill"

    def test_remove_a_document(self, store: Store, harness: Harness) -> None:
        store, removed = harness.remove(store, "orchard")
        assert removed and len(store) == 2 and store.document("orchard") is None
        assert len(store.keyword_search("cider press", 10)) == 0
        assert {p.doc_id for p in store.passages([int(r) for r in store.dense_search(
            harness.query("pear trees"), 5)])} == {"harbour"}

    def test_removing_an_unknown_document_changes_nothing(self, store: Store, harness: Harness) -> None:
        store, removed = harness.remove(store, "nowhere")
        assert not removed and len(store) == 4

    def test_passages_and_ids_survive_a_reopen(self, store: Store, harness: Harness) -> None:
        rows = sorted(int(r) for r in store.rows_of(["orchard", "harbour"]))
        texts = [p.text for p in store.passages(rows)]
        again = harness.reopen(store)
        assert sorted(int(r) for r in again.rows_of(["orchard", "harbour"])) == rows
        assert [p.text for p in again.passages(rows)] == texts
