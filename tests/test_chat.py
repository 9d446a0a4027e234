"""The web chat's reply rendering, and its `ask` endpoint through Gradio's client (and MCP) on the real server."""
from __future__ import annotations

import ast
import asyncio
from types import SimpleNamespace

import httpx
import pytest

from qa.chat import (SOURCES, documents_html, history_turns, marked, neighbours, plain, reply_html,
                     text_of)
from qa.schema import AskResponse, DocumentRef, PassageOut, Span

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


def test_documents_list_titles_and_passage_counts() -> None:
    docs = [SimpleNamespace(title="A <1>", passages=3), SimpleNamespace(title="B", passages=1)]
    engine = SimpleNamespace(index=SimpleNamespace(documents=lambda: docs))
    shown = documents_html(engine)
    assert "Searching 2 documents, 4 passages" in shown and "<li>A &lt;1&gt; (3 passages)</li>" in shown
    assert "Searching 1 document<" in documents_html(SimpleNamespace(index=SimpleNamespace(documents=lambda: docs[:1])))
    assert "No documents" in documents_html(SimpleNamespace(index=SimpleNamespace(documents=lambda: [])))


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
    assert first["document"]["title"] == TITLE and first["paragraph"] == 5
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
    reply = ast.literal_eval(result.content[0].text)  # Gradio sends a dict as its Python repr
    assert len(reply["passages"]) == 2 and reply["passages"][0]["document"]["title"] == TITLE
    assert reply["found"] is True and "delivered T-72 tanks" in reply["passages"][0]["text"]


def test_the_page_calls_nobody_outside() -> None:
    """No analytics or version check from the server, and system fonts: no font files to fetch."""
    from qa.chat import THEME, build

    engine = SimpleNamespace(index=SimpleNamespace(documents=lambda: []), settings=SimpleNamespace(top_k=3))
    assert build(engine).analytics_enabled is False
    assert all(isinstance(font, str) for font in [*THEME._font, *THEME._font_mono])
    assert "system-ui" in THEME.font and not THEME._stylesheets
