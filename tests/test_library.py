from __future__ import annotations

from pathlib import Path

from qa.library import mark_removed, removed, safe_name, save_original


def test_safe_names_never_leave_the_folder() -> None:
    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("/abs/path/Report 2024 (final).PDF") == "Report-2024-final.pdf"
    assert safe_name("..\\..\\win.md") == "win.md"
    assert safe_name(".hidden.txt") == "hidden.txt"
    assert safe_name("...") == "document"
    assert safe_name("résumé d’été.txt") == "résumé-d-été.txt" and safe_name("Отчёт.md") == "Отчёт.md"
    assert safe_name("re\u0301sume\u0301.txt") == "résumé.txt"  # one spelling of é (NFC)
    assert safe_name("हिन्दी.txt") == "हिन्दी.txt"  # letters with their combining marks
    assert len(safe_name("Ж" * 300 + ".txt").encode()) <= 204 and safe_name("\x00\n.txt") == "document.txt"


def test_originals_are_saved_under_unused_names(tmp_path: Path) -> None:
    first = save_original(tmp_path, "notes.txt", b"one")
    second = save_original(tmp_path, "notes.txt", b"two")
    assert first.name == "notes.txt" and second.name == "notes-2.txt"
    assert first.read_bytes() == b"one" and second.read_bytes() == b"two"
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".tmp-")]


def test_removed_folder_documents_are_remembered(tmp_path: Path) -> None:
    assert removed(tmp_path) == {}
    mark_removed(tmp_path, "a.txt", "sha-a")
    mark_removed(tmp_path, "b.txt", "sha-b")
    assert removed(tmp_path) == {"a.txt": "sha-a", "b.txt": "sha-b"}
