"""The web chat's Gradio wiring: conversation turns from its history, the page's events kept private, and its
`ask` endpoint through Gradio's client (and MCP) on the real server."""
from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import httpx
import pytest

from conftest import SEEDS, Server
from qa.chat import EXAMPLES, JS, build, history_turns, text_of
from qa.render import question_html, reply_html
from qa.schema import AskResponse, DocumentRef, PassageOut, Span

QUESTION = "What did Belarus supply Russia?"
TITLE = "How much time has he got left? Putin’s clock is ticking for Lukashenko in Belarus."


def test_text_of_every_message_shape() -> None:
    assert text_of("hi") == "hi"
    assert text_of({"type": "text", "text": "hi"}) == "hi"
    assert text_of([{"type": "text", "text": "a"}, "b"]) == "a b"
    assert text_of(None) == ""


def test_history_keeps_the_question_as_typed_and_the_answer_without_its_sources() -> None:
    passage = PassageOut(rank=1, score=0.8, text="It answers.", highlight=Span(start=0, end=11),
                         document=DocumentRef(id="doc", title="A"), paragraph=1, start=7, end=18)
    reply = reply_html(AskResponse(answer="It answers. [1]", found=True, query="q", passages=[passage]), "q", 0.5,
                       lambda _: "Title\n\nIt answers.")
    history = [{"role": "user", "content": question_html("Is <b>x</b> & y?")},
               {"role": "assistant", "content": reply}, {"role": "system", "content": "ignored"}]
    assert [(t.role, t.content) for t in history_turns(history)] == [("user", "Is <b>x</b> & y?"),
                                                                      ("assistant", "It answers. [1]")]
    assert history_turns(None) == []


def test_the_seed_has_examples_and_the_page_script_is_one_function() -> None:
    assert TITLE in EXAMPLES and len(EXAMPLES[TITLE]) == 4
    assert JS.lstrip().startswith("() => {") and JS.rstrip().endswith("}")
    assert "qaShowNewest" in JS


def test_document_controls_stay_out_of_the_public_api(small_engine) -> None:
    blocks = build(small_engine)
    assert list(blocks.get_api_info()["named_endpoints"]) == ["/ask", "/documents"]  # reading only: no add or remove
    events = {d["api_name"]: d["api_visibility"] for d in blocks.config["dependencies"]
              if d["api_name"] not in ("ask", "documents")}
    # gr.render's own function (it draws the documents list, nothing else) can't be made private
    assert events.pop("apply") == "undocumented"
    assert events and set(events.values()) == {"private"}


def test_the_page_calls_nobody_outside(small_engine) -> None:
    """No analytics or version check from the server, and system fonts: no font files to fetch."""
    from qa.chat import THEME

    assert build(small_engine).analytics_enabled is False
    assert all(isinstance(font, str) for font in [*THEME._font, *THEME._font_mono])
    assert "system-ui" in THEME.font and not THEME._stylesheets


@pytest.mark.slow
def test_gradio_client_asks_the_documents(server) -> None:
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    endpoint = client.view_api(return_format="dict", print_info=False)["named_endpoints"]["/ask"]
    assert [p["parameter_name"] for p in endpoint["parameters"]] == ["question", "top_k", "documents"]
    reply = client.predict(QUESTION, api_name="/ask")
    assert AskResponse.model_validate(reply).query == QUESTION
    first = reply["passages"][0]
    assert reply["found"] is True and "delivered T-72 tanks" in first["text"]
    assert first["document"]["title"] == TITLE and first["paragraph"] == 6
    sentence = first["text"][first["highlight"]["start"]:first["highlight"]["end"]]
    assert reply["answer"].startswith(sentence + " [1]")
    assert len(client.predict("What is the capital of France?", 1, api_name="/ask")["passages"]) == 1
    assert client.predict("What is the capital of France?", api_name="/ask")["found"] is False
    only = client.predict(QUESTION, 2, ["putins-clock-is-ticking-for-lukashenko"], api_name="/ask")
    assert {p["document"]["id"] for p in only["passages"]} == {"putins-clock-is-ticking-for-lukashenko"}
    with pytest.raises(Exception, match="no document with id 'nope'"):
        client.predict(QUESTION, 2, ["nope"], api_name="/ask")


@pytest.mark.slow
def test_gradio_client_gets_a_clear_error_for_a_bad_question(server) -> None:
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    with pytest.raises(Exception, match="blank"):
        client.predict("   ", api_name="/ask")
    with pytest.raises(Exception, match="less than or equal to 20"):
        client.predict(QUESTION, 50, api_name="/ask")


