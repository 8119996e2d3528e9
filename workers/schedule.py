"""The beat schedule: every interval comes from the settings ([workers])."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from syndicate.config import Settings


def beat(settings: Settings) -> dict[str, dict[str, Any]]:
    w = settings.workers
    return {
        # the safety net: drains the outbox and publishes what time made due
        # (embargoes lifted, breaking items expired, the news window rolled)
        "tick": {"task": "workers.tasks.drain", "schedule": w.tick.total_seconds()},
        # drift repair: render everything, rewrite what differs on disk
        "reconcile": {"task": "workers.tasks.reconcile", "schedule": w.reconcile.total_seconds()},
        "sitemaps": {
            "task": "workers.tasks.rebuild_sitemaps",
            "schedule": crontab(hour=w.sitemap_rebuild_hour, minute=0),
        },
    }
