"""config/nginx.conf, for real: nginx serves a published directory with the right headers."""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, load, need_server, publish
from sample_site import NOW, objects


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def nginx(sqlite_store, tmp_path):
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        need_server("nginx is not installed (Debian package nginx-light)")
    load(sqlite_store, objects(), NOW)
    publish(sqlite_store, NOW, full=True)
    port = _port()
    conf = (ROOT / "config" / "nginx.conf").read_text()
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("root /srv/syndicate/public;", f"root {sqlite_store.settings.output_dir};")
    conf = conf.replace("pid /run/syndicate-nginx.pid;", f"pid {tmp_path}/nginx.pid;")
    conf = conf.replace(
        "http {",
        f"http {{\n    client_body_temp_path {tmp_path}/body;\n"
        f"    proxy_temp_path {tmp_path}/proxy;\n    fastcgi_temp_path {tmp_path}/fcgi;\n"
        f"    uwsgi_temp_path {tmp_path}/uwsgi;\n    scgi_temp_path {tmp_path}/scgi;",
    )
    if os.geteuid() == 0:  # pytest's temporary directories are private to their user
        conf = "user root;\n" + conf
    (tmp_path / "nginx.conf").write_text(conf)
    proc = subprocess.Popen(
        [binary, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_nginx_serves_outputs_with_types_and_caching(nginx):
    types = {
        "/en/feeds/all.rss": "application/rss+xml; charset=utf-8",
        "/en/feeds/all.atom": "application/atom+xml; charset=utf-8",
        "/en/feeds/all.json": "application/feed+json; charset=utf-8",
        "/sitemap.xml": "application/xml; charset=utf-8",
        "/robots.txt": "text/plain; charset=utf-8",
        "/ar/feeds/": "text/html; charset=utf-8",
        "/ar/feeds/feed.xsl": "text/xsl; charset=utf-8",
        "/en/feeds/feeds.opml": "text/x-opml; charset=utf-8",
        "/ar/feeds/tag/%D8%A7%D9%84%D9%85%D8%BA%D8%B1%D8%A8.rss": "application/rss+xml; charset=utf-8",
    }
    for path, expected in types.items():
        status, headers, _ = get(nginx + path)
        assert status == 200, path
        assert headers["Content-Type"] == expected, path
        assert headers["Cache-Control"] == "public, max-age=60"
    status, headers, body = get(nginx + "/en/feeds/all.atom")
    assert get(nginx + "/en/feeds/all.atom", **{"If-None-Match": headers["ETag"]})[0] == 304
    assert (
        get(nginx + "/en/feeds/all.atom", **{"If-Modified-Since": headers["Last-Modified"]})[0]
        == 304
    )
    status, headers, zipped = get(nginx + "/en/feeds/all.atom", **{"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") == "gzip" and gzip.decompress(zipped) == body
    assert get(nginx + "/en/feeds/nothing.rss")[0] == 404
