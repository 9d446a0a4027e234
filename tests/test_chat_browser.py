"""The chat as a person uses it: Debian's headless Chromium, driven by Playwright, on the page `python ui.py` serves.

Screenshots of each state go to test-output/ (git-ignored) to look at.
"""
from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from conftest import ROOT, SEEDS, Server, big_document, write_pdf

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
OUTPUT = ROOT / "test-output"
TITLE = "How much time has he got left? Putin’s clock is ticking for Lukashenko in Belarus."
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
SIZES = {"desktop": dict(width=1366, height=900),
         "phone": dict(width=390, height=844, device_scale_factor=2, is_mobile=True, has_touch=True)}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium: apt-get install chromium"),
]

# Where an element's top is against the box that scrolls it (its nearest scrolling ancestor) and the window.
PLACE = """el => {
  let box = el.parentElement;
  while (box && !(/(auto|scroll)/.test(getComputedStyle(box).overflowY) && box.scrollHeight > box.clientHeight))
    box = box.parentElement;
  const r = el.getBoundingClientRect(), b = box ? box.getBoundingClientRect() : {top: 0, bottom: innerHeight};
  return {top: r.top, boxTop: b.top, boxBottom: b.bottom, window: innerHeight,
          box: box ? (box.id || box.className) : null};
}"""


def in_view(place: dict) -> bool:
    """Whether an element's top is inside the visible part of its scroll box, and of the window."""
    return place["boxTop"] - 1 <= place["top"] < place["boxBottom"] and 0 <= place["top"] < place["window"]


class Chat:
    """One browser tab on the chat, with every request it made."""

    def __init__(self, page, url: str) -> None:
        self.page, self.url, self.requests = page, url, []
        page.on("request", lambda request: self.requests.append(request.url))
        started = time.perf_counter()
        page.goto(url)
        page.locator("#question textarea").wait_for()
        page.locator("#documents p").wait_for()  # the documents are listed once the page has loaded
        self.load_seconds = time.perf_counter() - started

    def bot_messages(self):
        return self.page.locator("#chat [data-testid=bot]")

    def ask(self, question: str | None = None, example: str | None = None):
        """Type a question (or click an example) and wait for the reply; returns the reply's element."""
        replies = self.bot_messages().count()
        if example:
            self.page.locator("#examples button").filter(has_text=example).first.click()
        else:
            self.page.locator("#question textarea").fill(question)
            self.page.keyboard.press("Enter")
        self.page.wait_for_function(
            "n => document.querySelectorAll('#chat [data-testid=bot]').length > n", arg=replies, timeout=60_000)
        self.page.wait_for_timeout(400)  # the scroll to the new question
        return self.bot_messages().last

    def place(self, locator) -> dict:
        return locator.evaluate(PLACE)

    def open_documents(self) -> None:
        """Unfold "Your documents", where documents are listed, added and removed."""
        self.page.locator("#your-documents").get_by_text("Your documents").click()
        self.page.locator("#add-documents").wait_for()

    def add_files(self, *paths: Path) -> list[str]:
        """Upload files with the "Add files" button; returns the status line of each once all are done."""
        lines = "[...document.querySelectorAll('#documents-status li')].map(li => li.innerText)"
        before = self.page.evaluate(lines)
        self.page.locator("#your-documents input[type=file]").set_input_files([str(p) for p in paths])
        self.page.wait_for_function(
            f"([n, before]) => {{ const now = {lines}; return now.length === n && "
            "JSON.stringify(now) !== JSON.stringify(before) && "
            "!document.querySelector('#documents-status li.pending'); }", arg=[len(paths), before], timeout=120_000)
        return self.page.locator("#documents-status li").all_inner_texts()

    def row(self, title: str):
        return self.page.locator("#your-documents .doc-row").filter(has_text=title)

    def remove(self, title: str) -> str:
        """Press Remove on a document's row, confirm, and return the status line."""
        self.row(title).get_by_role("button", name="Remove").click()
        confirm = self.page.locator(".doc-confirm")
        # 60 s, as for the status: on a loaded machine (other jobs on both cores) a 30 s wait timed out here once
        confirm.get_by_role("button", name="Yes, remove it").wait_for(timeout=60_000)
        assert f"Remove “{title}”?" in confirm.inner_text()
        confirm.get_by_role("button", name="Yes, remove it").click()
        status = self.page.locator("#documents-status li").filter(has_text=f"Removed “{title}”")
        status.wait_for(timeout=60_000)
        self.row(title).wait_for(state="detached", timeout=60_000)
        return status.inner_text()

    def documents(self) -> str:
        """The line above the chat that says what is searched."""
        return self.page.locator("#documents").inner_text()

    def rows(self) -> list[str]:
        return [t.strip() for t in self.page.locator("#your-documents .doc-row label").all_inner_texts()]

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

    def opener(width: int = 1366, height: int = 900, url: str | None = None, **options) -> Chat:
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return Chat(context.new_page(), url or server.url)

    yield opener
    for context in contexts:
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_newest_answer_comes_into_view(open_chat, size: str) -> None:
    options = dict(SIZES[size])
    width = options.pop("width")
    chat = open_chat(width, options.pop("height"), **options)
    questions = ["Who is Sviatlana Tsikhanouskaya?", "What did Belarus supply Russia?",
                 "How many Apache helicopters is Poland buying?"]
    for number, question in enumerate(questions, 1):
        reply = chat.ask(question)
        place = chat.place(reply)
        if number > 1:
            assert place["box"] is not None, "the chat should scroll by now"
            assert in_view(place), f"answer {number} is out of view at {size} size: {place}"
            assert chat.page.locator("#chat [data-testid=user]").last.inner_text().strip() == question
    assert "Apache" in reply.locator(".answer").inner_text()
    assert chat.page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    chat.screenshot(f"chat-three-questions-{size}.png")
    assert chat.outside() == []


