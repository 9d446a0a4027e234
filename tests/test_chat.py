"""The web chat's reply rendering, and its `ask` endpoint through Gradio's client (and MCP) on the real server."""
from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import httpx
import pytest
from conftest import SEEDS, Server

from qa.chat import (
    SOURCES,
    add_file,
    counted,
    document_choices,
    documents_html,
    forget_upload,
    history_turns,
    marked,
    neighbours,
    plain,
    remove_document,
    reply_html,
    status_html,
    text_of,
    upload_hint,
)
from qa.schema import AskResponse, DocumentRef, PassageOut, Span
from qa.store import DocumentInfo

QUESTION = "What did Belarus supply Russia?"
TITLE = "How much time has he got left? Putin’s clock is ticking for Lukashenko in Belarus."
DOCUMENT = "Title\n\nFirst paragraph.\n\nThe <b>second</b> one. It answers.\n\nThird paragraph."


def passage(rank: int, score: float, text: str = "The <b>second</b> one. It answers.") -> PassageOut:
    start = DOCUMENT.index(text)
    return PassageOut(rank=rank, score=score, text=text, highlight=Span(start=23, end=34),
                      document=DocumentRef(id="doc", title="A & B"), paragraph=3, start=start, end=start + len(text))


def response(found: bool, query: str = "q?") -> AskResponse:
    answer = "It answers. [1]" if found else "The documents don't answer this question."
    return AskResponse(answer=answer, found=found, query=query, passages=[passage(1, 0.8), passage(2, 0.2)])


def test_text_of_every_message_shape() -> None:
    assert text_of("hi") == "hi"
    assert text_of({"type": "text", "text": "hi"}) == "hi"
    assert text_of([{"type": "text", "text": "a"}, "b"]) == "a b"
    assert text_of(None) == ""


def test_history_keeps_the_answer_without_its_sources_or_markup() -> None:
    reply = reply_html(response(True), "q?", 0.5, lambda _: DOCUMENT)
    assert plain(reply) == "It answers. [1]"
    history = [{"role": "user", "content": "Who is he?"}, {"role": "assistant", "content": reply},
               {"role": "system", "content": "ignored"}]
    assert [(t.role, t.content) for t in history_turns(history)] == [("user", "Who is he?"),
                                                                      ("assistant", "It answers. [1]")]
    assert history_turns(None) == []


def test_marked_escapes_the_text_and_marks_the_sentence() -> None:
    assert marked("a <b> c. Next.", 0, 8) == "<mark>a &lt;b&gt; c.</mark> Next."


def test_neighbours_are_the_paragraphs_around_a_passage() -> None:
    text = "The <b>second</b> one. It answers."
    start = DOCUMENT.index(text)
    assert neighbours(DOCUMENT, start, start + len(text)) == ("First paragraph.", "Third paragraph.")
    assert neighbours("Only.", 0, 5) == ("", "")
    long = "x " * 1000
    before, after = neighbours(f"{long}\n\nMiddle.\n\n{long}", 2002, 2009)
    assert before.startswith("…") and after.endswith("…") and len(before) < 700 and len(after) < 700


def test_a_found_reply_quotes_the_answer_and_every_cited_passage() -> None:
    reply = reply_html(response(True), "q?", 0.5, lambda _: DOCUMENT)
    assert reply.startswith("<p class='answer'>It answers. [1]</p>" + SOURCES)
    assert reply.count("class='source'") == 1 and reply.count("class='source weak'") == 1  # rank 2 is below 0.5
    assert "<b>[1]</b> A &amp; B · paragraph 3" in reply and "<b>second</b>" not in reply
    paged = response(True).model_copy(update={"passages": [passage(1, 0.8).model_copy(update={"page": 2})]})
    assert "A &amp; B · page 2, paragraph 3" in reply_html(paged, "q?", 0.5, lambda _: DOCUMENT)
    assert "<mark>It answers.</mark>" in reply and "Show in context" in reply
    assert "<p class='context'>First paragraph.</p>" in reply and "Searched for" not in reply
    assert "\n\n" not in reply  # a blank line would end the HTML block in the chat's Markdown


def test_a_follow_up_shows_what_was_searched() -> None:
    reply = reply_html(response(True, "Who is X? <When>?"), "When?", 0.5, lambda _: DOCUMENT)
    assert "Searched for: Who is X? &lt;When&gt;?" in reply


def test_not_found_says_so_plainly_and_folds_the_nearest_passages_away() -> None:
    reply = reply_html(response(False), "q?", 0.5, lambda _: DOCUMENT)
    assert reply.startswith("<p class='not-found'>The documents don&#x27;t answer this question.</p>")
    assert "<details class='nearest'><summary>The nearest passages (none of them answers it)" in reply
    assert reply.count("class='source weak'") == 2
    empty = AskResponse(answer="The documents don't answer this question.", found=False, query="q", passages=[])
    assert "nearest" not in reply_html(empty, "q", 0.5, lambda _: "")


