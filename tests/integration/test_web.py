"""The HTTP app: the ingest API with keys and scopes, and the published files with HTTP caching."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import load, publish
from factories import breaking, story, variant
from fastapi.testclient import TestClient
from lxml import html
from sample_site import NOW, objects

from syndicate.store import Store
from syndicate.web import create_app


@pytest.fixture
def app(store):
    nudged: list[set[str]] = []
    client = TestClient(create_app(store, nudge=lambda _store, ids: nudged.append(ids)))
    with store.session() as s, s.begin():
        client.full = store.api_keys.create(s, "newsroom", None, datetime.now(UTC))
        client.arabic = store.api_keys.create(s, "arabic desk", ["ar"], datetime.now(UTC))
    client.nudged = nudged
    client.store = store
    return client


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_keys_are_required_and_scoped(app):
    body = story("st-1", variants={"en": variant("Hello")})
    assert app.put("/api/stories/st-1", json=body).status_code == 401
    r = app.put("/api/stories/st-1", json=body, headers=auth("syn_not-a-key"))
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = app.put("/api/stories/st-1", json=body, headers=auth(app.arabic))
    assert r.status_code == 403 and "en" in r.json()["detail"]
    ar = story("st-2", variants={"ar": variant("مرحبا", slug="مرحبا")})
    assert app.put("/api/stories/st-2", json=ar, headers=auth(app.arabic)).status_code == 200
    assert app.delete("/api/stories/st-2", headers=auth(app.arabic)).status_code == 403


def test_put_is_idempotent_and_nudges_once(app):
    body = story("st-1", variants={"en": variant("Hello")})
    r = app.put("/api/stories/st-1", json=body, headers=auth(app.full))
    assert r.status_code == 200 and r.json() | {"id": "st-1", "changed": True} == r.json()
    r = app.put("/api/stories/st-1", json=body, headers=auth(app.full))
    assert r.json() | {"id": "st-1", "changed": False} == r.json()
    assert app.nudged == [{"st-1"}]
    # type and id may be left out of the body; a different id is refused
    bare = {k: v for k, v in body.items() if k not in ("type", "id")}
    assert (
        app.put("/api/stories/st-1", json=bare, headers=auth(app.full)).json()["changed"] is False
    )
    r = app.put("/api/stories/st-9", json=body, headers=auth(app.full))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "id"]


def test_bad_bodies_get_422_with_the_field_path(app):
    body = story("st-1", section="weather", variants={"en": variant("T", published_at="soon")})
    r = app.put("/api/stories/st-1", json=body, headers=auth(app.full))
    assert r.status_code == 422
    locs = {tuple(d["loc"]): d["msg"] for d in r.json()["detail"]}
    assert locs[("body", "section")] == "unknown section 'weather'"
    assert "RFC 3339" in locs[("body", "variants", "en", "published_at")]
    r = app.put("/api/stories/st-1", content=b"{nope", headers=auth(app.full))
    assert r.status_code == 422 and "not valid JSON" in r.json()["detail"][0]["msg"]


def clock():
    """``stamp(hours)``: the test's start moved by ``hours``, as FORMAT.md writes times (the
    API judges by the clock, so the times sent are relative to it)."""
    start = datetime.now(UTC).replace(microsecond=0)
    return lambda hours: (start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_answer_says_whether_a_breaking_item_shows_and_the_ticker_agrees(app, store):
    """Issue 17: an item dated in the past without expires_at was answered `changed: true`
    and never showed. The answer says live, scheduled (from when), expired or withdrawn;
    a publish at the same moment shows exactly the live one."""
    stamp = clock()
    items = {
        "br-live": breaking("br-live", text="Live one", published_at=stamp(0)),
        "br-later": breaking("br-later", text="Later one", published_at=stamp(2)),
        "br-old": breaking("br-old", text="Old one", published_at=stamp(-7)),
        "br-gone": breaking("br-gone", text="Gone one", published_at=stamp(0), withdrawn=True),
    }
    got = {}
    for item_id, item in items.items():
        r = app.put(f"/api/breaking/{item_id}", json=item, headers=auth(app.full))
        assert r.status_code == 200, r.text
        got[item_id] = r.json()
    assert {k: v["state"] for k, v in got.items()} == {
        "br-live": "live",
        "br-later": "scheduled",
        "br-old": "expired",
        "br-gone": "withdrawn",
    }
    assert got["br-live"]["expires_at"] == stamp(6) and got["br-live"]["live_at"] is None
    assert got["br-live"]["note"] == f"live now on the en ticker until {stamp(6)}"
    assert (got["br-later"]["live_at"], got["br-later"]["expires_at"]) == (stamp(2), stamp(8))
    assert got["br-old"]["note"] == (
        f"already expired: without expires_at it left the en ticker at {stamp(-1)}, "
        "breaking.lifetime after its published_at; send an expires_at to come to show it"
    )
    assert all(v["changed"] is True and v["warnings"] == [] for v in got.values())
    publish(store, stamp(0), full=True)
    ticker = app.get("/en/feeds/breaking.rss").text
    assert "Live one" in ticker
    assert not any(text in ticker for text in ("Later one", "Old one", "Gone one"))
    withdrawn = app.delete("/api/breaking/br-live", headers=auth(app.full)).json()
    assert (withdrawn["state"], withdrawn["note"]) == (
        "withdrawn",
        "withdrawn: it shows on no ticker",
    )


def test_the_answer_tells_unknown_fields_and_each_variants_state(app):
    stamp = clock()
    body = story(
        "st-1",
        regon=["mena"],
        variants={
            "en": variant("Now", published_at=stamp(-1), imgae={"url": "https://e.net/i.jpg"}),
            "es": variant("Luego", published_at=stamp(3)),
        },
    )
    r = app.put("/api/stories/st-1", json=body, headers=auth(app.full))
    assert r.status_code == 200
    assert r.json() == {
        "id": "st-1",
        "changed": True,
        "state": "live",
        "live_at": None,
        "expires_at": None,
        "variants": {
            "en": {"state": "live", "live_at": None},
            "es": {"state": "scheduled", "live_at": stamp(3)},
        },
        "note": f"live now in en; scheduled in es: live at {stamp(3)}",
        "warnings": [
            {
                "line": None,
                "id": "st-1",
                "field": "regon",
                "reason": "unknown field, ignored (did you mean `regions`?)",
            },
            {
                "line": None,
                "id": "st-1",
                "field": "variants.en.imgae",
                "reason": "unknown field, ignored (did you mean `image`?)",
            },
        ],
    }
    retracted = app.delete("/api/stories/st-1", headers=auth(app.full)).json()
    assert (retracted["state"], retracted["variants"]) == ("retracted", None)
    # a refused object lists its unknown fields beside its problems: often the reason why
    typo = story("st-2", variants={"en": {"titel": "T", "slug": "t", "published_at": stamp(0)}})
    r = app.put("/api/stories/st-2", json=typo, headers=auth(app.full))
    assert r.status_code == 422
    assert r.json()["detail"] == [
        {"loc": ["body", "variants", "en", "title"], "msg": "required", "type": "format"},
        {
            "loc": ["body", "variants", "en", "titel"],
            "msg": "unknown field, ignored (did you mean `title`?)",
            "type": "unknown_field",
        },
    ]


def test_a_batch_lists_its_warnings_by_line_and_counts_its_states(app):
    stamp = clock()
    lines = [
        json.dumps(story("st-1", variants={"en": variant("A", published_at=stamp(-1))})),
        json.dumps(breaking("br-1", published_at=stamp(-7), expires="x")),
        json.dumps(story("st-2", section="nope", regon=[])),
        json.dumps(story("st-3", variants={"en": variant("B", published_at=stamp(1))})),
    ]
    r = app.post("/api/import", content="\n".join(lines) + "\n", headers=auth(app.full))
    assert r.status_code == 422
    out = r.json()
    assert (out["applied"], out["states"]) == (3, {"live": 1, "expired": 1, "scheduled": 1})
    assert [(p["line"], p["id"], p["field"], p["reason"]) for p in out["warnings"]] == [
        (2, "br-1", "expires", "unknown field, ignored (did you mean `expires_at`?)"),
        (3, "st-2", "regon", "unknown field, ignored (did you mean `regions`?)"),
    ]
    assert [(p["line"], p["field"]) for p in out["rejected"]] == [(3, "section")]


def test_bodies_over_the_limit_get_413(app):
    huge = story("st-1", variants={"en": variant("T", body_html="<p>" + "x" * (1 << 20) + "</p>")})
    r = app.put("/api/stories/st-1", json=huge, headers=auth(app.full))
    assert r.status_code == 413


def test_delete_retracts_and_a_new_put_restores(app, store):
    body = story("st-1", variants={"en": variant("Hello world")})
    app.put("/api/stories/st-1", json=body, headers=auth(app.full))
    publish(store, "2026-11-20T12:00:00Z", full=True)
    assert app.delete("/api/stories/st-1", headers=auth(app.full)).json()["changed"] is True
    publish(store, "2026-11-20T12:00:01Z")
    assert b"Hello world" not in app.get("/en/feeds/all.rss").content
    assert app.delete("/api/stories/st-404", headers=auth(app.full)).status_code == 404
    assert app.put("/api/stories/st-1", json=body, headers=auth(app.full)).json()["changed"]
    publish(store, "2026-11-20T12:00:02Z")
    assert b"Hello world" in app.get("/en/feeds/all.rss").content


def test_breaking_items_put_and_withdraw(app, store):
    item = breaking("br-1", text="Live from the API", published_at="2026-11-20T11:59:00Z")
    assert app.put("/api/breaking/br-1", json=item, headers=auth(app.full)).status_code == 200
    publish(store, "2026-11-20T12:00:00Z", full=True)
    assert b"Live from the API" in app.get("/en/feeds/breaking.rss").content
    assert app.delete("/api/breaking/br-1", headers=auth(app.arabic)).status_code == 403
    assert app.delete("/api/breaking/br-1", headers=auth(app.full)).json()["changed"] is True
    publish(store, "2026-11-20T12:00:01Z")
    assert b"Live from the API" not in app.get("/en/feeds/breaking.rss").content


def test_bulk_ndjson_applies_the_valid_and_lists_the_rest(app):
    lines = [
        json.dumps(story("st-1")),
        "{broken",
        json.dumps(story("st-2", section="nope")),
        json.dumps(breaking("br-1")),
    ]
    r = app.post("/api/import", content="\n".join(lines) + "\n", headers=auth(app.full))
    assert r.status_code == 422
    out = r.json()
    assert out["applied"] == 2 and out["unchanged"] == 0
    assert [(p["line"], p["id"], p["field"]) for p in out["rejected"]] == [
        (2, "-", "json"),
        (3, "st-2", "section"),
    ]
    r = app.post("/api/import", content=lines[0] + "\n", headers=auth(app.full))
    assert r.status_code == 200 and r.json() == {
        "applied": 0,
        "unchanged": 1,
        "rejected": [],
        "warnings": [],
        "states": {"live": 1},
    }


def test_openapi_describes_the_ingest_api(app):
    doc = app.get("/openapi.json").json()
    assert {"/api/stories/{story_id}", "/api/breaking/{item_id}", "/api/import", "/healthz"} <= set(
        doc["paths"]
    )
    assert set(doc["paths"]["/api/stories/{story_id}"]) == {"put", "delete"}
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    # a write's answer says whether it shows now, and what the format did not know
    put = doc["paths"]["/api/breaking/{item_id}"]["put"]["responses"]["200"]
    assert put["content"]["application/json"]["schema"]["$ref"].endswith("/Applied")
    applied = doc["components"]["schemas"]["Applied"]
    assert {"id", "changed", "state", "note"} <= set(applied["required"])
    assert set(applied["properties"]["state"]["enum"]) == {
        "live",
        "scheduled",
        "expired",
        "withdrawn",
        "retracted",
        "draft",
    }
    assert {"live_at", "expires_at", "variants", "warnings"} <= set(applied["properties"])
    bulk = doc["components"]["schemas"]["BulkResult"]["properties"]
    assert {"applied", "unchanged", "rejected", "warnings", "states"} <= set(bulk)


def test_health_reports_the_outbox(app):
    r = app.get("/healthz")
    assert r.status_code == 200 and r.json()["database"] is True
    assert r.json()["status"] == "degraded"  # no publish has ever run: no worker heartbeat
    assert r.json()["broker"] is None
    app.put("/api/stories/st-1", json=story("st-1"), headers=auth(app.full))
    assert app.get("/healthz").json()["outbox_depth"] > 0


@pytest.fixture
def published(app, store):
    app.put(
        "/api/stories/st-1",
        json=story(
            "st-1",
            variants={
                "en": variant("Cache me", body_html="<p>" + "text " * 400 + "</p>"),
                "ar": variant("مرحبا", slug="مرحبا"),
            },
        ),
        headers=auth(app.full),
    )
    publish(store, "2026-11-20T12:00:00Z", full=True)
    return app


def test_files_are_served_with_their_types_and_validators(published):
    r = published.get("/en/feeds/all.rss")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert r.headers["etag"].startswith('"') and r.headers["last-modified"].endswith("GMT")
    assert r.headers["cache-control"] == "public, max-age=60"
    types = {
        p: published.get(p).headers["content-type"]
        for p in ("/en/feeds/all.atom", "/en/feeds/all.json", "/sitemap.xml", "/robots.txt")
    }
    assert types == {
        "/en/feeds/all.atom": "application/atom+xml; charset=utf-8",
        "/en/feeds/all.json": "application/feed+json; charset=utf-8",
        "/sitemap.xml": "application/xml; charset=utf-8",
        "/robots.txt": "text/plain; charset=utf-8",
    }
    r = published.get("/ar/feeds/tag/%D9%85%D8%B1%D8%AD%D8%A8%D8%A7.rss")
    assert r.status_code in (200, 404)  # a tag feed exists only from tag_min_stories on
    assert published.get("/ar/feeds/all.rss").status_code == 200


def test_conditional_requests_get_304(published):
    first = published.get("/en/feeds/all.atom")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    r = published.get("/en/feeds/all.atom", headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == etag
    assert (
        published.get("/en/feeds/all.atom", headers={"If-None-Match": '"other"'}).status_code == 200
    )
    assert (
        published.get("/en/feeds/all.atom", headers={"If-Modified-Since": modified}).status_code
        == 304
    )
    old = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert (
        published.get("/en/feeds/all.atom", headers={"If-Modified-Since": old}).status_code == 200
    )


def test_gzip_head_and_not_found(published):
    plain = published.get("/en/feeds/all.rss", headers={"Accept-Encoding": "identity"})
    zipped = published.get("/en/feeds/all.rss", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == plain.content  # the client decodes; the bytes are the same feed
    assert zipped.headers["vary"] == "Accept, Accept-Encoding"  # feeds: pages for browsers
    assert published.get("/en/sitemap.xml").headers.get("vary", "Accept-Encoding") == (
        "Accept-Encoding"
    )
    head = published.head("/en/feeds/all.rss", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(plain.content)
    assert published.get("/en/feeds/nothing.rss").status_code == 404
    assert published.get("/../../etc/passwd").status_code == 404
    assert published.get("/en/%2e%2e/%2e%2e/etc/passwd").status_code == 404


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
READERS = (
    None,
    "*/*",
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1",
    "text/html, application/rss+xml;q=0.9",  # names a feed type: a reader, not a browser
)


@pytest.mark.parametrize("ext", ["rss", "atom"])
def test_browsers_get_the_feed_as_a_page_and_readers_the_feed(published, ext):
    path = f"/ar/feeds/all.{ext}"
    feed = published.get(path)
    for accept in READERS:
        r = published.get(path, headers={"Accept": accept} if accept else {})
        assert r.headers["content-type"].startswith(f"application/{ext}+xml"), accept
        assert r.content == feed.content and r.headers["etag"] == feed.headers["etag"]
    page = published.get(path, headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["etag"] != feed.headers["etag"]
    doc = html.fromstring(page.content)
    assert doc.get("dir") == "rtl" and doc.findtext(".//strong") == "هذه خلاصة ويب"
    assert doc.findtext(".//code") == f"http://127.0.0.1:8000{path}"
    # each representation validates on its own
    again = published.get(path, headers={"Accept": BROWSER, "If-None-Match": page.headers["etag"]})
    assert again.status_code == 304
    crossed = published.get(
        path, headers={"Accept": BROWSER, "If-None-Match": feed.headers["etag"]}
    )
    assert crossed.status_code == 200
    # JSON Feed and sitemaps are never turned into pages
    for other in ("/ar/feeds/all.json", "/ar/sitemaps/news.xml"):
        r = published.get(other, headers={"Accept": BROWSER})
        assert not r.headers["content-type"].startswith("text/html"), other


def test_cache_control_by_class_of_output(store, tmp_path):
    from dataclasses import replace as dc_replace

    from syndicate.config import HttpSettings

    http = HttpSettings(
        cache_control={**HttpSettings().cache_control, "page": "no-cache", "sitemap": "max-age=7"}
    )
    settings = dc_replace(store.settings, http=http)
    custom = Store(settings)
    load(custom, objects(), NOW)
    publish(custom, NOW, full=True)
    client = TestClient(create_app(custom))
    expect = {
        "/en/feeds/all.rss": "public, max-age=60",
        "/en/feeds/breaking.atom": "public, max-age=15",
        "/en/sitemaps/news.xml": "public, max-age=120",
        "/en/feeds/": "no-cache",
        "/en/feeds/feed.xsl": "no-cache",
        "/sitemap.xml": "public, max-age=300",
    }
    for path, value in expect.items():
        r = client.get(path)
        assert r.status_code == 200 and r.headers["cache-control"] == value, path
    periods = [p for p in (Path(settings.output_dir) / "en" / "sitemaps").glob("2026-*.xml")]
    assert periods
    r = client.get(f"/en/sitemaps/{periods[0].name}")
    assert r.headers["cache-control"] == "max-age=7"
    custom.engine.dispose()


def test_metrics_in_prometheus_text_format(published, store):
    text = published.get("/metrics").text
    lines = dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))
    assert float(lines["syndicate_outbox_depth"]) == 0
    assert float(lines['syndicate_outputs{lang="en",kind="feed"}']) > 30
    assert float(lines['syndicate_outputs{lang="-",kind="index"}']) == 1
    assert float(lines["syndicate_publish_duration_seconds_count"]) >= 1
    assert 'syndicate_publish_duration_seconds{quantile="0.5"}' in lines
    published.put("/api/stories/st-9", json=story("st-9"), headers=auth(published.full))
    lines = dict(
        line.rsplit(" ", 1)
        for line in published.get("/metrics").text.splitlines()
        if not line.startswith("#")
    )
    assert float(lines["syndicate_outbox_depth"]) > 0
    assert "# TYPE syndicate_publish_latency_seconds summary" in text


def test_the_feed_directory_is_served_as_html(published):
    r = published.get("/ar/feeds/")
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    assert 'dir="rtl"' in r.text
    assert (
        published.get("/en/feeds/feeds.opml").headers["content-type"]
        == "text/x-opml; charset=utf-8"
    )


def test_removed_outputs_are_gone_not_missing(app, store):
    objs = [
        story(f"st-{i}", variants={"en": variant(f"S{i}", tags=["Fleeting"])}) for i in range(3)
    ]
    for o in objs:
        app.put(f"/api/stories/{o['id']}", json=o, headers=auth(app.full))
    publish(store, "2026-11-20T12:00:00Z", full=True)
    assert app.get("/en/feeds/tag/fleeting.rss").status_code == 200
    app.delete("/api/stories/st-0", headers=auth(app.full))  # the tag falls below its minimum
    publish(store, "2026-11-20T12:00:01Z")
    r = app.get("/en/feeds/tag/fleeting.rss")
    assert r.status_code == 410
    assert app.get("/en/feeds/tag/never-was.rss").status_code == 404
    app.put("/api/stories/st-0", json=objs[0], headers=auth(app.full))  # back again
    publish(store, "2026-11-20T12:00:02Z")
    assert app.get("/en/feeds/tag/fleeting.rss").status_code == 200


def test_the_status_page_is_localized_and_right_to_left_for_arabic(published):
    from lxml import html

    page = html.fromstring(published.get("/status/ar").content)
    assert page.get("dir") == "rtl" and page.get("lang") == "ar"
    assert page.findtext(".//h1") == "حالة النشر"
    cells = [td.text for td in page.iter("td")]
    assert "العربية" in cells and "خلاصة" in cells  # outputs by language and kind, in Arabic
    assert page.find(".//svg") is not None  # publishes per minute
    english = html.fromstring(published.get("/status/en").content)
    assert english.get("dir") == "ltr" and english.findtext(".//h1") == "Publishing status"
    assert published.get("/status/fr").status_code == 404


def test_health_sees_the_broker_and_the_heartbeat(store):
    from syndicate.publish import Publisher

    down = TestClient(create_app(store, broker_check=lambda: False))
    up = TestClient(create_app(store, broker_check=lambda: True))
    before = datetime.now(UTC)
    Publisher(store).publish(datetime.now(UTC))  # what a worker's tick does
    assert up.get("/healthz").json()["status"] == "ok"
    age = up.get("/healthz").json()["last_publish_seconds"]
    assert 0 <= age <= (datetime.now(UTC) - before).total_seconds() + 0.001  # this publish's
    health = down.get("/healthz").json()
    assert health["status"] == "degraded" and health["broker"] is False


def test_a_database_out_of_reach_is_a_503_to_retry_not_a_500(app):
    """A restart or an unreachable server: the client is told to retry (writes are idempotent)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    nowhere = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")  # refused at once
    app.store.sessions = sessionmaker(nowhere)
    body = story("st-1", variants={"en": variant("Hello")})
    r = app.put("/api/stories/st-1", json=body, headers=auth(app.full))
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == "2" and "retry" in r.json()["detail"]
    assert r.headers["x-content-type-options"] == "nosniff"  # the security headers too
    nowhere.dispose()


def test_only_an_unreachable_or_locked_database_is_a_503():
    """SQLite reports a missing table as an OperationalError, as it does a lock: the first is
    a broken deployment (500, and a traceback in the log), the second worth a retry."""
    import sqlite3

    import psycopg
    from sqlalchemy.exc import IntegrityError, OperationalError

    from syndicate.store import unavailable

    def wrapped(orig: Exception) -> OperationalError:
        return OperationalError("SELECT 1", {}, orig)

    assert unavailable(wrapped(sqlite3.OperationalError("database is locked")))
    assert unavailable(wrapped(sqlite3.OperationalError("unable to open database file")))
    assert not unavailable(wrapped(sqlite3.OperationalError("no such table: api_key")))
    assert unavailable(wrapped(psycopg.OperationalError("connection failed: refused")))
    assert not unavailable(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE")))
    assert not unavailable(ValueError("not a database error"))
