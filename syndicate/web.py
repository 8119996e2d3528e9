"""The HTTP app: the ingest API (bearer API keys) and the published files.

FastAPI, because the ingest API's OpenAPI document must be served and stay
accurate, and FastAPI derives it from the same declarations that route and
check requests; it runs on Starlette, which serves the files. Bodies are
FORMAT.md objects validated by the same code as `syndicate import`, so the
API and the CLI accept and reject exactly the same things.

Served files carry ETag and Last-Modified from the manifest, answer
conditional requests with 304, HEAD, gzip when asked, and the content types
feed readers expect: what nginx does in production (config/nginx.conf).
"""

# No `from __future__ import annotations` here: FastAPI reads these annotations at run time.

import asyncio
import gzip
import hashlib
import json
import logging
import re
import time
from base64 import b64encode
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from lxml import etree
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.concurrency import run_in_threadpool

from syndicate import i18n, plan
from syndicate.config import HttpSettings
from syndicate.guard import EVERY_RESPONSE, Deadline, SecurityHeaders, TokenBuckets, retry_after
from syndicate.i18n import _
from syndicate.ingest import Record, RecordError, StoryIn, load_json, parse_object, read_ndjson
from syndicate.model import ApiKey, BreakingItem, Outbox, Output, PublishLog
from syndicate.render import pages
from syndicate.store import Store, unavailable
from syndicate.targets import UnsafePath, safe_join

log = logging.getLogger(__name__)

BROWSER_XML = ("application/rss+xml", "application/atom+xml")
FEED_TYPES = (*BROWSER_XML, "application/feed+json")
COMPRESSIBLE = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/xml",
    "application/json",
    "text/",
)


class Applied(BaseModel):
    id: str
    changed: bool


class Problem(BaseModel):
    line: int | None = None
    id: str
    field: str
    reason: str


class BulkResult(BaseModel):
    applied: int
    unchanged: int
    rejected: list[Problem]


class Health(BaseModel):
    status: str  # ok | degraded (broker or workers) | unavailable (database)
    database: bool
    broker: bool | None  # None: no broker to check (no workers configured)
    last_publish_seconds: float | None  # a worker heartbeat: every tick publishes
    outbox_depth: int
    oldest_dirty_seconds: float | None


API_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no API key, or an unknown or revoked one"},
    429: {"description": "over the key's rate limit, or too many failed keys from this address"},
    503: {
        "description": "the request took longer than http.request_timeout, or the database "
        "could not be reached (a restart, a lock held too long); retry after Retry-After"
    },
}


