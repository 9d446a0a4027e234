from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DEV_SET
from qa.conversation import Turn
from qa.evaluate import Case, evaluate, in_score_order, load_cases, normalise, quoted_sentence
from qa.schema import to_response


def test_normalise_matches_quotes_case_and_spaces() -> None:
    assert normalise("  The “West”\n simply  USED them ") == 'the "west" simply used them'


def test_normalise_reads_hyphens_as_spaces() -> None:
    evidence = normalise("Burrows-Wheeler block sorting text compression")
    assert evidence in normalise("the Burrows-Wheeler block-sorting text compression algorithm")
    assert evidence in normalise("the Burrows\u2010Wheeler block \n sorting text compression algorithm")
    assert evidence not in normalise("the Burrows-Wheeler blocksorting text compression algorithm")


def test_load_cases_reads_the_shared_format_and_rejects_junk(tmp_path: Path) -> None:
    cases = load_cases(DEV_SET)
    assert len(cases) == 15 and cases[8].turns == ["Who is Franak Viacorka?",
                                                   "What did he say about military commanders?"]
    (tmp_path / "bad.jsonl").write_text('{"turns": ["ok"]}\nnot json\n')
    with pytest.raises(ValueError, match="bad.jsonl:2"):
        load_cases(tmp_path / "bad.jsonl")


def test_evaluate_scores_the_real_engine(engine) -> None:
    def ask(question: str, history: list[dict], top_k: int) -> dict:
        return to_response(engine.ask(question, [Turn(m["role"], m["content"]) for m in history], top_k)).model_dump()

    cases = [Case("a", ["How many Apache helicopters is Poland buying?"], ["96 Apache"], "numeric"),
             Case("b", ["What did Poland buy?", "How much does it cost?"], ["$10 billion"], "followup"),
             Case("c", ["What is the capital of France?"], [], "unanswerable")]
    metrics = evaluate(cases, ask, 3)
    assert metrics["hit@1"] == 1.0 and metrics["abstention"] == 1.0 and metrics["answerable"] == 2
    assert metrics["answer_hit"] >= 0.5 and metrics["out_of_order"] == 0  # b: right passage, p 0.17 < 0.2
    assert metrics["by_kind"] == {"followup": 1.0, "numeric": 1.0, "unanswerable": 1.0}


def test_answer_hit_looks_inside_the_quoted_sentence_of_the_first_passage() -> None:
    text = "Poland signed a deal. It buys 96 Apache helicopters."
    reply = {"answer": "It buys 96 Apache helicopters. [1]", "found": True, "query": "q",
             "passages": [{"rank": 1, "score": 0.9, "text": text, "highlight": {"start": 22, "end": len(text)}},
                          {"rank": 2, "score": 0.95, "text": "other", "highlight": {"start": 0, "end": 5}}]}
    assert quoted_sentence(reply) == "It buys 96 Apache helicopters." and not in_score_order(reply)
    hit = evaluate([Case("a", ["q"], ["96 Apache"], "numeric")], lambda q, h, k: reply, 3)
    assert hit["answer_hit"] == 1.0 and hit["out_of_order"] == 1
    miss = evaluate([Case("a", ["q"], ["signed a deal"], "paraphrase")], lambda q, h, k: reply, 3)
    assert miss["hit@1"] == 1.0 and miss["answer_hit"] == 0.0  # in the passage, not in its quoted sentence
