"""Gradio's upload folder stays bounded: old files are deleted, a full folder refuses more (429)."""
from __future__ import annotations

import os
import time

from qa.uploads import UPLOAD_PATH, UploadFolder


def test_old_uploads_are_deleted_and_a_full_folder_says_busy() -> None:
    folder = UploadFolder(max_bytes=1000, max_age=600)
    try:
        (folder.path / "a1").mkdir()
        old, new = folder.path / "a1" / "old.txt", folder.path / "new.txt"
        old.write_bytes(b"x" * 800)
        new.write_bytes(b"y" * 300)
        assert folder.busy(UPLOAD_PATH) is not None and "MB" in folder.busy(UPLOAD_PATH)
        assert folder.busy("/api/ask") is None
        an_hour_ago = time.time() - 3600
        os.utime(old, (an_hour_ago, an_hour_ago))
        assert folder.clean() == 1
        assert not old.exists() and not old.parent.exists() and new.exists()
        assert folder.busy(UPLOAD_PATH) is None
    finally:
        folder.close()
    assert not folder.path.exists()