def test_a_marker_lands_on_its_source(open_chat) -> None:
    chat = open_chat(**{k: v for k, v in SIZES["phone"].items()})
    assert "T-72" in chat.ask("What did Belarus supply Russia?").locator(".answer").inner_text()
    chat.ask("How many Apache helicopters is Poland buying?")  # the chat scrolls on: the first reply's sources leave
    reply = chat.page.locator("#chat [data-testid=bot]").first  # the view (it quotes [1] alone: qa.answer)
    marker = reply.locator(".answer a.cite").last
    rank = marker.inner_text()
    card = reply.locator(".source").filter(has=chat.page.locator(".source-head b", has_text=rank))
    assert not in_view(chat.place(card)), "the source is already in view: clicking could not be checked"
    marker.dispatch_event("click")  # a click as the page receives it, without Playwright scrolling to the marker
    chat.page.wait_for_timeout(400)
    assert in_view(chat.place(card)), chat.place(card)
    assert "flash" in card.get_attribute("class") and "quoted" in card.get_attribute("class")
    chat.screenshot("chat-marker-landed.png")
    assert chat.outside() == []


def test_sources_are_checkable_in_context_and_in_the_document(open_chat, server) -> None:
    chat = open_chat()
    page = chat.page
    reply = chat.ask("Who is Sviatlana Tsikhanouskaya?")
    assert "legitimately elected president of Belarus" in reply.locator(".answer").inner_text()
    source = reply.locator(".source.quoted").first
    head = source.locator(".source-head").inner_text()
    assert TITLE in head and "paragraph 15" in head
    span = source.locator(".span")
    assert span.is_visible() and span.inner_text().startswith("characters ")  # shown, not only in a tooltip
    start, end = (int(n) for n in span.inner_text().removeprefix("characters ").split("–"))
    text = httpx.get(f"{server.url}/api/documents/putins-clock-is-ticking-for-lukashenko",
                     params={"text": "true"}).json()["text"]
    passage = source.locator(".passage").inner_text()
    assert text[start:end] == passage
    assert "%" in source.locator(".score").inner_text() and "quoted in the answer" in source.inner_text()

    before = source.locator(".context.before")
    assert not before.is_visible()
    source.get_by_text("Show in context").click()
    assert before.is_visible() and "If Putin’s regime collapses" in before.inner_text()
    assert source.locator(".context.after").is_visible()
    assert passage not in before.inner_text() and source.inner_text().count(passage[:60]) == 1  # no repeat
    chat.screenshot("chat-source-in-context.png")

    with page.context.expect_page() as opened:
        source.get_by_role("link", name="Open the document here").click()
    view = opened.value
    view.wait_for_load_state()
    view.wait_for_timeout(300)
    cited = view.locator("#cited")
    assert cited.inner_text() == passage and TITLE in view.locator("h1").inner_text()
    assert 0 <= cited.bounding_box()["y"] < 900, "the view opens at the cited passage"
    assert "Is he next?" in view.locator(".text").inner_text()  # the whole document around it
    OUTPUT.mkdir(exist_ok=True)
    view.screenshot(path=str(OUTPUT / "document-view.png"))
    view.get_by_role("link", name="Open the original file").click()  # the file the text was read from
    view.wait_for_load_state()
    assert "The daring invasion of Russia" in view.locator("body").inner_text() and view.url.endswith("/file")
    assert chat.outside() == []


