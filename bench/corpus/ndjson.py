"""A corpus written as NDJSON: to a file atomically or to stdout, in one process or several."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.corpus.clock import DEFAULT_END
from bench.corpus.generator import Corpus, generate, make

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _ndjson(obj: dict[str, Any]) -> bytes:
    return (_ENCODER.encode(obj) + "\n").encode()


def write(path_or_dash: str | os.PathLike[str], objects: Iterable[dict[str, Any]]) -> int:
    """Write `objects` as NDJSON to a file (atomically) or to stdout (`-`); returns the count."""
    return _write_lines(path_or_dash, (_ndjson(obj) for obj in objects))


def _write_lines(path_or_dash: str | os.PathLike[str], lines: Iterable[bytes]) -> int:
    count = 0
    if str(path_or_dash) == "-":
        out = sys.stdout.buffer
        for line in lines:
            out.write(line)
            count += line.count(b"\n")
        out.flush()
        return count
    path = Path(path_or_dash)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb", buffering=1 << 20) as f:
            for line in lines:
                f.write(line)
                count += line.count(b"\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return count


# Worker side of write_corpus: one corpus per process, reused for its chunks.
_worker_corpus: dict[tuple[Any, ...], Corpus] = {}


def _encode_chunk(params: tuple[Any, ...], chunk: int) -> tuple[bytes, list[Any]]:
    corpus = _worker_corpus.get(params)
    if corpus is None:
        _worker_corpus.clear()
        corpus = _worker_corpus[params] = make(*params)
    corpus.recent.clear()
    data = b"".join(_ndjson(obj) for obj in corpus.chunk_iter(chunk))
    return data, list(corpus.recent)


def write_corpus(
    path_or_dash: str | os.PathLike[str],
    stories: int,
    *,
    seed: int = 1,
    end: datetime = DEFAULT_END,
    years: float | None = None,
    breaking: int | None = None,
    sample: bool = False,
    jobs: int = 1,
) -> int:
    """`write(path, generate(...))`, the same bytes, with chunks made by `jobs` processes.

    At most 2 * jobs chunks are in flight, so memory stays bounded.
    """
    params = (stories, seed, end, years, breaking, sample)
    corpus = make(*params)
    if jobs <= 1 or corpus.chunks <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return write(
            path_or_dash,
            generate(stories, seed=seed, end=end, years=years, breaking=breaking, sample=sample),
        )

    def lines() -> Iterator[bytes]:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pending: deque[Any] = deque()
            for chunk in range(corpus.chunks):
                pending.append(pool.apply_async(_encode_chunk, (params, chunk)))
                if len(pending) >= 2 * jobs:
                    data, recent = pending.popleft().get()
                    corpus.recent.extend(recent)
                    yield data
            while pending:
                data, recent = pending.popleft().get()
                corpus.recent.extend(recent)
                yield data
        for item in corpus.breaking_iter():
            yield _ndjson(item)

    return _write_lines(path_or_dash, lines())
