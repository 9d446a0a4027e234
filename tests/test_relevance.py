"""The answer models on the seed article (real model, real index): one ranking, the card's quote, abstention."""
from __future__ import annotations

from qa.answer import NOT_FOUND, quote


def test_passages_are_listed_in_the_order_of_their_score(engine) -> None:
    for question in ("What did Belarus supply Russia?", "Who is Tsikhanouskaya?", "How many Apache helicopters is "
                     "Poland buying?", "What did Lukashenko say about drones?", "What is the capital of France?"):
        scores = [c.score for c in engine.ask(question, top_k=10).passages]
        assert scores == sorted(scores, reverse=True), (question, scores)
        assert all(0.0 <= s <= 1.0 for s in scores)


def test_the_cards_question_quotes_the_t72_sentence_first(engine) -> None:
    answer = engine.ask("What did Belarus supply Russia?")
    assert answer.found and "T-72 tanks" in quote(answer.passages[0])
    assert answer.answer.startswith(quote(answer.passages[0]))
    # "The mobilization and deployment..." of [2] (sentence probability 0.81) does not answer: not quoted
    assert answer.answer == f"{quote(answer.passages[0])} [1]"


def test_a_short_who_question_the_article_answers_is_answered(engine) -> None:
    answer = engine.ask("Who is Tsikhanouskaya?")
    assert answer.found and answer.answer != NOT_FOUND
    assert "Tsikhanouskaya" in answer.passages[0].passage.text


def test_a_near_topic_count_the_article_does_not_give_is_declined(engine) -> None:
    answer = engine.ask("How many Belarusian soldiers died?")
    assert not answer.found and answer.answer == NOT_FOUND
