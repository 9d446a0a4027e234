"""The write queue: one worker, in order, bounded; a full queue is refused at once with Busy."""
from __future__ import annotations

import threading

import pytest

from qa.writes import Busy, WriteQueue


def test_writes_run_in_order_on_one_thread_and_a_full_queue_says_busy() -> None:
    queue = WriteQueue(size=2)
    gate, ran, threads = threading.Event(), [], set()

    def job(n: int) -> int:
        gate.wait(10)
        ran.append(n)
        threads.add(threading.get_ident())
        return n * 10

    first = queue.submit(lambda: job(1))
    while queue.waiting():  # the worker has taken the first job and waits on the gate
        pass
    waiting = [queue.submit(lambda n=n: job(n)) for n in (2, 3)]
    with pytest.raises(Busy) as refused:
        queue.submit(lambda: job(4))
    assert refused.value.retry_after > 0
    gate.set()
    assert [f.result(10) for f in (first, *waiting)] == [10, 20, 30]
    assert ran == [1, 2, 3] and len(threads) == 1 and threading.get_ident() not in threads
    failing = queue.submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failing.result(10)
    queue.close()
