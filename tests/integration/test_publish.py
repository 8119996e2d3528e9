"""Atomic writes, hash-skip, removal and the manifest."""

import hashlib
import json
import os
import threading
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ROOT, load, publish, ts
from factories import story, variant
from sample_site import NOW, objects

from syndicate import config, outputs, targets
from syndicate import publish as pub
from syndicate.render import sitemaps as render_sitemaps


def one_process(settings):
    return replace(settings, publish=replace(settings.publish, jobs=1))


def root(store) -> Path:
    return Path(store.settings.output_dir)


def manifest(store):
    return {
        e["path"]: e for e in json.loads((root(store) / "manifest.json").read_text())["outputs"]
    }


def test_manifest_lists_every_output_truthfully(sqlite_store):
    store = sqlite_store
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    entries = manifest(store)
    on_disk = {
        p.relative_to(root(store)).as_posix()
        for p in root(store).rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert set(entries) == on_disk
    e = entries["en/feeds/section/politics.atom"]
    data = (root(store) / e["path"]).read_bytes()
    assert e["sha256"] == hashlib.sha256(data).hexdigest() and e["size"] == len(data)
    assert e["etag"] == f'"{e["sha256"][:32]}"'
    assert e["url"] == "http://127.0.0.1:8000/en/feeds/section/politics.atom"
    assert e["content_type"] == "application/atom+xml; charset=utf-8"
    assert entries["en/feeds/all.json"]["content_type"] == "application/feed+json; charset=utf-8"
    assert entries["ar/feeds/all.rss"]["content_type"] == "application/rss+xml; charset=utf-8"
    assert e["last_modified"] == "2026-11-20T12:00:00Z"
    # the URL maps onto the path: each language directory is served at its base URL
    for entry in entries.values():
        assert entry["url"] == "http://127.0.0.1:8000/" + quote(entry["path"])


def test_an_unchanged_render_does_not_touch_its_file(sqlite_store):
    store = sqlite_store
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    before = {p: os.stat(p) for p in root(store).rglob("*") if p.is_file()}
    result = publish(store, "2026-11-20T12:05:00Z", full=True)
    assert result.written == [] and result.removed == []
    after = {p: os.stat(p) for p in root(store).rglob("*") if p.is_file()}
    assert set(before) == set(after)
    for p, st in before.items():
        assert (after[p].st_mtime_ns, after[p].st_ino) == (st.st_mtime_ns, st.st_ino), p


def test_incremental_publish_renders_only_what_changed(sqlite_store):
    store = sqlite_store
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    load(
        store,
        [
            story(
                "st-opinion",
                section="opinion",
                regions=["europe"],
                variants={
                    "en": variant(
                        "An opinion, revised",
                        slug="an-opinion",
                        tags=["Morocco"],
                        authors=["Jane Roe"],
                        published_at="2026-11-18T08:00:00Z",
                    )
                },
            )
        ],
        NOW,
    )
    result = publish(store, NOW)
    touched = {p.rsplit(".", 1)[0] for p in result.written}
    assert touched == {
        "en/feeds/all",
        "en/feeds/section/opinion",
        "en/feeds/group/articles",
        "en/feeds/region/europe",
        "en/feeds/tag/morocco",
        "en/feeds/author/jane-roe",
    }
    assert publish(store, NOW).keys == 0  # the outbox is drained


def test_outputs_that_no_longer_exist_are_removed(sqlite_store):
    store = sqlite_store
    load(
        store,
        [story(f"st-{i}", variants={"en": variant(f"S{i}", tags=["Rare"])}) for i in range(3)],
    )
    publish(store, full=True)
    assert (root(store) / "en/feeds/tag/rare.rss").exists()
    load(store, [story("st-0", variants={"en": variant("S0", tags=["Other"])})])
    result = publish(store)
    assert {"en/feeds/tag/rare.rss", "en/feeds/tag/rare.atom", "en/feeds/tag/rare.json"} <= set(
        result.removed
    )
    assert not (root(store) / "en/feeds/tag/rare.rss").exists()
    assert "en/feeds/tag/rare.rss" not in manifest(store)


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path):
    target = tmp_path / "feeds" / "all.rss"
    a, b = b"A" * 200_000, b"B" * 300_000
    targets.write_atomic(target, a)
    seen: set[bytes] = set()
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            data = target.read_bytes()
            assert data in (a, b), "a reader saw a mix of two versions"
            seen.add(data[:1])

    t = threading.Thread(target=reader)
    t.start()
    for i in range(200):
        targets.write_atomic(target, b if i % 2 == 0 else a)
    stop.set()
    t.join()
    assert seen  # the reader really read
    assert sorted(p.name for p in target.parent.iterdir()) == ["all.rss"]


