"""The published files, served as nginx serves them in production (config/nginx.conf).

Each file carries ETag and Last-Modified from the manifest and answers
conditional requests with 304, HEAD, gzip when asked, and the content types
feed readers expect; a browser navigating to a feed gets the page its XSL
stylesheet makes of it.
"""

# No `from __future__ import annotations` here: FastAPI reads these annotations at run time.

import gzip
import logging
from collections.abc import Mapping
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from lxml import etree

from syndicate import manifest, outputs
from syndicate.config import HttpSettings
from syndicate.targets import UnsafePath, safe_join

log = logging.getLogger(__name__)


def mount(app: FastAPI, root: Path, http: HttpSettings) -> None:
    """The files under `root` on `app`: mounted last, as its path matches every path."""
    app.state.manifest = _Manifest(root, http)
    app.include_router(router)


router = APIRouter()


@router.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def serve(path: str, request: Request) -> Response:
    # on the event loop, not a worker thread: reads of published files are small
    # and page-cached, and a thread hop per request halved the request rate
    manifest: _Manifest = request.app.state.manifest
    return manifest.respond(path, request)


class _Manifest:
    """The published files' headers, from manifest.json (read again when it changes), and
    what is derived from them: gzipped bodies, compiled stylesheets, feed pages."""

    def __init__(self, root: Path, http: HttpSettings) -> None:
        self.root = root
        self.http = http
        self._reader = manifest.Reader(root, on_change=self._forget)
        self._gzipped: dict[str, bytes] = {}
        self._xslt: dict[str, tuple[str | None, etree.XSLT]] = {}
        self._pages: dict[str, bytes] = {}  # feed pages for browsers, by the feed's sha256

    def _forget(self) -> None:
        self._gzipped.clear()
        self._pages.clear()

    def entry(self, rel: str) -> Mapping[str, Any] | None:
        return self._reader.entry(rel)

    def stylesheet(self, entry: Mapping[str, Any]) -> etree.XSLT | None:
        """The compiled XSL stylesheet of a feed's language (None before one is published)."""
        lang = str(entry.get("key", "")).split(":")[1:2]
        rel = self._reader.current.stylesheets.get(lang[0]) if lang else None
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

    def as_page(self, entry: Mapping[str, Any], data: bytes) -> bytes:
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
        if entry is None and rel == manifest.NAME and target.exists():
            entry = {"content_type": manifest.MEDIA_TYPE, "etag": None, "last_modified": None}
        if entry is None and rel in self._reader.current.gone:
            raise HTTPException(410, "this output was published and has been removed")
        if entry is None or not target.is_file():
            raise HTTPException(404, "no such output")
        content_type = entry["content_type"]
        etag = entry.get("etag")
        vary = "Accept-Encoding"
        page = False
        if outputs.is_browser_page(content_type):
            # A browser shows rss+xml and atom+xml as plain text (Chromium) or downloads it
            # (Firefox): it gets the page the feed's XSL stylesheet makes of it, rendered here,
            # as browsers are dropping XSLT. Feed readers get the feed.
            vary = "Accept, Accept-Encoding"
            page = _is_browser(request) and self.stylesheet(entry) is not None
            if page:
                content_type = "text/html; charset=utf-8"
                etag = f'{etag[:-1]}-html"' if etag else None
        headers = {"Cache-Control": manifest.cache_control(self.http, entry), "Vary": vary}
        if self.http.cors_feeds and outputs.is_feed(entry["content_type"]):
            headers["Access-Control-Allow-Origin"] = "*"  # public, and no credentials read
        if etag:
            headers["ETag"] = etag
        modified = None
        if entry.get("last_modified"):
            modified = datetime.fromisoformat(entry["last_modified"].replace("Z", "+00:00"))
            headers["Last-Modified"] = format_datetime(modified, usegmt=True)
        if not_modified(request, etag, modified):
            return Response(status_code=304, headers=headers)
        data = target.read_bytes()
        if page:
            data = self.as_page(entry, data)
        accepts = request.headers.get("accept-encoding", "")
        if "gzip" in accepts and outputs.is_compressible(content_type) and len(data) > 512:
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


def _is_browser(request: Request) -> bool:
    """A browser navigating (it asks for HTML first), not a feed reader (it names feed types
    or takes anything)."""
    accept = request.headers.get("accept", "").lower()
    return "text/html" in accept and "rss" not in accept and "atom" not in accept


def not_modified(request: Request, etag: str | None, modified: datetime | None) -> bool:
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
