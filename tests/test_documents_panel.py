"""The chat's documents panel with a real engine: adding files, removing with undo, and what it says."""
from __future__ import annotations

from pathlib import Path

from qa.documents_panel import (
    Removed,
    add_file,
    confirm_html,
    forget_upload,
    label,
    reading_order,
    remove_document,
    restore,
    status_html,
    summary,
    upload_hint,
)
from qa.store import DocumentInfo


def doc(title: str = "Orchard <notes>", passages: int = 3, path: str = "library/orchard.pdf",
        doc_id: str = "orchard") -> DocumentInfo:
    return DocumentInfo(id=doc_id, title=title, path=path, sha256="0" * 64, passages=passages)


def test_each_document_is_one_line_and_twins_show_their_file_names() -> None:
    docs = [doc("A", 1, doc_id="a"), doc("B", path="library/b.md", doc_id="b"), doc("B", path="seeds/b.txt",
                                                                                    doc_id="b2")]
    assert [label(d, docs) for d in docs] == ["A · 1 passage", "B (b.md) · 3 passages", "B (b.txt) · 3 passages"]


def test_the_list_is_in_title_order_with_numbers_read_as_numbers() -> None:
    docs = [doc("12 Expansion", doc_id="e"), doc("5 Files", doc_id="f"), doc("borg", doc_id="b2"),
            doc("Borg", doc_id="b1"), doc("1 Intro", doc_id="i"), doc("5 Files", doc_id="a")]
    assert [d.id for d in sorted(docs, key=reading_order)] == ["i", "a", "f", "e", "b1", "b2"]


def test_the_summary_says_what_a_question_searches() -> None:
    docs = [doc("A", 1, doc_id="a"), doc("B", 4, doc_id="b")]
    assert summary([], []) == "No documents yet: add some under “Your documents” below."
    assert summary(docs[:1], []) == "Searching 1 document: “A” (1 passage)"
    assert summary(docs, []) == "Searching all 2 documents (5 passages)"
    assert summary(docs, ["b", "gone"]) == "Asking only 1 of 2 documents: “B”"


def test_add_file_says_added_or_already_there_without_a_tick(tmp_path: Path, small_engine) -> None:
    file = tmp_path / "new.md"
    file.write_bytes(b"# New notes\n\nThe well in the yard is twelve metres deep.")
    assert add_file(small_engine, file) == ("ok", "Added “New notes” (1 passage): ask about it now.")
    assert "twelve metres" in small_engine.ask("How deep is the well?").passages[0].passage.text
    again = add_file(small_engine, str(file))
    assert again == ("info", "“New notes” was already there (1 passage): nothing was added.")
    assert "✓" not in status_html([again])


def test_add_file_turns_every_failure_into_a_message(tmp_path: Path, small_engine) -> None:
    before = small_engine.index.documents()
    file = tmp_path / "tool.exe"
    file.write_bytes(b"MZ")
    assert add_file(small_engine, file) == (
        "error",
        "tool.exe was not added: unsupported file type '.exe': use one of .txt, .md, .html, .htm, .pdf, .docx.")
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (300 * 1024 // 5))
    assert add_file(small_engine, big) == ("error", "big.txt was not added: it is 0.3 MB, larger than the limit of "
                                                    "0.25 MB. Split it into smaller files.")
    # another window added the same upload and deleted Gradio's one copy of it first: said, not a traceback
    assert add_file(small_engine, tmp_path / "gone.txt") == (
        "info", "gone.txt was not added from this window: the same file was being added from another one (see the "
                "list; if it is not there, add it again).")
    assert small_engine.index.documents() == before


def test_remove_then_undo_brings_the_document_back(tmp_path: Path, small_engine) -> None:
    file = tmp_path / "bees.txt"
    file.write_bytes(b"Bees\n\nThe bees live by the hedge.\n")
    add_file(small_engine, file)
    status, kept = remove_document(small_engine, "bees")
    assert status == ("ok", "Removed “Bees”: it will not be cited again.")
    assert kept == Removed("Bees", "bees.txt", b"Bees\n\nThe bees live by the hedge.\n")
    assert [d.id for d in small_engine.index.documents()] == ["orchard"]
    assert restore(small_engine, kept) == ("ok", "Restored “Bees” (1 passage) as a new document: its citations above "
                                                "no longer open, a new question cites it again.")
    assert "hedge" in small_engine.ask("Where do the bees live?").passages[0].passage.text
    assert remove_document(small_engine, "nope") == (
        ("error", "That document is no longer there: it was removed meanwhile."), None)


def test_a_bundled_document_is_removed_like_any_and_comes_back_on_undo(small_engine) -> None:
    status, kept = remove_document(small_engine, "orchard")
    assert status == ("ok", "Removed “Orchard <notes>”: it will not be cited again.") and kept is not None
    assert small_engine.index.documents() == []
    assert small_engine.ask("When were the pear trees planted?").answer == "There are no documents yet: add some."
    assert restore(small_engine, kept)[1].startswith("Restored “Orchard <notes>” (2 passages) as a new document")
    assert "1931" in small_engine.ask("When were the pear trees planted?").answer


def test_status_lines_are_escaped_and_marked_by_kind() -> None:
    shown = status_html([("ok", "Added “<b>”"), ("error", "x.exe was not added"), ("pending", "Adding y.pdf…")],
                        upload_hint(20))
    assert shown.startswith("<p class='hint'>.txt, .md, .html, .htm, .pdf, .docx files of up to 20 MB each")
    assert "<li class='ok'>✓ Added “&lt;b&gt;”</li><li class='error'>✗ x.exe was not added</li>" in shown
    assert "<li class='pending'>Adding y.pdf…</li>" in shown
    assert status_html([]) == "<ul class='status' role='status'></ul>"
    assert "data-limit-mb='0.5' data-cap-bytes='1048576'" in status_html([], limit_mb=0.5)


def test_forget_upload_deletes_the_temporary_copy(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_text("x")
    forget_upload(str(file))
    forget_upload(file)  # already gone: fine
    assert not file.exists()


def test_the_confirmation_names_the_document_as_text() -> None:
    assert confirm_html("<img src=x onerror=alert(1)>") == (
        "<p>Remove “&lt;img src=x onerror=alert(1)&gt;”? It will no longer be searched or cited.</p>")
