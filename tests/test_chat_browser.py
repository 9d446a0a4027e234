"""The chat as a person uses it: Debian's headless Chromium, driven by Playwright, on the page `python ui.py` serves.

Screenshots go to test-output/ (chat.png, chat-narrow.png, chat-documents.png, ...) to look at.
"""
from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from conftest import ROOT, SEEDS, Server, write_pdf

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

    def open_documents(self) -> None:
        """Unfold "Your documents", where files are added and documents removed."""
        self.page.locator("#your-documents").get_by_text("Your documents").click()
        self.page.locator("#add-documents").wait_for()

    def add_files(self, *paths: Path) -> list[str]:
        """Upload files with the "Add files" button; returns the status line of each once all are done."""
        self.page.locator("#your-documents input[type=file]").set_input_files([str(p) for p in paths])
        self.page.wait_for_function(
            "n => document.querySelectorAll('#documents-status li').length === n && "
            "!document.querySelector('#documents-status li.pending')", arg=len(paths), timeout=120_000)
        return self.page.locator("#documents-status li").all_inner_texts()

    def remove(self, title: str) -> str:
        """Choose a document in the remove list, press Remove; returns the status line."""
        self.page.locator("#remove-choice input").click()
        self.page.get_by_role("option", name=title, exact=True).click()
        self.page.locator("#remove").click()
        status = self.page.locator("#documents-status li").filter(has_text=f"Removed “{title}”")
        status.wait_for(timeout=60_000)
        return status.inner_text()

    def documents(self) -> str:
        """The documents list above the chat: its summary line and one line per document."""
        return "\n".join(self.page.locator("#documents summary, #documents li").all_inner_texts())

    def screenshot(self, name: str, full_page: bool = False) -> None:
        OUTPUT.mkdir(exist_ok=True)
        self.page.screenshot(path=str(OUTPUT / name), full_page=full_page)

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

    def opener(width: int = 1280, height: int = 900, url: str | None = None, **options) -> Chat:
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return Chat(context.new_page(), url or server.url)

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
    assert "paragraph 15" in source.locator(".source-head").inner_text()
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
    assert "delivered T-72 tanks" in first.inner_text() and "paragraph 6" in first.inner_text()
    assert first.locator("> p > mark").inner_text() in reply.locator(".answer").inner_text()
    page = chat.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    box = page.locator("#chat").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, "the reply is not in view"
    assert page.locator("#chat [data-testid=user]").last.is_visible()
    chat.screenshot("chat-narrow.png")
    assert chat.outside() == []


# Adding and removing documents happens on a server of its own, so the shared one keeps its documents.
UPLOAD_LIMIT_MB = 1
PDF_TITLE = "Hollow Lane orchard records"
PDF_PAGES = [
    "Planting. The orchard at Hollow Lane was planted with Bramley apple trees in the spring of 1903.",
    "Harvest. The pears are picked in the second week of September and stored in the stone barn.",
    "The cider press. The cider press at Hollow Lane was installed in 1921 by the millwright Tomas Brandt.",
]
HTML_PAGE = """<!doctype html><html><head><title>Snail care | Garden blog</title>
<script>var analytics = "tracking script words that must never be shown";</script></head>
<body><nav><a href="/">Home</a> <a href="/shop">Shop for snail terrariums</a></nav>
<article><h1>Caring for garden snails</h1>
<p>Garden snails seal their shells with a dried layer of mucus called an epiphragm before they hibernate.</p>
<p>Keep a pet snail's terrarium misted every evening so the soil stays damp but never waterlogged.</p>
</article><footer>Footer links and copyright</footer></body></html>"""


def make_pdf(path: Path) -> Path:
    """A real three-page PDF with a title in its metadata, one topic a page."""
    return write_pdf(path, PDF_PAGES, title=PDF_TITLE)


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("chat-documents")
    shutil.copytree(SEEDS, base / "docs")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("QA_MAX_UPLOAD_MB", str(UPLOAD_LIMIT_MB))  # a small limit, to see it refuse a file
        running = Server(base / "docs", base / "index", base / "server.log").start()
    yield running
    running.stop()


def listed(server: Server) -> list[dict]:
    return httpx.get(f"{server.url}/api/documents").json()