def test_the_api_docs_render_offline(browser, server) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    left: list[str] = []

    def only_here(route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK or route.request.url.startswith("data:"):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    context.route("**/*", only_here)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/docs")
        page.locator(".opblock-summary-path").first.wait_for(timeout=20_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert "/api/ask" in paths and "/api/documents/{doc_id}" in paths and len(paths) >= 6
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "api-docs-swagger.png"))
        page.goto(f"{server.url}/redoc")
        page.get_by_role("heading", name="Ask a question; get cited passages").first.wait_for(timeout=20_000)
        assert "documents" in page.locator(".api-content").inner_text()
        page.screenshot(path=str(OUTPUT / "api-docs-redoc.png"))
        assert left == []
    finally:
        context.close()


def test_an_unanswerable_question_says_so_then_a_new_conversation(open_chat) -> None:
    chat = open_chat()
    reply = chat.ask("What is the capital of France?")
    assert reply.locator(".not-found").inner_text() == "The documents don't answer this question."
    assert reply.locator(".answer").count() == 0
    nearest = reply.locator("details.nearest")
    assert "judged not to answer" in nearest.locator("> summary").inner_text()
    assert not nearest.locator(".source").first.is_visible()  # folded away until asked for
    assert nearest.locator(".source").count() == nearest.locator(".source.weak").count() > 0
    assert nearest.locator("mark").count() == 0  # nothing answers: no answer colours
    chat.screenshot("chat-not-found.png")

    chat.page.locator("#clear").click()
    chat.page.wait_for_function("!document.querySelector('#chat [data-testid=bot]')")
    assert chat.page.locator("#chat [data-testid=user]").count() == 0
    assert chat.page.locator("#question textarea").input_value() == ""
    assert chat.outside() == []


def test_html_is_shown_as_text_and_the_answer_can_be_copied(open_chat) -> None:
    chat = open_chat()
    chat.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    # markup in a question costs it relevance ("<b>Who</b> is <i>...</i>?" was declined on an AVX2 machine without
    # VNNI, at 0.242 against the 0.25 bar): this one is answered at 0.55 there
    question = "Who is <b>Sviatlana Tsikhanouskaya</b>, the <i>opposition leader</i>?"
    reply = chat.ask(question)
    asked = chat.page.locator("#chat [data-testid=user]").last
    assert asked.inner_text().strip() == question
    assert asked.locator("b, i").count() == 0
    reply.get_by_role("button", name="Copy answer").click()
    reply.get_by_role("button", name="Copied").wait_for()
    copied = chat.page.evaluate("navigator.clipboard.readText()")
    assert copied == reply.locator(".answer").inner_text().strip() and "legitimately elected" in copied


def test_controls_have_distinct_names_and_the_footer_no_stray_divider(open_chat) -> None:
    for size in SIZES.values():
        options = dict(size)
        chat = open_chat(options.pop("width"), options.pop("height"), **options)
        names = [b.get_attribute("aria-label") or b.inner_text().strip()
                 for b in chat.page.get_by_role("button").all() if b.is_visible()]
        assert names.count("Clear") <= 1 and "New conversation" in names
        chat.page.locator("footer .show-api").wait_for(state="attached")
        chat.page.wait_for_timeout(300)
        footer = chat.page.locator("footer").inner_text().strip()
        assert "·" not in footer, footer  # Gradio hides "Use via API" on a phone; its divider stayed, alone
        assert footer == ("Use via API or MCP" if size is SIZES["desktop"] else "")


