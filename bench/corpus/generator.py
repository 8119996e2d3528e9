"""One corpus: its arguments, its random streams, its clock window and its stories in order.

Each chunk of `CHUNK` stories has a random stream of its own, so chunks can be made
in parallel (ndjson.write_corpus) without changing a byte; stories come one at a
time, in order of first publication, with constant memory.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from datetime import datetime
from itertools import chain
from typing import Any

from bench.corpus import breaking as breaking_items
from bench.corpus.clock import DEFAULT_END, Window
from bench.corpus.story import Recent, story
from bench.corpus.stream import Stream

# Stories per random stream: the unit of work that --jobs spreads over processes.
CHUNK = 1000

# The kinds of story the sample always has, and how many of each.
_SAMPLE_KINDS = (
    ["scheduled-far"] * 3
    + ["draft"] * 4
    + ["retracted"] * 4
    + ["ar-only"] * 10
    + ["es-only"] * 10
    + ["hostile"] * 2
)


class Corpus:
    """The stories and breaking items of one set of arguments."""

    def __init__(
        self, stories: int, seed: int, end: datetime, years: float, breaking: int, sample: bool
    ) -> None:
        if end.tzinfo is None or end.utcoffset() is None:
            raise ValueError("end must be timezone-aware")
        if stories < 0 or breaking < 0:
            raise ValueError("stories and breaking must be >= 0")
        if years <= 0:
            raise ValueError("years must be > 0")
        self.stories = stories
        self.breaking = breaking
        self.sample = sample
        self.stream = Stream(seed, "plan")
        self.window = Window(end, years)
        # Recently published stories (id, languages, epoch) that breaking items link to.
        self.recent: Recent = deque(maxlen=2000)
        # The README demo: every kind of story is there, whatever the random draw.
        self.forced: dict[int, str] = {}
        if sample:
            chosen = self.stream.distinct(len(_SAMPLE_KINDS), stories)
            self.forced = dict(zip(chosen, _SAMPLE_KINDS, strict=False))

    @property
    def chunks(self) -> int:
        return -(-self.stories // CHUNK)

    def stories_iter(self) -> Iterator[dict[str, Any]]:
        for chunk in range(self.chunks):
            yield from self.chunk_iter(chunk)

    def chunk_iter(self, chunk: int) -> Iterator[dict[str, Any]]:
        """Stories chunk*CHUNK... : the chunk's share of the quantiles, in order."""
        s, window = self.stream, self.window
        s.reseed(f"chunk:{chunk}")
        n = self.stories
        lo, hi = chunk * CHUNK, min(n, (chunk + 1) * CHUNK)
        u_lo, u_width = lo / n, (hi - lo) / n
        x = 0.0
        for i in range(lo, hi):
            # Ascending order statistics of the chunk's uniforms, drawn one at a time
            # and mapped through the inverse CDF: stories come out in order of time.
            x = 1.0 - (1.0 - x) * s.rnd() ** (1.0 / (hi - i))
            base = window.epoch(window.inverse_cdf(u_lo + u_width * x))
            yield story(s, window, i, base, self.forced.get(i), self.recent)

    def breaking_iter(self) -> Iterator[dict[str, Any]]:
        s = self.stream
        s.reseed("breaking")
        for k, role in enumerate(breaking_items.roles(s, self.breaking, self.sample)):
            yield breaking_items.item(s, self.window, self.recent, k, role)


def make(
    stories: int, seed: int, end: datetime, years: float | None, breaking: int | None, sample: bool
) -> Corpus:
    """The corpus of these arguments, its defaults filled in (bad arguments fail here)."""
    if years is None:
        years = 1.0 if sample else 10.0
    if breaking is None:
        breaking = 30 if sample else max(10, stories // 20)
    return Corpus(stories, seed, end, years, breaking, sample)


def generate(
    stories: int,
    *,
    seed: int = 1,
    end: datetime = DEFAULT_END,
    years: float | None = None,
    breaking: int | None = None,
    sample: bool = False,
) -> Iterator[dict[str, Any]]:
    """Yield FORMAT.md objects (dicts): `stories` story objects then breaking items.

    `years` is the span of publication dates before `end` (default 10, or 1 with
    `sample`); `breaking` defaults to max(10, stories // 20), or 30 with `sample`.
    Stories come in order of first publication (scheduled ones carry their future
    embargo time wherever they fall). Memory use does not grow with `stories`.
    """
    corpus = make(stories, seed, end, years, breaking, sample)  # bad arguments fail here
    # Breaking items come second: they link to the stories published last.
    return chain(corpus.stories_iter(), corpus.breaking_iter())