def create_app(
    store: Store,
    out_dir: Path | None = None,
    nudge: Callable[[Store, set[str]], None] | None = None,
    broker_check: Callable[[], bool] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """The app for a store; `nudge(store, story_ids)` tells the workers after each write;
    `clock` (seconds, monotonic) drives the rate limits."""
    settings = store.settings
    http = settings.http
    root = Path(out_dir or settings.output_dir)
    app = FastAPI(
        title="syndicate",
        version="0.1.0",
        description="Ingest API (FORMAT.md objects) and the published feeds and sitemaps.",
        docs_url=None,  # served below, with a Content-Security-Policy of its own
        redoc_url=None,
    )
    # the innermost first: the deadline's 503 gets the security headers too
    app.add_middleware(Deadline, seconds=http.request_timeout.total_seconds())
    app.add_middleware(SecurityHeaders, pages_csp=pages.content_security_policy(), hsts=http.hsts)
    bearer = HTTPBearer(auto_error=False)
    manifest = _Manifest(root, http)
    per_key = TokenBuckets(http.rate_limit, http.rate_burst, clock)
    failures = TokenBuckets(http.auth_failure_limit, http.auth_failure_limit, clock)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
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

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> PlainTextResponse:
        # Starlette answers 500 outside every middleware: the headers are set here
        return PlainTextResponse("Internal Server Error", 500, headers=EVERY_RESPONSE)

    def api_key(
        request: Request,
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> ApiKey:
        """The request's key. An address that failed too often is refused before its key
        is looked at (else guessing would go on at full speed, learning from 200 or 429);
        a key over its rate is refused after. Neither the key nor its prefix is logged."""
        client = request.client.host if request.client else "-"
        wait = failures.wait(client)
        if wait:
            raise HTTPException(
                429,
                "too many failed authentications from this address",
                headers={"Retry-After": retry_after(wait)},
            )
        key = None
        if creds is not None and creds.scheme.lower() == "bearer":
            with store.session() as s:
                key = store.find_key(s, creds.credentials)
        if key is None:
            failures.take(client)
            reason = "missing" if creds is None else "unknown or revoked"
            log.warning(
                "api key rejected",
                extra={"fields": {"client": client, "reason": reason, "path": request.url.path}},
            )
            raise HTTPException(
                401,
                "an API key is required (Authorization: Bearer KEY)"
                if creds is None
                else "unknown or revoked API key",
                headers={"WWW-Authenticate": "Bearer"},
            )
        wait = per_key.take(key.id)
        if wait:
            log.info("api key over its rate", extra={"fields": {"key_id": key.id}})
            raise HTTPException(
                429,
                f"over this key's rate limit ({http.rate_limit} requests a minute)",
                headers={"Retry-After": retry_after(wait)},
            )
        return key

    Key = Annotated[ApiKey, Depends(api_key)]

    def check_scope(key: ApiKey, record: Record) -> None:
        if key.langs is None:
            return
        allowed = set(key.langs.split(","))
        langs = {v.lang for v in record.variants} if isinstance(record, StoryIn) else {record.lang}
        outside = sorted(langs - allowed)
        if outside:
            raise HTTPException(
                403,
                f"this key may not write {', '.join(outside)} "
                f"(allowed: {', '.join(sorted(allowed))})",
            )

    def apply(record: Record) -> bool:
        now = datetime.now(UTC)
        with store.writing() as s:
            changed = store.apply(s, record, now)
        if changed and nudge is not None:
            nudge(store, {record.id})
        return changed

    async def read_body(request: Request, limit: int) -> bytes:
        """The body, at most `limit` bytes (declared or not: chunked bodies are counted as
        they arrive), all of it within http.body_timeout (a slow client holds no handler)."""
        too_big = HTTPException(
            413, f"the body is over {limit} bytes", headers={"Connection": "close"}
        )
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        seconds = http.body_timeout.total_seconds()
        try:
            async with asyncio.timeout(seconds):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        raise too_big
                    chunks.append(chunk)
        except TimeoutError:
            raise HTTPException(
                408,
                f"the body did not arrive within {seconds:g} s",
                headers={"Connection": "close"},
            ) from None
        return b"".join(chunks)

    def parse(body: bytes, kind: str, record_id: str) -> Record:
        try:
            obj = load_json(body)
        except ValueError as e:
            raise HTTPException(422, [{"loc": ["body"], "msg": str(e), "type": "json"}]) from None
        if isinstance(obj, dict):
            obj.setdefault("type", kind)
            obj.setdefault("id", record_id)
        try:
            record = parse_object(obj, settings)
        except RecordError as e:
            raise HTTPException(
                422,
                [
                    {"loc": ["body", *f.split(".")], "msg": r, "type": "format"}
                    for f, r in e.problems
                ],
            ) from None
        kind_of = "story" if isinstance(record, StoryIn) else "breaking"
        if kind_of != kind:
            raise HTTPException(
                422, [{"loc": ["body", "type"], "msg": f"must be '{kind}'", "type": "format"}]
            )
        if record.id != record_id:
            raise HTTPException(
                422,
                [
                    {
                        "loc": ["body", "id"],
                        "msg": f"must be {record_id!r}, the id in the path",
                        "type": "format",
                    }
                ],
            )
        return record

    def body_doc(kind: str) -> dict[str, Any]:
        """The request body in the OpenAPI document (read and checked by ingest, not pydantic)."""
        return {
            "requestBody": {
                "required": True,
                "description": (f"A FORMAT.md `{kind}` object; `type` and `id` may be left out."),
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }

    @app.put(
        "/api/stories/{story_id}",
        response_model=Applied,
        tags=["ingest"],
        responses={**API_ERRORS, 403: {}, 408: {}, 413: {}, 422: {}},
        openapi_extra=body_doc("story"),
    )
    async def put_story(story_id: str, request: Request, key: Key) -> Applied:
        """Create or replace a story (its section, regions, coverage; its variants by language)."""
        record = parse(await read_body(request, http.max_body), "story", story_id)
        check_scope(key, record)
        return Applied(id=story_id, changed=await run_in_threadpool(apply, record))

    @app.delete(
        "/api/stories/{story_id}",
        response_model=Applied,
        tags=["ingest"],
        responses={**API_ERRORS, 403: {}, 404: {}},
    )
    def delete_story(story_id: str, key: Key) -> Applied:
        """Retract a story in every language: it leaves every output at the next publish."""
        if key.langs is not None:
            raise HTTPException(403, "only a key for every language may retract a whole story")
        now = datetime.now(UTC)
        with store.writing() as s:
            changed = store.retract_story(s, story_id, now)
        if changed is None:
            raise HTTPException(404, f"no story {story_id!r}")
        if changed and nudge is not None:
            nudge(store, {story_id})
        return Applied(id=story_id, changed=changed)

    @app.put(
        "/api/breaking/{item_id}",
        response_model=Applied,
        tags=["ingest"],
        responses={**API_ERRORS, 403: {}, 408: {}, 413: {}, 422: {}},
        openapi_extra=body_doc("breaking"),
    )
    async def put_breaking(item_id: str, request: Request, key: Key) -> Applied:
        """Create or replace a breaking-news ticker item."""
        record = parse(await read_body(request, http.max_body), "breaking", item_id)
        check_scope(key, record)
        return Applied(id=item_id, changed=await run_in_threadpool(apply, record))

    @app.delete(
        "/api/breaking/{item_id}",
        response_model=Applied,
        tags=["ingest"],
        responses={**API_ERRORS, 403: {}, 404: {}},
    )
    def delete_breaking(item_id: str, key: Key) -> Applied:
        """Withdraw a breaking item at once."""
        now = datetime.now(UTC)
        with store.writing() as s:
            row = s.get(BreakingItem, item_id)
            if row is None:
                raise HTTPException(404, f"no breaking item {item_id!r}")
            if key.langs is not None and row.lang not in key.langs.split(","):
                raise HTTPException(403, f"this key may not write {row.lang}")
            changed = bool(store.withdraw_breaking(s, item_id, now))
        if changed and nudge is not None:
            nudge(store, set())
        return Applied(id=item_id, changed=changed)

    @app.post(
        "/api/import",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-ndjson": {
                        "schema": {
                            "type": "string",
                            "description": "FORMAT.md objects, one per line",
                        }
                    }
                },
            }
        },
        response_model=BulkResult,
        tags=["ingest"],
        responses={**API_ERRORS, 403: {}, 408: {}, 413: {}, 422: {"model": BulkResult}},
    )
    async def bulk(request: Request, key: Key) -> Response:
        """Apply an NDJSON batch (FORMAT.md, one object a line), as `syndicate import` does.

        Valid records are applied even when others are rejected; the answer is
        422 when any was, listing each with its line, id, field and reason.
        """
        body = await read_body(request, http.max_bulk)
        try:
            lines = body.decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            raise HTTPException(422, "the body is not UTF-8") from None
        result = await run_in_threadpool(import_lines, lines, key)
        return JSONResponse(result.model_dump(), status_code=422 if result.rejected else 200)

    def import_lines(lines: list[str], key: ApiKey) -> BulkResult:
        result = BulkResult(applied=0, unchanged=0, rejected=[])
        changed_ids: set[str] = set()
        now = datetime.now(UTC)
        with store.writing() as s:
            for line in read_ndjson(lines, settings):
                if line.error is not None:
                    result.rejected += [
                        Problem(line=line.number, id=line.error.record_id, field=f, reason=r)
                        for f, r in line.error.problems
                    ]
                    continue
                assert line.record is not None
                try:
                    check_scope(key, line.record)
                except HTTPException as e:
                    result.rejected.append(
                        Problem(
                            line=line.number, id=line.record.id, field="lang", reason=str(e.detail)
                        )
                    )
                    continue
                with s.begin_nested():
                    if store.apply(s, line.record, now):
                        result.applied += 1
                        changed_ids.add(line.record.id)
                    else:
                        result.unchanged += 1
        if changed_ids and nudge is not None:
            nudge(store, changed_ids)
        return result

    @app.get(
        "/healthz",
        response_model=Health,
        tags=["operations"],
        responses={503: {"model": Health, "description": "the database is unavailable"}},
    )
    def healthz() -> JSONResponse:
        """Database, broker, the workers' heartbeat, and how stale the oldest dirty output is."""
        now = datetime.now(UTC)
        depth, oldest, last, ok = 0, None, None, True
        try:
            with store.session() as s:
                depth, oldest = s.execute(select(func.count(), func.min(Outbox.created_at))).one()
                last = s.scalar(select(func.max(PublishLog.at)))
        except Exception:  # the database is down: say so, do not raise
            log.exception("health check: database")
            ok = False
        broker = broker_check() if broker_check else None
        age = (now - last).total_seconds() if last is not None else None
        # idle workers log a publish once a minute (publish.IDLE_HEARTBEAT)
        stale = age is None or age > max(3 * settings.workers.tick.total_seconds(), 90)
        status = "unavailable" if not ok else "degraded" if broker is False or stale else "ok"
        health = Health(
            status=status,
            database=ok,
            broker=broker,
            last_publish_seconds=round(age, 3) if age is not None else None,
            outbox_depth=int(depth or 0),
            oldest_dirty_seconds=round((now - oldest).total_seconds(), 3) if oldest else None,
        )
        return JSONResponse(health.model_dump(), status_code=200 if ok else 503)

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    def metrics() -> PlainTextResponse:
        """Prometheus text format: outbox, outputs per language, recent publishes."""
        return PlainTextResponse(prometheus(store), media_type="text/plain; version=0.0.4")

    @app.get(
        "/status/{lang}",
        tags=["operations"],
        response_class=HTMLResponse,
        responses={404: {"description": "not a configured language"}},
    )
    def status(lang: str) -> HTMLResponse:
        """The status page, in a configured language."""
        code = settings.match_language(lang)
        if code is None:
            raise HTTPException(404, f"no language {lang!r}")
        return HTMLResponse(status_page(store, code))

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        """Swagger UI, with a Content-Security-Policy for what it loads: its script and
        style from the CDN FastAPI names, its one inline script by hash."""
        openapi = request.scope.get("root_path", "").rstrip("/") + (app.openapi_url or "")
        page = get_swagger_ui_html(openapi_url=openapi, title=f"{app.title} - Swagger UI")
        page.headers["Content-Security-Policy"] = docs_csp(bytes(page.body))
        return page

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def serve(path: str, request: Request) -> Response:
        # on the event loop, not a worker thread: reads of published files are small
        # and page-cached, and a thread hop per request halved the request rate
        return manifest.respond(path, request)

    return app


