"""The random draws of a corpus: `random()` only, from named streams.

String seeds and the Mersenne Twister sequence are stable across Python versions;
`choice`, `sample` and friends are not, so they are not used. Each chunk of stories
has a stream of its own, so chunks can be made apart (and in parallel).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable
from typing import Any


def cumulative(weights: Iterable[float]) -> list[float]:
    """Running totals of `weights`: what `Stream.weighted` draws from."""
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


class Stream:
    """One stream of `random()` draws, named by the corpus seed and what it makes."""

    def __init__(self, seed: int, name: str) -> None:
        self.seed = seed
        self.reseed(name)

    def reseed(self, name: str) -> None:
        """Start the stream `name` of this seed (a chunk of stories, the breaking items...)."""
        self.rnd = random.Random(f"bench.corpus:{self.seed}:{name}").random

    def pick(self, seq: Any) -> Any:
        return seq[int(self.rnd() * len(seq))]

    def weighted(self, cum: list[float]) -> int:
        """An index drawn with the weights whose running totals are `cum`."""
        return bisect(cum, self.rnd() * cum[-1])

    def distinct(self, k: int, n: int) -> list[int]:
        """min(k, n) distinct indexes below n, in the order drawn."""
        chosen: list[int] = []
        seen: set[int] = set()
        while len(chosen) < min(k, n):
            i = int(self.rnd() * n)
            if i not in seen:
                seen.add(i)
                chosen.append(i)
        return chosen
