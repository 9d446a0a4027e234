"""The server's listening socket (qa/server.py)."""
from __future__ import annotations

import socket

import pytest

from qa.server import bind


def test_the_listening_socket_is_tcp_so_replies_are_not_held_by_nagle() -> None:
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP      # asyncio sets TCP_NODELAY only on such sockets
        sock.listen()
        client = socket.create_connection(sock.getsockname())
        accepted, _ = sock.accept()
        assert accepted.proto == socket.IPPROTO_TCP
        client.close()
        accepted.close()
    finally:
        sock.close()


def test_until_it_serves_the_port_refuses_connections_instead_of_hanging() -> None:
    sock = bind("127.0.0.1", 0)   # taken at start; uvicorn listens only once the app is ready
    try:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(sock.getsockname(), timeout=2)
    finally:
        sock.close()


def test_a_port_in_use_is_a_clear_error() -> None:
    sock = bind("127.0.0.1", 0)
    sock.listen()
    try:
        with pytest.raises(SystemExit, match="cannot listen on 127.0.0.1:.*Choose another port"):
            bind("127.0.0.1", sock.getsockname()[1])
    finally:
        sock.close()


@pytest.mark.server
def test_stopping_with_a_tab_open_ends_its_stream_without_a_traceback(tmp_path) -> None:
    import shutil
    import threading
    import time

    import httpx

    from conftest import SEEDS, Server

    shutil.copytree(SEEDS, tmp_path / "docs")
    server = Server(tmp_path / "docs", tmp_path / "index", tmp_path / "server.log").start()
    ended = threading.Event()

    def heartbeat() -> None:  # what an open chat tab holds: an event stream that lasts while it is open
        try:
            with httpx.stream("GET", f"{server.url}/gradio_api/heartbeat/tab01", timeout=30) as stream:
                for _ in stream.iter_bytes():
                    pass
        except httpx.HTTPError:
            pass
        ended.set()

    threading.Thread(target=heartbeat, daemon=True).start()
    time.sleep(1.5)
    assert not ended.is_set()
    started = time.perf_counter()
    server.stop()  # SIGTERM
    assert server.process is not None and server.process.returncode == 0
    assert time.perf_counter() - started < 2, "the stream held the shutdown until it was cancelled"
    assert ended.wait(5)
    assert "Traceback" not in server.log() and "CancelledError" not in server.log(), server.log()[-3000:]
