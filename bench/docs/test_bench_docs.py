"""Tests of the documentation bench's own parts, on small files they make: `python -m pytest bench/docs -q`."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_corpus  # noqa: E402
import check_questions  # noqa: E402
import evaluate as docs_evaluate  # noqa: E402

PAGE = """<html><head><title>t</title><style>p {}</style></head><body>
<h1>Savepoints</h1>
<p>Savepoints allow you to selectively discard parts of the transaction.</p>
<p>Second paragraph starts here.</p>
<p>Call <code>open()</code>, then read.</p>
<dl><dt>BUFFERS</dt><dd>Include information on buffer usage.</dd></dl>
</body></html>"""


def texts_of(markup: str) -> dict[str, list[list[str]]]:
    return {"page.html": [[v] for v in check_questions.html_variants(markup)]}


def test_a_phrase_inside_one_paragraph_is_found_in_every_extraction() -> None:
    texts = texts_of(PAGE)
    assert check_questions.documents_with("selectively discard parts of the TRANSACTION", texts) == ["page.html"]


def test_a_phrase_across_two_blocks_or_an_inline_join_is_refused() -> None:
    texts = texts_of(PAGE)
    # across </p><p>: spaced text has it, the block-marked one does not
    assert check_questions.documents_with("of the transaction. second paragraph", texts) == []
    assert check_questions.documents_with_any("of the transaction. second paragraph", texts) == ["page.html"]
    # a term and its description are two blocks
    assert check_questions.documents_with("buffers include information", texts) == []
    # "open() ," when inline elements are spaced, "open()," when joined: no extraction-proof phrase
    assert check_questions.documents_with("call open(), then read", texts) == []


def test_check_reports_bad_records() -> None:
    texts = texts_of(PAGE)
    rows = [
        {"id": "a", "turns": ["q?"], "evidence": ["selectively discard parts of the transaction"], "kind": "lookup"},
        {"id": "b", "turns": ["q?"], "evidence": ["not anywhere in this corpus at all"], "kind": "lookup"},
        {"id": "c", "turns": ["q?"], "evidence": [], "kind": "unanswerable", "absent": ["savepoints allow"]},
        {"id": "d", "turns": ["q?"], "evidence": ["too short"], "kind": "guess"},
        {"id": "e", "turns": ["only one turn"], "evidence": ["selectively discard parts"], "kind": "followup"},
        {"id": "f", "turns": ["q?"], "evidence": [], "kind": "unanswerable"},
    ]
    problems = "\n".join(check_questions.check(rows, texts))
    assert "a:" not in problems
    assert "b: evidence 'not anywhere in this corpus at all' is in no document" in problems
    assert "c: absent phrase 'savepoints allow' occurs in page.html" in problems
    assert "d: kind 'guess'" in problems and "has 2 words" in problems
    assert "e: a follow-up needs an earlier turn" in problems
    assert "f: an unanswerable question lists" in problems
    assert "want at least 80" in problems and "want at least 20" in problems


def test_the_committed_questions_are_well_formed() -> None:
    """The structure of bench/docs/questions.jsonl (the corpus itself is checked by check_questions.py)."""
    import json

    rows = [json.loads(line) for line in (Path(__file__).parent / "questions.jsonl").read_text().splitlines()]
    problems = [p for p in check_questions.check(rows, {}) if " is in no document" not in p]
    assert problems == []


def test_fixed_chunks_fill_the_window_and_lose_no_word() -> None:
    from tokenizers import Tokenizer

    from qa.embedder import model_path

    tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    text = " ".join(f"word{i} is followed by, punctuation." for i in range(400))
    chunks = docs_evaluate.fixed_chunks(text, tokenizer, 256)
    sizes = [len(tokenizer.encode(c, add_special_tokens=True).ids) for c in chunks]
    assert len(chunks) > 5 and max(sizes) <= 256 and sizes[0] >= 250
    assert "".join(chunks).replace(" ", "") == text.replace(" ", "")  # every character kept, in order


def test_recording_keeps_the_length_of_every_returned_passage() -> None:
    def ask(question: str, history: list[dict], top_k: int) -> dict:
        return {"answer": "", "found": True, "query": question, "passages": [{"text": "abcd"}, {"text": "ab"}]}

    recording = docs_evaluate.Recording(ask)
    recording("q", [], 2)
    assert recording.mean_chars == 3.0


def test_a_missing_package_names_the_install_command(tmp_path: Path) -> None:
    with pytest.raises(build_corpus.MissingPackage, match="apt-get install -y postgresql-doc-15 git-doc"):
        build_corpus.require(tmp_path / "absent.html", "git-doc")


def test_show_lists_the_misses_with_their_passages_and_not_the_hits() -> None:
    from qa.evaluate import Case

    def reply(found: bool, *texts: str) -> dict:
        return {"found": found, "passages": [
            {"rank": i, "score": 0.5, "text": t, "document": {"title": "doc"}, "section": "doc > Part"}
            for i, t in enumerate(texts, start=1)]}

    cases = [Case("hit", ["q1"], ["the answer"], "lookup"),
             Case("miss", ["first", "and then?"], ["deep answer"], "followup"),
             Case("none", ["q3"], [], "unanswerable"),
             Case("kept", ["q4"], [], "unanswerable")]
    replies = [reply(True, "The answer is here."),
               reply(True, "the deep answer is first here"),       # the follow-up's earlier turn
               reply(True, "Unrelated text.", "A deep answer."),
               reply(True, "Something answered."),
               reply(False, "Nothing.")]
    shown = docs_evaluate.misses(cases, replies)
    assert "== miss [followup] rank 2" in shown and "Q: and then?" in shown and "[2] 0.50 doc | doc > Part" in shown
    assert "== none [unanswerable] answered" in shown
    assert "== hit" not in shown and "== kept" not in shown
