"""Operations: /healthz, /metrics (Prometheus), the status pages.

Everything here is read from the store, not from this process: workers on other
machines publish, and the store knows what they did.
"""

# No `from __future__ import annotations` here: FastAPI reads these annotations at run time.

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from pydantic import BaseModel

from syndicate import i18n
from syndicate.i18n import _
from syndicate.outputs import Kind
from syndicate.render import cldr, pages
from syndicate.store import Store

log = logging.getLogger(__name__)

BrokerCheck = Callable[[], bool]  # whether the workers' broker answers


class Health(BaseModel):
    status: str  # ok | degraded (broker or workers) | unavailable (database)
    database: bool
    broker: bool | None  # None: no broker to check (no workers configured)
    last_publish_seconds: float | None  # a worker heartbeat: every tick publishes
    outbox_depth: int
    oldest_dirty_seconds: float | None


@dataclass(frozen=True)
class Operations:
    """What the operations routes read: the store, and how to reach the broker (if any)."""

    store: Store
    broker_check: BrokerCheck | None


def mount(app: FastAPI, store: Store, broker_check: BrokerCheck | None) -> None:
    app.state.operations = Operations(store, broker_check)
    app.include_router(router)


def _operations(request: Request) -> Operations:
    operations: Operations = request.app.state.operations
    return operations


router = APIRouter(tags=["operations"])


@router.get(
    "/healthz",
    response_model=Health,
    responses={503: {"model": Health, "description": "the database is unavailable"}},
)
def healthz(request: Request) -> JSONResponse:
    """Database, broker, the workers' heartbeat, and how stale the oldest dirty output is."""
    operations = _operations(request)
    store = operations.store
    now = datetime.now(UTC)
    depth, oldest, last, ok = 0, None, None, True
    try:
        with store.session() as s:
            depth, oldest = store.outbox.depth(s)
            last = store.outbox.last_publish(s)
    except Exception:  # the database is down: say so, do not raise
        log.exception("health check: database")
        ok = False
    broker = operations.broker_check() if operations.broker_check else None
    age = (now - last).total_seconds() if last is not None else None
    # idle workers log a publish once a minute (publish.IDLE_HEARTBEAT)
    stale = age is None or age > max(3 * store.settings.workers.tick.total_seconds(), 90)
    status = "unavailable" if not ok else "degraded" if broker is False or stale else "ok"
    health = Health(
        status=status,
        database=ok,
        broker=broker,
        last_publish_seconds=round(age, 3) if age is not None else None,
        outbox_depth=depth,
        oldest_dirty_seconds=round((now - oldest).total_seconds(), 3) if oldest else None,
    )
    return JSONResponse(health.model_dump(), status_code=200 if ok else 503)


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(request: Request) -> PlainTextResponse:
    """Prometheus text format: outbox, outputs per language, recent publishes."""
    text = prometheus(_operations(request).store)
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4")


@router.get(
    "/status/{lang}",
    response_class=HTMLResponse,
    responses={404: {"description": "not a configured language"}},
)
def status(lang: str, request: Request) -> HTMLResponse:
    """The status page, in a configured language."""
    store = _operations(request).store
    code = store.settings.match_language(lang)
    if code is None:
        raise HTTPException(404, f"no language {lang!r}")
    return HTMLResponse(status_page(store, code))


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}
    return {
        q: ordered[min(len(ordered) - 1, int(float(q) * len(ordered)))]
        for q in ("0.5", "0.9", "0.99")
    }


def prometheus(store: Store) -> str:
    """The metrics, from the store (workers on other machines publish; the store knows)."""
    lines: list[str] = []

    def metric(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        lines.extend(f"{name}{labels} {value:g}" for labels, value in samples)

    now = datetime.now(UTC)
    with store.session() as s:
        depth, oldest = store.outbox.depth(s)
        keys = store.outputs.file_keys(s)
        recent = store.outbox.recent_publishes(s, 1000)
    metric(
        "syndicate_outbox_depth",
        "gauge",
        "Outbox rows waiting to be published.",
        [("", float(depth))],
    )
    age = (now - oldest).total_seconds() if oldest is not None else 0.0
    metric(
        "syndicate_outbox_oldest_seconds",
        "gauge",
        "Age of the oldest waiting change.",
        [("", max(age, 0.0))],
    )
    counts: dict[tuple[str, str], int] = {}
    for key in keys:
        kind, lang = key.split(":", 2)[:2]
        counts[(lang or "-", kind)] = counts.get((lang or "-", kind), 0) + 1
    metric(
        "syndicate_outputs",
        "gauge",
        "Published files by language and kind.",
        [
            (f'{{lang="{lang}",kind="{kind}"}}', float(n))
            for (lang, kind), n in sorted(counts.items())
        ],
    )
    for name, values, help_text in (
        (
            "syndicate_publish_duration_seconds",
            [p.seconds for p in recent],
            "Time one publish took (the latest 1000).",
        ),
        (
            "syndicate_publish_latency_seconds",
            [p.latency for p in recent if p.latency is not None],
            "From a change's write to its publish (the latest 1000 publishes).",
        ),
    ):
        samples = [(f'{{quantile="{q}"}}', v) for q, v in _quantiles(values).items()]
        samples += [("_sum", sum(values)), ("_count", float(len(values)))]
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} summary")
        lines.extend(
            f"{name}{suffix if suffix.startswith('_') else ''}"
            f"{suffix if not suffix.startswith('_') else ''} {value:g}"
            for suffix, value in samples
        )
    metric(
        "syndicate_recent_files_written",
        "gauge",
        "Files written by the latest 1000 publishes.",
        [("", float(sum(p.written for p in recent)))],
    )
    metric(
        "syndicate_recent_render_errors",
        "gauge",
        "Outputs that failed to render in the latest 1000 publishes.",
        [("", float(sum(p.failed for p in recent)))],
    )
    metric(
        "syndicate_last_publish_age_seconds",
        "gauge",
        "Seconds since the latest publish ended.",
        [("", (now - recent[0].at).total_seconds() if recent else -1.0)],
    )
    return "\n".join(lines) + "\n"


