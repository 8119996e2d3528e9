"""A small static server for the output directory (the embedded default).

It maps URL paths onto the output directory as a static server in production
would (see the README), with the content types feed readers expect. The full
HTTP app (ETags from the manifest, 304s, gzip, the ingest API) is web.py's job.
"""

from __future__ import annotations

import functools
import posixpath
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from syndicate.config import Settings
from syndicate.plan import CONTENT_TYPES

TYPES = {
    ".rss": CONTENT_TYPES["rss"],
    ".atom": CONTENT_TYPES["atom"],
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
}


class OutputHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}  # noqa: RUF012

    def guess_type(self, path: str | object) -> str:
        p = str(path)
        if p.endswith(".json") and "/feeds/" in p.replace("\\", "/"):
            return CONTENT_TYPES["json"]
        return super().guess_type(p)

    def log_message(self, format: str, *args: object) -> None:  # quieter than stderr spam
        pass


def make_server(root: Path, host: str, port: int) -> ThreadingHTTPServer:
    handler = functools.partial(OutputHandler, directory=str(root))
    return ThreadingHTTPServer((host, port), handler)


def serve_directory(root: Path, host: str, port: int, settings: Settings) -> None:
    root.mkdir(parents=True, exist_ok=True)
    server = make_server(root, host, port)
    base = f"http://{host}:{server.server_address[1]}/"
    print(f"serving {root} at {base}")
    for lang in settings.languages.values():
        if lang.base_url.startswith(base):
            print(f"  {lang.code}: {posixpath.join(lang.base_url, 'feeds/all.rss')}")
    if any(lang.host_url == base for lang in settings.languages.values()):
        print(f"  sitemap index: {base}sitemap.xml   robots.txt: {base}robots.txt")
    print("press Ctrl-C to stop")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