class _Manifest:
    """The published files' headers, from manifest.json (reloaded when it changes)."""

    def __init__(self, root: Path, http: HttpSettings) -> None:
        self.root = root
        self.http = http
        self._mtime: int | None = None
        self._by_path: dict[str, dict[str, Any]] = {}
        self._gzipped: dict[str, bytes] = {}
        self._gone: set[str] = set()
        self._stylesheets: dict[str, str] = {}  # language -> the path of its feed.xsl
        self._xslt: dict[str, tuple[str | None, etree.XSLT]] = {}
        self._pages: dict[str, bytes] = {}  # feed pages for browsers, by the feed's sha256

    def entry(self, rel: str) -> dict[str, Any] | None:
        target = self.root / plan.MANIFEST
        try:
            mtime = target.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        if mtime != self._mtime:
            manifest = json.loads(target.read_text())
            self._by_path = {o["path"]: o for o in manifest["outputs"]}
            self._gone = set(manifest.get("gone", ()))
            self._stylesheets = {
                o["key"].split(":")[1]: o["path"]
                for o in manifest["outputs"]
                if o["key"].startswith("stylesheet:")
            }
            self._mtime = mtime
            self._gzipped.clear()
            self._pages.clear()
        return self._by_path.get(rel)

    def stylesheet(self, entry: dict[str, Any]) -> etree.XSLT | None:
        """The compiled XSL stylesheet of a feed's language (None before one is published)."""
        lang = str(entry.get("key", "")).split(":")[1:2]
        rel = self._stylesheets.get(lang[0]) if lang else None
        if rel is None:
            return None
        found = self.entry(rel)
        sha = found.get("sha256") if found else None
        cached = self._xslt.get(rel)
        if cached is None or cached[0] != sha:
            try:
                parser = etree.XMLParser(resolve_entities=False, no_network=True)
                xslt = etree.XSLT(
                    etree.parse(str(self.root / rel), parser),
                    access_control=etree.XSLTAccessControl.DENY_ALL,
                )
            except (OSError, etree.XMLSyntaxError, etree.XSLTParseError):
                log.exception("stylesheet unusable", extra={"fields": {"path": rel}})
                return None
            cached = self._xslt[rel] = (sha, xslt)
        return cached[1]

    def as_page(self, entry: dict[str, Any], data: bytes) -> bytes:
        key = (entry.get("sha256") or entry["path"]) + "-html"
        cached = self._pages.get(key)
        if cached is None:
            xslt = self.stylesheet(entry)
            assert xslt is not None
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            doc = xslt(etree.fromstring(data, parser).getroottree())
            cached = b"<!DOCTYPE html>\n" + bytes(doc)
            if len(self._pages) > 256:
                self._pages.clear()
            self._pages[key] = cached
        return cached

    def cache_control(self, entry: dict[str, Any]) -> str:
        try:
            key = plan.OutputKey.parse(entry.get("key") or "")
        except ValueError:
            return self.http.cache_control["default"]
        return self.http.cache_control_for(key.kind, key.scope)

    def respond(self, path: str, request: Request) -> Response:
        rel = path.strip("/") or "index.html"
        try:
            target = safe_join(self.root, rel)
        except UnsafePath:
            raise HTTPException(404) from None
        entry = self.entry(rel)
        if entry is None and self.entry(f"{rel}/index.html") is not None:  # a directory's page
            rel = f"{rel}/index.html"
            target = safe_join(self.root, rel)
            entry = self.entry(rel)
        if entry is None and rel == plan.MANIFEST and target.exists():
            entry = {"content_type": "application/json", "etag": None, "last_modified": None}
        if entry is None and rel in self._gone:
            raise HTTPException(410, "this output was published and has been removed")
        if entry is None or not target.is_file():
            raise HTTPException(404, "no such output")
        content_type = entry["content_type"]
        etag = entry.get("etag")
        vary = "Accept-Encoding"
        page = False
        if content_type.startswith(BROWSER_XML):
            # A browser shows rss+xml and atom+xml as plain text (Chromium) or downloads it
            # (Firefox): it gets the page the feed's XSL stylesheet makes of it, rendered here,
            # as browsers are dropping XSLT. Feed readers get the feed.
            vary = "Accept, Accept-Encoding"
            page = _is_browser(request) and self.stylesheet(entry) is not None
            if page:
                content_type = "text/html; charset=utf-8"
                etag = f'{etag[:-1]}-html"' if etag else None
        headers = {"Cache-Control": self.cache_control(entry), "Vary": vary}
        if self.http.cors_feeds and entry["content_type"].startswith(FEED_TYPES):
            headers["Access-Control-Allow-Origin"] = "*"  # public, and no credentials read
        if etag:
            headers["ETag"] = etag
        modified = None
        if entry.get("last_modified"):
            modified = datetime.fromisoformat(entry["last_modified"].replace("Z", "+00:00"))
            headers["Last-Modified"] = format_datetime(modified, usegmt=True)
        if _not_modified(request, etag, modified):
            return Response(status_code=304, headers=headers)
        data = target.read_bytes()
        if page:
            data = self.as_page(entry, data)
        accepts = request.headers.get("accept-encoding", "")
        if "gzip" in accepts and content_type.startswith(COMPRESSIBLE) and len(data) > 512:
            key = (entry.get("sha256") or rel) + ("-html" if page else "")
            zipped = self._gzipped.get(key)
            if zipped is None:
                zipped = self._gzipped[key] = gzip.compress(data, compresslevel=6, mtime=0)
            data = zipped
            headers["Content-Encoding"] = "gzip"
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(data))
            return Response(status_code=200, headers=headers, media_type=content_type)
        return Response(data, headers=headers, media_type=content_type)


