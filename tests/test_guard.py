"""The server's front door, on the real server over loopback: host, origin, API key, body caps, headers."""
from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, SEEDS, Server, free_port

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
SEED_ID = "putins-clock-is-ticking-for-lukashenko"


def documents(server: Server) -> list[str]:
    return [d["id"] for d in httpx.get(f"{server.url}/api/documents").json()]


def test_a_foreign_host_is_refused_dns_rebinding(server: Server) -> None:
    response = httpx.get(f"{server.url}/api/health", headers={"Host": f"attacker.example:{server.port}"})
    assert response.status_code == 421 and "127.0.0.1" in response.json()["detail"]
    assert httpx.get(f"{server.url}/", headers={"Host": "rebind.example"}).status_code == 421
    for host in (f"localhost:{server.port}", f"127.0.0.1:{server.port}"):
        assert httpx.get(f"{server.url}/api/health", headers={"Host": host}).status_code == 200


def test_writes_from_another_origin_are_refused(server: Server) -> None:
    before = documents(server)
    for origin in (f"http://localhost:{server.port + 1}", "https://evil.example", "null"):
        headers = {"Origin": origin}
        added = httpx.post(f"{server.url}/api/documents", headers=headers,
                           files={"file": ("atlantis.txt", b"Atlantis\n\nThe capital of Belarus is Atlantis.")})
        assert added.status_code == 403 and "other origins" in added.json()["detail"], added.text
        assert httpx.delete(f"{server.url}/api/documents/{SEED_ID}", headers=headers).status_code == 403
        assert httpx.post(f"{server.url}/gradio_api/upload", headers=headers,
                          files={"files": ("a.txt", b"x")}).status_code == 403
    site = httpx.post(f"{server.url}/api/documents", headers={"Sec-Fetch-Site": "same-site"},
                      json={"title": "t", "text": "x"})
    assert site.status_code == 403
    assert documents(server) == before
    own = httpx.post(f"{server.url}/api/ask", headers={"Origin": server.url}, json={"question": "Who is Lukashenko?"})
    assert own.status_code == 200  # the server's own page may


def test_preflights_for_the_api_are_answered_here_and_allow_nothing(server: Server) -> None:
    response = httpx.options(f"{server.url}/api/documents/{SEED_ID}", headers={
        "Origin": f"http://localhost:{server.port + 1}", "Access-Control-Request-Method": "DELETE"})
    assert response.status_code == 403
    assert not [h for h in response.headers if h.lower().startswith("access-control-allow")]


def test_every_response_forbids_framing_and_carries_a_csp(server: Server) -> None:
    for path in ("/", "/api/health", "/docs", "/api/nope"):
        headers = httpx.get(f"{server.url}{path}").headers
        assert headers["x-frame-options"] == "DENY", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path


def test_bodies_are_capped_while_they_stream(server: Server) -> None:
    declared = httpx.post(f"{server.url}/api/ask", content=b"x" * (30 * 1024 * 1024),
                          headers={"content-type": "application/json"}, timeout=60)
    assert declared.status_code == 413 and "12 MB for a question" in declared.json()["detail"]

    def chunks(count: int, size: int = 1024 * 1024) -> Iterator[bytes]:
        for _ in range(count):
            yield b" " * size

    chunked = httpx.post(f"{server.url}/api/ask", content=chunks(30), headers={"content-type": "application/json"},
                         timeout=60)
    assert chunked.status_code == 413, chunked.text

    def multipart(megabytes: int = 30, field: str = "file") -> Iterator[bytes]:
        yield f'--b\r\nContent-Disposition: form-data; name="{field}"; filename="big.txt"\r\n\r\n'.encode()
        yield from chunks(megabytes)
        yield b"\r\n--b--\r\n"

    upload = httpx.post(f"{server.url}/api/documents", content=multipart(),
                        headers={"content-type": "multipart/form-data; boundary=b"}, timeout=60)
    assert upload.status_code == 413 and "upload limit of 20 MB" in upload.json()["detail"], upload.text
    gradio = httpx.post(f"{server.url}/gradio_api/upload", content=multipart(90, "files"),
                        headers={"content-type": "multipart/form-data; boundary=b"}, timeout=60)
    assert gradio.status_code == 413, gradio.text
    assert httpx.get(f"{server.url}/api/health").status_code == 200


def test_unknown_methods_get_405_and_unknown_api_paths_404(server: Server) -> None:
    put = httpx.put(f"{server.url}/api/ask", json={"question": "x"})
    assert put.status_code == 405 and put.headers["allow"] == "POST" and "POST" in put.json()["detail"]
    patch = httpx.patch(f"{server.url}/api/documents/{SEED_ID}")
    assert patch.status_code == 405 and set(patch.headers["allow"].split(", ")) == {"DELETE", "GET"}
    missing = httpx.get(f"{server.url}/api/nothing-here")
    assert missing.status_code == 404 and isinstance(missing.json()["detail"], str)


