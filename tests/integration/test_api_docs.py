"""The API docs at /docs work without internet access: Swagger UI's script, style and icon
are served by the app itself (from the fastapi-swagger package), and the page names no
other origin. (In a browser: tests/integration/test_browser.py.)"""

from __future__ import annotations

from importlib import resources
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import html

from syndicate.web import create_app


@pytest.fixture
def client(sqlite_store):
    return TestClient(create_app(sqlite_store, nudge=None))


def test_the_docs_page_references_nothing_remote_and_its_assets_answer(client):
    r = client.get("/docs")
    assert r.status_code == 200
    doc = html.fromstring(r.content)
    urls = [e.get(a) for a in ("src", "href") for e in doc.iter() if e.get(a) is not None]
    assert urls and all(urlsplit(u).netloc == "" and u.startswith("/docs/") for u in urls), urls
    assert "http" not in "".join(s.text or "" for s in doc.iter("script"))
    names = sorted(u.rsplit("/", 1)[1] for u in urls)
    assert names == ["favicon-32x32.png", "swagger-ui-bundle.js", "swagger-ui.css"]
    types = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    package = resources.files("fastapi_swagger.resources")
    for url in urls:
        asset = client.get(url)
        name = url.rsplit("/", 1)[1]
        assert asset.status_code == 200, url
        assert asset.headers["content-type"].split(";")[0] == types["." + name.rsplit(".")[-1]]
        assert asset.content == package.joinpath(name).read_bytes()
        etag = asset.headers["etag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.headers["etag"] == etag
    bundle = client.get("/docs/swagger-ui-bundle.js", headers={"Accept-Encoding": "gzip"})
    assert bundle.headers["content-encoding"] == "gzip" and "SwaggerUIBundle" in bundle.text
    head = client.head("/docs/swagger-ui.css", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(
        package.joinpath("swagger-ui.css").read_bytes()
    )
    assert client.get("/docs/index.html").status_code == 404
