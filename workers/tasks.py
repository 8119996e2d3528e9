"""Thin tasks: decode arguments, call syndicate/, return a small result.

Every task re-reads the store when it runs, so a late or repeated task can
only publish the current truth: tasks are idempotent, acknowledged late, and
retried with backoff on transient database errors.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError

from syndicate.notify import NotifyError, indexnow_submit, websub_publish
from syndicate.publish import Caches, Publisher, PublishResult
from syndicate.store import Store
from workers.celery_app import app, settings

log = logging.getLogger(__name__)
TRANSIENT = (OperationalError, DBAPIError, OSError)
# Retries are bounded: a drain is a nudge (the outbox holds the work, and the beat's tick
# sends a fresh drain every few seconds), and every tick of a long database outage would
# otherwise leave one more task retrying forever: thousands after an hour, all at once on
# recovery. Backoff 1, 2, 4, 8, 16, 30, 30 s (jittered: up to those): a drain gives up
# within 1.5 min; the scheduled ones (hourly, nightly) within 10, and run at their next turn.
DRAIN_RETRIES = 7
SCHEDULED_RETRIES = 12


@cache
def _store() -> Store:
    """One store (engine, pool) per worker process, made after the fork."""
    return Store(settings)


@cache
def _caches() -> Caches:
    """This worker process's per-story caches, warm from one drain to the next."""
    return Caches()


def _summary(result: PublishResult) -> dict[str, Any]:
    return {
        "keys": result.keys,
        "written": len(result.written),
        "removed": len(result.removed),
        "unchanged": result.unchanged,
        "failed": result.failed,
        "storage_error": result.storage_error,
        "seconds": round(result.seconds, 3),
    }


def _now() -> datetime:
    return datetime.now(UTC)


# When this process's latest drain that published without an error began (time.time()).
_drained_from = 0.0
# Seconds of doubt: between the API's clock and a worker's (machines kept by NTP agree to
# milliseconds), and for a coalesced drain due this close to now, which may be starting.
CLOCK_MARGIN = 1.0
DRAIN_MARGIN = 0.05


@app.task(
    autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=30, max_retries=DRAIN_RETRIES
)
def drain(covers: float | None = None) -> dict[str, Any]:
    """Publish what the outbox and the clock say is due, then announce it.

    `covers`: for a drain a nudge sent, the wall-clock time (time.time()) by which every
    write it stands for had committed: the end of its coalescing window, since the writes
    of that window send no drain of their own. A drain of this process that began after
    that (and CLOCK_MARGIN) read those writes, so this one returns at once: under a steady
    stream of writes the drains queued while one publishes cost nothing, instead of each
    reading the store in turn while more arrive (bench.load: the queue grew by about two
    messages a second at 25 writes a second). A drain that began before that sends itself
    once more, so a write is never left for the tick by clocks that disagree. The tick, and
    drains a drain sends for a big outbox, carry no `covers` and always run."""
    global _drained_from
    if covers is not None and covers + CLOCK_MARGIN < _drained_from:
        return {"skipped": True}
    began = time.time()
    result = Publisher(_store(), caches=_caches()).publish(_now(), batch=settings.publish.batch)
    _drained_from = max(_drained_from, began)
    _announce(result)
    if result.more:  # a batch of a big outbox: the rest is for this or any other worker
        drain.apply_async()
    elif result.leftover:  # outputs another worker was rendering: their changes are still due
        drain.apply_async(countdown=settings.workers.coalesce.total_seconds())
    elif covers is not None and began < covers + CLOCK_MARGIN:
        # It may have begun before the last writes of its window committed (this clock ahead
        # of the API's, the countdown honoured early): once more past the margin, which
        # returns at once if another drain of this process began after it meanwhile.
        drain.apply_async(kwargs={"covers": covers}, countdown=covers + CLOCK_MARGIN - began)
    return _summary(result)


@app.task(
    autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=60, max_retries=SCHEDULED_RETRIES
)
def reconcile() -> dict[str, Any]:
    """Render everything; rewrite any file whose bytes differ from what it should be."""
    result = Publisher(_store()).publish(_now(), full=True, verify=True)
    _announce(result)
    return _summary(result)


@app.task(
    autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=60, max_retries=SCHEDULED_RETRIES
)
def rebuild_sitemaps() -> dict[str, Any]:
    only = frozenset({"sitemap", "news", "index", "robots"})
    return _summary(Publisher(_store()).publish(_now(), full=True, only=only))


def nudge(wake_times: list[datetime] | None = None, horizon_hours: float = 24) -> bool:
    """Ask the workers to publish soon, and again at each embargo lift.

    Called after a write has committed. The drain waits out the coalescing
    window, so a burst of writes renders once. Never raises: with the broker
    down the change is still safe in the outbox, and the periodic tick (or
    the next nudge) publishes it. Lifts beyond the horizon are left to the
    tick, rather than parking far-future messages in the broker.
    """
    try:
        _coalesced_drain()
        now = _now()
        for at in sorted(wake_times or []):
            if (at - now).total_seconds() < horizon_hours * 3600:
                drain.apply_async(eta=at, retry=False)
        return True
    except Exception as e:  # any broker failure: the outbox has the change
        log.warning(
            "could not reach the broker; the periodic tick will publish",
            extra={"fields": {"error": f"{e.__class__.__name__}: {e}"}},
        )
        return False


# The drain this process sent last is due then (time.monotonic()); under _drain_lock.
_drain_due = 0.0
_drain_lock = threading.Lock()


def _coalesced_drain() -> None:
    """Send a drain after the coalescing window, unless one this process sent is still
    waiting out its window: that one starts after this write committed, so it reads it.

    One message per window, not one per write: at 80 writes a second the worker, running
    each drain in turn (most finding nothing left to publish), fell behind the messages
    without bound (bench.load on SQLite: 10,270 of 18,000 drain messages still queued when
    its writes at 80 to 240 a second ended)."""
    global _drain_due
    window = settings.workers.coalesce.total_seconds()
    with _drain_lock:
        now = time.monotonic()
        if now + DRAIN_MARGIN < _drain_due:
            return
        # it stands for the writes of its window too: they commit before it is due
        drain.apply_async(kwargs={"covers": time.time() + window}, countdown=window, retry=False)
        _drain_due = now + window


def _announce(result: PublishResult) -> None:
    """After a publish: WebSub for changed feeds, IndexNow for changed articles, as own tasks."""
    if settings.feeds.websub_hub and result.feeds_changed:
        ping_hub.delay(result.feeds_changed)
    if settings.notify.indexnow_endpoint and result.pings:
        ping_indexnow.delay(result.pings)


@app.task(autoretry_for=(NotifyError,), retry_backoff=2, retry_backoff_max=600, max_retries=8)
def ping_hub(topics: list[str]) -> int:
    hub = settings.feeds.websub_hub
    return websub_publish(hub, topics, settings.notify.timeout.total_seconds()) if hub else 0


@app.task(autoretry_for=(NotifyError,), retry_backoff=2, retry_backoff_max=600, max_retries=8)
def ping_indexnow(urls: list[str]) -> int:
    n = settings.notify
    if not (n.indexnow_endpoint and n.indexnow_key):
        return 0
    return indexnow_submit(n.indexnow_endpoint, n.indexnow_key, urls, n.timeout.total_seconds())
