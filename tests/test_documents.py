from __future__ import annotations

from pathlib import Path

from qa.documents import document_id, find_documents, read_document

from conftest import SEEDS


def test_seed_headline_is_title_and_boilerplate_is_dropped() -> None:
    doc = read_document(SEEDS / "putins-clock-is-ticking-for-lukashenko.txt", SEEDS)
    assert doc.title == "How much time has he got left? Putin’s clock is ticking for Lukashenko in Belarus."
    blocks = [doc.text[s:e] for s, e in doc.content_spans()]
    assert blocks[0].startswith("The daring invasion")
    assert not any("You May Also Like" in b or "More From Author" in b for b in blocks)
    assert blocks[-1].startswith("Col. (Ret.) Jonathan Zoet")
    assert all(doc.title not in b for b in blocks)


def test_paragraphs_are_blank_line_blocks_with_exact_offsets(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# A title\n\nFirst line\nwraps here.\n\n\nSecond.\r\n\r\nRead more\n", encoding="utf-8")
    doc = read_document(tmp_path / "note.md", tmp_path)
    assert doc.title == "A title"
    assert [doc.text[s:e] for s, e in doc.content_spans()] == ["First line\nwraps here.", "Second."]


def test_ids_are_url_safe_and_hidden_files_skipped(tmp_path: Path) -> None:
    assert document_id("news/My Article!.txt") == "news-my-article"
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.docx").write_text("x")
    assert [p.name for p in find_documents(tmp_path)] == ["a.txt"]
