"""The workers' tasks without a worker: one drain per coalescing window, a drain that an
earlier one covered returns at once, retries are bounded, and a worker outlives Redis
closing a channel. The worker tests (test_workers.py) prove the wiring with a broker."""

from __future__ import annotations

import pytest


class Clock:
    """`time` for workers.tasks, moved by the test: the coalescing is asserted exactly,
    whatever the machine's speed."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


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
    clock = Clock()
    monkeypatch.setattr(tasks, "time", clock)
    window = tasks.settings.workers.coalesce.total_seconds()
    margin = tasks.DRAIN_MARGIN
    assert window > margin
    wall = clock.time()
    for _ in range(100):  # spread over the window, short of its margin
        assert tasks.nudge()
        clock.advance((window - margin) / 101)
    assert [kw.get("countdown") for kw in sent] == [window]
    # it stands for the writes of its whole window: those commit before it is due
    assert sent[0]["kwargs"]["covers"] == wall + window  # type: ignore[index]
    clock.now = wall + window
    assert tasks.nudge()  # the window has passed: that drain may be running, send another
    assert [kw.get("countdown") for kw in sent] == [window, window]
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
    clock = Clock()

    class FakePublisher:
        def __init__(self, *_args: object, **_kw: object) -> None:
            pass

        def publish(self, *_args: object, **_kw: object) -> object:
            if failing:
                raise OSError("disk gone")
            publishes.append(clock.time())
            return SimpleNamespace(more=False, leftover=[])

    sent: list[dict[str, object]] = []
    monkeypatch.setattr(tasks, "Publisher", FakePublisher)
    monkeypatch.setattr(tasks, "_store", lambda: None)
    monkeypatch.setattr(tasks, "_announce", lambda result: None)
    monkeypatch.setattr(tasks, "_summary", lambda result: {"published": True})
    monkeypatch.setattr(tasks, "_drained_from", 0.0, raising=False)
    monkeypatch.setattr(tasks, "CLOCK_MARGIN", 0.1)
    monkeypatch.setattr(tasks.drain, "apply_async", lambda **kw: sent.append(kw))
    monkeypatch.setattr(tasks, "time", clock)
    early = clock.time()  # a window that has ended
    clock.advance(0.2)
    later = clock.time() + 0.25  # a window still open: its last writes may not have committed
    assert tasks.drain.run(covers=later) == {"published": True}
    assert [kw["kwargs"] for kw in sent] == [{"covers": later}]  # once more, past the margin
    assert sent[0]["countdown"] == pytest.approx(0.25 + 0.1)
    assert tasks.drain.run(covers=early) == {"skipped": True}  # that drain read its writes
    assert len(publishes) == 1
    clock.advance(0.4)
    sent.clear()
    assert tasks.drain.run(covers=later) == {"published": True}  # the second look
    assert sent == []  # it began past the window and margin: no third
    assert tasks.drain.run(covers=later) == {"skipped": True}
    assert tasks.drain.run() == {"published": True}  # the tick always publishes
    clock.advance(0.2)
    failing = True
    with pytest.raises(OSError):
        tasks.drain.run(covers=clock.time() - 0.2)
    failing = False
    # a drain that failed read nothing for good: what it stood for still runs
    assert tasks.drain.run(covers=clock.time() - 0.15) == {"published": True}
    assert len(publishes) == 4


def test_a_worker_survives_redis_closing_a_channel_whose_connection_is_gone():
    """kombu's Redis channel, closed after the broker went away, tries to restore its
    unacknowledged messages through a connection that no longer exists; unguarded, the
    AttributeError kills the worker and its beat. The guard skips the restore (Redis keeps
    the messages; the outbox keeps the work) and leaves live connections alone."""
    from types import SimpleNamespace

    from kombu.transport import redis as kombu_redis

    import workers.celery_app  # noqa: F401  (installs the guard)

    gone = SimpleNamespace(channel=SimpleNamespace(connection=SimpleNamespace(client=None)))
    assert kombu_redis.QoS.restore_unacked(gone) is None  # no AttributeError
    restored = []

    class Client:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    live = SimpleNamespace(
        channel=SimpleNamespace(
            connection=SimpleNamespace(client=object()), conn_or_acquire=lambda c: Client()
        ),
        _delivered={"t1": 1},
        restore_by_tag=lambda tag, client: restored.append(tag),
    )
    kombu_redis.QoS.restore_unacked(live)
    assert restored == ["t1"] and live._delivered == {}


def test_retries_on_database_errors_are_bounded() -> None:
    """Each tick of a database outage sends a drain; were its retries unbounded, an hour's
    outage would leave some 700 tasks retrying forever, all running at once on recovery."""
    from workers import tasks

    for task in (tasks.drain, tasks.reconcile, tasks.rebuild_sitemaps):
        assert task.max_retries is not None and task.max_retries <= 12, task.name
        assert set(tasks.TRANSIENT) <= set(task.autoretry_for), task.name
        give_up = sum(min(2**n, task.retry_backoff_max) for n in range(task.max_retries))
        assert give_up <= 15 * 60, task.name  # then the tick or the next scheduled run
