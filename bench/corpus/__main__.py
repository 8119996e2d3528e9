"""`python -m bench.corpus`: write a corpus to a file or to stdout."""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime

from bench.corpus.clock import DEFAULT_END
from bench.corpus.ndjson import write_corpus


def _parse_end(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("--end needs a UTC offset, e.g. 2026-11-20T12:00:00Z")
    return moment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus",
        description="Write a deterministic corpus of FORMAT.md stories and breaking items.",
    )
    parser.add_argument("--stories", type=int, required=True, help="number of story objects")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--end",
        type=_parse_end,
        default=DEFAULT_END,
        help="latest publication time, RFC 3339 "
        f"(default {DEFAULT_END.isoformat()}, fixed for reproducibility)",
    )
    parser.add_argument(
        "--years",
        type=float,
        default=None,
        help="span of publication dates before --end (default 10; 1 with --sample)",
    )
    parser.add_argument(
        "--breaking",
        type=int,
        default=None,
        help="number of breaking items (default max(10, stories/20); 30 with --sample)",
    )
    parser.add_argument(
        "--sample",
        action="store_true",
        help="the README sample: one year, a ticker kept alive, every status",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="processes making chunks of stories; the output does not "
        "depend on it (default: up to 4 CPUs)",
    )
    parser.add_argument("--out", required=True, help="output file, or - for stdout")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    count = write_corpus(
        args.out,
        args.stories,
        seed=args.seed,
        end=args.end,
        years=args.years,
        breaking=args.breaking,
        sample=args.sample,
        jobs=args.jobs,
    )
    elapsed = time.perf_counter() - started
    print(
        f"wrote {count} objects ({args.stories} stories) to {args.out} in {elapsed:.1f}s "
        f"({args.stories / max(elapsed, 1e-9):,.0f} stories/s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
