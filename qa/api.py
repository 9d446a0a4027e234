"""The HTTP API (FastAPI): ask, health and documents, with 4xx errors that say what to fix."""
from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from qa import __version__
from qa.engine import Engine
from qa.schema import AskRequest, AskResponse, DocumentOut, Health, to_response

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
            message = "is not a known field (use question, history, top_k)"
        got = error.get("input")
        shown = f" (got {got!r:.60})" if kind not in ("missing", "model_attributes_type") and got is not None else ""
        problems.append(f"{where}: {message}{shown}")
    return "; ".join(problems) or "the request is invalid"


def create_app(engine: Engine) -> FastAPI:
    app = FastAPI(title="Ask the documents", version=__version__,
                  description="Questions answered with passages quoted from the documents, each with its citation.")

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        body_errors = [e for e in exc.errors() if e.get("type") == "json_invalid"]
        return JSONResponse(status_code=400 if body_errors else 422, content={"detail": describe(exc)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"detail": str(exc.detail)})

    @app.post("/api/ask", response_model=AskResponse, summary="Ask a question; get cited passages")
    def ask(request: AskRequest) -> AskResponse:
        return to_response(engine.ask(request.question, request.turns(), request.top_k))

    @app.get("/api/health", response_model=Health)
    def health() -> Health:
        index = engine.index
        return Health(status="ok", documents=len(index.documents()), passages=len(index))

    @app.get("/api/documents", response_model=list[DocumentOut], summary="The documents being searched")
    def documents() -> list[DocumentOut]:
        return [DocumentOut(id=d.id, title=d.title, path=d.path, passages=d.passages) for d in engine.index.documents()]

    @app.get("/api/documents/{doc_id}", response_model=DocumentOut)
    def document(doc_id: str) -> DocumentOut:
        found = engine.index.document(doc_id)
        if found is None:
            raise HTTPException(404, f"no document with id {doc_id!r}: GET /api/documents lists the ids")
        return DocumentOut(id=found.id, title=found.title, path=found.path, passages=found.passages)

    return app
