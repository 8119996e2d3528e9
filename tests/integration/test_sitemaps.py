"""Sitemaps as search engines read them: schemas, partitions, hreflang, news, robots."""

import gzip
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ROOT, default_settings, load, make_store, publish
from factories import story, variant
from feedcheck import sitemap_schemas
from lxml import etree
from sample_site import NOW, objects

from bench.corpus import generate
from syndicate import config

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"
VIDEO = "{http://www.google.com/schemas/sitemap-video/1.1}"


@pytest.fixture(scope="module")
def schemas():
    return sitemap_schemas()


def out(store) -> Path:
    return Path(store.settings.output_dir)


def manifest(store):
    return json.loads((out(store) / "manifest.json").read_text())["outputs"]


def sitemap_files(store):
    return [e for e in manifest(store) if e["path"].endswith((".xml", ".xml.gz"))]


def parse(store, rel):
    data = (out(store) / rel).read_bytes()
    if rel.endswith(".gz"):
        data = gzip.decompress(data)
    return etree.fromstring(data)


def urls(store, lang="en"):
    """loc -> {hreflang: href} over every sitemap partition of a language."""
    # (the tests below that take `store` run on SQLite and on PostgreSQL)
    found = {}
    for e in sitemap_files(store):
        if e["key"].startswith(f"sitemap:{lang}:") and not e["path"].endswith(".gz"):
            for u in parse(store, e["path"]).iter(f"{SM}url"):
                links = {ln.get("hreflang"): ln.get("href") for ln in u.iter(f"{XHTML}link")}
                found[u.findtext(f"{SM}loc")] = links
    return found


