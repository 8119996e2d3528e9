"""Atomic writes, hash-skip, removal and the manifest."""

import hashlib
import json
import os
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import load, publish, ts
from factories import story, variant
from sample_site import NOW, objects

from syndicate import publish as pub


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
    pub.write_atomic(target, a)
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
        pub.write_atomic(target, b if i % 2 == 0 else a)
    stop.set()
    t.join()
    assert seen  # the reader really read
    assert sorted(p.name for p in target.parent.iterdir()) == ["all.rss"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "x.xml"
    pub.write_atomic(target, b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(pub.os, "replace", broken_replace)
    with pytest.raises(OSError):
        pub.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.xml"]


@pytest.mark.parametrize(
    "rel", ["../x.rss", "/etc/passwd", "en/../../x", "en//x", "en/./x", "a\\..\\b"]
)
def test_nothing_is_written_outside_the_output_directory(tmp_path, rel):
    with pytest.raises(pub.UnsafePath):
        pub.safe_join(tmp_path, rel)


def test_a_symlink_cannot_lead_a_write_outside(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "en").symlink_to(outside)
    with pytest.raises(pub.UnsafePath):
        pub.safe_join(out, "en/feeds/all.rss")


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


def test_a_poison_output_is_logged_kept_dirty_and_blocks_nothing(sqlite_store, monkeypatch, caplog):
    store = sqlite_store
    load(store, objects(), NOW)
    real = pub.render_feeds.RENDERERS["atom"]

    def poisoned(meta, items):
        if meta.key == "feed:en:section:technology":
            raise ValueError("feedgen refuses this")
        return real(meta, items)

    monkeypatch.setitem(pub.render_feeds.RENDERERS, "atom", poisoned)
    result = publish(store, NOW, full=True)
    assert result.failed == ["feed:en:section:technology"]
    assert "en/feeds/all.atom" in result.written  # everything else was published
    assert any(
        "feed:en:section:technology" in str(getattr(r, "fields", "")) for r in caplog.records
    )
    with store.session() as s:
        assert {str(k) for k in store.pending(s)[1]} == {"feed:en:section:technology"}
    monkeypatch.setitem(pub.render_feeds.RENDERERS, "atom", real)
    assert "en/feeds/section/technology.atom" in publish(store, NOW).written
