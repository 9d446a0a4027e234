"""Changes to the documents run one at a time on their own thread, from a bounded queue, so none holds a reader's."""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Busy(RuntimeError):
    """The queue of writes is full, or the first index is being built (qa.collection): try again after
    `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WriteQueue:
    """One worker thread runs the submitted writes in order; at most `size` wait, more are refused with Busy."""

    def __init__(self, size: int, name: str = "writer") -> None:
        self._queue: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue(maxsize=size)
        self.size = size
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], T]) -> Future[T]:
        """Queue `job`; its Future carries the result or the exception. Raises Busy when the queue is full."""
        future: Future[T] = Future()
        try:
            self._queue.put_nowait((job, future))
        except queue.Full:
            raise Busy(f"{self.size} changes to the documents are already waiting: try again shortly",
                       retry_after=5) from None
        return future

    def waiting(self) -> int:
        return self._queue.qsize()

    def close(self) -> None:
        """Finish the queued writes, then stop the worker."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            job, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as exc:  # handed to whoever waits on the future
                future.set_exception(exc)
