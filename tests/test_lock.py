"""The index lock across processes: a second writer waits, or says who holds it."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.lock import LockBusy, index_lock

HOLD = """
import sys, time
from pathlib import Path
from qa.lock import index_lock
with index_lock(Path(sys.argv[1]), wait=5):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold(root: Path, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(root), str(seconds)], stdout=subprocess.PIPE,
                               text=True, cwd=Path(__file__).resolve().parent.parent)
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def test_a_second_writer_is_told_who_holds_the_lock(tmp_path: Path) -> None:
    holder = hold(tmp_path, 30)
    try:
        with pytest.raises(LockBusy, match=rf"being changed by pid {holder.pid} "):
            with index_lock(tmp_path, wait=0.5):
                pass
    finally:
        holder.kill()
        holder.wait()
    with index_lock(tmp_path, wait=1):  # kill -9 released it: nothing stale is left behind
        pass


def test_a_second_writer_waits_its_turn(tmp_path: Path) -> None:
    holder = hold(tmp_path, 1.0)
    started = time.monotonic()
    with index_lock(tmp_path, wait=30):
        waited = time.monotonic() - started
    holder.wait()
    assert 0.3 < waited < 10