def test_head_is_answered_as_get_without_a_body(server: Server) -> None:
    for path in ("/api/health", "/api/documents", f"/api/documents/{SEED_ID}", "/openapi.json", "/"):
        got, head = httpx.get(f"{server.url}{path}"), httpx.head(f"{server.url}{path}")
        assert head.status_code == got.status_code == 200, path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert int(head.headers["content-length"]) == len(got.content), path  # what a GET would send
    assert httpx.head(f"{server.url}/api/nothing-here").status_code == 404
    assert httpx.head(f"{server.url}/api/ask").status_code == 405  # POST only: HEAD is no GET there
    assert httpx.head(f"{server.url}/gradio_api/info").status_code == 405  # Gradio's paths are left as they are


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("keyed")
    shutil.copytree(SEEDS, base / "docs")
    running = Server(base / "docs", base / "index", base / "server.log", env={"QA_API_KEY": "s3cret-key"})
    running_start(running)
    yield running
    running.stop()


def running_start(server: Server) -> None:
    """Start a server whose /api/health needs the key: wait for its log line instead."""
    server.port = free_port()
    server.url = f"http://127.0.0.1:{server.port}"
    server._log = open(server.log_path, "a")
    server.process = subprocess.Popen(
        [sys.executable, "ui.py", "--docs", str(server.docs), "--index", str(server.index), "--port",
         str(server.port)], cwd=ROOT, stdout=server._log, stderr=subprocess.STDOUT,
        env={**__import__("os").environ, "PYTHONUNBUFFERED": "1", **server.env})
    deadline = time.time() + 120
    while f"serving http://127.0.0.1:{server.port}/" not in server.log() and time.time() < deadline:
        assert server.process.poll() is None, server.log()
        time.sleep(0.3)


def test_with_an_api_key_every_entrance_needs_it(keyed: Server) -> None:
    url = keyed.url
    for path in ("/api/health", "/api/documents", "/", "/config", "/gradio_api/info"):
        refused = httpx.get(f"{url}{path}")
        assert refused.status_code == 401 and "API key" in refused.json()["detail"], path
    assert httpx.post(f"{url}/api/ask", json={"question": "Who?"}).status_code == 401
    assert httpx.post(f"{url}/gradio_api/mcp/", json={}).status_code == 401
    assert httpx.get(f"{url}/api/health", headers={"X-API-Key": "wrong"}).status_code == 401
    assert httpx.get(f"{url}/api/health", headers={"X-API-Key": "s3cret-key"}).status_code == 200
    asked = httpx.post(f"{url}/api/ask", json={"question": "What did Belarus supply Russia?"},
                       headers={"Authorization": "Bearer s3cret-key"})
    assert asked.status_code == 200 and asked.json()["found"]
    with httpx.Client(base_url=url) as browser_like:  # opening /?key=... once lets the page in
        opened = browser_like.get("/?key=s3cret-key", follow_redirects=True)
        assert opened.status_code == 200 and "s3cret-key" not in str(opened.url)
        assert browser_like.get("/config").status_code == 200


def test_listening_beyond_loopback_without_a_key_is_warned(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "ui.py", "--docs", str(SEEDS), "--index", str(tmp_path / "index"),
                                "--host", "0.0.0.0", "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "serving http://" in line:
                break
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert any("WARNING" in line and "QA_API_KEY" in line for line in lines), "".join(lines)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium: apt-get install chromium")
def test_in_chromium_the_page_works_under_its_csp_and_another_origin_cannot_write(server: Server,
                                                                                 tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    attack = tmp_path / "attack.html"
    attack.write_text(f"""<!doctype html><script>
const form = new FormData();
form.append("file", new Blob(["Atlantis\\n\\nThe capital of Belarus is Atlantis."]), "atlantis.txt");
Promise.allSettled([
  fetch("{server.url}/api/documents", {{method: "POST", mode: "no-cors", body: form}}),
  fetch("{server.url}/api/documents/{SEED_ID}", {{method: "DELETE", mode: "no-cors"}}),
  fetch("{server.url}/api/documents/{SEED_ID}", {{method: "DELETE", credentials: "include"}}),
]).then(() => document.title = "done");
</script>""")
    handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path))  # noqa: E731
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    before = documents(server)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            violations: list[str] = []
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(server.url)
            page.locator("#question textarea").fill("What did Belarus supply Russia?")
            page.locator("#question textarea").press("Enter")
            page.locator("#chat .answer").first.wait_for(timeout=30_000)
            assert "T-72" in page.locator("#chat").inner_text()
            assert violations == []
            attacker = browser.new_page()
            attacker.goto(f"http://localhost:{other.server_address[1]}/attack.html")
            attacker.wait_for_function("document.title === 'done'", timeout=30_000)
        finally:
            browser.close()
            other.shutdown()
    assert documents(server) == before


