from __future__ import annotations

from pathlib import Path

from qa.documents import read_document
from qa.passages import split_passages, split_sentences

from conftest import SEEDS


def test_sentences_respect_abbreviations_and_quotes() -> None:
    text = ("Col. (Ret.) Jonathan Zoet served for 30 years. Mark Thoth writes about U.S. policy. "
            "He said: “Go.” Then it cost $1.5 billion! Was it J. R. Smith? Yes.")
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Col. (Ret.) Jonathan Zoet served for 30 years.",
        "Mark Thoth writes about U.S. policy.",
        "He said: “Go.”",
        "Then it cost $1.5 billion!",
        "Was it J. R. Smith?",
        "Yes.",
    ]


def test_passage_offsets_point_at_the_document_text(embedder) -> None:
    doc = read_document(SEEDS / "putins-clock-is-ticking-for-lukashenko.txt", SEEDS)
    passages = split_passages(doc, embedder.count_tokens, 256)
    assert len(passages) == 23
    for p in passages:
        assert doc.text[p.start:p.end] == p.text
    assert passages[4].paragraph == 5 and "delivered T-72 tanks" in passages[4].text


def test_long_paragraph_is_cut_at_sentence_ends_within_the_model_window(tmp_path: Path, embedder) -> None:
    sentences = [f"Sentence number {i} talks about the harbour, the ships and the weather that day." for i in range(60)]
    (tmp_path / "long.txt").write_text("Title\n\n" + " ".join(sentences) + "\n\nShort one.", encoding="utf-8")
    doc = read_document(tmp_path / "long.txt", tmp_path)
    passages = split_passages(doc, embedder.count_tokens, 256)
    assert len(passages) > 3
    assert all(embedder.count_tokens(p.text) <= 256 for p in passages)
    assert all(p.text.endswith(".") and p.text[0].isupper() for p in passages)
    assert {p.paragraph for p in passages[:-1]} == {1} and passages[-1].paragraph == 2
    assert " ".join(p.text for p in passages[:-1]) == " ".join(sentences)


def test_a_sentence_longer_than_the_window_is_cut_between_words(tmp_path: Path, embedder) -> None:
    words = " ".join(f"word{i}" for i in range(900))
    (tmp_path / "run.txt").write_text(f"Title\n\n{words}", encoding="utf-8")
    doc = read_document(tmp_path / "run.txt", tmp_path)
    passages = split_passages(doc, embedder.count_tokens, 256)
    assert len(passages) > 1 and all(embedder.count_tokens(p.text) <= 256 for p in passages)
    assert " ".join(p.text for p in passages) == words
