"""bench.load's soak report and its process sampling: what the soak test and the
benchmark judge a run by."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.load import Sample, soak_report


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
