"""One writer per index folder across processes: an fcntl lock on <index>/writer.lock that names its holder."""
from __future__ import annotations

import fcntl
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_FILE = "writer.lock"
POLL_SECONDS = 0.2


class LockBusy(RuntimeError):
    """Another process held the index lock for longer than we were willing to wait."""

    def __init__(self, message: str, holder: str) -> None:
        super().__init__(message)
        self.holder = holder


def holder_of(root: Path) -> str:
    """Who holds (or last held) the lock, as the holder wrote it: "pid 123 (python -m qa add x.txt)"."""
    try:
        return (root / LOCK_FILE).read_text(encoding="utf-8", errors="replace").strip() or "another process"
    except OSError:
        return "another process"


@contextmanager
def index_lock(root: Path, wait: float) -> Iterator[None]:
    """Hold the index folder's writer lock; wait up to `wait` seconds for another holder, then raise LockBusy.

    The lock is the kernel's (flock): a writer killed with -9 releases it at once, nothing stale is left.
    """
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline, told = time.monotonic() + wait, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = holder_of(root)
                if time.monotonic() >= deadline:
                    raise LockBusy(f"the index in {root} is being changed by {holder}; try again when it is done",
                                   holder) from None
                if not told:
                    log.info("waiting for the index in %s: %s is changing it", root, holder)
                    told = True
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} ({' '.join(sys.argv)[:200]})".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