# What FastAPI's Swagger UI page loads (fastapi.openapi.docs); a test checks the page.
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_ICON = "https://fastapi.tiangolo.com"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def docs_csp(page: bytes) -> str:
    """/docs's policy: the CDN's script and style, its inline script by hash, its calls
    to this origin (the OpenAPI document, "try it out"). Its style may be inline: the
    page shows our own API description, nothing a client wrote."""
    inline = " ".join(
        "'sha256-" + b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(page)
    )
    return (
        f"default-src 'none'; script-src {DOCS_CDN} {inline}; "
        f"style-src {DOCS_CDN} 'unsafe-inline'; img-src 'self' data: {DOCS_ICON}; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def server_config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    """uvicorn as `syndicate serve` runs it. Its logs go through ours (syndicate.logs, so
    `--log-format json` covers them; the access log is at INFO: `-v`). Neither logs a
    request's headers, so an API key, which travels only in Authorization, is never
    logged. Behind a proxy, X-Forwarded-For and -Proto are trusted from the addresses in
    FORWARDED_ALLOW_IPS (default 127.0.0.1): the client address of the rate limits, and
    the scheme that decides HSTS."""
    return uvicorn.Config(app, host=host, port=port, log_config=None, access_log=True)


def _is_browser(request: Request) -> bool:
    """A browser navigating (it asks for HTML first), not a feed reader (it names feed types
    or takes anything)."""
    accept = request.headers.get("accept", "").lower()
    return "text/html" in accept and "rss" not in accept and "atom" not in accept


def _not_modified(request: Request, etag: str | None, modified: datetime | None) -> bool:
    """RFC 9110 §13.1: If-None-Match wins over If-Modified-Since."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        if etag is None:
            return False
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or etag in tags
    ims = request.headers.get("if-modified-since")
    if ims and modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        return modified.replace(microsecond=0) <= since
    return False


def default_broker_check() -> bool:
    """Whether the workers' broker answers (two seconds at most)."""
    from kombu.connection import Connection

    from workers.celery_app import BROKER_URL, TRANSPORT_OPTIONS

    conn = Connection(BROKER_URL, transport_options=TRANSPORT_OPTIONS, connect_timeout=2)  # type: ignore[no-untyped-call]
    try:
        conn.ensure_connection(max_retries=1, timeout=2)  # type: ignore[no-untyped-call]
        return True
    except Exception:  # any failure to reach it
        return False
    finally:
        conn.release()  # type: ignore[no-untyped-call]


def default_nudge(store: Store, story_ids: set[str]) -> None:
    """Tell the workers, as `syndicate import` does."""
    from workers.tasks import nudge

    with store.session() as s:
        wake = store.wake_times(s, sorted(story_ids), datetime.now(UTC))
    nudge(sorted(wake))


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}
    return {
        q: ordered[min(len(ordered) - 1, int(float(q) * len(ordered)))]
        for q in ("0.5", "0.9", "0.99")
    }


