"""A big publish across processes: chunks of keys to a pool of spawned renderers (each its
own database connection and caches), this process rendering a chunk whenever the others
are busy, and the lists of outputs (indexes, directories) last, here.

feedgen switches the process-wide locale to format dates, so rendering runs in
processes, never threads.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent import futures
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy import make_url

from syndicate import logs
from syndicate.caches import Caches
from syndicate.config import Settings
from syndicate.outputs import OUTPUTS
from syndicate.plan import OutputKey
from syndicate.publish.result import Progress, PublishResult
from syndicate.publish.writes import Writer
from syndicate.store import Store
from syndicate.targets import Target


def render_keys(
    writer: Writer, keys: list[OutputKey], now: datetime, result: PublishResult, progress: Progress
) -> None:
    """Render keys here, or a big publish's across processes (the lists last, here)."""
    wait = result.full
    settings = writer.settings
    jobs = settings.publish.processes
    first = [k for k in keys if not OUTPUTS[k.kind].lists_outputs]
    last = [k for k in keys if OUTPUTS[k.kind].lists_outputs]
    with progress(keys) as bar:
        ticks = iter(bar)
        pool = None
        if jobs > 1 and len(first) >= settings.publish.parallel_min:
            pool = _pool(settings, writer.target, jobs - 1)  # this process is the last job
        if pool is None:
            writer.publish_keys(first, now, result, wait, ticks)
        else:
            with pool:
                _across(pool, jobs, writer, first, now, result, ticks)
        writer.publish_keys(last, now, result, wait, ticks)


def _across(
    pool: ProcessPoolExecutor,
    jobs: int,
    writer: Writer,
    keys: list[OutputKey],
    now: datetime,
    result: PublishResult,
    ticks: Iterator[Any],
) -> None:
    """Keep every process busy with a chunk of keys; merge what each rendered."""
    wait = result.full
    size = max(8, min(64, len(keys) // (jobs * 8) or 1))
    chunks = deque(keys[i : i + size] for i in range(0, len(keys), size))
    running: dict[Future[PublishResult], list[OutputKey]] = {}

    def collect(block: bool) -> None:
        done, _ = futures.wait(
            list(running),
            timeout=None if block else 0,
            return_when=futures.FIRST_COMPLETED,
        )
        for future in done:
            result.merge(future.result())
            for _ in running.pop(future):
                next(ticks, None)

    while chunks:
        while chunks and len(running) < 2 * (jobs - 1):
            c = chunks.popleft()
            args = ([str(k) for k in c], now, writer.verify, wait)
            running[pool.submit(_render_chunk, *args)] = c
        if chunks:  # the others are busy: render a chunk here meanwhile
            writer.publish_keys(chunks.popleft(), now, result, wait, ticks)
        collect(block=False)
    while running:
        collect(block=True)


def _pool(settings: Settings, target: Target, jobs: int) -> ProcessPoolExecutor | None:
    """Processes that render with their own connections, or None where there can be none
    (an in-memory database; a daemonic process, which may not have children)."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    if multiprocessing.current_process().daemon:
        return None
    root = logging.getLogger()
    fmt = (
        "json"
        if any(isinstance(h.formatter, logs.JSONFormatter) for h in root.handlers)
        else "text"
    )
    return ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_renderer,
        initargs=(settings, target, fmt, root.level),
    )


# One per rendering process: its store (own engine) and caches, kept across the chunks it
# is given.
_process: tuple[Store, Target, Caches] | None = None


def _init_renderer(settings: Settings, target: Target, log_format: str, log_level: int) -> None:
    global _process
    logs.setup(log_format, log_level)
    _process = (Store(settings), target, Caches.one_off())


def _render_chunk(keys: list[str], now: datetime, verify: bool, wait: bool) -> PublishResult:
    assert _process is not None, "_init_renderer runs first"
    store, target, caches = _process
    result = PublishResult()
    writer = Writer(store, store.settings, target, caches, verify)
    writer.publish_keys([OutputKey.parse(k) for k in keys], now, result, wait)
    return result
