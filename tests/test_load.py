"""Load, short: the real API and worker under a paced stream of writes (bench/load.py's
pieces, so the benchmark and this test run one copy).

Nothing here measures time or memory (bench.load does, and reports them): what is
asserted is what a load must never do: refuse or drop a write, lose one on its way to
the outputs, or leave descriptors open that the first writes did not need.
"""

from __future__ import annotations

import os
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
    soak_report,
)

RATE = 25  # writes a second: within what this machine sustains (README, Benchmarks)


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
        logs = site.log("api") + site.log("worker")
        queued = site.queue_depth()
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
    # one drain message per coalescing window, not one per write: the worker keeps up
    # with its queue (beat's tick adds one a second)
    assert queued <= 10, f"{queued} messages still queued after every write showed"
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
    falling_behind = soak_report(
        [
            Sample(
                at=i * 10.0, rss={"api": 100.0}, fds={"api": 20}, files=100, temps=0, queue=40 * i
            )
            for i in range(n)
        ],
        0,
    )
    assert [f for f in falling_behind.failures if "queue" in f]
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


def test_a_burst_of_nudges_sends_one_drain_per_coalescing_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A write nudges the workers; a drain already waiting out its window covers the writes
    that come before it starts. One message per write made the worker fall behind its
    queue without bound at 80 writes a second (bench.load), each drain in turn finding
    nothing left to publish."""
    from datetime import UTC, datetime, timedelta

    from workers import tasks

    sent: list[dict[str, object]] = []
    monkeypatch.setattr(tasks.drain, "apply_async", lambda **kw: sent.append(kw))
    monkeypatch.setattr(tasks, "_drain_due", 0.0, raising=False)
    window = tasks.settings.workers.coalesce.total_seconds()
    margin = getattr(tasks, "DRAIN_MARGIN", 0.05)
    assert window > margin
    started, wall = time.monotonic(), time.time()
    for _ in range(100):
        assert tasks.nudge()
    if time.monotonic() - started < window - margin:  # else the box stalled
        assert [kw.get("countdown") for kw in sent] == [window]
    # it stands for the writes of its whole window: those commit before it is due
    assert sent[0]["kwargs"]["covers"] >= wall + window  # type: ignore[index]
    time.sleep(window)
    assert tasks.nudge()  # the window has passed: that drain may be running, send another
    assert len([kw for kw in sent if "countdown" in kw]) >= 2
    # an embargo's lift still gets its own message, every time
    lift = datetime.now(UTC) + timedelta(hours=1)
    sent.clear()
    assert tasks.nudge([lift]) and tasks.nudge([lift])
    assert [kw["eta"] for kw in sent if "eta" in kw] == [lift, lift]


def test_a_drain_covered_by_a_later_drain_of_its_worker_returns_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A nudged drain stands for the writes committed by the end of its window (`covers`):
    a drain that began after that (and the clocks' margin), in the same worker process,
    read them. Without the skip the worker ran every queued drain in turn and its queue
    grew under a steady load (bench.load). A drain that began before its window's end and
    margin (the API's clock behind this one) sends itself once more."""
    from types import SimpleNamespace

    from workers import tasks

    publishes: list[float] = []
    failing = False

    class FakePublisher:
        def __init__(self, *_args: object, **_kw: object) -> None:
            pass

        def publish(self, *_args: object, **_kw: object) -> object:
            if failing:
                raise OSError("disk gone")
            publishes.append(time.time())
            return SimpleNamespace(more=False, leftover=[])

    sent: list[dict[str, object]] = []
    monkeypatch.setattr(tasks, "Publisher", FakePublisher)
    monkeypatch.setattr(tasks, "_store", lambda: None)
    monkeypatch.setattr(tasks, "_announce", lambda result: None)
    monkeypatch.setattr(tasks, "_summary", lambda result: {"published": True})
    monkeypatch.setattr(tasks, "_drained_from", 0.0, raising=False)
    monkeypatch.setattr(tasks, "CLOCK_MARGIN", 0.1)
    monkeypatch.setattr(tasks.drain, "apply_async", lambda **kw: sent.append(kw))
    early = time.time()  # a window that has ended
    time.sleep(0.2)
    later = time.time() + 0.25  # a window still open: its last writes may not have committed
    assert tasks.drain.run(covers=later) == {"published": True}
    assert [kw["kwargs"] for kw in sent] == [{"covers": later}]  # once more, past the margin
    assert 0.25 < float(sent[0]["countdown"]) <= 0.35  # type: ignore[arg-type]
    assert tasks.drain.run(covers=early) == {"skipped": True}  # that drain read its writes
    assert len(publishes) == 1
    time.sleep(0.4)
    sent.clear()
    assert tasks.drain.run(covers=later) == {"published": True}  # the second look
    assert sent == []  # it began past the window and margin: no third
    assert tasks.drain.run(covers=later) == {"skipped": True}
    assert tasks.drain.run() == {"published": True}  # the tick always publishes
    time.sleep(0.2)
    failing = True
    with pytest.raises(OSError):
        tasks.drain.run(covers=time.time() - 0.2)
    failing = False
    # a drain that failed read nothing for good: what it stood for still runs
    assert tasks.drain.run(covers=time.time() - 0.15) == {"published": True}
    assert len(publishes) == 4
