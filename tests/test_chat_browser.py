"""The chat as a person uses it: Debian's headless Chromium, driven by Playwright, on the page `python ui.py` serves.

Screenshots go to test-output/ (chat.png, chat-narrow.png, ...) to look at.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
OUTPUT = ROOT / "test-output"
TITLE = "How much time has he got left? Putin’s clock is ticking for Lukashenko in Belarus."
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium: apt-get install chromium"),
]


class Chat:
    """One browser tab on the chat, with every request it made."""

    def __init__(self, page, url: str) -> None:
        self.page, self.url, self.requests = page, url, []
        page.on("request", lambda request: self.requests.append(request.url))
        started = time.perf_counter()
        page.goto(url)
        page.locator("#question textarea").wait_for()
        self.load_seconds = time.perf_counter() - started

    def bot_messages(self):
        return self.page.locator("#chat [data-testid=bot]")

    def ask(self, question: str | None = None, example: str | None = None):
        """Type a question (or click an example) and wait for the reply; returns the reply's element."""
        replies = self.bot_messages().count()
        if example:
            self.page.locator(".gallery-item, button").filter(has_text=example).first.click()
        else:
            self.page.locator("#question textarea").fill(question)
            self.page.keyboard.press("Enter")
        self.page.wait_for_function(
            "n => document.querySelectorAll('#chat [data-testid=bot]').length > n", arg=replies, timeout=60_000)
        self.page.wait_for_timeout(300)  # the scroll to the new question
        return self.bot_messages().last

    def screenshot(self, name: str) -> None:
        OUTPUT.mkdir(exist_ok=True)
        self.page.screenshot(path=str(OUTPUT / name))

    def outside(self) -> list[str]:
        """Requests that left this machine (none should: the page works offline)."""
        return [u for u in self.requests
                if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname not in LOOPBACK]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_chat(browser, server) -> Iterator:
    contexts = []

    def opener(width: int = 1280, height: int = 900, **options) -> Chat:
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return Chat(context.new_page(), server.url)

    yield opener
    for context in contexts:
        context.close()


def test_ask_and_check_the_citation(open_chat, server) -> None:
    chat = open_chat()
    assert chat.load_seconds < 10, f"the page took {chat.load_seconds:.1f} s to become usable"
    page = chat.page
    for doc in httpx.get(f"{server.url}/api/documents").json():
        assert f"{doc['title']} ({doc['passages']} passages)" in page.locator("#documents").inner_text()
    assert page.get_by_text("What did Belarus supply Russia?").first.is_visible()

    reply = chat.ask("Who is Sviatlana Tsikhanouskaya?")
    assert "legitimately elected president of Belarus" in reply.locator(".answer").inner_text()
    assert "[1]" in reply.locator(".answer").inner_text()
    source = reply.locator(".source").filter(has=page.locator("> p > mark", has_text="legitimately elected")).first
    assert TITLE in source.locator(".source-head").inner_text()
    assert "paragraph 14" in source.locator(".source-head").inner_text()
    assert not source.locator(".context").first.is_visible()
    source.get_by_text("Show in context").click()
    assert "If Putin’s regime collapses" in source.locator(".context").first.inner_text()
    assert reply.locator(".source").count() == 3
    chat.screenshot("chat.png")
    assert chat.outside() == []


def test_fewer_passages_and_a_follow_up(open_chat) -> None:
    chat = open_chat()
    chat.page.locator("#top-k input[type=number]").fill("1")
    chat.page.locator("#top-k input[type=number]").press("Enter")
    chat.ask("Who is Franak Viacorka?")
    reply = chat.ask("What did he say about military commanders?")
    assert reply.locator(".source").count() == 1
    assert "growing pressure from commanders" in reply.locator(".source > p > mark").inner_text()
    assert "Searched for: Who is Franak Viacorka?" in reply.inner_text()
    chat.screenshot("chat-follow-up.png")
    assert chat.outside() == []


def test_an_unanswerable_question_says_so_then_clear_starts_over(open_chat) -> None:
    chat = open_chat()
    reply = chat.ask("What is the capital of France?")
    assert reply.locator(".not-found").inner_text() == "The documents don't answer this question."
    assert reply.locator(".answer").count() == 0
    nearest = reply.locator("details.nearest")
    assert "none of them answers" in nearest.locator("> summary").inner_text()
    assert not nearest.locator(".source").first.is_visible()  # folded away until asked for
    assert nearest.locator(".source").count() == nearest.locator(".source.weak").count() > 0
    chat.screenshot("chat-not-found.png")

    chat.page.locator("#clear").click()
    chat.page.wait_for_function("!document.querySelector('#chat [data-testid=bot]')")
    assert chat.page.locator("#chat [data-testid=user]").count() == 0
    assert chat.page.locator("#question textarea").input_value() == ""
    assert chat.outside() == []


def test_a_phone_sized_window(open_chat) -> None:
    chat = open_chat(390, 844, device_scale_factor=2, is_mobile=True, has_touch=True)
    reply = chat.ask(example="What did Belarus supply Russia?")
    first = reply.locator(".source").first
    assert "delivered T-72 tanks" in first.inner_text() and "paragraph 5" in first.inner_text()
    assert first.locator("> p > mark").inner_text() in reply.locator(".answer").inner_text()
    page = chat.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    box = page.locator("#chat").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, "the reply is not in view"
    assert page.locator("#chat [data-testid=user]").last.is_visible()
    chat.screenshot("chat-narrow.png")
    assert chat.outside() == []
