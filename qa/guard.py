"""The server's front door (pure ASGI, outside FastAPI and Gradio): who may ask, from where, and how much.

- Host: only the names the server is reached by (DNS rebinding: a foreign name pointing at 127.0.0.1 is refused).
- Origin: a request a browser sends from another origin (another site, or localhost:OTHERPORT) is refused,
  preflights included, and no Access-Control-Allow-* header ever leaves: Gradio would allow any localhost origin.
- An optional API key (QA_API_KEY): a header, a Bearer token, or a cookie set by opening /?key=KEY once.
- Bodies are capped while they stream in: 413 at the cap, whether Content-Length says so or not (chunked).
- Every response says it may not be framed (X-Frame-Options, CSP frame-ancestors) and carries a CSP.
- HEAD is answered as GET without its body (outside Gradio's paths).
- A call of Gradio's client API with another number of values than its endpoint takes, or (v2, by name) an unknown
  or missing name, is a 422 that names its inputs.
"""
from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
KEY_COOKIE = "qa_key"
# Gradio's page runs inline scripts and styles and opens its own server's event streams; Swagger UI (/docs)
# loads from jsdelivr. Checked in Chromium: the chat loads and answers with no CSP violation (tests/test_guard.py).
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' https://cdn.jsdelivr.net; "
       "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
       "font-src 'self' data: https://fonts.gstatic.com; img-src 'self' data: blob: https://fastapi.tiangolo.com; "
       "media-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; "
       "base-uri 'self'; form-action 'self'; object-src 'none'")
