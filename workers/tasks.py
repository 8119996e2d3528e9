"""Thin tasks: decode arguments, call syndicate/, return a small result.

Every task re-reads the store when it runs, so a late or repeated task can
only publish the current truth: tasks are idempotent, acknowledged late, and
retried with backoff on transient database errors.
"""

from __future__ import annotations

import logging
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


@app.task(
    autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=30, max_retries=DRAIN_RETRIES
)
def drain() -> dict[str, Any]:
    """Publish what the outbox and the clock say is due, then announce it."""
    result = Publisher(_store(), caches=_caches()).publish(_now(), batch=settings.publish.batch)
    _announce(result)
    if result.more:  # a batch of a big outbox: the rest is for this or any other worker
        drain.apply_async()
    elif result.leftover:  # outputs another worker was rendering: their changes are still due
        drain.apply_async(countdown=settings.workers.coalesce.total_seconds())
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
        drain.apply_async(countdown=settings.workers.coalesce.total_seconds(), retry=False)
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