def prometheus(store: Store) -> str:
    """The metrics, from the store (workers on other machines publish; the store knows)."""
    lines: list[str] = []

    def metric(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        lines.extend(f"{name}{labels} {value:g}" for labels, value in samples)

    now = datetime.now(UTC)
    with store.session() as s:
        depth, oldest = s.execute(select(func.count(), func.min(Outbox.created_at))).one()
        outputs = s.execute(select(Output.key, Output.path)).all()
        recent = list(s.scalars(select(PublishLog).order_by(PublishLog.id.desc()).limit(1000)))
    metric(
        "syndicate_outbox_depth",
        "gauge",
        "Outbox rows waiting to be published.",
        [("", float(depth or 0))],
    )
    age = (now - oldest).total_seconds() if oldest is not None else 0.0
    metric(
        "syndicate_outbox_oldest_seconds",
        "gauge",
        "Age of the oldest waiting change.",
        [("", max(age, 0.0))],
    )
    counts: dict[tuple[str, str], int] = {}
    for key, _path in outputs:
        kind, lang = key.split(":", 2)[:2]
        counts[(lang or "-", kind)] = counts.get((lang or "-", kind), 0) + 1
    metric(
        "syndicate_outputs",
        "gauge",
        "Published files by language and kind.",
        [
            (f'{{lang="{lang}",kind="{kind}"}}', float(n))
            for (lang, kind), n in sorted(counts.items())
        ],
    )
    for name, values, help_text in (
        (
            "syndicate_publish_duration_seconds",
            [p.seconds for p in recent],
            "Time one publish took (the latest 1000).",
        ),
        (
            "syndicate_publish_latency_seconds",
            [p.latency for p in recent if p.latency is not None],
            "From a change's write to its publish (the latest 1000 publishes).",
        ),
    ):
        samples = [(f'{{quantile="{q}"}}', v) for q, v in _quantiles(values).items()]
        samples += [("_sum", sum(values)), ("_count", float(len(values)))]
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} summary")
        lines.extend(
            f"{name}{suffix if suffix.startswith('_') else ''}"
            f"{suffix if not suffix.startswith('_') else ''} {value:g}"
            for suffix, value in samples
        )
    metric(
        "syndicate_recent_files_written",
        "gauge",
        "Files written by the latest 1000 publishes.",
        [("", float(sum(p.written for p in recent)))],
    )
    metric(
        "syndicate_recent_render_errors",
        "gauge",
        "Outputs that failed to render in the latest 1000 publishes.",
        [("", float(sum(p.failed for p in recent)))],
    )
    metric(
        "syndicate_last_publish_age_seconds",
        "gauge",
        "Seconds since the latest publish ended.",
        [("", (now - recent[0].at).total_seconds() if recent else -1.0)],
    )
    return "\n".join(lines) + "\n"