@pytest.fixture()
def small_engine(tmp_path: Path, embedder):
    """A real engine over one small document, in its own folders, with a 0.25 MB upload limit."""
    from qa.engine import Engine
    from qa.settings import Settings

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "orchard.md").write_text("# Orchard <notes>\n\nThe pear trees were planted in 1931.\n\n"
                                                  "The cider press stands in the barn.\n", encoding="utf-8")
    return Engine(Settings(docs=tmp_path / "docs", index=tmp_path / "index", max_upload_mb=0.25), embedder=embedder)


def test_documents_list_titles_and_passage_counts(small_engine) -> None:
    assert "Searching 1 document<" in documents_html(small_engine)
    assert "<li>Orchard &lt;notes&gt; (2 passages)</li>" in documents_html(small_engine)
    small_engine.collection.add("more.txt", b"More notes\n\nThe bees live by the hedge.\n")
    assert "Searching 2 documents, 3 passages" in documents_html(small_engine)
    small_engine.collection.remove("orchard")
    small_engine.collection.remove("more")
    assert "No documents" in documents_html(small_engine)


def doc(title: str = "Orchard <notes>", passages: int = 3, path: str = "library/orchard.pdf",
        doc_id: str = "orchard") -> DocumentInfo:
    return DocumentInfo(id=doc_id, title=title, path=path, sha256="0" * 64, passages=passages)


def test_counted_says_one_passage_and_many_passages() -> None:
    assert (counted(1, "passage"), counted(0, "passage"), counted(3, "passage")) == ("1 passage", "0 passages",
                                                                                      "3 passages")


def test_remove_choices_are_titles_with_ids_and_file_names_tell_twins_apart() -> None:
    docs = [doc("A", doc_id="a"), doc("B", path="library/b.md", doc_id="b"), doc("B", path="seeds/b.txt", doc_id="b2")]
    assert document_choices(docs) == [("A", "a"), ("B (b.md)", "b"), ("B (b.txt)", "b2")]
    assert document_choices([]) == []


def test_add_file_says_added_or_already_there(tmp_path: Path, small_engine) -> None:
    file = tmp_path / "new.md"
    file.write_bytes(b"# New notes\n\nThe well in the yard is twelve metres deep.")
    assert add_file(small_engine, file) == ("ok", "Added “New notes” (1 passage): ask about it now.")
    assert "twelve metres" in small_engine.ask("How deep is the well?").passages[0].passage.text
    assert add_file(small_engine, str(file)) == ("ok", "“New notes” is already there (1 passage): nothing was added.")


