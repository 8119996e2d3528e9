"""config/nginx.conf, for real: nginx serves a published directory with the right headers."""

from __future__ import annotations

import gzip
import urllib.request

import pytest
from conftest import load, need_server, publish
from sample_site import NOW, objects

from bench import nginx as bench_nginx


@pytest.fixture
def nginx(sqlite_store, tmp_path):
    if bench_nginx.binary() is None:
        need_server("nginx is not installed (Debian package nginx-light)")
    load(sqlite_store, objects(), NOW)
    publish(sqlite_store, NOW, full=True)
    with bench_nginx.running(sqlite_store.settings.output_dir, tmp_path / "nginx") as base:
        yield base


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
    status, headers, body = get(nginx + "/en/feeds/all.atom")
    assert get(nginx + "/en/feeds/all.atom", **{"If-None-Match": headers["ETag"]})[0] == 304
    assert (
        get(nginx + "/en/feeds/all.atom", **{"If-Modified-Since": headers["Last-Modified"]})[0]
        == 304
    )
    status, headers, zipped = get(nginx + "/en/feeds/all.atom", **{"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") == "gzip" and gzip.decompress(zipped) == body
    assert get(nginx + "/en/feeds/nothing.rss")[0] == 404


def test_nginx_gives_the_same_cache_control_as_the_app(nginx, sqlite_store):
    from fastapi.testclient import TestClient

    from syndicate.web import create_app

    app = TestClient(create_app(sqlite_store))
    out = sqlite_store.settings.output_dir
    paths = [
        "/en/feeds/all.rss",
        "/en/feeds/breaking.atom",
        "/ar/feeds/breaking.json",
        "/en/sitemaps/news.xml",
        "/sitemap.xml",
        "/robots.txt",
        "/es/feeds/",
        "/es/feeds/feed.xsl",
        "/en/feeds/section/politics.json",
    ]
    paths += [f"/ar/sitemaps/{p.name}" for p in sorted((out / "ar" / "sitemaps").glob("2026*"))]
    seen = set()
    for path in paths:
        status, headers, _ = get(nginx + path)
        assert status == 200, path
        assert headers["Cache-Control"] == app.get(path).headers["cache-control"], path
        seen.add(headers["Cache-Control"])
    assert len(seen) >= 4  # the classes really differ


def test_nginx_gives_browsers_feeds_as_xml_for_their_stylesheet(nginx):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for path in ("/ar/feeds/all.rss", "/en/feeds/all.atom"):
        _, feed_headers, feed = get(nginx + path)
        status, headers, page = get(nginx + path, Accept=browser)
        assert status == 200 and page == feed
        assert headers["Content-Type"] == "application/xml; charset=utf-8", path
        assert (
            "Accept" in headers["Vary"]
            and headers["Cache-Control"] == (feed_headers["Cache-Control"])
        )
        _, reader, _ = get(nginx + path, Accept="application/rss+xml, */*")
        assert reader["Content-Type"] != "application/xml; charset=utf-8"
    # the internal location is not reachable from outside
    assert get(nginx + "/__as_xml/en/feeds/all.rss")[0] == 404


SECURITY_HEADERS = (
    "x-content-type-options",
    "referrer-policy",
    "content-security-policy",
    "x-frame-options",
    "strict-transport-security",
    "access-control-allow-origin",
)


def test_nginx_conf_carries_the_pages_policy():
    """Without nginx too: the copy in config/nginx.conf is the app's policy, to the byte
    (the policy names each page's inline style by hash, so a style edit changes it)."""
    from syndicate.render import pages

    conf = (bench_nginx.ROOT / "config" / "nginx.conf").read_text()
    assert f'~^text/html  "{pages.content_security_policy()}";' in conf


def test_nginx_conf_is_what_the_registry_generates():
    """config/nginx.conf is `python -m syndicate.nginx`: its types, compression and
    Cache-Control come from syndicate/outputs.py and the default settings."""
    from syndicate import nginx

    conf = (bench_nginx.ROOT / "config" / "nginx.conf").read_text()
    assert conf == nginx.config(), "run `python -m syndicate.nginx > config/nginx.conf`"


def test_nginx_gives_the_same_security_headers_as_the_app(nginx, sqlite_store):
    from fastapi.testclient import TestClient

    from syndicate.render import pages
    from syndicate.web import create_app

    app = TestClient(create_app(sqlite_store))
    paths = [
        "/en/feeds/",
        "/ar/feeds/",
        "/en/feeds/all.rss",
        "/ar/feeds/breaking.atom",
        "/en/feeds/all.json",
        "/sitemap.xml",
        "/en/sitemaps/news.xml",
        "/robots.txt",
        "/es/feeds/feed.xsl",
        "/en/feeds/feeds.opml",
    ]
    for path in paths:
        status, headers, _ = get(nginx + path)
        assert status == 200, path
        ours = {k.lower(): v for k, v in headers.items()}
        app_headers = app.get(path).headers
        for name in SECURITY_HEADERS:
            assert ours.get(name) == app_headers.get(name), (path, name)
        assert ours["x-content-type-options"] == "nosniff", path
        html = ours["content-type"].startswith("text/html")
        assert (ours.get("content-security-policy") == pages.content_security_policy()) == html
    # a browser opening a feed: nginx sends XML for the browser's XSLT, the app a page; both
    # are nosniff, and the app's page has the pages' policy
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    _, headers, _ = get(nginx + "/ar/feeds/all.rss", Accept=browser)
    assert {k.lower(): v for k, v in headers.items()}["x-content-type-options"] == "nosniff"
    page = app.get("/ar/feeds/all.rss", headers={"Accept": browser})
    assert page.headers["content-security-policy"] == pages.content_security_policy()
    # nginx's own error pages are HTML: they get the policy as well
    status, headers, _ = get(nginx + "/en/feeds/.all.rss.tmp")
    lowered = {k.lower(): v for k, v in headers.items()}
    assert status == 404 and lowered["x-frame-options"] == "DENY"
    assert lowered["x-content-type-options"] == "nosniff"