def test_add_ask_and_remove_documents_in_the_chat(open_chat, own_server: Server, tmp_path: Path) -> None:
    chat = open_chat(url=own_server.url)
    page = chat.page
    seed_list = chat.documents()
    chat.open_documents()
    assert f"up to {UPLOAD_LIMIT_MB} MB each" in page.locator("#documents-status").inner_text()

    pdf = make_pdf(tmp_path / "orchard.pdf")
    (tmp_path / "snails.html").write_text(HTML_PAGE)
    statuses = chat.add_files(pdf, tmp_path / "snails.html")
    docs = {d["title"]: d for d in listed(own_server)}
    assert docs[PDF_TITLE]["passages"] >= 3 and docs["Caring for garden snails"]["passages"] == 2
    assert statuses == [f"✓ Added “{PDF_TITLE}” ({docs[PDF_TITLE]['passages']} passages): ask about it now.",
                        "✓ Added “Caring for garden snails” (2 passages): ask about it now."]
    for title, doc in docs.items():
        assert f"{title} ({doc['passages']} passages)" in chat.documents()
    assert "Searching 3 documents" in chat.documents()

    reply = chat.ask("Who installed the cider press at Hollow Lane?")
    first = reply.locator(".source").first
    assert "Tomas Brandt" in reply.locator(".answer").inner_text()
    assert f"{PDF_TITLE} · page 3," in first.locator(".source-head").inner_text()
    assert "Tomas Brandt" in first.locator("> p > mark").inner_text()
    reply = chat.ask("What do garden snails seal their shells with before they hibernate?")
    assert "Caring for garden snails · paragraph" in reply.locator(".source").first.inner_text()
    assert "epiphragm" in reply.locator(".answer").inner_text()
    assert "tracking script" not in reply.inner_text() and "terrariums" not in reply.inner_text()

    # the same file again adds nothing; a file of a type it can't read, or too large, is refused, clearly
    before = listed(own_server), chat.documents()
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (int(1.5 * 1024 * 1024) // 5))
    (tmp_path / "setup.exe").write_bytes(b"MZ\x90\x00\x03 not a document")
    statuses = chat.add_files(tmp_path / "snails.html", tmp_path / "setup.exe", big)
    assert statuses == [
        "✓ “Caring for garden snails” is already there (2 passages): nothing was added.",
        "✗ setup.exe was not added: unsupported file type '.exe': use one of .txt, .md, .html, .htm, .pdf, .docx.",
        f"✗ big.txt was not added: it is 1.5 MB, larger than the limit of {UPLOAD_LIMIT_MB} MB. "
        "Split it into smaller files."]
    assert page.locator("#documents-status li.error").count() == 2
    assert (listed(own_server), chat.documents()) == before
    assert "Traceback" not in page.locator("body").inner_text()
    chat.screenshot("chat-documents.png", full_page=True)

    assert chat.remove(PDF_TITLE) == f"✓ Removed “{PDF_TITLE}”: it will not be cited again."
    assert PDF_TITLE not in chat.documents() and "Caring for garden snails" in chat.documents()
    assert PDF_TITLE not in [d["title"] for d in listed(own_server)]
    page.locator("#remove-choice input").click()
    assert PDF_TITLE not in page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    reply = chat.ask("Who installed the cider press at Hollow Lane?")
    assert PDF_TITLE not in reply.inner_text() and "Tomas Brandt" not in reply.inner_text()

    chat.remove("Caring for garden snails")
    assert chat.documents() == seed_list
    assert chat.outside() == []


def test_documents_on_a_phone_sized_window(open_chat, own_server: Server, tmp_path: Path) -> None:
    chat = open_chat(390, 844, url=own_server.url, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = chat.page
    chat.open_documents()
    notes = tmp_path / "ferry-notes.md"
    notes.write_text("# Ferry notes\n\nThe ferry to the island of Mull leaves Oban pier at seven every morning.\n")
    assert chat.add_files(notes) == ["✓ Added “Ferry notes” (1 passage): ask about it now."]
    assert "Ferry notes (1 passage)" in chat.documents()
    page.locator("#remove-choice input").click()
    page.get_by_role("option", name="Ferry notes", exact=True).click()
    page.get_by_role("option").first.wait_for(state="detached")  # the list has folded away
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    for control in ("#add-documents", "#remove-choice", "#remove"):
        box = page.locator(control).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 30, control
    chat.screenshot("chat-documents-narrow.png", full_page=True)
    page.locator("#remove").click()
    page.locator("#documents-status li", has_text="Removed “Ferry notes”").wait_for()
    assert "Ferry notes" not in chat.documents()
    assert chat.outside() == []
