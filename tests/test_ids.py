"""Ids for life: assigned once per path, never reused after removal, kept through damage to one copy."""
from __future__ import annotations

from pathlib import Path

import pytest

from qa.ids import BACKUP, IDS, DamagedIds, Ids


def test_clashing_names_get_their_own_ids_and_keep_them(tmp_path: Path) -> None:
    ids = Ids()
    assert ids.assign("library/report.txt", "report") == "report"
    assert ids.assign("library/report.md", "report") == "report-2"
    assert ids.assign("a_b.txt", "a-b") == "a-b" and ids.assign("a-b.txt", "a-b") == "a-b-2"
    assert ids.assign("X.txt", "x") == "x" and ids.assign("x.txt", "x") == "x-2"
    assert ids.assign("library/report.txt", "report") == "report"   # the same path: the same id, always
    ids.save(tmp_path)
    again = Ids.load(tmp_path)
    assert again.assigned == ids.assigned and again.path_of("report-2") == "library/report.md"


def test_a_removed_id_is_never_given_again(tmp_path: Path) -> None:
    ids = Ids()
    ids.assign("library/report.txt", "report")
    assert ids.retire("report", "sha") == "library/report.txt"
    assert ids.path_of("report") is None
    assert ids.assign("library/report.txt", "report") == "report-2"  # the same name uploaded again: a new id
    ids.assign("notes.txt", "notes")
    ids.retire("notes", "sha-n")
    assert ids.removed_files() == {"notes.txt": "sha-n"}  # library originals are deleted, not remembered
    with pytest.raises(KeyError):
        ids.retire("report", "x")


def test_one_damaged_copy_loses_nothing_two_stop_with_a_reason(tmp_path: Path) -> None:
    ids = Ids()
    ids.assign("a.txt", "a")
    ids.retire("a", "sha-a")
    ids.save(tmp_path)
    (tmp_path / IDS).write_bytes(b"\x00garbage")
    recovered = Ids.load(tmp_path)
    assert recovered.retired == {"a": {"path": "a.txt", "sha256": "sha-a"}} and recovered.changed
    recovered.save(tmp_path)  # the damaged copy is written again from the good one
    assert Ids.load(tmp_path).retired == recovered.retired
    (tmp_path / IDS).write_text('{"assigned": []}')
    (tmp_path / BACKUP).write_text("[")
    with pytest.raises(DamagedIds, match="damaged"):
        Ids.load(tmp_path)