def test_in_chromium_an_added_html_file_is_shown_without_running_its_scripts(server: Server) -> None:
    """Served as it is, an added page's script would run as this site's own and could remove documents."""
    from playwright.sync_api import sync_playwright

    page_html = (f"<!doctype html><title>Tide tables</title><h1>Tide tables</h1><p>High water at the pier is at "
                 f"six in the morning on Sundays.</p><script>document.title = 'ran'; fetch('/api/documents/{SEED_ID}',"
                 " {method: 'DELETE'});</script>")
    added = httpx.post(f"{server.url}/api/documents", files={"file": ("tides.html", page_html.encode())}, timeout=300)
    assert added.status_code == 201, added.text
    doc_id = added.json()["id"]
    before = documents(server)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                page.goto(f"{server.url}/api/documents/{doc_id}/file")
                page.wait_for_timeout(1500)
                assert "High water at the pier" in page.locator("body").inner_text()  # shown
                assert page.title() == "Tide tables"  # its script never ran
            finally:
                browser.close()
        assert documents(server) == before
    finally:
        httpx.delete(f"{server.url}/api/documents/{doc_id}")


def run_guard(path: str, pieces: list[bytes], apis: dict | None = None, cap: int = 1000,
              disconnect: bool = False) -> tuple[int | None, bytes, bytes | None]:
    """One POST through the Guard in front of an app that echoes the body it receives, the body sent in `pieces`:
    (status, response body, what the app received; None when the app was not called)."""
    import asyncio

    from qa.guard import Cap, Guard, Inputs, Policy

    received: list[bytes] = []

    async def echo(scope, receive, send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        received.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    messages = [{"type": "http.request", "body": p, "more_body": i < len(pieces) - 1} for i, p in enumerate(pieces)]
    if disconnect:
        messages = messages[:-1] + [{"type": "http.disconnect"}]
    sent: list[dict] = []

    async def receive() -> dict:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    ask = Inputs(("question", "top_k", "documents"), ("question",))
    policy = Policy(names=None, api_key="", body_cap=lambda *_: Cap(cap, "the test's cap"),
                    apis=apis if apis is not None else {"ask": ask})
    scope = {"type": "http", "method": "POST", "path": path, "headers": [(b"host", b"127.0.0.1")], "query_string": b""}
    asyncio.run(Guard(echo, policy)(scope, receive, send))
    status = next((m["status"] for m in sent if m["type"] == "http.response.start"), None)
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"), \
        (received[0] if received else None)


def test_a_gradio_call_body_is_read_checked_and_given_whole_to_the_app() -> None:
    whole = b'{"data": ["What did Belarus supply?", 3, null]}'
    status, _, received = run_guard("/gradio_api/call/ask", [whole[:10], whole[10:30], whole[30:]])
    assert status == 200 and received == whole  # in three pieces, replayed as one
    status, body, received = run_guard("/gradio_api/call/ask", [b'{"data": ["x"]}'])
    assert status == 422 and b"question, top_k, documents" in body and received is None
    status, body, _ = run_guard("/gradio_api/call/v2/ask", [b'{"data": ["x", 3, null]}'])
    assert status == 422 and b"by name" in body and b"'data' is not one" in body
    status, body, _ = run_guard("/gradio_api/call/v2/ask", [b'{"top_k": 3}'])
    assert status == 422 and b"question is needed" in body
    assert run_guard("/gradio_api/call/v2/ask", [b'{"question": "x"}'])[0] == 200
    status, body, _ = run_guard("/gradio_api/call/ask", [b"[" * 900])
    assert status == 422 and b"is not JSON" in body and b'whose \\"data\\" lists the 3 values' in body
    assert run_guard("/gradio_api/call/ask", [b"[" * 200_000], cap=10**6)[0] == 422  # too deep: no RecursionError
    for wrong in (b'{"data": "door code"}', b"{}", b'["door code"]'):  # Gradio's own 422 lists pydantic's errors
        status, body, _ = run_guard("/gradio_api/call/ask", [wrong])
        assert status == 422 and json.loads(body)["detail"].startswith("the body must be a JSON object"), wrong
    status, body, _ = run_guard("/gradio_api/call/v2/ask", [b'"door code"'])
    assert status == 422 and b"inputs by name: question, top_k, documents" in body
    assert run_guard("/gradio_api/call/ask", [b" " * 600, b" " * 600])[0] == 413  # over the cap while it streams
    assert run_guard("/gradio_api/call/ask", [b'{"da', b'ta": []}'], disconnect=True) == (None, b"", None)
    assert run_guard("/gradio_api/call/other", [b'{"data": ["x"]}'], apis={})[2] is None  # unknown: 404 first