STATUS_LABELS = {
    "waiting": _("Changes waiting to be published"),
    "oldest": _("oldest"),
    "chart": _("Publishes per minute, last hour"),
    "outputs": _("Outputs"),
    "latest": _("Latest publishes"),
    "language": _("Language"),
    "kind": _("Kind"),
    "files": _("Files"),
    "items": _("Items"),
    "newest": _("Last changed"),
    "time": _("Time"),
    "mode": _("Mode"),
    "written": _("Written"),
    "failed": _("Failed"),
    "seconds": _("Seconds"),
    "generated": _("Page generated"),
    "full": _("full"),
    "incremental": _("incremental"),
}
STATUS_TITLE = _("Publishing status")


def status_page(store: Store, lang: str) -> bytes:
    """Every output by language and kind, the outbox, the latest publishes: from the store."""
    t = {k: i18n.gettext(lang, v) for k, v in STATUS_LABELS.items()}
    now = datetime.now(UTC)
    with store.session() as s:
        depth, oldest = s.execute(select(func.count(), func.min(Outbox.created_at))).one()
        rows = s.execute(
            select(
                Output.key, func.count(), func.sum(Output.items), func.max(Output.last_modified)
            ).group_by(Output.key)
        ).all()
        recent = list(s.scalars(select(PublishLog).order_by(PublishLog.id.desc()).limit(20)))
        hour = list(
            s.scalars(select(PublishLog.at).where(PublishLog.at > now - timedelta(hours=1)))
        )
    table: dict[tuple[str, str], list[Any]] = {}
    for key, files, items, newest in rows:
        kind, klang = key.split(":", 2)[:2]
        cell = table.setdefault((klang or "-", kind), [0, 0, None])
        cell[0] += files
        cell[1] += items or 0
        if newest is not None and (cell[2] is None or newest > cell[2]):
            cell[2] = newest
    per_minute = [0] * 60
    for at in hour:
        minute = int((now - at).total_seconds() // 60)
        if 0 <= minute < 60:
            per_minute[59 - minute] += 1
    names = {code: i18n.language_name(code) for code in store.settings.languages}
    page = pages.StatusPage(
        lang=lang,
        direction=store.settings.language(lang).direction,
        title=i18n.gettext(lang, STATUS_TITLE),
        labels=t,
        waiting=int(depth or 0),
        oldest_seconds=(now - oldest).total_seconds() if oldest is not None else None,
        outputs=[
            (
                names.get(k[0], k[0]),
                k[1],
                v[0],
                v[1],
                v[2].strftime("%Y-%m-%d %H:%M:%S") if v[2] else "",
            )
            for k, v in sorted(table.items())
        ],
        publishes=[
            (
                p.at.strftime("%Y-%m-%d %H:%M:%S"),
                t["full"] if p.full else t["incremental"],
                p.written,
                p.failed,
                p.seconds,
            )
            for p in recent
        ],
        per_minute=per_minute,
        generated=now.strftime("%Y-%m-%d %H:%M:%S UTC"),
    )
    return pages.status_html(page)
