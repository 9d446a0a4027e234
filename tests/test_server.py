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
