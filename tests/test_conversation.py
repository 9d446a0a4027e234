from __future__ import annotations

from qa.conversation import Turn, is_follow_up, standalone_query


def test_follow_ups_are_recognised() -> None:
    assert is_follow_up("What did he say about military commanders?")
    assert is_follow_up("How much does it cost?")
    assert is_follow_up("and when?")
    assert not is_follow_up("What did Belarus supply Russia?")


def test_a_follow_up_is_searched_with_the_subject_of_the_question_it_follows() -> None:
    history = [Turn("user", "What did Poland buy?"), Turn("assistant", "96 Apache attack helicopters. [1]")]
    assert standalone_query("How much does it cost?", history) == "How much does it cost? Poland buy"
    assert standalone_query("What is the capital of France?", history) == "What is the capital of France?"
    assert standalone_query("How much does it cost?", []) == "How much does it cost?"


def test_a_chain_of_follow_ups_keeps_its_subject_without_growing() -> None:
    history = [Turn("user", "Who is Franak Viacorka?"), Turn("user", "What did he say about commanders?"),
               Turn("user", "Why did he say it?")]
    assert standalone_query("When was that?", history) == "When was that? Franak Viacorka say"


def test_a_follow_up_borrows_names_not_question_words_nor_its_own_words() -> None:
    history = [Turn("user", "What does git reset --soft do?"), Turn("assistant", "Does not touch the index. [1]")]
    assert standalone_query("And what does --mixed do?", history) == "And what does --mixed do? git reset --soft"
    history = [Turn("user", "Why can Node's dns.lookup() be slow?")]
    assert standalone_query("And how do I avoid it?", history) == "And how do I avoid it? Node's dns.lookup slow"
    history = [Turn("user", "What’s the price of the ferry? Please tell me, I don’t know how much it’s")]
    assert standalone_query("And for children?", history) == "And for children? price ferry know"
