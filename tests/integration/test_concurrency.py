"""Several publishers on PostgreSQL: SKIP LOCKED claims, per-output locks, generations."""

import threading
import time
from datetime import timedelta

import pytest
from conftest import load, publish, ts
from factories import story, variant
from sample_site import NOW
from sqlalchemy import select, text

from syndicate import plan
from syndicate.model import Outbox, Output
from syndicate.publish import Caches, Publisher, PublishResult
from syndicate.publish.writes import Writer

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(settings):
    from conftest import WORKER, make_store

    store = make_store(settings, "postgres", WORKER)
    yield store
    store.engine.dispose()


def test_outbox_rows_claimed_by_one_publisher_are_skipped_by_another(pg):
    load(pg, [story("st-1"), story("st-2", section="sports")], NOW)
    a, b = pg.session(), pg.session()
    try:
        a.begin()
        mine = pg.outbox.claim(a)
        assert mine
        b.begin()
        assert pg.outbox.claim(b) == []  # every row is locked by a: skipped, not waited on
        a.rollback()  # a gives them back
        assert {k for _i, k in pg.outbox.claim(b)} == {k for _i, k in mine}
    finally:
        a.close()
        b.close()


def test_a_full_publish_settles_the_outbox_but_rows_a_drain_holds(pg):
    """A full publish does not load the outbox (millions of rows after a big import): it
    renders every output and deletes the rows written before it, except those another
    publisher has claimed, which that publisher settles."""
    load(pg, [story("st-1"), story("st-2", section="sports")], NOW)
    publish(pg, NOW, full=True)
    load(pg, [story("st-3", section="sports", variants={"en": variant("Held")})], NOW)
    drain = pg.session()
    try:
        drain.begin()
        held = pg.outbox.claim(drain, 1)
        assert len(held) == 1
        load(pg, [story("st-4", variants={"en": variant("Fourth")})], NOW)
        result = publish(pg, NOW, full=True)
        assert result.full and "en/feeds/all.rss" in result.written
        with pg.session() as s:
            left = list(s.scalars(select(Outbox.id)))  # read, not claimed: no lock to skip
        assert left == [i for i, _k in held]  # only the held row is left
    finally:
        drain.rollback()
        drain.close()


def test_one_output_is_rendered_by_one_publisher_at_a_time(pg):
    a, b = pg.session(), pg.session()
    try:
        a.begin()
        assert pg.coordination.lock_output(a, "feed:en:all:", wait=False)
        b.begin()
        assert not pg.coordination.lock_output(b, "feed:en:all:", wait=False)
        # other outputs go on
        assert pg.coordination.lock_output(b, "feed:en:section:politics", wait=False)
        b.rollback()
        a.commit()  # the lock ends with a's transaction
        b.begin()
        assert pg.coordination.lock_output(b, "feed:en:all:", wait=False)
        b.rollback()
    finally:
        a.close()
        b.close()


def test_a_busy_output_is_left_dirty_for_later(pg):
    load(pg, [story("st-1", variants={"en": variant("Busy")})], NOW)
    publish(pg, NOW, full=True)
    load(pg, [story("st-1", variants={"en": variant("Busy, edited", slug="busy")})], NOW)
    holder = pg.session()
    holder.begin()
    try:
        # another worker renders it
        assert pg.coordination.lock_output(holder, "feed:en:all:", wait=False)
        result = Publisher(pg).publish(ts(NOW))
        assert "feed:en:all:" in result.leftover
        assert "en/feeds/all.rss" not in result.written
        assert "en/feeds/section/politics.rss" in result.written
    finally:
        holder.rollback()
        holder.close()
    with pg.session() as s:
        assert "feed:en:all:" in {k for _i, k in pg.outbox.claim(s)}  # still due
    assert "en/feeds/all.rss" in publish(pg, NOW).written


def test_an_older_render_never_replaces_a_newer_one(pg):
    load(pg, [story("st-1", variants={"en": variant("Newest")})], NOW)
    publish(pg, NOW, full=True)
    key = plan.feed("en", "all")
    with pg.session() as s, s.begin():
        row = s.get(Output, "en/feeds/all.rss")
        newer = row.generation
        assert newer is not None
    publisher = Publisher(pg)
    writer = Writer(pg, pg.settings, publisher.target, Caches())
    stale = writer.render(pg.session(), key, ts(NOW)) or []
    stale = [
        type(r)(r.file, r.data.replace(b"Newest", b"Oldest"), r.items, r.updated) for r in stale
    ]

    with pg.session() as s:
        known = pg.outputs.for_keys(s, [key])
        result = PublishResult()
        changes = list(
            writer.write(
                key,
                stale,
                known,
                ts(NOW),
                result,
                generation=newer - timedelta(seconds=1),
            )
        )
    assert changes == [] and result.written == []
    assert b"Newest" in (publisher.target.root / "en/feeds/all.rss").read_bytes()


def test_two_first_publishes_at_once_both_move_the_clock_mark(pg):
    """A deployment's first publishes (a worker's tick and `syndicate publish --all`, in the
    deploy guide's order) both find no clock mark: the second waits for the first's to
    commit, then moves it on, where both inserting it failed the second with a traceback."""
    a, b = pg.session(), pg.session()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            pg.outbox.advance_mark(b, ts(NOW) + timedelta(seconds=1))
            b.commit()
        except BaseException as e:  # reported by the test's thread, below
            errors.append(e)
            b.rollback()

    try:
        a.begin()
        pg.outbox.advance_mark(a, ts(NOW))
        a.flush()
        b.begin()
        pid = b.scalar(text("SELECT pg_backend_pid()"))
        thread = threading.Thread(target=second)
        thread.start()
        deadline = time.monotonic() + 30
        while True:  # until b waits for a's row: then a commits
            with pg.session() as s:
                waiting = s.scalar(
                    text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
                )
            if waiting == "Lock" or not thread.is_alive():
                break
            assert time.monotonic() < deadline, "the second publisher never waited for the first"
            time.sleep(0.02)
        a.commit()
        thread.join(30)
        assert not errors, errors
        with pg.session() as s:
            assert pg.outbox.mark(s) == ts(NOW) + timedelta(seconds=1)
    finally:
        a.close()
        b.close()