def with_sitemaps(store, **changes):
    store.settings = replace(store.settings, sitemaps=replace(store.settings.sitemaps, **changes))
    return store


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A published site shared by the tests that only read it."""
    tmp = tmp_path_factory.mktemp("site")
    settings = default_settings()
    settings = replace(settings, database_url=f"sqlite:///{tmp}/s.db", output_dir=tmp / "out")
    store = make_store(settings, "sqlite", "main")
    corpus = list(generate(200, seed=3, end=datetime(2026, 11, 20, 12, tzinfo=UTC))) + objects()
    load(store, corpus, NOW)
    publish(store, NOW, full=True)
    yield store
    store.engine.dispose()


def test_every_sitemap_and_index_validates(site, schemas):
    files = sitemap_files(site)
    assert len(files) > 20
    for e in files:
        root = parse(site, e["path"])
        name = etree.QName(root).localname
        schemas[name].assertValid(root)


def test_gzip_twins_and_a_canonical_gz_index(sqlite_store, schemas):
    store = with_sitemaps(sqlite_store, gzip=True, gzip_canonical=True)
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    paths = {e["path"] for e in manifest(store)}
    for p in [p for p in paths if p.endswith(".xml") and "/sitemaps/" in p]:
        assert p + ".gz" in paths
        assert (
            gzip.decompress((out(store) / (p + ".gz")).read_bytes())
            == (out(store) / p).read_bytes()
        )
    index = parse(store, "sitemap.xml")
    schemas["sitemapindex"].assertValid(index)
    locs = [s.findtext(f"{SM}loc") for s in index.iter(f"{SM}sitemap")]
    assert locs and all(loc.endswith(".xml.gz") for loc in locs)
    assert {e["content_type"] for e in manifest(store) if e["path"].endswith(".gz")} == {
        "application/gzip"
    }


def test_index_lists_every_sitemap_and_each_exists(site):
    index = parse(site, "sitemap.xml")
    entries = {
        s.findtext(f"{SM}loc"): s.findtext(f"{SM}lastmod") for s in index.iter(f"{SM}sitemap")
    }
    by_url = {e["url"]: e for e in manifest(site)}
    assert set(entries) == {e["url"] for e in sitemap_files(site) if e["path"] != "sitemap.xml"}
    for loc, lastmod in entries.items():
        assert (out(site) / by_url[loc]["path"]).exists()
        assert lastmod is not None
        if "news" not in loc:  # a file changes no earlier than its newest entry
            newest = max(
                u.findtext(f"{SM}lastmod")
                for u in parse(site, by_url[loc]["path"]).iter(f"{SM}url")
            )
            assert lastmod >= newest


def test_robots_txt_points_at_the_index(site):
    text = (out(site) / "robots.txt").read_text()
    assert text.splitlines()[1:] == [
        "User-agent: *",
        "Allow: /",
        "",
        "Sitemap: http://127.0.0.1:8000/sitemap.xml",
    ]


def test_one_index_and_robots_per_host(tmp_path):
    settings = config.load(ROOT / "config" / "production.example.toml", env={})
    settings = replace(
        settings, database_url=f"sqlite:///{tmp_path}/s.db", output_dir=tmp_path / "out"
    )
    store = make_store(settings, "sqlite", "main")
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    for host in ("english.example.net", "arabic.example.net", "espanol.example.net"):
        robots = (tmp_path / "out" / host / "robots.txt").read_text()
        assert f"Sitemap: https://{host}/sitemap.xml" in robots
        index = etree.parse(str(tmp_path / "out" / host / "sitemap.xml")).getroot()
        locs = [s.findtext(f"{SM}loc") for s in index.iter(f"{SM}sitemap")]
        assert locs and all(loc.startswith(f"https://{host}/sitemaps/") for loc in locs)
        assert f"https://{host}/sitemaps/news.xml" in locs
    assert not (tmp_path / "out" / "sitemap.xml").exists()


def test_hreflang_is_reciprocal_over_the_whole_set(site):
    every = {}
    for lang in ("en", "ar", "es"):
        every.update(urls(site, lang))
    checked = 0
    for loc, links in every.items():
        assert links.get("x-default") in (None, *links.values())
        for hreflang, href in links.items():
            if hreflang == "x-default":
                continue
            assert href in every, f"{loc} lists {href}, which is in no sitemap"
            assert every[href].get(hreflang) == href
            back = {h: u for h, u in every[href].items() if h != "x-default"}
            own = {h: u for h, u in links.items() if h != "x-default"}
            assert back == own, f"{href} and {loc} disagree on their translations"
            checked += 1
    assert checked > 100


def test_hreflang_follows_translations_added_and_retracted(store):
    load(store, [story("st-1", variants={"en": variant("English", slug="english")})], NOW)
    publish(store, NOW, full=True)
    assert urls(store)["http://127.0.0.1:8000/en/politics/english"] == {
        "en": "http://127.0.0.1:8000/en/politics/english",
        "x-default": "http://127.0.0.1:8000/en/politics/english",
    }
    load(
        store,
        [
            story(
                "st-1",
                variants={"ar": variant("عربي", slug="عربي", published_at="2026-11-20T11:00:00Z")},
            )
        ],
        NOW,
    )
    publish(store, NOW)
    ar_url = "http://127.0.0.1:8000/ar/politics/%D8%B9%D8%B1%D8%A8%D9%8A"
    assert urls(store)["http://127.0.0.1:8000/en/politics/english"]["ar"] == ar_url
    assert urls(store, "ar")[ar_url]["en"] == "http://127.0.0.1:8000/en/politics/english"
    load(
        store,
        [
            story(
                "st-1",
                variants={
                    "ar": variant(
                        "عربي", slug="عربي", status="retracted", published_at="2026-11-20T11:00:00Z"
                    )
                },
            )
        ],
        NOW,
    )
    publish(store, NOW)
    assert "ar" not in urls(store)["http://127.0.0.1:8000/en/politics/english"]
    assert urls(store, "ar") == {}


def test_only_live_variants_appear(site):
    every = set()
    for lang in ("en", "ar", "es"):
        for loc, links in urls(site, lang).items():
            every.add(loc)
            every |= set(links.values())
    blob = "\n".join(every)
    for slug in ("draft", "embargoed-story", "retracted-story"):
        assert f"/{slug}" not in blob


def test_arabic_urls_are_percent_encoded(site):
    ar = urls(site, "ar")
    assert ar
    for loc in ar:
        assert loc.isascii() and " " not in loc and "/./" not in loc and "/../" not in loc
    raw = (
        out(site)
        / next(e["path"] for e in sitemap_files(site) if e["key"].startswith("sitemap:ar:"))
    ).read_bytes()
    assert "المغرب".encode() not in raw.split(b"<image:caption>")[0]


def test_image_and_video_extensions(site):
    entry = None
    for e in sitemap_files(site):
        if e["key"] == "sitemap:en:period:2026-11-15":
            for u in parse(site, e["path"]).iter(f"{SM}url"):
                if u.findtext(f"{SM}loc").endswith("/morocco-security-deal"):
                    entry = u
    assert entry is not None
    assert entry.findtext(f"{IMAGE}image/{IMAGE}loc") == "https://media.example.net/rabat.jpg"
    assert entry.findtext(f"{IMAGE}image/{IMAGE}caption") == "Officers meet in Rabat"
    video = entry.find(f"{VIDEO}video")
    assert video.findtext(f"{VIDEO}thumbnail_loc").endswith("rabat-thumb.jpg")
    assert video.findtext(f"{VIDEO}content_loc").endswith("rabat.mp4")
    assert video.findtext(f"{VIDEO}duration") == "125"
    assert video.findtext(f"{VIDEO}title") == "Morocco & Israel sign <security> deal"
    assert video.findtext(f"{VIDEO}description") == "Both sides confirmed it."
    assert entry.findtext(f"{SM}lastmod") == "2026-11-20T08:00:00Z"


def news(store, lang="en"):
    root = parse(store, f"{lang}/sitemaps/news.xml")
    return [
        (u.findtext(f"{SM}loc"), u.findtext(f"{NEWS}news/{NEWS}publication_date"))
        for u in root.iter(f"{SM}url")
    ]


def test_news_window_rolls_with_the_clock(store, schemas):
    load(
        store,
        [
            story("st-old", variants={"en": variant("Old", published_at="2026-11-18T11:00:00Z")}),
            story(
                "st-mid",
                variants={
                    "en": variant("Mid", published_at="2026-11-19T12:00:00Z"),
                    "es": variant("Medio", published_at="2026-11-19T12:00:00Z"),
                },
            ),
            story("st-new", variants={"en": variant("New", published_at="2026-11-20T11:00:00Z")}),
            story(
                "st-next",
                variants={
                    "en": variant("Next", status="scheduled", published_at="2026-11-21T09:00:00Z")
                },
            ),
        ],
        NOW,
    )
    publish(store, "2026-11-20T12:00:00Z", full=True)
    assert [loc.rsplit("/", 1)[1] for loc, _ in news(store)] == ["new", "mid"]
    root = parse(store, "es/sitemaps/news.xml")
    schemas["urlset"].assertValid(root)
    assert root.findtext(f"{SM}url/{NEWS}news/{NEWS}publication/{NEWS}language") == "es"
    assert (
        root.findtext(f"{SM}url/{NEWS}news/{NEWS}publication/{NEWS}name") == "Al Mayadeen Español"
    )
    assert root.findtext(f"{SM}url/{NEWS}news/{NEWS}title") == "Medio"
    # incremental publishes: found by time alone
    publish(store, "2026-11-21T12:30:00Z")
    assert [loc.rsplit("/", 1)[1] for loc, _ in news(store)] == ["next", "new"]
    publish(store, "2026-11-23T12:00:00Z")
    assert news(store) == []
    assert parse(store, "en/sitemaps/news.xml").tag == f"{SM}urlset"


def test_news_sitemap_splits_at_news_max(sqlite_store, schemas):
    store = with_sitemaps(sqlite_store, news_max=2)
    load(
        store,
        [
            story(
                f"st-{i}", variants={"en": variant(f"S{i}", published_at=f"2026-11-20T0{i}:00:00Z")}
            )
            for i in range(5)
        ],
        NOW,
    )
    publish(store, NOW, full=True)
    parts = sorted(e["path"] for e in manifest(store) if e["key"] == "news:en:recent:")
    assert parts == ["en/sitemaps/news.1.xml", "en/sitemaps/news.2.xml", "en/sitemaps/news.3.xml"]
    assert [len(parse(store, p)) for p in parts] == [2, 2, 1]


def test_a_full_period_splits_and_each_part_stays_under_the_limit(store, schemas):
    store = with_sitemaps(store, max_urls=5, period="month")
    objs = [
        story(
            f"st-{i:02d}",
            variants={
                "en": variant(f"S{i}", slug=f"s{i}", published_at=f"2026-11-{1 + i:02d}T08:00:00Z")
            },
        )
        for i in range(19)
    ]
    load(store, objs, NOW)
    publish(store, NOW, full=True)
    parts = {e["path"]: e for e in manifest(store) if e["key"] == "sitemap:en:period:2026-11-01"}
    assert len(parts) >= 4
    seen = []
    for p in parts:
        root = parse(store, p)
        schemas["urlset"].assertValid(root)
        locs = [u.findtext(f"{SM}loc") for u in root.iter(f"{SM}url")]
        assert 0 < len(locs) <= 5
        seen += locs
    assert sorted(seen) == sorted(f"http://127.0.0.1:8000/en/politics/s{i}" for i in range(19))
    before = {p: (out(store) / p).read_bytes() for p in parts}
    # another month's story does not move anything
    load(
        store,
        [story("st-dec", variants={"en": variant("D", published_at="2026-12-01T08:00:00Z")})],
        NOW,
    )
    publish(store, "2026-12-02T00:00:00Z")
    assert {p: (out(store) / p).read_bytes() for p in parts} == before
    # the index lists every part
    locs = {s.findtext(f"{SM}loc") for s in parse(store, "sitemap.xml").iter(f"{SM}sitemap")}
    assert {e["url"] for e in parts.values()} <= locs


def test_one_change_rewrites_its_partitions_its_siblings_news_and_index(store):
    load(
        store,
        [
            story(
                "st-1",
                variants={
                    "en": variant("One", slug="one", published_at="2026-11-10T08:00:00Z"),
                    "es": variant("Uno", slug="uno", published_at="2026-11-02T08:00:00Z"),
                },
            ),
            story(
                "st-2",
                variants={"en": variant("Two", slug="two", published_at="2026-10-05T08:00:00Z")},
            ),
            story(
                "st-3",
                variants={
                    "ar": variant("ثلاثة", slug="ثلاثة", published_at="2026-11-19T08:00:00Z")
                },
            ),
        ],
        NOW,
    )
    publish(store, NOW, full=True)
    # a new slug for the English variant: its URL changes, so its sibling's hreflang too
    load(
        store,
        [
            story(
                "st-1",
                variants={
                    "en": variant("One", slug="one-renamed", published_at="2026-11-10T08:00:00Z")
                },
            )
        ],
        "2026-11-20T12:10:00Z",
    )
    result = publish(store, "2026-11-20T12:10:00Z")
    written = {p for p in result.written if not p.startswith(("en/feeds", "es/feeds"))}
    assert written == {"en/sitemaps/2026-11-08.xml", "es/sitemaps/2026-11-01.xml", "sitemap.xml"}
    index = parse(store, "sitemap.xml")
    lastmods = {
        s.findtext(f"{SM}loc").rsplit("/", 2)[1]
        + "/"
        + s.findtext(f"{SM}loc").rsplit("/", 1)[1]: s.findtext(f"{SM}lastmod")
        for s in index.iter(f"{SM}sitemap")
    }
    assert lastmods["sitemaps/2026-11-08.xml"] == "2026-11-20T12:10:00Z"
    keys_rendered = result.keys
    assert keys_rendered < 30
    assert not any(p.startswith("ar/") for p in result.written)


def test_a_sitemap_only_rebuild_leaves_feeds_and_the_outbox(sqlite_store):
    from conftest import ts

    from syndicate.publish import Publisher

    store = sqlite_store
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    load(
        store,
        [story("st-new", variants={"en": variant("Fresh", published_at="2026-11-20T11:30:00Z")})],
        NOW,
    )
    result = Publisher(store).publish(
        ts(NOW), full=True, only=frozenset({"sitemap", "news", "index", "robots"})
    )
    assert result.written and all("/feeds/" not in p for p in result.written)
    assert "en/sitemaps/news.xml" in result.written
    result = publish(store, NOW)  # the feeds' changes are still due
    assert "en/feeds/all.rss" in result.written
