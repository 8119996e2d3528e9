"""The Celery app, configured from the same settings as everything else.

Broker: `broker_url` from the settings. Without one, on the embedded default
(SQLite), kombu's filesystem transport keeps the queue as files in a folder
beside the store: no server to install or run, messages survive a restart,
several local processes share it (each message file is claimed under a lock),
and it adds no second writer to contend with the store's SQLite file. (kombu's
SQLAlchemy transport was tried first: beat and worker raced creating its queue
row and beat's session stayed broken.) The outbox stays the source of truth
either way: a lost message costs latency, never a change, because the
periodic tick drains the outbox. Production uses Redis (`redis://…`) or
RabbitMQ (`amqp://…`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from celery import Celery
from celery.beat import PersistentScheduler
from sqlalchemy.engine import make_url

from syndicate import config
from workers import schedule

settings = config.load(os.environ.get("SYNDICATE_CONFIG"))
log = logging.getLogger(__name__)


def _guard_redis_restore() -> None:
    """Keep a worker alive when Redis goes away while it holds an unacknowledged message.

    kombu 5.x's Redis channel, closed after the broker connection is lost, tries to put
    its unacknowledged messages back through a connection that is already gone and raises
    AttributeError ('NoneType' object has no attribute 'hostname'), which Celery treats as
    unrecoverable: the worker and its beat exit (seen in tests/integration/test_workers.py's Redis
    outage test; upstream reports: celery/celery#10205, celery/kombu#2007). Skipping the
    restore loses nothing: Redis keeps the messages in its unacked set and kombu restores
    them after the visibility timeout, and the outbox, not the broker, holds the work.
    """
    try:
        from kombu.transport import redis as kombu_redis
    except ImportError:  # the redis client is not installed: no Redis broker
        return
    original = kombu_redis.QoS.restore_unacked
    if getattr(original, "_syndicate_guard", False):
        return

    def restore_unacked(self: Any, client: Any = None) -> Any:
        connection = getattr(self.channel, "connection", None)
        if client is None and getattr(connection, "client", None) is None:
            log.warning("broker connection gone: unacknowledged messages left to Redis")
            return None
        return original(self, client)  # type: ignore[no-untyped-call]

    restore_unacked._syndicate_guard = True  # type: ignore[attr-defined]
    kombu_redis.QoS.restore_unacked = restore_unacked  # type: ignore[method-assign]


_guard_redis_restore()


def broker(s: config.Settings) -> tuple[str, dict[str, object]]:
    """The broker URL and transport options."""
    if s.broker_url:
        return s.broker_url, {}
    url = make_url(s.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise config.ConfigError(
            f"{s.source}: broker_url: required unless the store is a SQLite file "
            "(then the queue lives in a folder beside it)"
        )
    queue = Path(url.database).resolve().parent / "queue"
    queue.mkdir(parents=True, exist_ok=True)
    return "filesystem://localhost/", {  # the host means nothing here; naming one quiets kombu
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        # its exchange table too (kombu's default is ./control, wherever the process runs)
        "control_folder": str(queue / "control"),
        "store_processed": False,
        # it polls the folder, once a second by default: a tenth keeps change-to-file near a second
        "polling_interval": 0.1,
    }


def state_dir(s: config.Settings) -> Path:
    """Where beat keeps its schedule state: `workers.state_dir` if set, else beside a SQLite
    store, else the working directory."""
    if s.workers.state_dir is not None:
        s.workers.state_dir.mkdir(parents=True, exist_ok=True)
        return s.workers.state_dir
    url = make_url(s.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent
    return Path.cwd()


class Scheduler(PersistentScheduler):  # type: ignore[misc]
    """Celery's shelve-backed beat scheduler, recovering from a schedule file that a crash
    left truncated: Celery 5.7 starts afresh on most kinds of corruption but not on an empty
    data file (EOFError), and its beat then dies at every start, so no tick ever runs."""

    _store: Any

    def _create_schedule(self) -> None:
        try:
            self._store["entries"]
        except KeyError:
            pass  # a new schedule: Celery creates it
        except EOFError as exc:
            self._store = self._destroy_open_corrupted_schedule(exc)
        super()._create_schedule()


BROKER_URL, TRANSPORT_OPTIONS = broker(settings)
app = Celery("syndicate", broker=BROKER_URL, include=["workers.tasks"])
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    result_backend=None,
    # a task is acknowledged after it ran: a worker killed mid-publish leaves it queued
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_transport_options=TRANSPORT_OPTIONS,
    timezone="UTC",
    enable_utc=True,
    broker_connection_retry_on_startup=True,
    beat_schedule=schedule.beat(settings),
    worker_hijack_root_logger=False,
    # one queue per site: sites (or test runs) sharing a broker never take each other's work
    task_default_queue=settings.workers.queue,
    beat_scheduler="workers.celery_app:Scheduler",
)
if BROKER_URL.startswith("filesystem:"):
    # kombu's filesystem transport with its two races between processes fixed
    app.conf.broker_transport = "workers.fs_transport:Transport"
