"""The sentence cross-encoder (qa/reranker.py): its weights, its scores on real sentences, where the product uses it."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa.engine import Engine
from qa.relevance import E5, MINILM
from qa.reranker import WEIGHTS, Reranker, base_model, head_names, lora_layers
from qa.search import RERANK_SENTENCES, RERANKED, SHORTLIST, search

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def reranker() -> Reranker:
    return Reranker()


def test_the_weights_are_small_and_cover_every_layer_and_the_head() -> None:
    assert WEIGHTS.stat().st_size < 3_000_000
    saved = np.load(WEIGHTS)
    model = base_model()
    for name in lora_layers(model):
        assert saved[f"{name}.a"].shape[0] == saved[f"{name}.b"].shape[1]  # low rank: B (out, r) A (r, in)
    assert len(lora_layers(model)) == 36  # 6 linear layers in each of MiniLM's 6
    for name in head_names(model):
        assert name in saved.files


@pytest.mark.parametrize(("question", "answer", "others"), [
    # the card's question: MiniLM's cosine puts the sentence worded like it first
    ("What did Belarus supply Russia?",
     "Russian equipment damaged in the fighting was repaired there, and the Belarusian army delivered T-72 tanks to "
     "the Russian invaders.",
     ["Belarus was as much a part of the invasion as possible without actually sending troops.",
      "Ukraine said Russian forces cut the supply lines of the city."]),
    ("When did the Normans conquer England?",
     "The Normans took England in 1066, when William defeated Harold at Hastings.",
     ["The Norman conquest of England changed the English language and its ruling class."]),
    ("How do I remove a database?",
     "dropdb destroys an existing PostgreSQL database; the user who runs it must own the database.",
     ["createdb creates a new PostgreSQL database.", "A database is a named collection of SQL objects."]),
])
def test_the_answering_sentence_scores_highest(reranker: Reranker, question: str, answer: str,
                                               others: list[str]) -> None:
    scores = reranker(question, [answer, *others])
    assert scores.shape == (1 + len(others),) and scores.dtype == np.float32
    assert int(np.argmax(scores)) == 0, scores


def test_scores_are_deterministic_and_do_not_depend_on_the_batch(reranker: Reranker) -> None:
    question = "Who is Tsikhanouskaya?"
    sentences = ["Sviatlana Tsikhanouskaya is the leader of the Belarusian opposition in exile.",
                 "Belarus borders Poland, Lithuania, Latvia, Russia and Ukraine."]
    both = reranker(question, sentences)
    assert np.array_equal(both, reranker(question, sentences))
    assert np.allclose(both[1:], reranker(question, sentences[1:]), atol=1e-4)  # padding changes nothing
    assert reranker(question, []).shape == (0,)


def test_a_question_longer_than_the_window_is_read_not_refused(reranker: Reranker) -> None:
    # a question of the API's 2,000 characters, or a follow-up with a long conversation's subject words after it,
    # is longer than MAX_TOKENS alone: truncating only the sentence raised "Sequence to truncate too short"
    question = "What did Belarus supply Russia, and " + "which tanks were repaired there and when, " * 45 + "?"
    scores = reranker(question, ["Belarus delivered T-72 tanks to the Russian invaders.", "Minsk is the capital."])
    assert scores.shape == (2,) and np.isfinite(scores).all() and scores[0] > scores[1]  # the sentences still read


def test_pairs_read_in_batches_of_similar_length_score_as_one_padded_batch(reranker: Reranker) -> None:
    question = "What did Belarus supply Russia?"
    sentences = ["Minsk is the capital.",
                 "Russian equipment damaged in the fighting was repaired there, and the Belarusian army delivered "
                 "T-72 tanks to the Russian invaders.",
                 "Belarus was as much a part of the invasion as possible without actually sending troops.",
                 "It rained."]
    scores = reranker(question, sentences)  # BATCHES batches, the short pairs apart from the long ones
    assert reranker.run is not None
    ids = reranker.encode([(question, s) for s in sentences])  # all four padded to the longest
    assert np.allclose(scores, np.asarray(reranker.run(ids[0], ids[1], ids[2])).reshape(-1), atol=1e-4)
    assert len(scores) == len(sentences) and int(np.argmax(scores)) == 1  # each logit back in its sentence's place


def test_the_merged_model_matches_the_trained_one() -> None:
    # training adds scale * (x A^T) B^T beside each linear layer (bench/fit_reranker.py's Lora hook); the product
    # folds scale * B A into the layer's weight: both must give the same logits
    import torch

    from bench.fit_reranker import Lora, encode

    saved = np.load(WEIGHTS)
    hooked = base_model().eval()
    with torch.no_grad():
        for seed, (name, linear) in enumerate(lora_layers(hooked).items()):
            lora = Lora(linear, saved[f"{name}.a"].shape[0], float(saved["scale"]), seed)
            lora.a.copy_(torch.from_numpy(saved[f"{name}.a"].astype(np.float32)))
            lora.b.copy_(torch.from_numpy(saved[f"{name}.b"].astype(np.float32)))
        params = dict(hooked.named_parameters())
        for name in head_names(hooked):
            params[name].copy_(torch.from_numpy(saved[name].astype(np.float32)))
        pairs = [("What did Belarus supply Russia?", "The Belarusian army delivered T-72 tanks."),
                 ("What did Belarus supply Russia?", "Belarus is a landlocked country.")]
        merged = Reranker(backend="torch")
        expected = hooked(**encode(merged, pairs)).logits[:, 0].numpy()
    assert np.allclose(merged(pairs[0][0], [s for _, s in pairs]), expected, atol=1e-3)


def test_the_onnx_export_scores_like_torch(tmp_path: Path) -> None:
    question = "What did Belarus supply Russia?"
    sentences = ["The Belarusian army delivered T-72 tanks to the Russian invaders.",
                 "Belarus was as much a part of the invasion as possible without actually sending troops.",
                 "Minsk is the capital of Belarus."]
    exported = Reranker(cache=tmp_path)(question, sentences)
    assert list(tmp_path.glob("reranker-*.onnx"))  # exported once into the model cache
    torch_scores = Reranker(backend="torch")(question, sentences)
    assert np.allclose(exported, torch_scores, atol=1e-3)  # float weights: the same model
    # a sentence scores the same whatever else is read in its batch (int8 activations did not: qa/reranker.py)
    assert np.allclose(Reranker(cache=tmp_path)(question, sentences[:1]), exported[:1], atol=1e-4)


def test_the_card_quotes_the_t72_sentence_first(engine: Engine) -> None:
    answer = engine.ask("What did Belarus supply Russia?")
    first = answer.passages[0]
    assert "delivered T-72 tanks" in first.passage.text[first.highlight[0]:first.highlight[1]]


@pytest.mark.parametrize("question", ["What did Belarus supply Russia?", "Who is Tsikhanouskaya?",
                                      "How many Belarusian soldiers died?"])
def test_the_reranker_reorders_scores_in_order_and_leaves_abstention_alone(engine: Engine, question: str) -> None:
    vector = engine.embedder.query(question)
    read = search(engine.index, vector, question, SHORTLIST, models=MINILM, question=question)
    alone = search(engine.index, vector, question, SHORTLIST, models=replace(MINILM, reranker=None),
                   question=question)
    assert [h.relevance for h in read] == sorted((h.relevance for h in read), reverse=True)
    assert all(0.0 < h.relevance < 1.0 for h in read)
    # whether the documents answer stays the passage model's (it was not fitted with the cross-encoder)
    assert {h.row: h.answers for h in read} == {h.row: h.answers for h in alone}
    changed = {h.row: h.relevance for h in read} != {h.row: h.relevance for h in alone}
    assert changed  # the most probable passages were read again


def test_the_likeliest_passages_and_the_retrievers_favourites_are_read_two_sentences_each(engine: Engine,
                                                                                          reranker: Reranker) -> None:
    read: list[int] = []

    class Counting(Reranker):
        def __call__(self, question: str, sentences: list[str]) -> np.ndarray:
            read.append(len(sentences))
            return reranker(question, sentences)

    question = "What did Belarus supply Russia?"
    vector = engine.embedder.query(question)
    search(engine.index, vector, question, 3, models=replace(MINILM, reranker=Counting()), question=question)
    # one batch: the 5 likeliest and at most two favourites of the retrievers (qa.search.favourites), 2 sentences each
    assert len(read) == 1 and RERANKED < read[0] <= (RERANKED + 2) * RERANK_SENTENCES


def test_a_follow_up_is_answered_without_the_cross_encoder(engine: Engine) -> None:
    # a follow-up's query carries the previous turn: read with it, the cross-encoder favoured the sentence that
    # answers "Who is Franak Viacorka?" (0.37 against the commanders' 0.33)
    from qa.conversation import Turn

    first = engine.ask("Who is Franak Viacorka?")
    reply = engine.ask("What did he say about military commanders?",
                       [Turn("user", "Who is Franak Viacorka?"), Turn("assistant", first.answer)])
    top = reply.passages[0]
    assert "pressure from commanders" in top.passage.text[top.highlight[0]:top.highlight[1]]


def test_e5_models_share_the_reranker() -> None:
    # it reads text, whatever embedded it: one model, built once (a question in another language is not read by it:
    # tests/test_engine.py)
    assert E5.reranker is MINILM.reranker is not None and E5.reranked == MINILM.reranked


def test_the_reranker_can_be_turned_off_and_a_wrong_value_is_named() -> None:
    from qa.settings import Settings, SettingsError

    assert Settings().reranker == "cross"
    assert Settings.from_env({"QA_RERANKER": "off"}).reranker == "off"
    with pytest.raises(SettingsError, match="reranker"):
        Settings.from_env({"QA_RERANKER": "fast"})
