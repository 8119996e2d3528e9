"""Faults of the machine: a full disk under the output directory.

The output directory is a real, small tmpfs mounted for the test (root is
needed to mount one; without it the test skips with the reason, and fails
under CI=true like the tests that need a server).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, load, need_server, ts
from factories import story, variant
from lxml import etree
from sample_site import NOW, objects

from syndicate import publish as pub


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        need_server(f"cannot mount a tmpfs for the full-disk test: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """Fill the file system up to ``leave`` bytes free."""
    filler = disk / "filler"
    with open(filler, "wb") as f:
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        f.write(b"\0" * max(0, free - leave))
    return filler


def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_a_full_disk_keeps_the_previous_outputs_and_the_work_resumes(sqlite_store, small_disk):
    store = sqlite_store
    out = small_disk / "public"
    store.settings = replace(store.settings, output_dir=out)
    load(store, objects(), NOW)
    assert not pub.Publisher(store).publish(ts(NOW), full=True).failed
    before = _snapshot(out)
    assert len(before) > 100

    # every story's headline changes: most feeds and sitemaps must be written again
    edits = [o for o in objects() if o.get("type") == "story"]
    for o in edits:
        for v in o["variants"].values():
            v["title"] = v["title"] + " — updated with a much longer headline than before"
    load(store, edits, NOW)
    # room for the small files (each replaces its old self and frees its space), not the
    # big ones: the publish stops at the first refusal and what is left stays dirty
    sizes = sorted(len(v) for v in before.values())
    filler = _fill(small_disk, leave=sizes[len(sizes) // 2])
    result = pub.Publisher(store).publish(ts(NOW))
    assert result.storage_error and "No space left" in result.storage_error
    assert result.failed
    after = _snapshot(out)
    # nothing half-written and no temporary file left: each file is its old or its new
    # bytes, whole, and every XML file parses
    assert set(after) == set(before)
    for rel, data in after.items():
        if rel.endswith((".rss", ".atom", ".xml")):
            etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        elif rel.endswith(".json"):
            json.loads(data)
    assert any(after[r] == before[r] for r in before)  # the previous outputs are in place
    manifest = json.loads(after["manifest.json"])
    assert {e["path"] for e in manifest["outputs"]} <= set(after)

    # space again: the next publish writes what was left, and ends where a fresh one does
    filler.unlink()
    again = pub.Publisher(store).publish(ts(NOW))
    assert not again.failed and not again.storage_error
    fresh = pub.Publisher(store, small_disk / "fresh").publish(ts(NOW), full=True)
    assert not fresh.failed
    final, expected = _snapshot(out), _snapshot(small_disk / "fresh")
    assert final.keys() == expected.keys()
    for rel in final:
        if rel != "manifest.json":
            assert final[rel] == expected[rel], rel


def test_the_cli_says_the_disk_is_full_and_exits_non_zero(sqlite_store, small_disk, tmp_path):
    store = sqlite_store
    out = small_disk / "public"
    env = {
        **os.environ,
        "SYNDICATE_CONFIG": str(ROOT / "config" / "default.toml"),
        "SYNDICATE_DATABASE_URL": store.settings.database_url,
        "SYNDICATE_OUTPUT_DIR": str(out),
    }
    load(store, objects(), NOW)
    load(store, [story("st-x", variants={"en": variant("Fills the disk")})], NOW)
    _fill(small_disk, leave=16 * 1024)
    done = subprocess.run(
        [sys.executable, "-m", "syndicate.cli", "publish", "--all", "--now", NOW],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "refused a write (" in done.stderr and "No space left on device" in done.stderr
    assert "Free some space" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_reader_never_sees_a_partial_file_during_1000_republishes(sqlite_store, tmp_path):
    """A reader fetching feeds and sitemaps in a loop while 1,000 publishes rewrite them
    (a breaking line each time, a story's headline every tenth): every read is a whole,
    well-formed file, and one the publisher wrote. Every fourth version of the ticker waits
    until the reader has read it: the reader reads throughout, however the threads are
    scheduled."""
    import hashlib
    import threading

    from factories import breaking

    store = sqlite_store
    store.settings = replace(
        store.settings, output_dir=tmp_path / "out", publish=replace(store.settings.publish, jobs=1)
    )
    load(store, objects(), NOW)
    publisher = pub.Publisher(store, caches=pub.Caches())  # a worker's, warm between publishes
    publisher.publish(ts(NOW), full=True)
    out = tmp_path / "out"
    watched = [
        "en/feeds/breaking.rss",
        "en/feeds/breaking.json",
        "en/feeds/all.atom",
        "en/feeds/section/politics.rss",
        "en/sitemaps/news.xml",
    ]
    for rel in watched:
        assert (out / rel).exists(), rel
    written: set[str] = {hashlib.sha256((out / r).read_bytes()).hexdigest() for r in watched}
    seen: list[str] = []
    versions: set[str] = set()  # what `seen` holds, for the publisher's wait
    news = threading.Condition()
    bad: list[str] = []
    stop = threading.Event()
    parser = etree.XMLParser(resolve_entities=False, no_network=True)

    def reader() -> None:
        while not stop.is_set():
            for rel in watched:
                data = (out / rel).read_bytes()
                try:
                    json.loads(data) if rel.endswith(".json") else etree.fromstring(data, parser)
                except ValueError as e:  # lxml's XMLSyntaxError is a ValueError too
                    bad.append(f"{rel}: {e}")
                digest = hashlib.sha256(data).hexdigest()
                seen.append(digest)
                with news:
                    versions.add(digest)
                    news.notify_all()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(1000):
            objs = [
                breaking("br-loop", text=f"Ticker line {i}", published_at="2026-11-20T11:50:00Z")
            ]
            if i % 10 == 0:
                objs.append(
                    story(
                        "st-loop",
                        variants={
                            "en": variant(f"Headline {i}", published_at="2026-11-20T11:00:00Z")
                        },
                    )
                )
            load(store, objs, NOW)
            result = publisher.publish(ts(NOW))
            assert not result.failed
            written |= {
                hashlib.sha256((out / r).read_bytes()).hexdigest()
                for r in result.written
                if r in watched
            }
            if i % 4 == 0:
                ticker = hashlib.sha256((out / watched[0]).read_bytes()).hexdigest()
                with news:
                    read = news.wait_for(lambda t=ticker: t in versions, timeout=60)
                assert read, "the reader stalled"
    finally:
        stop.set()
        thread.join()
    assert not bad, bad[:3]
    assert len(seen) > 1000  # the reader really read throughout: 250 waits, 5 files a pass
    assert set(seen) <= written  # every version read is one the publisher wrote
    assert len(set(seen)) > 100  # and it saw the files change


def test_a_full_publish_sweeps_the_temporary_files_a_killed_writer_left(sqlite_store, tmp_path):
    """kill -9 between a temporary file's creation and its rename leaves `.NAME.XXXX.tmp`
    behind: a full publish removes the stale ones, never a live writer's (fresh) one."""
    store = sqlite_store
    out = store.settings.output_dir
    load(store, objects(), NOW)
    publisher = pub.Publisher(store)
    publisher.publish(ts(NOW), full=True)
    feeds = out / "en" / "feeds"
    stale = [feeds / ".all.rss.k1ll3d.tmp", out / ".sitemap.xml.x9.tmp"]
    fresh = feeds / ".all.atom.l1ve.tmp"
    old = time.time() - pub.STALE_TEMP_SECONDS - 60  # the sweep goes by the real clock
    for p in [*stale, fresh]:
        p.write_bytes(b"<rss><chann")
    for p in stale:
        os.utime(p, (old, old))
    publisher.publish(ts(NOW))  # an incremental publish leaves them (it walks no directories)
    assert all(p.exists() for p in stale)
    publisher.publish(ts(NOW), full=True)
    assert not any(p.exists() for p in stale)
    assert fresh.exists()