@pytest.mark.slow
def test_a_gradio_api_call_with_a_wrong_input_says_which_without_a_traceback(server) -> None:
    for data in ([QUESTION], [QUESTION, 3, None, "extra"]):
        reply = httpx.post(f"{server.url}/gradio_api/call/ask", json={"data": data})
        assert reply.status_code == 422, (data, reply.text[:200])
        detail = reply.json()["detail"]
        assert "question, top_k, documents" in detail and f"got {len(data)}" in detail, detail
    for named, wrong in (({"data": [QUESTION, 3, None]}, "'data' is not one"), ({"top_k": 3}, "question is needed")):
        reply = httpx.post(f"{server.url}/gradio_api/call/v2/ask", json=named)  # v2 takes the inputs by name
        assert reply.status_code == 422 and wrong in reply.json()["detail"], reply.text[:200]
    by_name = httpx.post(f"{server.url}/gradio_api/call/v2/ask", json={"question": QUESTION})
    assert by_name.status_code == 200 and "event_id" in by_name.json(), by_name.text
    called = httpx.post(f"{server.url}/gradio_api/call/ask", json={"data": [QUESTION, "three", None]})
    assert called.status_code == 200, called.text
    events = httpx.get(f"{server.url}/gradio_api/call/ask/{called.json()['event_id']}", timeout=60).text
    assert "event: error" in events and "top_k: " in events and "whole number" in events, events[:300]
    assert "Traceback" not in server.log()  # the caller's mistake is said to the caller, not logged as a crash


@pytest.mark.slow
def test_an_unknown_gradio_api_name_is_a_404_not_a_500(server) -> None:
    for path in ("/gradio_api/call/nonexistent", "/gradio_api/call/v2/nonexistent", "/gradio_api/call/nope/abc123"):
        reply = httpx.post(f"{server.url}{path}", json={"data": [QUESTION]})
        assert reply.status_code == 404 and "/gradio_api/info" in reply.json()["detail"], (path, reply.text[:200])
    called = httpx.post(f"{server.url}/gradio_api/call/ask", json={"data": [QUESTION, 3, None]})
    assert called.status_code == 200 and "event_id" in called.json(), called.text


@pytest.mark.slow
def test_mcp_tool_asks_the_documents(server) -> None:
    mcp = pytest.importorskip("mcp", reason="the `mcp` package is not installed (pip install mcp)")
    from mcp.client.streamable_http import streamablehttp_client

    if not httpx.get(f"{server.url}/config").json().get("mcp_server"):
        pytest.skip("the server runs without Gradio's MCP server (ui.py: mount_gradio_app(..., mcp_server=True))")

    async def call() -> tuple[list, list]:
        async with streamablehttp_client(f"{server.url}/gradio_api/mcp/") as (read, write, _):
            async with mcp.ClientSession(read, write) as session:
                await session.initialize()
                tools = (await session.list_tools()).tools
                listed = await session.call_tool("documents", {})
                ids = [d["id"] for d in json.loads(listed.content[0].text)]
                return tools, [listed,
                               await session.call_tool("ask", {"question": QUESTION, "top_k": 2, "documents": ids}),
                               await session.call_tool("ask", {"question": QUESTION, "documents": []})]

    tools, (listed, result, empty) = asyncio.run(call())
    [tool] = [t for t in tools if t.name == "ask"]
    assert tool.inputSchema["required"] == ["question"] and "cited passages" in tool.description
    # an agent finds the ids `documents` takes without the HTTP API
    assert not listed.isError and json.loads(listed.content[0].text) == httpx.get(f"{server.url}/api/documents").json()
    assert not result.isError
    reply = json.loads(result.content[0].text)  # JSON, not the Python repr Gradio would send (qa/server.py)
    assert len(reply["passages"]) == 2 and reply["passages"][0]["document"]["title"] == TITLE
    assert reply["found"] is True and "delivered T-72 tanks" in reply["passages"][0]["text"]
    assert empty.isError and "at least 1" in empty.content[0].text  # as /api/ask says: not every document silently



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
                            json={"data": [[forged], None], "fn_index": event["id"], "session_hash": "forged01"})
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


def test_ticked_documents_removed_meanwhile_are_said_not_silently_widened() -> None:
    from qa.chat import gone_message, ticked
    from qa.store import DocumentInfo

    docs = [DocumentInfo("report", "report", "report.txt", "0" * 64, 1),
            DocumentInfo("notes", "notes", "notes.txt", "1" * 64, 2)]
    assert ticked(docs, ["report"]) == ([docs[0]], 0)
    assert ticked(docs, []) == ([], 0)                      # none ticked: every document, nothing gone
    assert ticked(docs, ["report-2"]) == ([], 1)             # removed in another window: not "every document"
    assert ticked(docs, ["report-2", "notes"]) == ([docs[1]], 1)
    assert gone_message(1).startswith("One document you ticked was removed meanwhile, so nothing was asked")
    assert gone_message(2, others=True) == ("2 documents you ticked were removed meanwhile: only the other ticked "
                                            "documents were asked.")