def test_add_file_turns_every_failure_into_a_message(tmp_path: Path, small_engine) -> None:
    before = small_engine.index.documents()
    file = tmp_path / "tool.exe"
    file.write_bytes(b"MZ")
    assert add_file(small_engine, file) == (
        "error",
        "tool.exe was not added: unsupported file type '.exe': use one of .txt, .md, .html, .htm, .pdf, .docx.")
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (300 * 1024 // 5))
    assert add_file(small_engine, big) == ("error", "big.txt was not added: it is 0.3 MB, larger than the limit of "
                                                    "0.25 MB. Split it into smaller files.")
    assert add_file(small_engine, tmp_path / "gone.txt")[0] == "error"
    assert small_engine.index.documents() == before


def test_remove_document_by_id(small_engine) -> None:
    assert remove_document(small_engine, None) == ("error", "Choose a document to remove first.")
    assert remove_document(small_engine, "orchard") == ("ok", "Removed “Orchard <notes>”: it will not be cited again.")
    assert remove_document(small_engine, "orchard") == ("error",
                                                         "That document is no longer there: it was removed meanwhile.")
    assert small_engine.index.documents() == []


def test_status_lines_are_escaped_and_marked_by_kind() -> None:
    shown = status_html([("ok", "Added “<b>”"), ("error", "x.exe was not added"), ("pending", "Adding y.pdf…")],
                        upload_hint(20))
    assert shown.startswith("<p class='hint'>.txt, .md, .html, .htm, .pdf, .docx files of up to 20 MB each")
    assert "<li class='ok'>✓ Added “&lt;b&gt;”</li><li class='error'>✗ x.exe was not added</li>" in shown
    assert "<li class='pending'>Adding y.pdf…</li>" in shown
    assert status_html([]) == "<ul class='status' role='status'></ul>"
    assert "up to 0.5 MB" in upload_hint(0.5)


def test_forget_upload_deletes_the_temporary_copy(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_text("x")
    forget_upload(str(file))
    forget_upload(file)  # already gone: fine
    assert not file.exists()


def test_document_controls_stay_out_of_the_public_api(small_engine) -> None:
    from qa.chat import build

    blocks = build(small_engine)
    assert list(blocks.get_api_info()["named_endpoints"]) == ["/ask"]
    events = {d["api_name"]: d["api_visibility"] for d in blocks.config["dependencies"]}
    assert events["add_files"] == events["remove_chosen"] == events["adding"] == "private"


@pytest.mark.slow
def test_gradio_client_asks_the_documents(server) -> None:
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    endpoint = client.view_api(return_format="dict", print_info=False)["named_endpoints"]["/ask"]
    assert [p["parameter_name"] for p in endpoint["parameters"]] == ["question", "top_k"]
    reply = client.predict(QUESTION, api_name="/ask")
    assert AskResponse.model_validate(reply).query == QUESTION
    first = reply["passages"][0]
    assert reply["found"] is True and "delivered T-72 tanks" in first["text"]
    assert first["document"]["title"] == TITLE and first["paragraph"] == 6  # the headline is paragraph 1
    sentence = first["text"][first["highlight"]["start"]:first["highlight"]["end"]]
    assert reply["answer"].startswith(sentence + " [1]")
    assert len(client.predict("What is the capital of France?", 1, api_name="/ask")["passages"]) == 1
    assert client.predict("What is the capital of France?", api_name="/ask")["found"] is False


@pytest.mark.slow
def test_gradio_client_gets_a_clear_error_for_a_bad_question(server) -> None:
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    with pytest.raises(Exception, match="blank"):
        client.predict("   ", api_name="/ask")
    with pytest.raises(Exception, match="less than or equal to 20"):
        client.predict(QUESTION, 50, api_name="/ask")


@pytest.mark.slow
def test_mcp_tool_asks_the_documents(server) -> None:
    mcp = pytest.importorskip("mcp", reason="the `mcp` package is not installed (pip install mcp)")
    from mcp.client.streamable_http import streamablehttp_client

    if not httpx.get(f"{server.url}/config").json().get("mcp_server"):
        pytest.skip("the server runs without Gradio's MCP server (ui.py: mount_gradio_app(..., mcp_server=True))")

    async def call() -> tuple[list, object]:
        async with streamablehttp_client(f"{server.url}/gradio_api/mcp/") as (read, write, _):
            async with mcp.ClientSession(read, write) as session:
                await session.initialize()
                tools = (await session.list_tools()).tools
                return tools, await session.call_tool("ask", {"question": QUESTION, "top_k": 2})

    tools, result = asyncio.run(call())
    [tool] = [t for t in tools if t.name == "ask"]
    assert tool.inputSchema["required"] == ["question"] and "cited passages" in tool.description
    assert not result.isError
    reply = json.loads(result.content[0].text)  # JSON, not the Python repr Gradio would send (qa/server.py)
    assert len(reply["passages"]) == 2 and reply["passages"][0]["document"]["title"] == TITLE
    assert reply["found"] is True and "delivered T-72 tanks" in reply["passages"][0]["text"]


def test_the_page_calls_nobody_outside(small_engine) -> None:
    """No analytics or version check from the server, and system fonts: no font files to fetch."""
    from qa.chat import THEME, build

    assert build(small_engine).analytics_enabled is False
    assert all(isinstance(font, str) for font in [*THEME._font, *THEME._font_mono])
    assert "system-ui" in THEME.font and not THEME._stylesheets


@pytest.mark.slow
def test_a_crafted_request_cannot_add_a_file_from_the_server(tmp_path: Path) -> None:
    """Only files uploaded through the page are added: not a path on the server named in a hand-made request."""
    shutil.copytree(SEEDS, tmp_path / "docs")
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret notes\n\nThe safe's combination is 31-17-42, kept in the server's own folder.\n")
    server = Server(tmp_path / "docs", tmp_path / "index", tmp_path / "log").start()
    try:
        before = httpx.get(f"{server.url}/api/documents").json()
        event = next(d for d in httpx.get(f"{server.url}/config").json()["dependencies"]
                     if d["api_name"] == "add_files")
        forged = {"path": str(secret), "orig_name": "secret.txt", "meta": {"_type": "gradio.FileData"}}
        joined = httpx.post(f"{server.url}/gradio_api/queue/join",
                            json={"data": [[forged]], "fn_index": event["id"], "session_hash": "forged01"})
        assert joined.status_code == 200, joined.text
        with httpx.stream("GET", f"{server.url}/gradio_api/queue/data", params={"session_hash": "forged01"},
                          timeout=60) as stream:
            messages = [json.loads(line[5:]) for line in stream.iter_lines() if line.startswith("data:")]
        [done] = [m for m in messages if m["msg"] == "process_completed"]
        assert done["success"] is False
        assert "not uploaded by a user" in done["output"]["error"]
        assert httpx.get(f"{server.url}/api/documents").json() == before
        assert secret.exists()
    finally:
        server.stop()
