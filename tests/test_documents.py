from __future__ import annotations

from pathlib import Path

from conftest import SEEDS, write_pdf
from qa.documents import Document, document_id, find_documents, read_document


def test_seed_headline_is_block_one_and_boilerplate_is_dropped() -> None:
    doc = read_document(SEEDS / "putins-clock-is-ticking-for-lukashenko.txt", SEEDS)
    assert doc.title == "How much time has he got left? Putin’s clock is ticking for Lukashenko in Belarus."
    assert doc.blocks[0].kind == "title" and doc.block_text(1) == doc.title
    blocks = [doc.text[s:e] for s, e in doc.spans]
    assert blocks[1].startswith("The daring invasion")
    assert not any("You May Also Like" in b or "More From Author" in b for b in blocks)
    assert blocks[-1].startswith("Col. (Ret.) Jonathan Zoet")
    assert [b.text for b in doc.blocks] == blocks  # offsets are exact


def test_paragraphs_are_numbered_from_the_title_with_exact_offsets(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("A title\n\nFirst line\nwraps here.\n\n\nSecond.\r\n\r\nRead more\n",
                                       encoding="utf-8")
    doc = read_document(tmp_path / "note.txt", tmp_path)
    assert doc.title == "A title"
    assert [doc.block_text(n) for n in (1, 2, 3)] == ["A title", "First line\nwraps here.", "Second."]
    assert len(doc.blocks) == 3 and doc.text == "A title\n\nFirst line\nwraps here.\n\nSecond."


def test_a_document_survives_its_json_form(tmp_path: Path) -> None:
    (tmp_path / "g.md").write_text("# Guide\n\n## Install\n\nRun `pip`.\n\n```\nx = 1\n```\n", encoding="utf-8")
    doc = read_document(tmp_path / "g.md", tmp_path)
    assert Document.from_json(doc.to_json()) == doc
    # a PDF's page labels too (the parse cache keeps documents so)
    book = read_document(write_pdf(tmp_path / "book.pdf", ["The preface of this book, on its first page.",
                                                            "The first chapter of this book, on page one."],
                                   labels={0: "r", 1: "D"}), tmp_path)
    assert book.page_labels == ("i", "1") and Document.from_json(book.to_json()) == book


def test_ids_are_url_safe_and_hidden_files_skipped(tmp_path: Path) -> None:
    assert document_id("news/My Article!.txt") == "news-my-article"
    assert document_id("Äpfel & Birnen (2024).txt") == "apfel-birnen-2024"  # was "pfel-birnen-2024"
    assert document_id("Straße/Crème brûlée.md") == "strasse-creme-brulee"
    assert document_id("Отчёт за 2024.pdf") == "otchet-za-2024" and document_id("Αθήνα.md") == "athina"
    assert document_id("猫の本.txt") == "maonoben"  # transliterated, not "document"
    assert document_id("★ ☆.txt") == "document"  # nothing to spell it with
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.docx").write_text("x")
    (tmp_path / "c.xlsx").write_text("x")
    assert [p.name for p in find_documents(tmp_path)] == ["a.txt", "b.docx"]


def test_a_title_is_one_line_of_at_most_300_characters(tmp_path: Path) -> None:
    from qa.documents import MAX_TITLE_CHARS

    (tmp_path / "long.md").write_text("# " + "endless headline words " * 20000 + "\n\nThe body.\n", encoding="utf-8")
    (tmp_path / "run.txt").write_text("# " + "x" * 500000 + "\n\nThe body.\n", encoding="utf-8")
    for name in ("long.md", "run.txt"):
        doc = read_document(tmp_path / name, tmp_path)
        assert len(doc.title) <= MAX_TITLE_CHARS and doc.title.endswith("…"), name
        assert doc.block_text(2) == "The body." and doc.block_text(1) == doc.title
    assert read_document(tmp_path / "long.md", tmp_path).title[:-1].split()[-1] in ("endless", "headline", "words")


def test_an_id_is_at_most_200_characters_ending_with_the_file_name() -> None:
    doc_id = document_id("x" * 160 + "/" + "A long report name " * 10 + ".txt")
    assert len(doc_id) <= 200 and doc_id.endswith("a-long-report-name") and not doc_id.startswith("-")
