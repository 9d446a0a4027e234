"""Gradio's upload folder, kept bounded: the server's own temporary folder, old files deleted, a cap on its size.

Gradio's /gradio_api/upload keeps every file it receives until the process ends. Here the folder is private to
one server run (removed at exit), files older than `max_age` seconds are deleted, and while it holds more than
`max_bytes` further uploads get 429 (qa.guard asks `busy`).
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

UPLOAD_PATH = "/gradio_api/upload"


class UploadFolder:
    def __init__(self, max_bytes: int, max_age: float = 600.0) -> None:
        remove_orphans()
        self.path = Path(tempfile.mkdtemp(prefix=f"qa-uploads-{os.getpid()}-"))
        self.max_bytes, self.max_age = max_bytes, max_age
        self._stop = threading.Event()
        self._size = 0
        threading.Thread(target=self._clean_loop, name="upload-cleaner", daemon=True).start()

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

    def busy(self, path: str) -> str | None:
        """Why an upload to `path` must wait (429), or None."""
        if path != UPLOAD_PATH:
            return None
        held = self.size()
        if held <= self.max_bytes:
            return None
        return (f"uploads waiting to be added already hold {held / 1048576:.0f} MB: "
                "try again in a minute, when they have been added or cleared")

    def clean(self, now: float | None = None) -> int:
        """Delete files older than max_age (and the folders they leave empty); returns how many were deleted."""
        limit = (now or time.time()) - self.max_age
        deleted = 0
        for file in [p for p in self.path.rglob("*") if p.is_file()]:
            try:
                if file.stat().st_mtime < limit:
                    file.unlink()
                    deleted += 1
            except OSError:
                continue
        for folder in sorted((p for p in self.path.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
            try:
                folder.rmdir()
            except OSError:
                pass  # not empty
        if deleted:
            log.info("deleted %d uploaded files older than %.0f s", deleted, self.max_age)
        return deleted

    def _clean_loop(self) -> None:
        while not self._stop.wait(min(60.0, self.max_age / 2)):
            self.clean()

    def close(self) -> None:
        self._stop.set()
        shutil.rmtree(self.path, ignore_errors=True)


def remove_orphans() -> None:
    """Delete the upload folders of servers that ended without removing theirs (kill -9)."""
    for folder in Path(tempfile.gettempdir()).glob("qa-uploads-*"):
        match = re.match(r"qa-uploads-(\d+)-", folder.name)
        if match is None or _alive(int(match.group(1))):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        log.info("deleted %s, left by a server that is gone", folder)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
