"""The HTTP API (FastAPI): ask, health, and add/list/remove documents, with 4xx errors that say what to fix."""
from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from qa import __version__
from qa.api_docs import add_docs
from qa.engine import Engine, UnknownDocuments
from qa.readers import ReadError
from qa.render import document_page
from qa.schema import AskRequest, AskResponse, DocumentOut, DocumentText, Health, TextDocument, to_response
from qa.store import DocumentInfo

log = logging.getLogger(__name__)


def describe(exc: RequestValidationError) -> str:
    """One readable sentence per problem, e.g. "top_k: must be at most 20 (got 50)"."""
    problems = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "request body"
        kind = error.get("type", "")
        if kind == "json_invalid":
            problems.append(f"the body is not valid JSON ({error.get('ctx', {}).get('error', 'parse error')}): "
                            "send a JSON object such as {\"question\": \"...\"}")
            continue
        message = error.get("msg", "is invalid").removeprefix("Value error, ")
        if kind == "missing":
            message = "is required"
        elif kind == "extra_forbidden":
            message = "is not a known field (the schema at /docs lists the fields)"
        got = error.get("input")
        shown = f" (got {got!r:.60})" if kind not in ("missing", "model_attributes_type") and got is not None else ""
        problems.append(f"{where}: {message}{shown}")
    return "; ".join(problems) or "the request is invalid"


def out(doc: DocumentInfo) -> DocumentOut:
    return DocumentOut(id=doc.id, title=doc.title, path=doc.path, passages=doc.passages)


async def read_upload(request: Request, limit: int) -> tuple[str, bytes]:
    """(file name, bytes) of a multipart upload (field `file`) or a JSON {title, text}; 4xx for anything else."""
    too_large = HTTPException(413, f"the document is larger than the limit of {limit / 1048576:g} MB "
                                   "(set QA_MAX_UPLOAD_MB to change it)")
    length = request.headers.get("content-length", "0")
    if length.isdigit() and int(length) > limit + 64 * 1024:
        raise too_large
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, StarletteUploadFile):
            raise HTTPException(422, "the multipart form has no file: send it in a field named `file`")
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise too_large
        return upload.filename or "document.txt", data
    if kind == "application/json":
        try:
            body = TextDocument.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from None
        data = f"{body.title.strip()}\n\n{body.text.strip()}\n".encode()
        if len(data) > limit:
            raise too_large
        return f"{body.title.strip()[:80]}.txt", data
    raise HTTPException(415, "send the document as multipart/form-data (a field named `file`) "
                             "or as application/json {\"title\": ..., \"text\": ...}")


def create_app(engine: Engine) -> FastAPI:
    app = FastAPI(title="Ask the documents", version=__version__,
                  description="Questions answered with passages quoted from the documents, each with its citation.",
                  docs_url=None, redoc_url=None)
    add_docs(app)  # /docs and /redoc, their scripts served from here

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        body_errors = [e for e in exc.errors() if e.get("type") == "json_invalid"]
        return JSONResponse(status_code=400 if body_errors else 422, content={"detail": describe(exc)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"detail": str(exc.detail)})

    @app.post("/api/ask", response_model=AskResponse, summary="Ask a question; get cited passages")
    def ask(request: AskRequest) -> AskResponse:
        try:
            return to_response(engine.ask(request.question, request.turns(), request.top_k, request.documents))
        except UnknownDocuments as exc:
            raise HTTPException(422, f"documents: {exc}") from None

    @app.get("/api/health", response_model=Health)
    def health() -> Health:
        index = engine.index
        return Health(status="ok", documents=len(index.documents()), passages=len(index))

    @app.get("/api/documents", response_model=list[DocumentOut], summary="The documents being searched")
    def documents() -> list[DocumentOut]:
        return [out(d) for d in engine.index.documents()]

    @app.get("/api/documents/{doc_id}", response_model=DocumentText | DocumentOut,
             summary="One document; with ?text=true its text too", responses={404: {"description": "no such id"}})
    def document(doc_id: str, text: bool = Query(False, description="include the document's text")) -> DocumentOut:
        found = engine.index.document(doc_id)
        body = engine.index.document_text(doc_id) if found is not None and text else None
        if found is None or (text and body is None):
            raise HTTPException(404, f"no document with id {doc_id!r}: GET /api/documents lists the ids")
        return DocumentText(**out(found).model_dump(), text=body) if body is not None else out(found)

    @app.get("/view/{doc_id}", response_class=HTMLResponse, summary="Read a document, a cited passage marked",
             responses={404: {"description": "no such id"}})
    def view(doc_id: str, start: int | None = Query(None, ge=0, description="the passage's start offset"),
             end: int | None = Query(None, ge=0, description="the passage's end offset")) -> HTMLResponse:
        found = engine.index.document(doc_id)
        body = engine.index.document_text(doc_id) if found is not None else None
        if found is None or body is None:
            raise HTTPException(404, f"no document with id {doc_id!r}: GET /api/documents lists the ids")
        if start is not None and end is not None and not start <= end <= len(body):
            raise HTTPException(422, f"start and end must satisfy 0 <= start <= end <= {len(body)}, "
                                     f"the document's length (got {start}, {end})")
        return HTMLResponse(document_page(found.title, body, start, end))

    @app.post("/api/documents", response_model=DocumentOut, status_code=201,
              summary="Add a document: a file upload (multipart field `file`) or JSON {title, text}",
              responses={200: {"description": "the same content was already there: the existing document"},
                         413: {"description": "larger than the size limit"},
                         415: {"description": "unsupported file type"},
                         422: {"description": "empty, unreadable, or no text to search"}},
              openapi_extra={"requestBody": {"required": True, "content": {
                  "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                      "file": {"type": "string", "format": "binary"}}}},
                  "application/json": {"schema": TextDocument.model_json_schema()}}}})
    async def add_document(request: Request) -> JSONResponse:
        name, data = await read_upload(request, int(engine.settings.max_upload_mb * 1024 * 1024))
        try:
            doc, created = await run_in_threadpool(engine.add, name, data)
        except ReadError as exc:
            raise HTTPException(exc.status, str(exc)) from None
        return JSONResponse(out(doc).model_dump(), status_code=201 if created else 200)

    @app.delete("/api/documents/{doc_id}", status_code=204, summary="Remove a document; it is never cited again",
                responses={404: {"description": "no document with that id"}})
    async def remove_document(doc_id: str) -> Response:
        if not await run_in_threadpool(engine.remove, doc_id):
            raise HTTPException(404, f"no document with id {doc_id!r}: GET /api/documents lists the ids")
        return Response(status_code=204)

    return app
