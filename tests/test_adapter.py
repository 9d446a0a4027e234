"""The question adapter of MiniLM (qa/adapter.py), on the real embedder's vectors."""
from __future__ import annotations

import numpy as np
import pytest

from qa.adapter import WEIGHTS, load
from qa.embedder import Embedder


@pytest.fixture(scope="module")
def embedders() -> tuple[Embedder, Embedder]:
    return Embedder(), Embedder(adapt=False)


def test_the_weights_are_small_and_low_rank() -> None:
    adapter = load()
    assert WEIGHTS.stat().st_size < 200_000
    assert adapter.u.shape == adapter.v.shape and adapter.u.shape[1] < adapter.u.shape[0]


def test_an_adapted_question_vector_is_unit_differs_and_is_deterministic(embedders) -> None:
    adapted, plain = embedders
    question = "What did Belarus supply Russia?"
    vector, before = adapted.query(question), plain.query(question)
    assert vector.dtype == np.float32 and vector.shape == before.shape
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5
    assert float(vector @ before) < 0.999  # moved
    assert float(vector @ before) > 0.7    # but near: still the same question
    assert np.array_equal(vector, adapted.query(question))


def test_passages_are_embedded_as_before(embedders) -> None:
    adapted, plain = embedders
    text = ["Belarus was as much a part of the invasion as possible without actually sending troops."]
    assert np.array_equal(adapted(text), plain(text))


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
def test_the_answering_sentence_gains_on_the_one_that_resembles_the_question(embedders, question: str, answer: str,
                                                                              resembles: str) -> None:
    adapted, plain = embedders
    sentences = adapted([answer, resembles])
    lead_before = float(sentences[0] @ plain.query(question) - sentences[1] @ plain.query(question))
    lead_after = float(sentences[0] @ adapted.query(question) - sentences[1] @ adapted.query(question))
    assert lead_after > lead_before + 0.01