@pytest.mark.parametrize("fsync", [True, False])
def test_publish_fsync_flushes_each_file_and_its_directory(tmp_path, monkeypatch, fsync):
    """[publish] fsync (on by default; the tests turn it off) reaches the output target:
    on, each written file and then its directory are flushed to the disk; off, neither."""
    import stat

    s = config.load(ROOT / "config" / "default.toml", env={})
    assert s.publish.fsync  # the default
    s = replace(s, output_dir=tmp_path, publish=replace(s.publish, fsync=fsync))
    flushed: list[str] = []
    real = targets.os.fsync

    def recording(fd):
        flushed.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(targets.os, "fsync", recording)
    targets.for_settings(s).put("en/feeds/all.rss", b"<rss/>", content_type="", cache_control="")
    assert (tmp_path / "en/feeds/all.rss").read_bytes() == b"<rss/>"
    assert flushed == (["file", "dir"] if fsync else [])


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "x.xml"
    targets.write_atomic(target, b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(targets.os, "replace", broken_replace)
    with pytest.raises(OSError):
        targets.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.xml"]


@pytest.mark.parametrize(
    "rel", ["../x.rss", "/etc/passwd", "en/../../x", "en//x", "en/./x", "a\\..\\b"]
)
def test_nothing_is_written_outside_the_output_directory(tmp_path, rel):
    with pytest.raises(targets.UnsafePath):
        targets.safe_join(tmp_path, rel)


def test_a_symlink_cannot_lead_a_write_outside(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "en").symlink_to(outside)
    with pytest.raises(targets.UnsafePath):
        targets.safe_join(out, "en/feeds/all.rss")


def test_verify_repairs_drift_the_manifest_cannot_see(sqlite_store):
    store = sqlite_store
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    target = root(store) / "en/feeds/all.rss"
    good = target.read_bytes()
    target.write_bytes(good.replace(b"Morocco", b"Moroccx"))  # same size: only a hash sees it
    (root(store) / "en/feeds/all.atom").unlink()
    assert publish(store, NOW, full=True).written == ["en/feeds/all.atom"]
    result = pub.Publisher(store).publish(ts(NOW), full=True, verify=True)
    assert result.written == ["en/feeds/all.rss"]
    assert target.read_bytes() == good


def set_renderer(monkeypatch, fmt, render):
    """A feed format rendered by another function (outputs.FORMATS holds the renderers)."""
    monkeypatch.setitem(outputs.FORMATS, fmt, replace(outputs.FORMATS[fmt], render=render))


def test_a_poison_output_is_logged_kept_dirty_and_blocks_nothing(sqlite_store, monkeypatch, caplog):
    store = sqlite_store
    load(store, objects(), NOW)
    real = outputs.FORMATS["atom"].render

    def poisoned(meta, items, fragments):
        if meta.key == "feed:en:section:technology":
            raise ValueError("feedgen refuses this")
        return real(meta, items, fragments)

    set_renderer(monkeypatch, "atom", poisoned)
    result = publish(store, NOW, full=True)
    assert result.failed == ["feed:en:section:technology"]
    assert "en/feeds/all.atom" in result.written  # everything else was published
    assert any(
        "feed:en:section:technology" in str(getattr(r, "fields", "")) for r in caplog.records
    )
    with store.session() as s:
        assert {str(k) for k in store.outbox.pending(s)[1]} == {"feed:en:section:technology"}
    set_renderer(monkeypatch, "atom", real)
    assert "en/feeds/section/technology.atom" in publish(store, NOW).written


def test_spliced_feeds_are_the_bytes_feedgen_writes_whole(sqlite_store, tmp_path, monkeypatch):
    """Items rendered once and spliced into each feed give every feed the same bytes as
    rendering it whole with feedgen: over a generated corpus (Arabic, Spanish, media,
    partial translations) and the sample, every RSS, Atom and JSON file."""
    from datetime import UTC, datetime

    from bench.corpus import generate

    store = sqlite_store
    store.settings = one_process(store.settings)  # the renderers are patched in this process
    load(store, list(generate(250, seed=5, end=datetime(2026, 11, 20, 12, tzinfo=UTC))), NOW)
    load(store, objects(), NOW)
    spliced = []
    real = {n: f.render for n, f in outputs.FORMATS.items() if f.render}

    def counting(fmt):
        def render(meta, items, fragments):
            spliced.append(len(items))
            return real[fmt](meta, items, fragments)

        return render

    for fmt in real:
        set_renderer(monkeypatch, fmt, counting(fmt))
    publish(store, NOW, full=True, out=tmp_path / "spliced")
    for fmt in real:
        set_renderer(monkeypatch, fmt, lambda m, i, _f, fmt=fmt: real[fmt](m, i, None))
    publish(store, NOW, full=True, out=tmp_path / "whole")
    a, b = tmp_path / "spliced", tmp_path / "whole"
    feeds = sorted(p.relative_to(a) for p in a.rglob("*") if p.suffix in (".rss", ".atom", ".json"))
    assert len(feeds) > 300 and sum(spliced) > 3000
    assert any(str(p).startswith("ar/") for p in feeds)
    for rel in feeds:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    # and not a reordering: the two directories hold the same files
    assert sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()) == sorted(
        p.relative_to(a) for p in a.rglob("*") if p.is_file()
    )


