"""The API's docs pages, Swagger UI at /docs and ReDoc at /redoc, with every asset served by this server.

FastAPI's own pages load their scripts from a CDN (and ReDoc its fonts from a font service), so offline they
are blank. The scripts here come from the `fastapi-offline` package, which ships Swagger UI and ReDoc's
bundles; the pages are FastAPI's, pointed at them (its "self-hosting JavaScript and CSS for docs" recipe).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"  # swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js
ASSETS_URL = "/api-docs-assets"
REDOC_URL = "/api-docs-redoc.js"
# ReDoc's bundle shows a "by Redocly" logo fetched from its CDN: that one image comes from here instead.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@cache
def redoc_bundle() -> bytes:
    """ReDoc's standalone bundle with its one outside request (the logo) pointed at this server."""
    bundle = (ASSETS / "redoc.standalone.js").read_bytes()
    return bundle.replace(REDOC_LOGO.encode(), f"{ASSETS_URL}/favicon.png".encode())


def add_docs(app: FastAPI) -> None:
    """Serve /docs and /redoc from local assets; create the app with docs_url=None and redoc_url=None."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="api-docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=openapi_url, title=f"{app.title}: API (Swagger UI)",
                                   oauth2_redirect_url=redirect_url,
                                   swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS_URL}/favicon.png")

    @app.get(redirect_url, include_in_schema=False)
    def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_URL, include_in_schema=False)
    def redoc_script() -> Response:
        return Response(redoc_bundle(), media_type="text/javascript", headers={"cache-control": "max-age=86400"})

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=openapi_url, title=f"{app.title}: API (ReDoc)",
                              redoc_js_url=REDOC_URL,
                              redoc_favicon_url=f"{ASSETS_URL}/favicon.png", with_google_fonts=False)
