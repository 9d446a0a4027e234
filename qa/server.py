"""The server: bring the index up to date, then serve the web chat at / and the HTTP API at /api on one port."""
from __future__ import annotations

import argparse
import logging
import socket
import threading
import time

from qa.settings import Settings, add_common_flags

log = logging.getLogger(__name__)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Ask the documents: web chat and HTTP API.")
    add_common_flags(parser)
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1, env QA_HOST)")
    parser.add_argument("--port", type=int, help="port to listen on (default 7860, env QA_PORT)")
    return parser.parse_args(argv)


def bind(host: str, port: int) -> socket.socket:
    """Take the port now, before the slow start, so a port in use is a one-line error."""
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
    sock.listen(128)
    return sock


def main(argv: list[str] | None = None) -> None:
    started = time.perf_counter()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "sentence_transformers", "faiss", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    settings = Settings.from_env().with_args(parse_args(argv))
    sock = bind(settings.host, settings.port)

    import gradio as gr
    import uvicorn

    from qa import documents_panel
    from qa.api import create_app
    from qa.chat import CSS, JS, THEME, build
    from qa.engine import Engine

    try:
        engine = Engine(settings)
    except FileNotFoundError as exc:
        raise SystemExit(f"error: {exc}") from None
    # Gradio refuses uploads over twice the limit before they reach the disk; the chat explains smaller excesses
    upload_cap = documents_panel.upload_cap(settings.max_upload_mb)
    app = gr.mount_gradio_app(create_app(engine), build(engine), path="/", css=CSS, js=JS, theme=THEME,
                              footer_links=["api"], mcp_server=True, max_file_size=upload_cap)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2))

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            shown = f"[{settings.host}]" if ":" in settings.host else settings.host
            log.info("serving http://%s:%d/ (chat), /api/ask (API), /docs (OpenAPI); ready in %.1f s",
                     shown, settings.port, time.perf_counter() - started)

    threading.Thread(target=announce, daemon=True).start()
    server.run(sockets=[sock])

