"""Where a person starts: the home page at `/`, in each configured language (asked by
Accept-Language or by `?lang=`), every link of it answering on the embedded default."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, load, publish
from fastapi.testclient import TestClient
from lxml import html
from sample_site import NOW, objects

from syndicate import config
from syndicate.store import Store
from syndicate.web import create_app
from syndicate.web.home import home_page, negotiate


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> config.Settings:
    """The embedded default (config/default.toml) on a temporary store and directory."""
    tmp = tmp_path_factory.mktemp("home")
    s = config.load(ROOT / "config" / "default.toml", env={})
    return replace(s, database_url=f"sqlite:///{tmp}/store.db", output_dir=tmp / "out")


@pytest.fixture(scope="module")
def client(settings):
    """The app over the sample site, published on the embedded default."""
    store = Store(settings)
    store.prepare()
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    yield TestClient(create_app(store, nudge=None))
    store.engine.dispose()


def links(page: bytes, base: str) -> list[str]:
    """Every link of a page, absolute (relative ones resolved against `base`)."""
    doc = html.fromstring(page)
    doc.make_links_absolute(base)
    return [a.get("href") for a in doc.iter("a")]


def test_every_link_of_every_home_page_answers(client, settings):
    """From `/`, through each language's page of the switcher, every link answers 200:
    nothing on the home page leads to a 404."""
    start = "http://testserver/"
    seen, pages, todo = {start: 200}, [start], [start]
    while todo:
        page = client.get(todo.pop(), headers={"Accept": "text/html"})
        for url in links(page.content, str(page.url)):
            if url in seen:
                continue
            r = client.get(url, headers={"Accept": "text/html"}, follow_redirects=False)
            seen[url] = r.status_code
            if urlsplit(url).path == "/":  # another language's home page: its links too
                pages.append(url)
                todo.append(url)
    assert {url: status for url, status in seen.items() if status != 200} == {}
    assert sorted(pages) == sorted([start] + [f"{start}?lang={c}" for c in settings.languages])
    paths = {urlsplit(u).path for u in seen}
    for code in settings.languages:
        assert {
            f"/{code}/feeds/index.html",
            f"/{code}/feeds/feeds.opml",
            f"/status/{code}",
        } <= paths
    assert {"/sitemap.xml", "/robots.txt", "/docs", "/openapi.json"} <= paths


@pytest.mark.parametrize(
    ("accept", "lang", "direction", "directory"),
    [
        ("", "en", "ltr", "Feed directory"),
        ("ar-EG,ar;q=0.9,en;q=0.5", "ar", "rtl", "دليل الخلاصات"),
        ("fr-FR, es;q=0.7, en;q=0.3", "es", "ltr", "Directorio de canales"),
    ],
)
def test_the_home_page_answers_in_the_language_asked_for(
    client, accept, lang, direction, directory
):
    r = client.get("/", headers={"Accept-Language": accept} if accept else {})
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["vary"] == "Accept-Language" and r.headers["content-language"] == lang
    doc = html.fromstring(r.content)
    assert (doc.get("lang"), doc.get("dir")) == (lang, direction)
    assert directory in [a.text for a in doc.iter("a")]
    # the switcher names every language in itself, in its own direction, the current one marked
    nav = doc.find(".//nav")
    choices = [(a.get("lang"), a.get("dir"), a.text_content()) for a in nav.iter("a")]
    assert choices == [("en", "ltr", "English"), ("ar", "rtl", "العربية"), ("es", "ltr", "Español")]
    assert [a.get("lang") for a in nav.iter("a") if a.get("aria-current") == "page"] == [lang]


def test_a_language_named_in_the_address_wins_and_varies_with_nothing_else(client):
    r = client.get("/?lang=AR", headers={"Accept-Language": "es"})
    assert r.status_code == 200 and "vary" not in r.headers
    doc = html.fromstring(r.content)
    assert (doc.get("lang"), doc.get("dir"), doc.findtext(".//h1")) == ("ar", "rtl", "الميادين")
    assert [h.text for h in doc.iter("h2")][-2:] == ["خرائط الموقع", "واجهة الإدخال البرمجية"]
    missing = client.get("/?lang=fr")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no language 'fr' (configured: en, ar, es)"
    assert client.head("/").status_code == 200


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "en"),
        ("ar", "ar"),
        ("AR-eg", "ar"),  # a region of a configured language, case aside
        ("de-CH, de;q=0.9, es;q=0.8, ar;q=0.7", "es"),  # the first configured one by weight
        ("ar;q=0.4, es;q=0.8", "es"),  # weights, not order
        ("es, ar", "es"),  # equal weights: the header's order
        ("en;q=0, fr", "ar"),  # refused: the first configured language not refused
        ("*", "en"),
        ("de, *;q=0.5, ar;q=0.1", "en"),  # any language before Arabic: the default
        ("ar;q=banana, es", "es"),  # a weight that is no number refuses its range
        (" , ;q=1, ", "en"),
    ],
)
def test_accept_language_is_negotiated_over_the_configured_languages(settings, header, expected):
    assert negotiate(settings, header) == expected


def test_a_region_only_language_is_found_by_its_language(settings):
    spanish = settings.languages["es"]
    latin = replace(settings, languages={"es-419": replace(spanish, code="es-419")})
    assert negotiate(latin, "es") == "es-419"
    assert negotiate(latin, "es-MX, en") == "es-419"


def test_the_languages_and_the_hosts_come_from_the_settings():
    """One host per language (the production example): a sitemap index and robots.txt for
    each host; the switcher lists what is configured, nothing more."""
    s = config.load(ROOT / "config" / "production.example.toml", env={})
    s = replace(s, languages={c: s.languages[c] for c in ("ar", "en")})
    doc = html.fromstring(home_page(s, "en", root="/syndicate"))
    assert [a.get("lang") for a in doc.find(".//nav").iter("a")] == ["ar", "en"]
    assert [a.get("href") for a in doc.find(".//nav").iter("a")] == [
        "/syndicate/?lang=ar",
        "/syndicate/?lang=en",
    ]
    hrefs = [a.get("href") for a in doc.iter("a")]
    for host in ("arabic.example.net", "english.example.net"):
        assert f"https://{host}/sitemap.xml" in hrefs and f"https://{host}/robots.txt" in hrefs
        assert f"https://{host}/feeds/index.html" in hrefs
    assert {"/syndicate/status/ar", "/syndicate/docs", "/syndicate/openapi.json"} <= set(hrefs)
    assert "https://espanol.example.net/sitemap.xml" not in hrefs