def test_the_follow_up_and_fewer_passages(open_chat) -> None:
    chat = open_chat()
    chat.page.locator("#top-k input[type=number]").fill("1")
    chat.page.locator("#top-k input[type=number]").press("Enter")
    chat.ask("Who is Franak Viacorka?")
    reply = chat.ask("What did he say about military commanders?")
    assert reply.locator(".source").count() == 1
    assert "growing pressure from commanders" in reply.locator(".source .passage mark").inner_text()
    assert "Searched for: What did he say about military commanders? Franak Viacorka" in reply.inner_text()
    chat.screenshot("chat-follow-up.png")
    assert chat.outside() == []


def test_a_phone_sized_window(open_chat) -> None:
    chat = open_chat(**SIZES["phone"])
    reply = chat.ask(example="What did Belarus supply Russia?")
    sources = reply.locator(".source").all_inner_texts()
    assert any("delivered T-72 tanks" in s and "paragraph 6" in s for s in sources)
    assert reply.locator(".source.quoted mark").first.inner_text() in reply.locator(".answer").inner_text()
    page = chat.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    assert in_view(chat.place(reply))
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
SNAILS = "Caring for garden snails"


PDF_VIEWER = "mhjfbmdgcfjbbpaeojofohoefgiehjai"  # the id of Chromium's built-in PDF viewer


def make_pdf(path: Path) -> Path:
    """A real three-page PDF with a title in its metadata, one topic a page, its pages numbered i, 1, 2 in print."""
    return write_pdf(path, PDF_PAGES, title=PDF_TITLE, labels={0: "r", 1: "D"})


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


def contrast(page, selector: str) -> float:
    """The WCAG contrast ratio of an element's text against the first opaque background behind it."""
    return page.locator(selector).first.evaluate("""el => {
      const rgb = s => s.match(/[\\d.]+/g).map(Number);
      const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92
                                                     : ((v + 0.055) / 1.055) ** 2.4; })
                                  .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
      let bg = el, fill;
      while (bg) { fill = rgb(getComputedStyle(bg).backgroundColor);
                   if (fill.length < 4 || fill[3] > 0.9) break; bg = bg.parentElement; }
      if (!bg) fill = [255, 255, 255];
      const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(fill)].sort((x, y) => y - x);
      return (a + 0.05) / (b + 0.05);
    }""")


