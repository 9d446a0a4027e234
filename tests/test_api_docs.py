"""The API's docs pages and the reading routes on the real server: /docs and /redoc with their assets served from
here, a document's text (?text=true), the document view at a cited passage, and asking only some documents."""
from __future__ import annotations

import re

import httpx
import pytest

from conftest import SEEDS
from qa.documents import read_document

pytestmark = pytest.mark.slow

SEED_ID = "putins-clock-is-ticking-for-lukashenko"
# the document's text as the reader makes it (the page's "You May Also Like" furniture dropped)
SEED_TEXT = read_document(SEEDS / "putins-clock-is-ticking-for-lukashenko.txt", SEEDS).text


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_every_asset_from_this_server(server, page: str) -> None:
    html = httpx.get(f"{server.url}{page}").text
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert assets and all(a.startswith("/") for a in assets), assets  # no CDN, no font service
    for asset in assets:
        response = httpx.get(f"{server.url}{asset}")
        assert response.status_code == 200 and len(response.content) > 1000, asset
        assert b"cdn.redoc.ly" not in response.content and b"fonts.googleapis" not in response.content


def test_a_document_with_its_text(server) -> None:
    plain = httpx.get(f"{server.url}/api/documents/{SEED_ID}").json()
    assert "text" not in plain and plain["passages"] == 23
    full = httpx.get(f"{server.url}/api/documents/{SEED_ID}", params={"text": "true"}).json()
    assert full["text"] == SEED_TEXT and {k: v for k, v in full.items() if k != "text"} == plain
    passage = httpx.post(f"{server.url}/api/ask", json={"question": "What did Belarus supply Russia?"}).json()[
        "passages"][0]
    assert full["text"][passage["start"]:passage["end"]] == passage["text"]  # offsets point into that text
    assert httpx.get(f"{server.url}/api/documents/nope", params={"text": "true"}).status_code == 404
    spec = httpx.get(f"{server.url}/openapi.json").json()
    assert any(p["name"] == "text" for p in spec["paths"]["/api/documents/{doc_id}"]["get"]["parameters"])


def test_the_document_view_marks_the_cited_passage(server) -> None:
    start = SEED_TEXT.index("Poland is peering")
    end = SEED_TEXT.index("rent-free in his head.") + len("rent-free in his head.")
    page = httpx.get(f"{server.url}/view/{SEED_ID}", params={"start": start, "end": end})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<mark id='cited'>Poland is peering" in page.text and "rent-free in his head.</mark>" in page.text
    assert "Is he next?" in page.text  # the whole document, not only the passage
    gone = httpx.get(f"{server.url}/view/nope<b>")  # a removed document's citation: a page that says so, not JSON
    assert gone.status_code == 404 and gone.headers["content-type"].startswith("text/html")
    assert "Document not found" in gone.text and "“nope&lt;b&gt;”" in gone.text and 'href="/"' in gone.text
    bad = httpx.get(f"{server.url}/view/{SEED_ID}", params={"start": 10, "end": 10**7})  # a span past its end
    assert bad.status_code == 200 and "<mark" not in bad.text and "is not in this document" in bad.text
    assert "Is he next?" in bad.text
    assert "/view/{doc_id}" not in httpx.get(f"{server.url}/openapi.json").json()["paths"]  # a page, not the API


def test_ask_only_the_documents_named(server) -> None:
    ask = f"{server.url}/api/ask"
    body = {"question": "What did Belarus supply Russia?", "documents": [SEED_ID]}
    reply = httpx.post(ask, json=body, timeout=30).json()
    assert reply["found"] and {p["document"]["id"] for p in reply["passages"]} == {SEED_ID}
    unknown = httpx.post(ask, json={**body, "documents": [SEED_ID, "no-such-doc"]})
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "documents: no document with id 'no-such-doc': GET /api/documents lists the ids"
    empty = httpx.post(ask, json={**body, "documents": []})
    assert empty.status_code == 422 and "documents" in empty.json()["detail"]
