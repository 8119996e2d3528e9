"""The embedded broker's folder of message files, with producers and consumers in several
processes at once: every message is delivered exactly once and none is ever half-read."""

from __future__ import annotations

import multiprocessing as mp
import queue
import time
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection

PER_PRODUCER = 250
PRODUCERS = 3
EXPECTED = PER_PRODUCER * PRODUCERS


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


def _consume(folder: str, results: mp.Queue, taken: Any, seconds: float) -> None:
    """Until the consumers together have taken every message (`taken`, shared), or the
    deadline: a consumer that stopped when the queue looked idle lost the race to a slow
    producer's start on a loaded machine."""
    got: list[str] = []
    deadline = time.monotonic() + seconds
    with _connection(folder) as conn:
        q = conn.SimpleQueue("jobs")
        while taken.value < EXPECTED and time.monotonic() < deadline:
            try:
                message = q.get(block=True, timeout=0.05)
            except queue.Empty:
                continue
            got.append(message.payload["id"])
            message.ack()
            with taken.get_lock():
                taken.value += 1
        q.close()
    results.put(got)


def test_concurrent_producers_and_consumers_lose_and_repeat_nothing(tmp_path: Path) -> None:
    folder = str(tmp_path)
    ctx = mp.get_context("spawn")
    results: mp.Queue = ctx.Queue()
    taken = ctx.Value("i", 0)
    consumers = [
        ctx.Process(target=_consume, args=(folder, results, taken, 120.0)) for _ in range(2)
    ]
    producers = [ctx.Process(target=_produce, args=(folder, n)) for n in range(PRODUCERS)]
    for p in consumers + producers:
        p.start()
    for p in producers:
        p.join(60)
        assert p.exitcode == 0
    got = [results.get(timeout=150) for _ in consumers]
    for p in consumers:
        p.join(10)
        assert p.exitcode == 0  # a half-written message would have killed it
    delivered = [m for batch in got for m in batch]
    expected = {f"{w}-{i}" for w in range(PRODUCERS) for i in range(PER_PRODUCER)}
    assert len(delivered) == len(expected) and set(delivered) == expected
    assert all(batch for batch in got)  # both consumers took a share
    with _connection(folder) as conn:  # and no copy of a message is left for anyone
        q = conn.SimpleQueue("jobs")
        with pytest.raises(queue.Empty):
            q.get(block=True, timeout=0.5)
        q.close()
    assert not list(tmp_path.glob("*.bad")) and not list(tmp_path.glob(".*"))
