"""The embedded broker's folder of message files, with producers and consumers in several
processes at once: every message is delivered exactly once and none is ever half-read."""

from __future__ import annotations

import multiprocessing as mp
import queue
import time
from pathlib import Path

from kombu import Connection

PER_PRODUCER = 250


def _connection(folder: str) -> Connection:
    return Connection(
        "filesystem://localhost/",
        transport="workers.fs_transport:Transport",
        transport_options={
            "data_folder_in": folder,
            "data_folder_out": folder,
            "control_folder": f"{folder}/control",
        },
    )


def _produce(folder: str, who: int) -> None:
    with _connection(folder) as conn:
        q = conn.SimpleQueue("jobs")
        for i in range(PER_PRODUCER):
            q.put({"id": f"{who}-{i}", "pad": "x" * (i % 8) * 200_000})
        q.close()


def _consume(folder: str, results: mp.Queue, stop_after: float) -> None:
    got: list[str] = []
    with _connection(folder) as conn:
        q = conn.SimpleQueue("jobs")
        idle_since = time.monotonic()
        while time.monotonic() - idle_since < stop_after:
            try:
                message = q.get(block=True, timeout=0.05)
            except queue.Empty:
                continue
            got.append(message.payload["id"])
            message.ack()
            idle_since = time.monotonic()
        q.close()
    results.put(got)


def test_concurrent_producers_and_consumers_lose_and_repeat_nothing(tmp_path: Path) -> None:
    folder = str(tmp_path)
    ctx = mp.get_context("spawn")
    results: mp.Queue = ctx.Queue()
    consumers = [ctx.Process(target=_consume, args=(folder, results, 3.0)) for _ in range(2)]
    producers = [ctx.Process(target=_produce, args=(folder, n)) for n in range(3)]
    for p in consumers + producers:
        p.start()
    for p in producers:
        p.join(60)
        assert p.exitcode == 0
    got = [results.get(timeout=60) for _ in consumers]
    for p in consumers:
        p.join(10)
        assert p.exitcode == 0  # a half-written message would have killed it
    delivered = [m for batch in got for m in batch]
    expected = {f"{w}-{i}" for w in range(3) for i in range(PER_PRODUCER)}
    assert len(delivered) == len(expected) and set(delivered) == expected
    assert all(batch for batch in got)  # both consumers took a share
    assert not list(tmp_path.glob("*.bad")) and not list(tmp_path.glob(".*"))
