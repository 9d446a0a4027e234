"""The server: bring the index up to date, then serve the web chat at / and the HTTP API at /api on one port."""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from qa.settings import add_common_flags
from qa.settings import load as load_settings

if TYPE_CHECKING:
    from qa.guard import Inputs

log = logging.getLogger(__name__)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Ask the documents: web chat and HTTP API.")
    add_common_flags(parser)
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1, env QA_HOST)")
    parser.add_argument("--port", type=int, help="port to listen on (default 7860, env QA_PORT)")
    return parser.parse_args(argv)


def bind(host: str, port: int) -> socket.socket:
    """Take the port now, before the slow start, so a port in use is a one-line error.

    It listens only once the server serves (uvicorn's asyncio server calls listen()): until then a connection
    is refused at once instead of hanging.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say they are TCP,
    # and with Nagle on, a client that sends headers and body apart waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SystemExit(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}. "
                         f"Choose another port with --port.") from None
    return sock


def is_loopback(host: str) -> bool:
    from qa.guard import LOOPBACK_NAMES

    return host.strip("[]").lower() in LOOPBACK_NAMES or host.startswith("127.")


def mcp_returns_json() -> None:
    """Gradio's MCP server hands a tool's dict result back as str(dict), a Python repr: send JSON instead."""
    from gradio.mcp import GradioMCPServer

    original = GradioMCPServer.postprocess_output_data
    if getattr(original, "returns_json", False):
        return

    def postprocess(self: Any, data: Any, root_url: str) -> Any:
        data = [json.dumps(d, ensure_ascii=False) if isinstance(d, dict | list) else d for d in data]
        return original(self, data, root_url)

    postprocess.returns_json = True  # type: ignore[attr-defined]
    GradioMCPServer.postprocess_output_data = postprocess  # type: ignore[method-assign]


def inputs_of(function: Any) -> Inputs:
    """A Gradio event's inputs, in order: its function's parameters (gr.api's "question", "top_k", "documents"; those
    without a default needed), or "input 1", "input 2"... where they are not named one by one (*args)."""
    import inspect

    from qa.guard import Inputs

    parameters = [p for p in inspect.signature(function.fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)] if function.fn is not None else []
    if len(parameters) != len(function.inputs):
        return Inputs(tuple(f"input {n}" for n in range(1, len(function.inputs) + 1)))
    return Inputs(tuple(p.name for p in parameters), tuple(p.name for p in parameters if p.default is p.empty))


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "sentence_transformers", "faiss", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    settings = load_settings(parse_args(argv))
    sock = bind(settings.host, settings.port)
    if not is_loopback(settings.host) and not settings.api_key:
        log.warning("listening on %s, beyond this machine, with no API key: anyone who can reach it can read, add "
                    "and remove documents. Set QA_API_KEY to require a key.", settings.host)

    from qa.collection import Collection
    from qa.embedder import Embedder
    from qa.ids import DamagedIds
    from qa.lock import LockBusy
    from qa.uploads import UploadFolder

    try:
        embedder = Embedder(settings.backend, settings.batch_size, settings.model_cache, settings.embedder)
        collection = Collection(settings, embedder).open(serve_stale=True)
    except (FileNotFoundError, LockBusy, DamagedIds) as exc:
        raise SystemExit(f"error: {exc}") from None
    collection.watch()
    uploads = UploadFolder(max_bytes=8 * collection.max_upload_bytes)  # two full requests of the chat's uploads
    os.environ["GRADIO_TEMP_DIR"] = str(uploads.path)  # read by Gradio when it is imported, just below

    import gradio as gr
    import uvicorn

    from qa.api import body_cap, create_app
    from qa.chat import CSS, JS, THEME, build
    from qa.engine import Engine
    from qa.guard import Guard, Policy, served_names
    engine = Engine(settings, collection=collection)
    blocks = build(engine)
    blocks.delete_cache = (60, 600)  # Gradio's own cache of files it made: cleared every minute, after 10 min
    mcp_returns_json()
    # Gradio refuses uploads over twice the limit before they reach the disk; the chat explains smaller excesses
    app = gr.mount_gradio_app(create_app(engine), blocks, path="/", css=CSS, js=JS, theme=THEME,
                              footer_links=["api"], mcp_server=True, max_file_size=2 * collection.max_upload_bytes)
    policy = Policy(names=served_names(settings.host), api_key=settings.api_key,
                    body_cap=body_cap(collection.max_upload_bytes), busy=uploads.busy,
                    apis={str(f.api_name): inputs_of(f) for f in blocks.fns.values()
                          if f.api_name and f.api_visibility != "private"})
    # keep-alive 15 s, past httpx's 5 s: a client never reuses a connection the server is closing (at 64 clients
    # with both at 5 s, bench/load.py saw a ReadError)
    server = uvicorn.Server(uvicorn.Config(Guard(app, policy, stopping=lambda: server.should_exit), log_level="warning",
                                           timeout_graceful_shutdown=2, timeout_keep_alive=15))

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            shown = f"[{settings.host}]" if ":" in settings.host else settings.host
            meanwhile = ""
            if collection.building:
                meanwhile = "; building the first index meanwhile (the chat and /api/health say how far it has got)"
            elif collection.pending:
                meanwhile = f"; bringing the index up to date meanwhile ({collection.pending})"
            log.info("serving http://%s:%d/ (chat), /api/ask (API), /docs (OpenAPI); ready in %.1f s%s",
                     shown, settings.port, time.perf_counter() - started, meanwhile)

    threading.Thread(target=announce, daemon=True).start()
    # uvicorn re-raises SIGTERM once it has shut down: this handler turns it into an exit that runs `finally`
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.run(sockets=[sock])
    finally:
        collection.close(wait=False)  # an interrupted write leaves the last whole generation in place
        uploads.close()
    return 0
