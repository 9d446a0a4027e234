"""The question adapter of MiniLM (qa/adapter.py), on the real embedder's vectors, and where the product uses it."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from qa.adapter import WEIGHTS, Adapter, load
from qa.embedder import Embedder
from qa.engine import Engine
from qa.relevance import E5, MINILM, AnswerModels
from qa.search import SHORTLIST, search


@pytest.fixture(scope="module")
def adapter() -> Adapter:
    return load()


def test_the_weights_are_small_and_low_rank(adapter: Adapter) -> None:
    assert WEIGHTS.stat().st_size < 200_000
    assert adapter.u.shape == adapter.v.shape and adapter.u.shape[1] < adapter.u.shape[0]


def test_an_adapted_question_vector_is_unit_differs_and_is_deterministic(embedder: Embedder,
                                                                         adapter: Adapter) -> None:
    before = embedder.query("What did Belarus supply Russia?")
    vector = adapter(before)
    assert vector.dtype == np.float32 and vector.shape == before.shape
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5
    assert float(vector @ before) < 0.99  # moved
    assert float(vector @ before) > 0.7   # but near: still the same question
    assert np.array_equal(vector, adapter(before))
    assert np.allclose(adapter(np.vstack([before, before])), vector, atol=1e-6)  # rows alike


def test_minilm_models_adapt_the_sentence_vector_and_e5_models_do_not(embedder: Embedder) -> None:
    vector = embedder.query("Who is Tsikhanouskaya?")
    assert not np.allclose(MINILM.sentence_vector(vector), vector)
    assert np.array_equal(E5.sentence_vector(vector), vector)


@pytest.mark.parametrize(("question", "answer", "resembles"), [
    # the card's question: MiniLM alone puts the sentence worded like it first
    ("What did Belarus supply Russia?",
     "Russian equipment damaged in the fighting was repaired there, and the Belarusian army delivered T-72 tanks to "
     "the Russian invaders.",
     "Belarus was as much a part of the invasion as possible without actually sending troops."),
    ("When did the Normans conquer England?",
     "In 1066 William the Conqueror defeated Harold at Hastings and was crowned king.",
     "The Norman conquest of England changed the English language and its ruling class."),
])
def test_the_answering_sentence_gains_on_the_one_that_resembles_the_question(
        embedder: Embedder, adapter: Adapter, question: str, answer: str, resembles: str) -> None:
    sentences = embedder([answer, resembles])
    plain = embedder.query(question)
    lead_before = float(sentences[0] @ plain - sentences[1] @ plain)
    lead_after = float(sentences[0] @ adapter(plain) - sentences[1] @ adapter(plain))
    # measured: -0.128 -> -0.028 (the card's), -0.076 -> +0.029
    assert lead_after > lead_before + 0.05


def test_the_product_is_surer_of_the_cards_answering_sentence_with_the_adapter(engine: Engine) -> None:
    question = "What did Belarus supply Russia?"
    vector = engine.embedder.query(question)

    def t72_sentence(models: AnswerModels) -> tuple[str, float]:
        for hit in search(engine.index, vector, question, SHORTLIST, models=models, question=question):
            passage = engine.index.passages([hit.row])[0]
            if "T-72" in passage.text:
                return passage.text[hit.sentence[0]:hit.sentence[1]], hit.sentence_relevance
        raise AssertionError("the T-72 passage is not in the shortlist")

    quoted, adapted = t72_sentence(replace(MINILM, reranker=None))
    quoted_before, plain = t72_sentence(replace(MINILM, adapter=None, reranker=None))
    assert "T-72 tanks" in quoted and "T-72 tanks" in quoted_before
    assert adapted > plain + 0.05  # measured: 0.49 against 0.34


@pytest.mark.parametrize("question", ["What did Belarus supply Russia?", "Who is Tsikhanouskaya?",
                                      "How many Belarusian soldiers died?"])
def test_the_adapter_chooses_the_quoted_sentence_and_leaves_ranking_and_abstention_alone(
        engine: Engine, question: str) -> None:
    # the passage model was fitted on the plain cosines: fed adapted ones it answered more near-topic questions
    # (bench/docs abstention 0.88 -> 0.84), so only the sentence choice reads them
    vector = engine.embedder.query(question)
    models = replace(MINILM, reranker=None)  # the cross-encoder reads the sentences the adapted rows pick
    adapted = search(engine.index, vector, question, SHORTLIST, models=models, question=question)
    plain = search(engine.index, vector, question, SHORTLIST, models=replace(models, adapter=None), question=question)
    assert [h.row for h in adapted] == [h.row for h in plain]
    assert [h.relevance for h in adapted] == [h.relevance for h in plain]
    assert [h.answers for h in adapted] == [h.answers for h in plain]
    assert any(a.sentence != p.sentence or a.sentence_relevance != p.sentence_relevance
               for a, p in zip(adapted, plain, strict=True))