SECURITY_HEADERS = [(b"x-frame-options", b"DENY"), (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class Inputs:
    """A Gradio API endpoint's inputs: their names in order, and those a call must give (no default)."""
    names: tuple[str, ...]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cap:
    """The largest body a request may send, and how to say it: "the limit of 4 MB for this endpoint"."""
    size: int
    what: str


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a body streams past its cap; FastAPI's handler answers it as a 413."""

    def __init__(self, cap: Cap) -> None:
        super().__init__(413, f"the request body is larger than {cap.what}")


def served_names(host: str) -> frozenset[str] | None:
    """The host names a server listening on `host` answers to; None (any) when it listens on every address."""
    if host in ("", "0.0.0.0", "::"):
        return None
    names = {host.strip("[]").lower()}
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = host.lower() == "localhost"
    return frozenset(names | LOOPBACK_NAMES) if loopback else frozenset(names)


def host_name(host_header: str) -> str:
    """'127.0.0.1:7860' -> '127.0.0.1', '[::1]:7860' -> '::1'."""
    if host_header.startswith("["):
        return host_header[1:host_header.find("]")].lower() if "]" in host_header else host_header.lower()
    return host_header.rsplit(":", 1)[0].lower() if host_header.count(":") == 1 else host_header.lower()


@dataclass(frozen=True)
class Policy:
    names: frozenset[str] | None        # host names served (None: any)
    api_key: str                         # "" for none
    body_cap: Callable[[str, str, str], Cap]  # (method, path, content type) -> the largest body accepted
    busy: Callable[[str], str | None] = lambda path: None  # a reason to answer 429 now, e.g. uploads full
    # Gradio's API names (/gradio_api/call/NAME), each with the names of its inputs in order; None: not checked
    apis: Mapping[str, Inputs] | None = None


# Gradio's call routes: /gradio_api/call/NAME, /call/v2/NAME, each maybe followed by /EVENT_ID. Gradio answers an
# unknown NAME with a 500 and a traceback in the log (FnIndexInferError), so the guard answers it first.
GRADIO_CALL = re.compile(r"^/gradio_api/call/(?:v2/)?([^/]+)")
# A call's first request (POST /gradio_api/call/NAME) sends its inputs as {"data": [...]}, or by name to
# /gradio_api/call/v2/NAME ({"question": ...}). Gradio answers too few values with an event id, then an error event
# that lists its components' Python objects, and logs a traceback; too many it cuts silently (["hi", [], 3] became
# question "hi", top_k [], documents 3); an unknown name on v2 is a 500. The guard reads that body first.
GRADIO_SUBMIT = re.compile(r"^/gradio_api/call/(v2/)?([^/]+)/?$")
# HEAD is answered as GET without the body (FastAPI's GET routes answer it 405), except under Gradio's paths, whose
# GETs include event streams that would run on unseen.
GRADIO_PATHS = ("/gradio_api/",)


class Guard:
    """Wraps the whole app (FastAPI with Gradio mounted); see the module docstring."""

    def __init__(self, app: ASGIApp, policy: Policy, stopping: Callable[[], bool] = lambda: False) -> None:
        self.app, self.policy, self.stopping = app, policy, stopping

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self.refuse(scope, headers)
        if refusal is not None:
            status, detail, extra = refusal
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await respond(send, status, {"detail": detail}, extra)
            return
        if scope["type"] == "http" and (redirect := self.key_from_query(scope)) is not None:
            await send({"type": "http.response.start", "status": 303, "headers": redirect})
            await send({"type": "http.response.body", "body": b""})
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "GET" and scope["path"].startswith("/gradio_api/"):  # may stream while a tab is open
            receive = until_stopping(receive, self.stopping)
        cap = self.policy.body_cap(scope["method"], scope["path"], headers.get("content-type", ""))
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > cap.size:
            await respond(send, 413, {"detail": BodyTooLarge(cap).detail}, [(b"connection", b"close")])
            return
        started: list[bool] = []
        if scope["method"] == "HEAD" and not scope["path"].startswith(GRADIO_PATHS):
            scope, send = {**scope, "method": "GET"}, headers_only(send)
        receive = capped(receive, cap)
        submit = GRADIO_SUBMIT.match(scope["path"]) if scope["method"] == "POST" else None
        if submit and self.policy.apis is not None and submit.group(2) in self.policy.apis:
            try:
                body = await read_body(receive)
            except BodyTooLarge as exc:
                await respond(send, 413, {"detail": exc.detail}, [(b"connection", b"close")])
                return
            if body is None:
                return  # the client went away: nothing to answer
            problem = miscounted(body, submit.group(2), self.policy.apis[submit.group(2)], bool(submit.group(1)))
            if problem is not None:
                await respond(send, 422, {"detail": problem}, [])
                return
            receive = replayed(body, receive)
        try:
            await self.app(scope, receive, secured(send, started))
        except BodyTooLarge as exc:  # an app that let it through (FastAPI's handler answers it itself)
            if started:
                raise
            await respond(send, 413, {"detail": exc.detail}, [(b"connection", b"close")])

    def refuse(self, scope: Scope, headers: Headers) -> tuple[int, str, list[tuple[bytes, bytes]]] | None:
        """(status, detail, headers) when the request must not reach the app."""
        host = headers.get("host", "")
        names = self.policy.names
        if names is not None and host_name(host) not in names:
            return 421, (f"this server does not answer to the host {host!r}: use "
                         f"{' or '.join(sorted(names))}"), []
        origin = headers.get("origin")
        if origin is not None and origin.lower() not in (f"http://{host}".lower(), f"https://{host}".lower()):
            return 403, (f"requests from other origins ({origin[:100]}) are refused: "
                         "use the page this server serves, or a client that is not a browser"), []
        method = scope.get("method", "GET")
        if method not in SAFE_METHODS and headers.get("sec-fetch-site") in ("cross-site", "same-site"):
            return 403, "requests from other sites are refused", []
        if self.policy.api_key and not self.has_key(scope, headers):
            return 401, ("this server needs its API key: send the header `Authorization: Bearer KEY` or "
                         "`X-API-Key: KEY`, or open /?key=KEY once in the browser"), [(b"www-authenticate", b"Bearer")]
        if method == "OPTIONS" and "access-control-request-method" in headers:
            return 403, "cross-origin requests are not served", []
        if scope["type"] == "http" and method not in SAFE_METHODS and (reason := self.policy.busy(scope["path"])):
            return 429, reason, [(b"retry-after", b"60")]
        call = GRADIO_CALL.match(scope["path"])
        if call and self.policy.apis is not None and call.group(1) not in self.policy.apis:
            return 404, f"Gradio has no API named {call.group(1)[:100]!r}: GET /gradio_api/info lists them", []
        return None

    def has_key(self, scope: Scope, headers: Headers) -> bool:
        key = self.policy.api_key.encode()
        auth = headers.get("authorization", "")
        given = [headers.get("x-api-key", ""), auth[7:] if auth.lower().startswith("bearer ") else ""]
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is no key
            pass
        if KEY_COOKIE in cookie:
            given.append(cookie[KEY_COOKIE].value)
        if scope["type"] == "http" and scope.get("method") == "GET":
            given.append(dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"))).get("key", ""))
        return any(hmac.compare_digest(g.encode(), key) for g in given if g)

    def key_from_query(self, scope: Scope) -> list[tuple[bytes, bytes]] | None:
        """Opening a page with ?key=KEY stores the key in a cookie and reloads the page without it."""
        if not self.policy.api_key or scope.get("method") != "GET":
            return None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if not any(k == "key" for k, _ in query):
            return None
        rest = urlencode([(k, v) for k, v in query if k != "key"])
        location = scope["path"] + (f"?{rest}" if rest else "")
        cookie = f"{KEY_COOKIE}={self.policy.api_key}; Path=/; HttpOnly; SameSite=Strict"
        return [(b"location", location.encode()), (b"set-cookie", cookie.encode()), *SECURITY_HEADERS]


def headers_only(send: Send) -> Send:
    """`send` for a HEAD request answered as a GET: the status and headers (Content-Length included), no body."""
    done = False

    async def wrapped(message: Message) -> None:
        nonlocal done
        if message["type"] == "http.response.body":
            if done:
                return
            done, message = True, {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return wrapped


# How often a streaming response's wait for its client checks whether the server is stopping.
STOP_POLL = 0.25


def until_stopping(receive: Receive, stopping: Callable[[], bool]) -> Receive:
    """`receive` that also reports a disconnect once the server is `stopping`: an event stream that lasts while a
    tab is open (Gradio's heartbeat) then ends by itself, instead of being cancelled when the graceful shutdown
    times out (uvicorn logged "Exception in ASGI application" and a CancelledError traceback)."""
    async def wrapped() -> Message:
        waiting = asyncio.ensure_future(receive())
        try:
            while not stopping():
                done, _ = await asyncio.wait({waiting}, timeout=STOP_POLL)
                if done:
                    return waiting.result()
        finally:
            if not waiting.done():
                waiting.cancel()
        return {"type": "http.disconnect"}

    return wrapped


def capped(receive: Receive, cap: Cap) -> Receive:
    """`receive` that raises BodyTooLarge once more than `cap` body bytes have arrived."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap.size:
                raise BodyTooLarge(cap)
        return message

    return wrapped


async def read_body(receive: Receive) -> bytes | None:
    """The whole request body (`receive` is capped: BodyTooLarge past the cap); None if the client disconnected."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def replayed(body: bytes, receive: Receive) -> Receive:
    """`receive` that gives `body` again, whole, and then whatever `receive` gives (a disconnect)."""
    given = False

    async def wrapped() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return wrapped


def miscounted(body: bytes, name: str, inputs: Inputs, named: bool = False) -> str | None:
    """What to fix when a Gradio API call's "data" holds another number of values than its `inputs`, or (`named`: the
    v2 route) names an input it does not have or leaves out one it needs, or is no JSON object with a "data" list
    (Gradio's own 422 for that lists pydantic's errors, not what to send); None when it fits."""
    shape = (f"a JSON object of the inputs by name: {', '.join(inputs.names)}" if named else
             f"a JSON object whose \"data\" lists the {len(inputs.names)} values: {', '.join(inputs.names)} "
             "(null for a default)")
    try:
        sent = json.loads(body)
    except (ValueError, RecursionError):
        return f"the body must be {shape}; it is not JSON (or nests too deep)"
    if not isinstance(sent, dict) or (not named and not isinstance(sent.get("data"), list)):
        return f"the body must be {shape}"
    if named:
        unknown = sorted(set(sent) - set(inputs.names) - {"oauth_token"})
        absent = [n for n in inputs.required if n not in sent]
        if not unknown and not absent:
            return None
        return (f"/v2/{name} takes its inputs by name: {', '.join(inputs.names)}; " + (
            f"{', '.join(repr(key[:100]) for key in unknown[:5])} is not one" if unknown else
            f"{', '.join(absent)} is needed"))
    data = sent["data"]
    if len(data) == len(inputs.names):
        return None
    return (f"/{name} takes {len(inputs.names)} values in \"data\", in this order: {', '.join(inputs.names)} "
            f"(null for a default); got {len(data)}")


def secured(send: Send, started: list[bool]) -> Send:
    """`send` that adds the security headers and drops any CORS allowance; `started` records the response began.
    A response's own sandboxing policy (an added HTML file served as it is: qa.api.original_response) is kept
    instead of the site's, which would let its inline scripts run as this site's."""
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            started.append(True)
            headers = message.get("headers", [])
            sandboxed = [(k, v) for k, v in headers
                         if k.lower() == b"content-security-policy" and v.lower().startswith(b"sandbox")]
            kept = [(k, v) for k, v in headers
                    if not k.lower().startswith(b"access-control-allow-")
                    and k.lower() not in (b"x-frame-options", b"content-security-policy", b"x-content-type-options")]
            security = [h for h in SECURITY_HEADERS if not (sandboxed and h[0] == b"content-security-policy")]
            message = {**message, "headers": kept + sandboxed + security}
        await send(message)

    return wrapped


async def respond(send: Send, status: int, body: dict[str, Any], extra: list[tuple[bytes, bytes]]) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *extra,
        *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": data})
