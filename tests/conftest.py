"""Shared fixtures: the real model, a real index of the seed article, and a real server on a loopback port."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEV_SET = ROOT / "bench" / "dev.jsonl"  # the project's own dev questions (a copy of the example set, kept here)


# Tests are tiered by what they need, so each tier can be run alone (the README says how):
#   unit: no model; model: the embedding model and real indexes; server: `python ui.py` or the CLI in a
#   subprocess; browser: Debian's Chromium. A test's tier comes from the fixtures it asks for and its `slow` mark.
MODEL_FIXTURES = {"embedder", "engine", "torch_embedder"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if item.path.stem.endswith("_browser"):
            tier = "browser"
        elif "server" in names or item.get_closest_marker("slow"):
            tier = "server"
        elif names & MODEL_FIXTURES:
            tier = "model"
        else:
            tier = "unit"
        item.add_marker(getattr(pytest.mark, tier))
        if tier in ("server", "browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def embedder():
    from qa.embedder import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder):
    from qa.engine import Engine
    from qa.settings import Settings

    return Engine(Settings(docs=SEEDS, index=tmp_path_factory.mktemp("index")), embedder=embedder)


@pytest.fixture()
def small_engine(tmp_path: Path, embedder):
    """A real engine over one small document, in its own folders, with a 0.25 MB upload limit."""
    from qa.engine import Engine
    from qa.settings import Settings

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "orchard.md").write_text("# Orchard <notes>\n\nThe pear trees were planted in 1931.\n\n"
                                                  "The cider press stands in the barn.\n", encoding="utf-8")
    return Engine(Settings(docs=tmp_path / "docs", index=tmp_path / "index", max_upload_mb=0.25), embedder=embedder)


def write_pdf(path: Path, pages: list[str], title: str | None = None,
              labels: dict[int, str] | None = None) -> Path:
    """A real PDF made here (fpdf2), one string a page; `labels` numbers its pages from the given ones (0-based) on
    in a style of their own, as front matter in roman numerals: {0: "r", 1: "D"} labels three pages i, 1, 2."""
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_font("Helvetica", size=12)
    for number, text in enumerate(pages):
        style = (labels or {}).get(number)
        pdf.add_page(**({"label_style": style, "label_start": 1} if style else {}))
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


def big_document(paragraphs: int, word: str = "survey") -> bytes:
    """A log of `paragraphs` short numbered paragraphs ("Paragraph 7 records that the ... survey number 7 found ..."):
    a document that takes a while to embed (3,000 paragraphs: ~30 s here)."""
    names = "river mountain lantern harvest copper willow meadow signal harbour quarry".split()
    body = "\n\n".join(f"Paragraph {i} records that the {names[i % 10]} {word} number {i} found "
                       f"{i * 7 % 101} samples near the {names[(i * 3) % 10]} station on day {i % 28 + 1}."
                       for i in range(paragraphs))
    return f"{word.title()} log\n\n{body}\n".encode()


def start_watching(server: Server, while_indexing: Callable[[], None] | None = None) -> tuple[list[str], list[str]]:
    """Start the server, asking its health every 0.1 s until it answers 200: what each ask got ("refused", "hung",
    "indexing" or "answered") and the progress each 503 told; `while_indexing` runs once, at the first 503."""
    failed: list[BaseException] = []

    def start() -> None:
        try:
            server.start(timeout=300)
        except BaseException as exc:  # the server exited or never answered: said after the thread ends
            failed.append(exc)

    server.process = None
    starting = threading.Thread(target=start)
    starting.start()
    outcomes: list[str] = []
    progress: list[str] = []
    try:
        while server.process is None and starting.is_alive():  # start() has chosen the port once it has started
            time.sleep(0.01)
        while starting.is_alive() or not outcomes or outcomes[-1] != "answered":
            if failed:
                raise failed[0]
            time.sleep(0.1)
            try:
                response = httpx.get(f"{server.url}/api/health", timeout=5)
            except httpx.ConnectError:
                outcomes.append("refused")  # the port is taken at once; until the app serves, connecting is refused
                continue
            except httpx.TimeoutException:
                outcomes.append("hung")
                continue
            if response.status_code == 200:
                outcomes.append("answered")
                continue
            assert response.status_code == 503 and response.json()["status"] == "indexing", response.text
            assert response.headers["retry-after"].isdigit()
            outcomes.append("indexing")
            progress.append(response.json()["progress"])
            if while_indexing is not None and outcomes.count("indexing") == 1:
                while_indexing()
    finally:
        starting.join()
    return outcomes, progress


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`python ui.py` as a user starts it, on a free loopback port, with its own documents and index folders."""

    def __init__(self, docs: Path, index: Path, log: Path, env: dict[str, str] | None = None) -> None:
        self.docs, self.index, self.log_path, self.env = docs, index, log, env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> Server:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [sys.executable, "ui.py", "--docs", str(self.docs), "--index", str(self.index), "--port", str(self.port)],
            cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env})
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"server did not answer within {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL, as a crash or `kill -9` would end it."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
            self._log.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and not self._log.closed:
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("server")
    shutil.copytree(SEEDS, base / "docs")
    running = Server(base / "docs", base / "index", base / "server.log").start()
    yield running
    running.stop()
