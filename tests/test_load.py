"""Load, short: the real API and worker under a paced stream of writes (bench/load.py's
pieces, so the benchmark and this test run one copy).

Nothing here measures time or memory (bench.load does, and reports them): what is
asserted is what a load must never do: refuse or drop a write, lose one on its way to
the outputs, or leave descriptors open that the first writes did not need.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import WORKER, need_server

from bench.load import (
    FD_ALLOWANCE,
    LoadSite,
    Sample,
    Workload,
    paced_run,
    running,
    sample,
    soak_report,
)

RATE = 25  # writes a second: within what this machine sustains (README, Benchmarks)


def _site(tmp_path: Path, store: str) -> LoadSite:
    if store == "postgres":
        import redis

        from bench.load import REDIS_URL

        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        except Exception as e:  # any failure to reach it
            need_server(f"Redis is not reachable at {REDIS_URL}: {e}")
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
        logs = site.log("api") + site.log("worker")
    print(
        f"{store}: {warm.requests + result.requests} writes, "
        f"{result.publishes} renders; fds after warm-up {warmed[-1].fds}, after {after.fds}"
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


def _samples(fds: list[int], rss: list[float]) -> list[Sample]:
    return [
        Sample(at=i * 10.0, rss={"api": r}, fds={"api": f}, files=100, temps=0)
        for i, (f, r) in enumerate(zip(fds, rss, strict=True))
    ]


def test_the_soak_report_fails_on_growing_descriptors_or_memory_and_not_on_a_plateau() -> None:
    n = 30  # five minutes, a sample every ten seconds
    flat = soak_report(
        _samples([20 + i % 2 for i in range(n)], [100.0 + i % 3 for i in range(n)]), 0
    )
    assert flat.failures == []
    assert abs(flat.slopes["fds api"]) < 0.5
    leaking = soak_report(_samples([20 + i for i in range(n)], [100.0] * n), 0)
    assert [f for f in leaking.failures if f.startswith("fds api")]
    assert leaking.slopes["fds api"] == pytest.approx(6.0)  # one every ten seconds
    bloating = soak_report(_samples([20] * n, [100.0 + 5 * i for i in range(n)]), 0)
    assert [f for f in bloating.failures if f.startswith("RSS")]
    # a warm-up's growth is not held against the run
    warming = soak_report(
        _samples([10 + min(i, 5) * 3 for i in range(n)], [50.0 + min(i, 5) * 20 for i in range(n)]),
        warmup=60,
    )
    assert warming.failures == []


def test_open_descriptors_are_counted_per_process(tmp_path: Path) -> None:
    from bench.load import open_fds

    before = open_fds(os.getpid())
    files = [open(tmp_path / f"f{i}", "w") for i in range(5)]  # noqa: SIM115
    try:
        assert open_fds(os.getpid()) == before + 5
    finally:
        for f in files:
            f.close()
    assert open_fds(os.getpid()) == before