def test_add_ask_only_some_and_remove_documents(open_chat, own_server: Server, tmp_path: Path) -> None:
    chat = open_chat(url=own_server.url)
    page = chat.page
    assert chat.documents().startswith(f"Searching 1 document: “{TITLE}”")
    chat.open_documents()
    assert f"up to {UPLOAD_LIMIT_MB} MB each" in page.locator("#documents-status").inner_text()
    assert page.locator("#remove-choice, select").count() == 0  # one list, no second dropdown

    pdf = make_pdf(tmp_path / "orchard.pdf")
    (tmp_path / "snails.html").write_text(HTML_PAGE)
    statuses = chat.add_files(pdf, tmp_path / "snails.html")
    docs = {d["title"]: d for d in listed(own_server)}
    assert docs[PDF_TITLE]["passages"] >= 3 and docs[SNAILS]["passages"] == 2
    assert statuses == [f"✓ Added “{PDF_TITLE}” ({docs[PDF_TITLE]['passages']} passages): ask about it now.",
                        f"✓ Added “{SNAILS}” (2 passages): ask about it now."]
    chat.row(SNAILS).wait_for()
    assert chat.rows() == [f"{SNAILS} · 2 passages", f"{PDF_TITLE} · {docs[PDF_TITLE]['passages']} passages",
                           f"{TITLE} · 23 passages"]  # by title
    assert chat.documents().startswith("Searching all 3 documents")

    reply = chat.ask("Who installed the cider press at Hollow Lane?")
    assert "Tomas Brandt" in reply.locator(".answer").inner_text()
    assert f"{PDF_TITLE} · page 2 (PDF page 3)," in reply.locator(".source").first.locator(".source-head").inner_text()
    original = reply.locator(".source").first.locator("a.open-original")
    assert original.inner_text() == "Open the PDF at page 2 (PDF page 3)"
    href = original.get_attribute("href") or ""
    assert href.endswith("/file#page=3")  # the file, opened at its third page
    assert httpx.get(f"{own_server.url}{href.split('#')[0]}").content == (tmp_path / "orchard.pdf").read_bytes()
    viewer = page.context.new_page()  # Chromium's own PDF viewer shows it, under the server's CSP and headers
    viewer.goto(f"{own_server.url}{href}")
    for _ in range(50):
        if any(f.url.startswith(f"chrome-extension://{PDF_VIEWER}/") for f in viewer.frames):
            break
        viewer.wait_for_timeout(100)
    frames = [f.url for f in viewer.frames]
    assert any(url.startswith(f"chrome-extension://{PDF_VIEWER}/") for url in frames), frames
    viewer.close()

    # ask only the snail page: the orchard's answer is not found there
    chat.row(SNAILS).locator("input[type=checkbox]").check()
    page.wait_for_function("document.querySelector('#documents').innerText.startsWith('Asking only 1 of 3')")
    reply = chat.ask("Who installed the cider press at Hollow Lane?")
    assert "Tomas Brandt" not in reply.inner_text() and f"Asked only: “{SNAILS}”" in reply.inner_text()
    heads = reply.locator(".source-head").all_text_contents()  # folded away: nothing answers there
    assert heads and all(h.split("] ", 1)[1].startswith(f"{SNAILS} · ") for h in heads), heads
    chat.screenshot("chat-ask-only-some.png", full_page=True)
    chat.row(SNAILS).locator("input[type=checkbox]").uncheck()

    # the same file again adds nothing and says so without a tick; bad files are refused, in dark mode legibly
    before = listed(own_server)
    (tmp_path / "setup.exe").write_bytes(b"MZ\x90\x00\x03 not a document")
    statuses = chat.add_files(tmp_path / "snails.html", tmp_path / "setup.exe")
    assert statuses == [
        f"= “{SNAILS}” was already there (2 passages): nothing was added.",
        "✗ setup.exe was not added: unsupported file type '.exe': use one of .txt, .md, .html, .htm, .pdf, .docx."]
    assert listed(own_server) == before
    assert contrast(page, "#documents-status li.error") >= 4.5

    # remove asks first: "Keep it" keeps it, "Yes, remove it" removes it, and Undo brings it back
    chat.row(PDF_TITLE).get_by_role("button", name="Remove").click()
    confirm = page.locator(".doc-confirm")
    assert f"Remove “{PDF_TITLE}”?" in confirm.inner_text()
    chat.screenshot("chat-remove-confirm.png", full_page=True)
    confirm.get_by_role("button", name="Keep it").click()
    confirm.wait_for(state="detached")
    assert PDF_TITLE in [d["title"] for d in listed(own_server)]
    assert chat.remove(PDF_TITLE) == f"✓ Removed “{PDF_TITLE}”: it will not be cited again."
    assert PDF_TITLE not in [d["title"] for d in listed(own_server)] and PDF_TITLE not in " ".join(chat.rows())
    page.locator("#undo").click()
    page.locator("#documents-status li", has_text=f"Restored “{PDF_TITLE}”").wait_for(timeout=60_000)
    chat.row(PDF_TITLE).wait_for()
    assert PDF_TITLE in [d["title"] for d in listed(own_server)]
    chat.remove(PDF_TITLE)

    # a ticked document removed from another window: the chat says so and asks no other document in its place
    chat.row(SNAILS).locator("input[type=checkbox]").check()
    page.wait_for_function("document.querySelector('#documents').innerText.startsWith('Asking only 1 of 2')")
    snails = next(d["id"] for d in listed(own_server) if d["title"] == SNAILS)
    assert httpx.delete(f"{own_server.url}/api/documents/{snails}").status_code == 204
    reply = chat.ask("What did Belarus supply Russia?")
    assert "removed meanwhile, so nothing was asked" in reply.inner_text(), reply.inner_text()
    assert reply.locator(".source").count() == 0 and "T-72" not in reply.inner_text()

    # the bundled document is removed like any other: its examples go, and a question is told to add documents
    assert page.locator("#examples button").count() == 4
    chat.remove(TITLE)
    assert listed(own_server) == [] and chat.documents().startswith("No documents yet")
    page.locator("#examples").wait_for(state="hidden")
    reply = chat.ask("Who is Sviatlana Tsikhanouskaya?")
    assert reply.locator(".not-found").inner_text() == "There are no documents yet: add some."
    api = httpx.post(f"{own_server.url}/api/ask", json={"question": "Who is Sviatlana Tsikhanouskaya?"}).json()
    assert (api["found"], api["answer"], api["passages"]) == (False, "There are no documents yet: add some.", [])
    chat.screenshot("chat-no-documents.png", full_page=True)
    page.locator("#undo").click()
    chat.row(TITLE).wait_for(timeout=60_000)
    page.locator("#examples button").first.wait_for()
    assert [d["title"] for d in listed(own_server)] == [TITLE]
    assert chat.outside() == []