def test_fragments_render_each_item_once_and_stay_bounded():
    from datetime import UTC, datetime

    from syndicate.caches import fragments as Fragments
    from syndicate.render.feeds import rss
    from syndicate.render.items import FeedItem, FeedMeta

    when = datetime(2026, 11, 20, 12, tzinfo=UTC)
    meta = FeedMeta(
        key="feed:en:all", guid="urn:uuid:1", lang="en", direction="ltr", site_name="S",
        title="T", description="D", site_url="https://example.com/",
        self_urls={"rss": "https://example.com/a.rss"}, hub=None, generator="g", updated=when,
    )  # fmt: skip
    items = [
        FeedItem(
            story_id=f"s{i}",
            lang="en",
            guid=f"urn:uuid:{i}",
            title=f"Story {i} </item>",
            url=f"https://example.com/{i}",
            summary="A & B",
            body_html=None,
            authors=(),
            source=None,
            categories=(),
            published=when,
            updated=when,
            image=None,
            video=None,
            alternates=(),
        )
        for i in range(10)
    ]
    frags = Fragments(limit=6)
    assert rss(meta, items[:5], frags) == rss(meta, items[:5])
    assert frags.rendered == 5
    assert rss(meta, items[2:7], frags) == rss(meta, items[2:7])
    assert frags.rendered == 7  # only s5 and s6 were new
    assert len(frags._cache) == 6  # the least recently used went
    assert rss(meta, items[::-1], frags) == rss(meta, items[::-1])
    # long full-text items: the bytes are bounded too, whatever the count allows
    long = [replace(i, body_html="<p>" + "x" * 50_000 + "</p>") for i in items]
    heavy = Fragments(limit=1000, max_bytes=200_000)
    assert rss(meta, long, heavy) == rss(meta, long)  # the same bytes, cache or not
    assert 0 < heavy.bytes <= 200_000 and len(heavy) <= 4
    assert heavy.bytes == sum(len(v) for v in heavy._cache.values())


