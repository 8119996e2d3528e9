"""The app factory: the ingest API, the home page, the operations pages, the API's
documentation and the published files, behind the guards every request passes
(syndicate.guard).

FastAPI, because the ingest API's OpenAPI document must be served and stay
accurate, and FastAPI derives it from the same declarations that route and
check requests; it runs on Starlette, which serves the files.
"""

# No `from __future__ import annotations` here: FastAPI reads these annotations at run time.

import logging
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy.exc import InterfaceError, OperationalError

from syndicate.guard import EVERY_RESPONSE, Deadline, SecurityHeaders
from syndicate.render import pages
from syndicate.store import Store, unavailable
from syndicate.web import api, docs, files, home, ops

log = logging.getLogger(__name__)


def create_app(
    store: Store,
    out_dir: Path | None = None,
    nudge: api.Nudge | None = None,
    broker_check: ops.BrokerCheck | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """The app for a store; `nudge(store, story_ids)` tells the workers after each write,
    `broker_check()` says whether their broker answers (the composition root, the CLI,
    passes the workers' own); `clock` (seconds, monotonic) drives the rate limits."""
    http = store.settings.http
    app = FastAPI(
        title="syndicate",
        version="0.1.0",
        description="Ingest API (FORMAT.md objects) and the published feeds and sitemaps.",
        docs_url=None,  # served by web.docs, with its assets and a policy of its own
        redoc_url=None,
    )
    # the innermost first: the deadline's 503 gets the security headers too
    app.add_middleware(Deadline, seconds=http.request_timeout.total_seconds())
    app.add_middleware(SecurityHeaders, pages_csp=pages.content_security_policy(), hsts=http.hsts)
    app.add_exception_handler(OperationalError, database_unavailable)
    app.add_exception_handler(InterfaceError, database_unavailable)
    app.add_exception_handler(Exception, server_error)
    api.mount(app, store, nudge, clock)
    home.mount(app, store.settings)
    ops.mount(app, store, broker_check)
    app.include_router(docs.router)
    files.mount(app, Path(out_dir or store.settings.output_dir), http)
    return app


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """A write or key lookup the database could not serve (restarting, unreachable, locked):
    503 with Retry-After, not 500. Every API write is idempotent, so the client retries;
    a write whose commit was under way when the connection dropped may have landed.
    Anything else (SQLite's "no such table" is an OperationalError too) stays a 500."""
    if not unavailable(exc):
        raise exc
    log.warning(
        "database unavailable",
        extra={"fields": {"path": request.url.path, "error": exc.__class__.__name__}},
    )
    return JSONResponse(
        {"detail": "the database is unavailable; retry later (writes are idempotent)"},
        status_code=503,
        headers={"Retry-After": "2"},
    )


async def server_error(request: Request, exc: Exception) -> PlainTextResponse:
    # Starlette answers 500 outside every middleware: the headers are set here
    return PlainTextResponse("Internal Server Error", 500, headers=EVERY_RESPONSE)


def server_config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    """uvicorn as `syndicate serve` runs it. Its logs go through ours (syndicate.logs, so
    `--log-format json` covers them; the access log is at INFO: `-v`). Neither logs a
    request's headers, so an API key, which travels only in Authorization, is never
    logged. Behind a proxy, X-Forwarded-For and -Proto are trusted from the addresses in
    FORWARDED_ALLOW_IPS (default 127.0.0.1): the client address of the rate limits, and
    the scheme that decides HSTS."""
    return uvicorn.Config(app, host=host, port=port, log_config=None, access_log=True)