def test_add_files_is_disabled_while_adding(open_chat, own_server: Server, tmp_path: Path) -> None:
    chat = open_chat(url=own_server.url, color_scheme="dark")
    chat.open_documents()
    ledger = tmp_path / "depot-ledger.txt"
    ledger.write_text("Depot ledger\n\n" + "\n\n".join(
        f"Entry {i}: parcel {i * 7919 % 100003} weighs {i % 97} kilograms and leaves depot {i % 13} on day {i % 29}."
        for i in range(1500)))
    chat.page.locator("#your-documents input[type=file]").set_input_files(str(ledger))
    chat.page.locator("#documents-status li.pending").wait_for()
    disabled = "() => { const b = document.querySelector('#add-documents'); " \
               "return (b.tagName === 'BUTTON' ? b : b.querySelector('button')).disabled; }"
    assert chat.page.evaluate(disabled)
    chat.screenshot("chat-adding.png", full_page=True)
    chat.page.locator("#documents-status li.ok").wait_for(timeout=120_000)
    assert not chat.page.evaluate(disabled)
    (tmp_path / "setup.exe").write_bytes(b"MZ\x90\x00\x03 not a document")
    assert chat.add_files(tmp_path / "setup.exe")[0].startswith("✗ setup.exe was not added")
    assert chat.page.evaluate("document.body.classList.contains('dark')")  # Gradio follows the system's dark mode
    assert contrast(chat.page, "#documents-status li.error") >= 4.5  # WCAG AA for text
    chat.screenshot("chat-error-dark.png", full_page=True)
    chat.remove("Depot ledger")


