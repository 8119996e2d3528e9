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
# Seconds of doubt between clocks: a drain due this close to now may be starting already,
# one that began this close after a nudge may not have read its writes.
DRAIN_MARGIN = 0.05


@app.task(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=30, max_retries=None)
def drain(nudged: float | None = None) -> dict[str, Any]:
    """Publish what the outbox and the clock say is due, then announce it.

    `nudged`: when a nudge sent it (time.time() where it was sent, after the writes it is
    about committed). A drain of this process that began after that has read those
    writes, so this one returns at once: under a steady stream of writes the drains sent
    while one publishes cost nothing, instead of each reading the store in turn while
    more arrive (bench.load: the queue grew by about two messages a second at 25 writes a
    second, one nudge per coalescing window). A clock ahead of the API's by more than
    DRAIN_MARGIN could skip a drain that was needed: the next nudge or tick publishes it.
    The tick, and drains a drain sends, carry no `nudged` and always run."""
    global _drained_from
    if nudged is not None and nudged + DRAIN_MARGIN < _drained_from:
        return {"skipped": True}
    began = time.time()
    result = Publisher(_store(), caches=_caches()).publish(_now(), batch=settings.publish.batch)
    _drained_from = max(_drained_from, began)
    _announce(result)
    if result.more:  # a batch of a big outbox: the rest is for this or any other worker
        drain.apply_async()
    elif result.leftover:  # outputs another worker was rendering: their changes are still due
        drain.apply_async(countdown=settings.workers.coalesce.total_seconds())
    return _summary(result)


@app.task(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=60, max_retries=None)
def reconcile() -> dict[str, Any]:
    """Render everything; rewrite any file whose bytes differ from what it should be."""
    result = Publisher(_store()).publish(_now(), full=True, verify=True)
    _announce(result)
    return _summary(result)


@app.task(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=60, max_retries=None)
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
        drain.apply_async(kwargs={"nudged": time.time()}, countdown=window, retry=False)
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
