"""/docs: Swagger UI for the ingest API, served whole by the app itself.

FastAPI's page loads Swagger UI's script and style from a CDN, so without a way out
to the internet it is blank. Its assets come here from the `fastapi-swagger` package
instead, which vendors swagger-ui's distribution files and follows its releases; the
page is FastAPI's own, pointed at them, with a Content-Security-Policy that allows
this origin and the page's one inline script by hash, and nothing remote.
"""

# No `from __future__ import annotations` here: FastAPI reads these annotations at run time.

import gzip
import hashlib
import re
from base64 import b64encode
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from syndicate.web.files import not_modified

PACKAGE = "fastapi_swagger.resources"  # where fastapi-swagger keeps swagger-ui's files
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
PATH = "/docs"
# No validator badge: swagger-ui would fetch it from validator.swagger.io for a document
# served from any host but localhost or 127.0.0.1.
PARAMETERS = {"validatorUrl": None}
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)

router = APIRouter(include_in_schema=False)


@router.get(PATH)
def docs(request: Request) -> HTMLResponse:
    """Swagger UI, its script, style and icon from this app."""
    app = request.app
    root = request.scope.get("root_path", "").rstrip("/")
    page = get_swagger_ui_html(
        openapi_url=root + (app.openapi_url or ""),
        title=f"{app.title} - Swagger UI",
        swagger_js_url=f"{root}{PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{PATH}/swagger-ui.css",
        swagger_favicon_url=f"{root}{PATH}/favicon-32x32.png",
        swagger_ui_parameters=PARAMETERS,
    )
    page.headers["Content-Security-Policy"] = docs_csp(bytes(page.body))
    return page


def docs_csp(page: bytes) -> str:
    """/docs's policy: script, style and icon from this origin only, and the page's one
    inline script by its hash; its calls go to this origin (the OpenAPI document, "try it
    out"). Swagger UI sets styles through the DOM, which style-src does not govern, so no
    inline style is allowed (tests/integration/test_browser.py watches for refusals)."""
    inline = " ".join(
        "'sha256-" + b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(page)
    )
    return (
        f"default-src 'none'; script-src 'self' {inline}; "
        "style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    etag: str
    gzipped: bytes | None  # for text, compressed once


@cache
def asset(name: str) -> Asset:
    """One of swagger-ui's files, read from the package once."""
    body = resources.files(PACKAGE).joinpath(name).read_bytes()
    content_type = ASSETS[name]
    text = content_type.startswith("text/")
    return Asset(
        body=body,
        content_type=content_type,
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        gzipped=gzip.compress(body, compresslevel=6, mtime=0) if text else None,
    )


@router.api_route(PATH + "/{name}", methods=["GET", "HEAD"])
def docs_asset(name: str, request: Request) -> Response:
    """A file of swagger-ui: revalidated on every use (its ETag changes with the package's
    version, its path does not), gzipped when the client takes it."""
    if name not in ASSETS:
        raise HTTPException(404, "no such file of the API documentation")
    found = asset(name)
    headers = {"ETag": found.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if not_modified(request, found.etag, None):
        return Response(status_code=304, headers=headers)
    body = found.body
    if found.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        body = found.gzipped
        headers["Content-Encoding"] = "gzip"
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(status_code=200, headers=headers, media_type=found.content_type)
    return Response(body, headers=headers, media_type=found.content_type)
