"""The S3 output target, against a local S3-compatible server (moto's standalone server)."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, load, need_server, ts
from factories import story, variant
from sample_site import NOW, objects

from bench.nginx import free_port, wait_for_port
from syndicate import outputs, plan
from syndicate.outputs import Kind, Scope
from syndicate.publish import Publisher
from syndicate.targets import S3Target, UnsafePath, from_url

BUCKET = "syndicate-test"


@pytest.fixture
def s3(monkeypatch, tmp_path):
    """A moto S3 server of this test's own, its endpoint and a client; credentials are fake."""
    try:
        import boto3
        import moto.server  # noqa: F401
    except ImportError as e:
        need_server(f"boto3 and moto[server] are needed for the S3 target's tests: {e}")
    for var, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(var, value)
    port = free_port()
    log = (tmp_path / "moto.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc, timeout=30)
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def objects_in(client, prefix: str) -> dict[str, bytes]:
    out = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        for o in page.get("Contents", []):
            key = o["Key"]
            out[key[len(prefix) :]] = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return out


def files_in(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_publish_to_s3_writes_what_a_local_publish_writes(sqlite_store, s3, tmp_path):
    endpoint, client = s3
    store = sqlite_store
    # two processes, so the target travels to a renderer process too
    store.settings = replace(
        store.settings, publish=replace(store.settings.publish, jobs=2, parallel_min=1)
    )
    load(store, objects(), NOW)
    target = S3Target(BUCKET, "site/", endpoint_url=endpoint)
    remote = Publisher(store, target=target).publish(ts(NOW), full=True)
    local = Publisher(store, tmp_path / "local").publish(ts(NOW), full=True, verify=True)
    assert not remote.failed and sorted(remote.written) == sorted(local.written)
    stored = objects_in(client, "site/")
    assert stored == files_in(tmp_path / "local")
    # each object says what it is and how long to cache it, as the app would serve it
    head = client.head_object(Bucket=BUCKET, Key="site/en/feeds/all.atom")
    assert head["ContentType"] == "application/atom+xml; charset=utf-8"
    assert head["CacheControl"] == outputs.cache_control(store.settings.http, Kind.FEED, Scope.ALL)
    head = client.head_object(Bucket=BUCKET, Key="site/en/feeds/breaking.rss")
    assert head["CacheControl"] == outputs.cache_control(
        store.settings.http, Kind.FEED, Scope.BREAKING
    )
    assert head["CacheControl"] != outputs.cache_control(store.settings.http, Kind.FEED, Scope.ALL)
    assert len(head["Metadata"]["sha256"]) == 64

    # unchanged: nothing is put again (the manifest's hashes)
    again = Publisher(store, target=target).publish(ts(NOW), full=True)
    assert again.written == [] and again.removed == []

    # a change rewrites its objects; a retraction deletes what it alone was in
    def s3_story(status: str) -> dict:
        v = variant("S3 only", authors=["Unique Writer"], status=status)
        return story("sample-s3", section="technology", variants={"en": v})

    load(store, [s3_story("published")], NOW)
    added = Publisher(store, target=target).publish(ts(NOW))
    assert "en/feeds/section/technology.rss" in added.written
    assert "en/feeds/author/unique-writer.atom" in added.written
    assert b"S3 only" in objects_in(client, "site/")["en/feeds/section/technology.rss"]
    load(store, [s3_story("retracted")], NOW)
    removed = Publisher(store, target=target).publish(ts(NOW))
    assert "en/feeds/section/technology.rss" in removed.written
    assert "en/feeds/author/unique-writer.atom" in removed.removed
    now_stored = objects_in(client, "site/")
    assert b"S3 only" not in now_stored["en/feeds/section/technology.rss"]
    assert not set(removed.removed) & set(now_stored)
    before = files_in(tmp_path / "local")
    assert set(now_stored) == set(before) - set(removed.removed)
    touched = {*added.written, *removed.written, plan.MANIFEST}
    for path in set(now_stored) - touched:  # everything else as it was
        assert now_stored[path] == before[path], path


def test_verify_puts_back_an_object_changed_or_lost_behind_our_back(sqlite_store, s3):
    endpoint, client = s3
    store = sqlite_store
    load(store, objects(), NOW)
    target = S3Target(BUCKET, "", endpoint_url=endpoint)
    Publisher(store, target=target).publish(ts(NOW), full=True)
    good = client.get_object(Bucket=BUCKET, Key="en/feeds/all.rss")["Body"].read()
    client.put_object(Bucket=BUCKET, Key="en/feeds/all.rss", Body=b"defaced")
    client.delete_object(Bucket=BUCKET, Key="ar/feeds/all.atom")
    trusting = Publisher(store, target=target).publish(ts(NOW), full=True)
    assert trusting.written == []  # the manifest is trusted between reconciles
    repaired = Publisher(store, target=target).publish(ts(NOW), full=True, verify=True)
    assert sorted(repaired.written) == ["ar/feeds/all.atom", "en/feeds/all.rss"]
    assert client.get_object(Bucket=BUCKET, Key="en/feeds/all.rss")["Body"].read() == good


def test_readers_see_the_old_object_or_the_new_one(s3):
    endpoint, client = s3
    target = S3Target(BUCKET, "atomic", endpoint_url=endpoint)
    old, new = b"<a>" + b"o" * 300_000 + b"</a>", b"<a>" + b"n" * 700_000 + b"</a>"
    target.put("x.xml", old, content_type="application/xml", cache_control="no-cache")
    seen: list[bytes] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.append(client.get_object(Bucket=BUCKET, Key="atomic/x.xml")["Body"].read())

    t = threading.Thread(target=reader)
    t.start()
    try:
        for i in range(60):
            target.put(
                "x.xml",
                new if i % 2 == 0 else old,
                content_type="application/xml",
                cache_control="no-cache",
            )
    finally:
        stop.set()
        t.join()
    assert len(seen) >= 5 and {len(b) for b in seen} <= {len(old), len(new)}
    assert all(b in (old, new) for b in seen)


@pytest.mark.parametrize("path", ["../x.rss", "/etc/passwd", "en/../../x", "a\\..\\b", "en//x"])
def test_no_key_outside_the_prefix(path):
    target = S3Target(BUCKET, "site", client=object())
    with pytest.raises(UnsafePath):
        target.put(path, b"x", content_type="text/plain", cache_control="no-cache")
    with pytest.raises(UnsafePath):
        target.delete(path)


def test_output_urls():
    t = from_url("s3://bucket/a/b/", endpoint_url="http://127.0.0.1:9000")
    assert isinstance(t, S3Target) and t.key("en/feeds/all.rss") == "a/b/en/feeds/all.rss"
    assert t.describe() == "s3://bucket/a/b"
    assert from_url("s3://bucket").key(plan.MANIFEST) == plan.MANIFEST  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="bucket"):
        from_url("s3:///prefix")
    with pytest.raises(ValueError, match="s3://BUCKET"):
        from_url("ftp://host/x")


@pytest.mark.postgres
def test_two_publishers_share_a_full_publish_into_one_bucket(settings, s3, tmp_path):
    """Beyond one machine: PostgreSQL holds the store, the bucket holds the outputs. A full
    publish is queued (`publish --all --queue`) and two publisher processes drain it a batch
    at a time, each claiming what the other has not; the bucket ends up with exactly the
    files a single publisher writes, indexes and directories listing everything."""
    from conftest import WORKER, make_store

    from bench.corpus import generate
    from syndicate.store import Store

    endpoint, client = s3
    corpus = list(generate(120, seed=3, end=ts(NOW))) + objects()
    # the reference: one process, its own SQLite store, a local directory
    reference = Store(replace(settings, database_url=f"sqlite:///{tmp_path}/ref.db"))
    reference.prepare()
    load(reference, corpus, NOW)
    Publisher(reference, tmp_path / "ref").publish(ts(NOW), full=True)
    expected = files_in(tmp_path / "ref")

    pg = make_store(settings, "postgres", WORKER)
    try:
        load(pg, corpus, NOW)
        with pg.session() as s, s.begin():
            # published before: this is a rebuild, not a first run
            pg.outbox.advance_mark(s, ts(NOW))
        target = S3Target(BUCKET, "shared", endpoint_url=endpoint)
        queued = Publisher(pg, target=target).enqueue_all(ts(NOW))
        assert queued > 300
        env = {
            **__import__("os").environ,
            "SYNDICATE_CONFIG": str(ROOT / "config" / "default.toml"),
            "SYNDICATE_DATABASE_URL": pg.settings.database_url,
            "SYNDICATE_OUTPUT_URL": f"s3://{BUCKET}/shared",
            "SYNDICATE_S3_ENDPOINT_URL": endpoint,
            "SYNDICATE_PUBLISH_JOBS": "1",
        }
        cmd = [sys.executable, "-m", "syndicate.cli", "publish", "--batch", "25", "--now", NOW]
        procs = [
            subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=600) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
        written = []
        for _out, err in outs:
            line = [ln for ln in err.decode().splitlines() if "written" in ln][-1]
            written.append(int(line.split(": ", 1)[1].split(" written")[0]))
        assert all(n > 0 for n in written), written  # both took a share
        # each output once, but for indexes and directories, which each re-lists its share
        assert len(expected) - 1 <= sum(written) <= len(expected) - 1 + 2 * 8, written
        stored = objects_in(client, "shared/")
        assert set(stored) == set(expected)
        for path, data in expected.items():
            if path != plan.MANIFEST:
                assert stored[path] == data, path
        with pg.session() as s:
            assert pg.outbox.claim(s) == []  # the outbox is drained
    finally:
        pg.engine.dispose()
