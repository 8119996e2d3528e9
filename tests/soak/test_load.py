"""Load, short: the real API and worker under a paced stream of writes (bench/load.py's
pieces, so the benchmark and this test run one copy).

Nothing here measures time or memory (bench.load does, and reports them): what is
asserted is what a load must never do: refuse or drop a write, lose one on its way to
the outputs, or leave descriptors open that the first writes did not need.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import WORKER, need_redis, need_server

from bench.load import (
    FD_ALLOWANCE,
    LoadSite,
    Sample,
    Workload,
    paced_run,
    running,
    sample,
)

RATE = 25  # writes a second: within what this machine sustains (bench/README.md)


def _site(tmp_path: Path, store: str) -> LoadSite:
    if store == "postgres":
        from bench.load import REDIS_URL

        need_redis(REDIS_URL)
    try:
        return LoadSite.create(
            tmp_path, store, rate_limit=RATE * 60 * 2, database=f"syndicate_load_{WORKER}"
        )
    except Exception as e:  # PostgreSQL is not reachable
        need_server(f"PostgreSQL: {e.__class__.__name__}: {e}")
        raise


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_paced_write_load_reaches_the_outputs_and_leaks_no_descriptors(
    tmp_path: Path, store: str
) -> None:
    site = _site(tmp_path, store)
    site.prepare(stories=100)
    with running(site):
        workload = Workload(seed=7, bounded=True)
        warm = paced_run(site, workload, RATE, 100)
        assert not warm.errors and not warm.lost, (warm.errors[:5], warm.lost[:5])
        warmed: list[Sample] = [sample(site, 0) for _ in range(3)]
        result = paced_run(site, workload, RATE, 300, deadline=60)
        after = sample(site, 0)
        # one drain message per coalescing window, not one per write (test_tasks.py counts
        # them): once the writes stop, the worker works its queue down to a handful (beat's
        # tick adds one a second, so it hovers above zero), however slow the machine; one
        # message per write left thousands (10,270 of 18,000 before the coalescing)
        deadline = time.monotonic() + 60
        while (queued := site.queue_depth()) > 10:
            assert time.monotonic() < deadline, f"{queued} messages still queued"
            time.sleep(0.1)
        logs = site.log("api") + site.log("worker")
    print(
        f"{store}: {warm.requests + result.requests} writes, "
        f"{result.publishes} renders; fds after warm-up {warmed[-1].fds}, after {after.fds}; "
        f"{queued} messages queued"
    )
    assert result.requests == 300
    assert not result.errors, result.errors[:10]  # every write answered 200
    assert not result.lost, [(w.path, w.token) for w in result.lost[:10]]  # and shown
    assert result.publishes > 0
    for role, fds in after.fds.items():
        before = max(s.fds.get(role, 0) for s in warmed)
        assert fds <= before + FD_ALLOWANCE, f"{role}: {before} descriptors after warm-up, {fds}"
    assert "database is locked" not in logs
    assert "Traceback" not in logs, logs[-3000:]