STATUS_LABELS = {
    "waiting": _("Changes waiting to be published"),
    "oldest": _("oldest"),
    "chart": _("Publishes per minute, last hour"),
    "chart_y": _("Publishes per minute"),
    "chart_x": _("Minutes ago (now: %(now)s)"),
    "outputs": _("Outputs"),
    "latest": _("Latest publishes"),
    "language": _("Language"),
    "kind": _("Kind"),
    "files": _("Files"),
    "items": _("Items"),
    "newest": _("Last changed"),
    "time": _("Time"),
    "mode": _("Mode"),
    "written": _("Written"),
    "failed": _("Failed"),
    "seconds": _("Seconds"),
    "generated": _("Page generated"),
    "full": _("full"),
    "incremental": _("incremental"),
    "every_language": _("All languages"),
}
STATUS_TITLE = _("Publishing status")
# The status page's name for each kind of output
KIND_LABELS = {
    Kind.FEED: _("Feed"),
    Kind.NEWS: _("News sitemap"),
    Kind.SITEMAP: _("Sitemap"),
    Kind.INDEX: _("Sitemap index"),
    Kind.ROBOTS: _("robots.txt"),
    Kind.DIRECTORY: _("Feed directory"),
    Kind.STYLESHEET: _("Feed page stylesheet"),
    Kind.PING: _("Ping"),
}


def status_page(store: Store, lang: str) -> bytes:
    """Every output by language and kind, the outbox, the latest publishes: from the store,
    every number and time as the page's language writes them, every time in UTC."""
    t = {k: i18n.gettext(lang, v) for k, v in STATUS_LABELS.items()}
    now = datetime.now(UTC)
    with store.session() as s:
        depth, oldest = store.outbox.depth(s)
        rows = store.outputs.per_key(s)
        recent = store.outbox.recent_publishes(s, 20)
        hour = store.outbox.publish_times(s, now - timedelta(hours=1))
    table: dict[tuple[str, str], list[Any]] = {}
    for key, files, items, newest in rows:
        kind, klang = key.split(":", 2)[:2]
        cell = table.setdefault((klang, kind), [0, 0, None])
        cell[0] += files
        cell[1] += items or 0
        if newest is not None and (cell[2] is None or newest > cell[2]):
            cell[2] = newest
    per_minute = [0] * 60
    for at in hour:
        minute = int((now - at).total_seconds() // 60)
        if 0 <= minute < 60:
            per_minute[59 - minute] += 1
    when = cldr.date_style(lang, seconds=True).format
    waiting = f"{t['waiting']}: {cldr.number(lang, depth)}"
    if oldest is not None:
        waiting += f" ({t['oldest']}: {cldr.seconds(lang, (now - oldest).total_seconds())})"
    page = pages.StatusPage(
        lang=lang,
        direction=store.settings.language(lang).direction,
        title=i18n.gettext(lang, STATUS_TITLE),
        labels=t,
        waiting=waiting,
        outputs=[
            (
                i18n.language_name(k[0]) if k[0] else t["every_language"],
                i18n.gettext(lang, KIND_LABELS[Kind(k[1])]) if k[1] in KIND_LABELS else k[1],
                cldr.number(lang, v[0]),
                cldr.number(lang, v[1]),
                when(v[2].astimezone(UTC)) if v[2] else "",
            )
            for k, v in sorted(table.items())
        ],
        publishes=[
            (
                when(p.at.astimezone(UTC)),
                t["full"] if p.full else t["incremental"],
                cldr.number(lang, p.written),
                cldr.number(lang, p.failed),
                cldr.number(lang, p.seconds, "#,##0.000"),
            )
            for p in recent
        ],
        chart=pages.Chart(
            lang=lang,
            counts=per_minute,
            label=t["chart"],
            y_label=t["chart_y"],
            x_label=i18n.gettext(lang, STATUS_LABELS["chart_x"], now=when(now)),
        ),
        generated=when(now),
    )
    return pages.status_html(page)
