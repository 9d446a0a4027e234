from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DEV_SET
from qa.conversation import Turn
from qa.evaluate import Case, evaluate, load_cases, normalise
from qa.schema import to_response


def test_normalise_matches_quotes_case_and_spaces() -> None:
    assert normalise("  The “West”\n simply  USED them ") == 'the "west" simply used them'


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
    assert metrics["by_kind"] == {"followup": 1.0, "numeric": 1.0, "unanswerable": 1.0}