def test_bounded_caches_keep_their_count_and_weight():
    from syndicate.caches import Bounded

    cache: Bounded[str, str] = Bounded(5, max_weight=100, weigh=len)
    for i in range(20):
        cache[f"k{i}"] = "x" * 30
        assert len(cache) <= 5 and cache.weight <= 100
        assert cache.weight == sum(len(v) for v in cache.values())
    assert list(cache) == ["k17", "k18", "k19"]  # the newest three fit in 100
    cache["k18"] = "y"  # a rewrite replaces its weight and is the newest
    assert cache.weight == 61 and list(cache)[-1] == "k18"
    cache["huge"] = "z" * 500  # heavier than the whole budget: kept alone, the newest
    assert list(cache) == ["huge"] and cache.weight == 500
    counted: Bounded[str, str] = Bounded(3)  # no weigh: the count alone, as before
    for i in range(10):
        counted[str(i)] = "v" * 1000
    assert list(counted) == ["7", "8", "9"]


def test_a_big_publish_renders_across_processes_to_the_same_bytes(store, tmp_path):
    """SQLite and PostgreSQL: a full publish split across two processes (each its own
    connection and caches) writes exactly the files, bytes and manifest of one process."""
    from datetime import UTC, datetime

    from bench.corpus import generate

    load(store, list(generate(150, seed=9, end=datetime(2026, 11, 20, 12, tzinfo=UTC))), NOW)
    base = store.settings
    store.settings = one_process(base)
    alone = publish(store, NOW, full=True, out=tmp_path / "one")
    store.settings = replace(base, publish=replace(base.publish, jobs=2, parallel_min=1))
    split = publish(store, NOW, full=True, out=tmp_path / "two")
    assert not alone.failed and not split.failed
    assert sorted(split.written) == sorted(alone.written) and len(alone.written) > 300
    a, b = tmp_path / "one", tmp_path / "two"
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    # the second process's work is in the manifest table too: an unchanged re-run writes nothing
    again = publish(store, NOW, full=True, out=tmp_path / "two")
    assert again.written == [] and again.unchanged == len(alone.written)


def test_a_warm_worker_renders_only_what_changed(store, tmp_path):
    """Caches kept across publishes (a worker's): after one story changes, only its items
    are built and rendered again, and the files are those a cold publisher writes."""
    load(store, objects(), NOW)
    caches = pub.Caches()
    warm = pub.Publisher(store, tmp_path / "warm", caches=caches)
    warm.publish(ts(NOW), full=True)
    rendered = caches.fragments.rendered
    assert rendered >= 20
    edit = story("st-new", section="technology", variants={"en": variant("A new headline")})
    load(store, [edit], NOW)
    result = warm.publish(ts(NOW))
    assert "en/feeds/section/technology.rss" in result.written
    # the edited item once per format; every other item came from the cache
    assert caches.fragments.rendered - rendered == 3
    cold = pub.Publisher(store, tmp_path / "cold").publish(ts(NOW), full=True)
    assert not cold.failed
    for rel in result.written:
        assert (tmp_path / "warm" / rel).read_bytes() == (tmp_path / "cold" / rel).read_bytes()


