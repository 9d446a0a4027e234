from __future__ import annotations

from qa.conversation import Turn, is_follow_up, standalone_query


def test_follow_ups_are_recognised() -> None:
    assert is_follow_up("What did he say about military commanders?")
    assert is_follow_up("How much does it cost?")
    assert is_follow_up("and when?")
    assert not is_follow_up("What did Belarus supply Russia?")


def test_a_follow_up_is_searched_with_the_question_it_follows() -> None:
    history = [Turn("user", "What did Poland buy?"), Turn("assistant", "96 Apache attack helicopters. [1]")]
    assert standalone_query("How much does it cost?", history) == "What did Poland buy? How much does it cost?"
    assert standalone_query("What is the capital of France?", history) == "What is the capital of France?"
    assert standalone_query("How much does it cost?", []) == "How much does it cost?"


def test_a_chain_of_follow_ups_keeps_its_subject_without_growing() -> None:
    history = [Turn("user", "Who is Franak Viacorka?"), Turn("user", "What did he say about commanders?"),
               Turn("user", "Why did he say it?")]
    assert standalone_query("When was that?", history) == "Who is Franak Viacorka? Why did he say it? When was that?"
