"""The HTTP API (FastAPI): ask, health, and add/list/remove documents, with 4xx errors that say what to fix."""
from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Receive, Scope, Send

from qa import __version__
from qa.api_docs import add_docs
from qa.collection import Collection, TooLarge
from qa.engine import Engine, UnknownDocuments
from qa.guard import Cap
from qa.lock import LockBusy
from qa.readers import SUPPORTED_SUFFIXES, ReadError, UnsupportedType, decode, suffix_of
from qa.render import document_page, missing_page, original_url
from qa.schema import (
    LARGEST_ASK_BODY,
    AskRequest,
    AskResponse,
    DocumentOut,
    DocumentText,
    Error,
    Health,
    TextDocument,
    to_response,
)
from qa.store import DocumentInfo
from qa.writes import Busy

log = logging.getLogger(__name__)


T = TypeVar("T")

# a question, its earlier turns and the documents it asks at the schema's limits (qa.schema.LARGEST_ASK_BODY: 12.2
# million bytes, so 12 MB)
ASK_BODY_CAP = -(-LARGEST_ASK_BODY // 1048576) * 1048576
OTHER_BODY_CAP = 4 * 1048576   # Gradio's queue messages carry the chat so far
MULTIPART_SLACK = 65536         # a multipart form's boundaries and headers around the file
EXAMPLES = {"/api/ask": '{"question": "..."}', "/api/documents": '{"title": "...", "text": "..."}'}


def body_cap(max_upload_bytes: int) -> Callable[[str, str, str], Cap]:
    """(method, path, content type) -> the largest body accepted, for qa.guard: a document where documents are
    uploaded (as JSON its text may take twice its size, escaped), a question's worth elsewhere."""
    upload = f"the upload limit of {max_upload_bytes / 1048576:g} MB (QA_MAX_UPLOAD_MB sets it)"
    ask = Cap(ASK_BODY_CAP, f"the limit of {ASK_BODY_CAP // 1048576} MB for a question and its conversation")
    other = Cap(OTHER_BODY_CAP, f"the limit of {OTHER_BODY_CAP // 1048576} MB for this endpoint")
    multipart = Cap(max_upload_bytes + MULTIPART_SLACK, upload)
    json_text = Cap(2 * max_upload_bytes + MULTIPART_SLACK, upload)
    # the chat's "Add files" sends all the files chosen in one request; each may be up to twice the limit (so the
    # chat can explain a file a little too large), and together up to four documents' worth
    gradio = Cap(4 * max_upload_bytes + MULTIPART_SLACK, f"four times {upload}, for the files sent together")

    def cap(method: str, path: str, content_type: str) -> Cap:
        if path == "/api/ask":
            return ask
        if path == "/api/documents":
            return multipart if content_type.lower().startswith("multipart/") else json_text
        if path == "/gradio_api/upload":
            return gradio
        return other

    return cap


def error(status: int, description: str) -> dict[str, Any]:
    return {"model": Error, "description": description}


Responses = dict[int | str, dict[str, Any]]
BAD_BODY: Responses = {400: error(400, "the body is not valid JSON"),
            413: error(413, "the body is larger than the limit for this endpoint"),
            422: error(422, "a field is missing or invalid: `detail` says which and how to fix it")}
NOT_FOUND: Responses = {404: error(404, "no document with that id (removed ids stay unknown)")}
BUSY: Responses = {429: error(429, "too many changes are waiting, or the first index is being built: try again "
                                   "after Retry-After seconds"),
        503: error(503, "another process is changing the index: try again after Retry-After seconds")}


# How an original is served, by its type: shown in the browser, but never as a page of this site that runs scripts
# (an added HTML file's script could call this API from its origin): HTML comes with a CSP sandbox, which also keeps
# it from loading anything; a Word file is downloaded. Text is sent as UTF-8, decoded as the readers decode it (a
# file in Windows-1252 reads as it was indexed); HTML as it is, without a charset, so that its own <meta> holds.
ORIGINAL_TYPES = {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8",
                  ".md": "text/plain; charset=utf-8", ".html": "text/html", ".htm": "text/html",
                  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


def original_response(file: Path) -> Response:
    """A document's original file, shown inline (a Word file as an attachment), never sniffed as another type."""
    suffix = suffix_of(file.name)
    media = ORIGINAL_TYPES.get(suffix, "application/octet-stream")
    headers = {"Content-Type": media}  # qa.guard adds nosniff to every response
    if media == "text/html":
        headers["Content-Security-Policy"] = SANDBOX
    if media.startswith("text/plain"):
        try:
            text = decode(file.read_bytes())
        except (OSError, ReadError):
            raise HTTPException(404, f"the file of {file.name!r} can no longer be read") from None
        headers["Content-Disposition"] = f"inline; filename*=utf-8''{quote(file.name)}"
        return Response(text.encode("utf-8"), headers=headers)
    return FileResponse(file, headers=headers, filename=file.name,
                        content_disposition_type="attachment" if suffix == ".docx" else "inline")


def is_json(content_type: str) -> bool:
    """Whether a Content-Type is one FastAPI reads as JSON: application/json or application/*+json."""
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def unreadable_json(cause: BaseException | None) -> str | None:
    """Why FastAPI could not read a body as JSON, when it says only "There was an error parsing the body"."""
    if isinstance(cause, RecursionError):
        return "it is nested too deeply"
    if isinstance(cause, UnicodeDecodeError):  # a ValueError too: said first
        return "it is not UTF-8"
    if isinstance(cause, ValueError):  # e.g. an integer of more than 4,300 digits
        return "a number in it is too long"
    return None


def describe(exc: RequestValidationError, path: str = "") -> str:
    """One readable sentence per problem, e.g. "top_k: must be at most 20 (got 50)"."""
    problems = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "request body"
        kind = error.get("type", "")
        if kind == "json_invalid":
            problems.append(f"the body is not valid JSON ({error.get('ctx', {}).get('error', 'parse error')}): "
                            f"send a JSON object such as {EXAMPLES.get(path, '{...}')}")
            continue
        message = error.get("msg", "is invalid").removeprefix("Value error, ")
        if kind == "missing":
            message = "is required"
        elif kind == "extra_forbidden":
            message = "is not a known field (the schema at /docs lists the fields)"
        got = error.get("input")
        echo = repr(got)
        echo = echo if len(echo) <= ECHO_CHARS else echo[:ECHO_CHARS - 1] + "…"  # cut, and seen to be cut
        shown = f" (got {echo})" if kind not in ("missing", "model_attributes_type") and got is not None else ""
        problems.append(f"{where}: {message}{shown}")
    return "; ".join(problems) or "the request is invalid"


ECHO_CHARS = 60  # at most this much of a bad value is said back in a 422's message


def out(doc: DocumentInfo) -> DocumentOut:
    return DocumentOut(id=doc.id, title=doc.title, path=doc.path, passages=doc.passages)


async def read_upload(request: Request, collection: Collection) -> tuple[str, bytes]:
    """(file name, bytes) of a multipart upload (field `file`) or a JSON {title, text}; 4xx for anything else.

    The body itself is capped while it streams in (qa.guard); the document's own limit is the collection's.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, StarletteUploadFile):
            raise HTTPException(422, "the multipart form has no file: send it in a field named `file`")
        if other := sorted(set(form.keys()) - {"file"}):
            raise HTTPException(422, f"unexpected form fields {other!r:.100}: send only the field `file`")
        name = upload.filename or "document.txt"
        if suffix_of(name) not in SUPPORTED_SUFFIXES:
            raise HTTPException(415, f"unsupported file type {suffix_of(name) or '(none)'!r} of {name[:100]!r}: "
                                     f"use one of {', '.join(SUPPORTED_SUFFIXES)}")
        collection.check_size(upload.size or 0)
        return name, await upload.read(collection.max_upload_bytes + 1)
    if kind == "application/json":
        try:
            body = TextDocument.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from None
        title = " ".join(body.title.split())  # one line, kept whole: a "# " headline is the title at any length
        name = re.sub(r"[\\/]+", " ", title[:80])  # a title is no path: "Budget 2024/2025" is no file "2025.txt"
        return f"{name}.txt", f"# {title}\n\n{body.text.strip()}\n".encode()
    raise HTTPException(415, "send the document as multipart/form-data (a field named `file`) "
                             "or as application/json {\"title\": ..., \"text\": ...}")


async def finished(future: Future[T]) -> T:
    """Wait for a queued write without holding a worker thread (readers keep theirs)."""
    return await asyncio.wrap_future(future)


class Unknown:
    """Any method under /api that no route takes: 405 with Allow on a known path, else 404 (not the chat's).

    A plain ASGI app, not a function, so that its route takes every method (TRACE, QUERY, ... included).
    """

    def __init__(self, routes: list[BaseRoute]) -> None:
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        allowed = sorted({m for r in self.routes if r.matches(scope)[0] == Match.PARTIAL
                          for m in getattr(r, "methods", ())})
        if allowed:
            response = JSONResponse({"detail": f"{scope['method']} is not allowed here: use {', '.join(allowed)}"},
                                    status_code=405, headers={"Allow": ", ".join(allowed)})
        else:
            response = JSONResponse({"detail": f"no endpoint {scope['path']}: /docs lists them"}, status_code=404)
        await response(scope, receive, send)


def create_app(engine: Engine) -> FastAPI:
    collection = engine.collection
    app = FastAPI(title="Ask the documents", version=__version__,
                  description="Questions answered with passages quoted from the documents, each with its citation.",
                  docs_url=None, redoc_url=None)
    add_docs(app)  # /docs and /redoc, their scripts served from here

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        if request.url.path == "/api/ask" and not is_json(request.headers.get("content-type", "")):
            # FastAPI hands a body of another type on as bytes: "Input should be a valid dictionary" says nothing
            return JSONResponse(status_code=415, content={"detail": (
                "send the question as JSON with the header `Content-Type: application/json`, such as "
                f"{EXAMPLES['/api/ask']}")})
        body_errors = [e for e in exc.errors() if e.get("type") == "json_invalid"]
        return JSONResponse(status_code=400 if body_errors else 422,
                            content={"detail": describe(exc, request.url.path)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        path = request.url.path
        if exc.status_code == 400 and path in EXAMPLES and (why := unreadable_json(exc.__cause__)) is not None:
            return JSONResponse(status_code=400, content={
                "detail": f"the body is not valid JSON ({why}): send a JSON object such as {EXAMPLES[path]}"})
        return JSONResponse(status_code=exc.status_code, content={"detail": str(exc.detail)}, headers=exc.headers)

    @app.exception_handler(TooLarge)
    async def too_large(_: Request, exc: TooLarge) -> JSONResponse:
        return JSONResponse(status_code=413, content={"detail": f"the document was not added: {exc} "
                                                                      "(QA_MAX_UPLOAD_MB sets the limit)"})

    @app.exception_handler(ReadError)
    async def unreadable(_: Request, exc: ReadError) -> JSONResponse:
        return JSONResponse(status_code=415 if isinstance(exc, UnsupportedType) else 422, content={"detail": str(exc)})

    @app.exception_handler(Busy)
    async def busy(_: Request, exc: Busy) -> JSONResponse:
        return JSONResponse(status_code=429, content={"detail": str(exc)},
                            headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(LockBusy)
    async def locked(_: Request, exc: LockBusy) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(exc)}, headers={"Retry-After": "30"})

    @app.post("/api/ask", response_model=AskResponse, summary="Ask a question; get cited passages",
              responses={**BAD_BODY, 415: error(415, "the body is not JSON (Content-Type: application/json)")})
    def ask(request: AskRequest) -> AskResponse:
        try:
            return to_response(engine.ask(request.question, request.turns(), request.top_k, request.documents))
        except UnknownDocuments as exc:
            raise HTTPException(422, f"documents: {exc}") from None

    @app.get("/api/health", response_model=Health, response_model_exclude_none=True, responses={503: {
        "model": Health,
        "description": "the first index is being built (status indexing, its progress) or failed (status failed)"}})
    def health(response: Response) -> Health:
        building = engine.collection.building
        if building is not None:
            response.status_code = 503
            response.headers["Retry-After"] = "5"
            return Health(status="failed" if building.failed else "indexing", documents=0, passages=0,
                          progress=str(building))
        index = engine.index
        return Health(status="ok", documents=len(index.documents()), passages=len(index))

    @app.get("/api/documents", response_model=list[DocumentOut], summary="The documents being searched")
    def documents() -> list[DocumentOut]:
        return [out(d) for d in engine.index.documents()]

    @app.get("/api/documents/{doc_id}", response_model=DocumentText | DocumentOut,
             summary="One document; with ?text=true its text too", responses={**NOT_FOUND, 422: BAD_BODY[422]})
    def document(doc_id: str, text: bool = Query(False, description="include the document's text")) -> DocumentOut:
        found = engine.index.document(doc_id)
        body = engine.index.document_text(doc_id) if found is not None and text else None
        if found is None or (text and body is None):
            raise HTTPException(404, f"no document with id {doc_id!r}: GET /api/documents lists the ids")
        return DocumentText(**out(found).model_dump(), text=body) if body is not None else out(found)

    @app.get("/api/documents/{doc_id}/file", summary="The document's original file, as it was added",
             response_class=FileResponse, responses={**NOT_FOUND, 422: BAD_BODY[422], 200: {"description": (
                 "the file: a PDF, text and Markdown shown in the browser (a PDF opens at a cited page with "
                 "#page=N, the passage's `page`), HTML shown with its scripts off, a Word file downloaded"),
                 "content": {media: {} for media in sorted(set(ORIGINAL_TYPES.values()))}}})
    def original(doc_id: str) -> Response:
        file = collection.original(doc_id)
        if file is None:
            raise HTTPException(404, f"no document with id {doc_id!r} whose file is still there: "
                                     "GET /api/documents lists the ids")
        return original_response(file)

    # A page for people (the chat's "Open the document here"), not part of the JSON API: kept out of the schema.
    @app.get("/view/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def view(doc_id: str, start: int | None = Query(None, ge=0), end: int | None = Query(None, ge=0)) -> HTMLResponse:
        found = engine.index.document(doc_id)
        body = engine.index.document_text(doc_id) if found is not None else None
        if found is None or body is None:  # a page for the browser a citation's link opened, not JSON
            return HTMLResponse(missing_page(doc_id), status_code=404)
        if start is not None and end is not None and not start <= end <= len(body):
            return HTMLResponse(document_page(found.title, body, None, None, original=original_url(doc_id), problem=(
                f"The link's span, characters {start}–{end}, is not in this document ({len(body)} characters): "
                "it is shown without a mark.")))
        return HTMLResponse(document_page(found.title, body, start, end, original=original_url(doc_id)))

    @app.post("/api/documents", response_model=DocumentOut, status_code=201,
              summary="Add a document: a file upload (multipart field `file`) or JSON {title, text}",
              responses={200: {"description": "the same content was already there: the existing document",
                               "model": DocumentOut},
                         **BAD_BODY, 413: error(413, "larger than the size limit (QA_MAX_UPLOAD_MB)"),
                         415: error(415, f"unsupported file type: send {', '.join(SUPPORTED_SUFFIXES)}"),
                         422: error(422, "empty, unreadable, or no text to search"), **BUSY},
              openapi_extra={"requestBody": {"required": True, "content": {
                  "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                                     "additionalProperties": False, "properties": {
                      "file": {"type": "string", "format": "binary",
                               "description": f"the file, named with one of {', '.join(SUPPORTED_SUFFIXES)}"}}}},
                  "application/json": {"schema": TextDocument.model_json_schema()}}}})
    async def add_document(request: Request) -> JSONResponse:
        name, data = await read_upload(request, collection)
        doc, created = await finished(await run_in_threadpool(collection.submit_add, name, data))
        return JSONResponse(out(doc).model_dump(), status_code=201 if created else 200)

    @app.delete("/api/documents/{doc_id}", status_code=204, summary="Remove a document; it is never cited again",
                responses={**NOT_FOUND, 422: BAD_BODY[422], **BUSY})
    async def remove_document(doc_id: str) -> Response:
        if not await finished(collection.submit_remove(doc_id)):
            raise HTTPException(404, f"no document with id {doc_id!r}: GET /api/documents lists the ids")
        return Response(status_code=204)

    api_routes = list(app.routes)

    for path in ("/api", "/api/{rest:path}"):  # "/api" alone too: else the chat's mount answers its bare 404
        app.router.routes.append(Route(path, Unknown(api_routes), include_in_schema=False))
    return app