def test_a_warm_worker_renders_again_only_the_sitemap_urls_whose_row_changed(
    store, tmp_path, monkeypatch
):
    """Each sitemap URL's element is kept with a digest of what decides it: after an edit
    only the edited variant's URL is rendered again, after a new translation the story's
    URLs in every language (their hreflang alternates changed), and the files are the
    bytes a cold one-off publish writes."""
    from datetime import UTC, datetime

    from bench.corpus import generate

    load(store, list(generate(120, seed=3, end=datetime(2026, 11, 20, 12, tzinfo=UTC))), NOW)
    base = [
        story(f"w-{i}", variants={"en": variant(f"Week story {i}", published_at=f"2026-11-1{i}T08:00:00+00:00")})
        for i in range(5, 9)
    ]  # fmt: skip
    load(store, base, NOW)
    store.settings = one_process(store.settings)
    rendered: list[tuple[str, str]] = []
    real = store.sitemaps.entries

    def counting(session, lang, rows):
        rendered.extend((lang, r.story_id) for r in rows)
        return real(session, lang, rows)

    store.sitemaps.entries = counting  # type: ignore[method-assign]
    cut: list[tuple[str, int]] = []  # (urlset or news_urlset, elements rendered)
    real_cut = render_sitemaps.cut_apart

    def counting_cut(render, entries):
        cut.append((getattr(render, "__name__", "?"), len(entries)))
        return real_cut(render, entries)

    monkeypatch.setattr(render_sitemaps, "cut_apart", counting_cut)
    caches = pub.Caches()
    warm = pub.Publisher(store, tmp_path / "warm", caches=caches)
    warm.publish(ts(NOW), full=True)
    assert len(rendered) > 150  # every URL once

    def cold_equals(result: pub.PublishResult) -> None:
        # a directory of its own each time: a file the manifest already lists with the same
        # bytes would not be written there again
        cold_dir = tmp_path / f"cold-{len(list(tmp_path.glob('cold-*')))}"
        # the warm manifest (its lines kept from earlier publishes) is the one written afresh
        pub.Publisher(store, cold_dir)._write_manifest()
        fresh = (cold_dir / "manifest.json").read_bytes()
        assert (tmp_path / "warm" / "manifest.json").read_bytes() == fresh
        assert caches.manifest
        cold = pub.Publisher(store, cold_dir).publish(ts(NOW), full=True)
        assert not cold.failed and not result.failed
        sitemaps = [p for p in result.written if "/sitemaps/" in p]
        assert sitemaps
        for rel in result.written:
            assert (tmp_path / "warm" / rel).read_bytes() == (cold_dir / rel).read_bytes(), rel

    rendered.clear()
    cut.clear()
    edited = story("w-6", variants={"en": variant("Week story 6, updated", published_at="2026-11-16T08:00:00+00:00", updated_at="2026-11-20T09:00:00+00:00")})  # fmt: skip
    load(store, [edited], NOW)
    result = warm.publish(ts(NOW))
    assert rendered == [("en", "w-6")]
    assert cut == [("urlset", 1)]  # the en news sitemap was rendered too, all from the cache
    assert "en/sitemaps/2026-11-15.xml" in result.written
    cold_equals(result)

    cut.clear()  # a story inside the news window: its element alone is rendered again there
    fresh = story("w-9", variants={"en": variant("News story", published_at="2026-11-20T11:00:00+00:00")})  # fmt: skip
    load(store, [fresh], NOW)
    result = warm.publish(ts(NOW))
    assert sorted(cut) == [("news_render", 1), ("urlset", 1)]
    assert any(p.startswith("en/sitemaps/news") for p in result.written)
    cold_equals(result)

    rendered.clear()
    edited["variants"]["es"] = variant("Semana 6", published_at="2026-11-16T09:00:00+00:00")
    load(store, [edited], NOW)
    result = warm.publish(ts(NOW))
    assert sorted(rendered) == [("en", "w-6"), ("es", "w-6")]
    assert {"en/sitemaps/2026-11-15.xml", "es/sitemaps/2026-11-15.xml"} <= set(result.written)
    cold_equals(result)

    rendered.clear()
    again = warm.publish(ts(NOW), full=True)
    assert rendered == [] and again.written == []  # nothing changed: every URL from the cache