def test_a_slow_upload_says_it_is_uploading(open_chat, own_server: Server, tmp_path: Path) -> None:
    chat = open_chat(url=own_server.url)
    chat.open_documents()
    cdp = chat.page.context.new_cdp_session(chat.page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": -1,
                                                  "uploadThroughput": 100 * 1024})  # 100 KB/s
    notes = tmp_path / "tide-tables.txt"
    notes.write_text("Tide tables\n\n" + "\n\n".join(f"On day {i} high water at the harbour is at {i % 12 + 1} "
                                                        f"o'clock, {i % 7 + 2} metres." for i in range(4000)))
    chat.page.locator("#your-documents input[type=file]").set_input_files(str(notes))
    uploading = chat.page.locator("#documents-status li.uploading")
    uploading.wait_for(timeout=2_000)
    assert uploading.inner_text() == f"Uploading tide-tables.txt ({notes.stat().st_size / 1048576:.1f} MB)…"
    assert chat.page.locator("#add-documents").evaluate(
        "b => (b.tagName === 'BUTTON' ? b : b.querySelector('button')).disabled")
    chat.screenshot("chat-uploading.png", full_page=True)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    chat.page.locator("#documents-status li.ok").wait_for(timeout=120_000)
    chat.remove("Tide tables")
    # a file the page will not even send (over twice the limit) gets the same words as one the server refuses
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"word " * (int(2.5 * 1024 * 1024) // 5))
    assert chat.add_files(huge) == [f"✗ huge.txt was not added: it is 2.5 MB, larger than the limit of "
                                    f"{UPLOAD_LIMIT_MB} MB. Split it into smaller files."]
    assert not chat.page.locator("#add-documents").evaluate(
        "b => (b.tagName === 'BUTTON' ? b : b.querySelector('button')).disabled")


def test_documents_on_a_phone_sized_window(open_chat, own_server: Server, tmp_path: Path) -> None:
    chat = open_chat(**SIZES["phone"], url=own_server.url)
    page = chat.page
    chat.open_documents()
    notes = tmp_path / "ferry-notes.md"
    notes.write_text("# Ferry notes\n\nThe ferry to the island of Mull leaves Oban pier at seven every morning.\n")
    assert chat.add_files(notes) == ["✓ Added “Ferry notes” (1 passage): ask about it now."]
    chat.row("Ferry notes").wait_for()
    assert "Ferry notes · 1 passage" in chat.rows()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    for control in [page.locator("#add-documents"), *page.locator(".doc-remove").all()]:
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 30, control
    assert page.locator(".doc-remove").first.get_attribute("aria-label").startswith("Remove “")
    chat.row("Ferry notes").get_by_role("button", name="Remove").click()
    chat.screenshot("chat-documents-narrow.png", full_page=True)
    page.get_by_role("button", name="Yes, remove it").click()
    page.locator("#documents-status li", has_text="Removed “Ferry notes”").wait_for()
    chat.row("Ferry notes").wait_for(state="detached")  # the list is redrawn by its own event, after the status
    assert "Ferry notes" not in " ".join(chat.rows())
    assert chat.outside() == []


def test_a_script_in_a_passage_is_shown_line_by_line_never_as_markdown(open_chat, own_server: Server,
                                                                       tmp_path: Path) -> None:
    """A blank line in a passage ended the chat message's HTML block, and the script's comment after it was drawn as
    a heading ("# Keep 7 daily archives," in borg's manual)."""
    chat = open_chat(url=own_server.url)
    chat.open_documents()
    notes = tmp_path / "pruning.md"
    notes.write_text("# Pruning backups\n\nPrune the old archives of the backup repository with this script:\n\n"
                     "```\n# Keep 7 daily archives,\n\n# and 4 weekly ones:\n"
                     "borg prune --keep-daily=7 --keep-weekly=4 /repo\n```\n")
    assert chat.add_files(notes) == ["✓ Added “Pruning backups” (1 passage): ask about it now."]
    reply = chat.ask("Which script prunes the old archives of the backup repository?")
    source = reply.locator(".source", has_text="borg prune").first
    assert source.locator(".passage").inner_text().endswith(
        "# Keep 7 daily archives,\n\n# and 4 weekly ones:\nborg prune --keep-daily=7 --keep-weekly=4 /repo")
    assert reply.locator("h1, h2, h3, h4, pre, code, ul").count() == 0
    chat.remove("Pruning backups")


def test_a_first_start_shows_how_far_indexing_has_got_then_the_documents(open_chat, tmp_path: Path) -> None:
    """On a first start the page opens while the folder is indexed (it used to refuse connections for as long as
    the folder took to embed), says how far that has got, tells a question to wait, then lists the documents."""
    shutil.copytree(SEEDS, tmp_path / "docs")
    (tmp_path / "docs" / "survey.txt").write_bytes(big_document(4000))  # ~40 s to embed here
    first = Server(tmp_path / "docs", tmp_path / "index", tmp_path / "server.log")
    starting = threading.Thread(target=first.start)
    starting.start()
    try:
        deadline = time.time() + 120
        while time.time() < deadline:  # the server answers, 503 while it builds
            try:
                if first.process is not None and httpx.get(f"{first.url}/api/health").status_code == 503:
                    break
            except httpx.ConnectError:
                pass
            time.sleep(0.1)
        chat = open_chat(url=first.url)
        line = chat.page.locator("#documents .indexing")
        assert line.inner_text().startswith("Indexing the documents: "), line.inner_text()
        assert chat.ask("What did Belarus supply Russia?").inner_text().startswith(
            "The documents are still being indexed (")
        chat.screenshot("chat-first-index.png")
        chat.page.locator("#documents", has_text="Searching all 2 documents").wait_for(timeout=120_000)
        assert "Your documents (2)" in chat.page.locator("#your-documents").inner_text()
        assert "T-72" in chat.ask("What did Belarus supply Russia?").inner_text()
        assert chat.outside() == []
    finally:
        starting.join()
        first.stop()
