"""Benchmark: does a publisher that keeps its caches grow once they are full?

    python -m bench.leak [--edits 3000] [--stories 1000] [--full-caches] [--every 250]

One process does what a Celery worker does between drains, without Celery: a
store with a generated corpus, published whole, then the same 60 stories
edited and published again and again with one `Caches` kept throughout. It
prints the RSS (after a garbage collection) and the caches' sizes every
`--every` edits. With `--full-caches` the caches are made small enough to be
full from the first edit (500 items, 1,500 fragments), so any growth after
that is a leak, not a cache filling up; without it they have their real
bounds, and the RSS climbs while they fill (bench.load's soak sees that).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.corpus import generate
from bench.publish import ROOT
from syndicate import config
from syndicate.caches import Bounded, fragments
from syndicate.ingest import parse_object
from syndicate.publish import Caches, Publisher
from syndicate.store import Store


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--edits", type=int, default=3000)
    ap.add_argument("--stories", type=int, default=1000)
    ap.add_argument("--every", type=int, default=250)
    ap.add_argument("--full-caches", action="store_true")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="syndicate-leak-"))
    base = config.load(ROOT / "config" / "default.toml", env={})
    settings = replace(
        base,
        database_url=f"sqlite:///{work}/store.db",
        output_dir=work / "out",
        publish=replace(base.publish, jobs=1),
    )
    store = Store(settings)
    store.prepare()
    now = datetime.now(UTC)
    corpus = list(generate(args.stories, seed=3, end=now))
    with store.session() as s, s.begin():
        for obj in corpus:
            store.writes.apply(s, parse_object(obj, settings), now)
    caches = (
        Caches(items=Bounded(500), fragments=fragments(1500, None))
        if args.full_caches
        else Caches()
    )
    publisher = Publisher(store, caches=caches)
    publisher.publish(now, full=True)
    stories = [o for o in corpus if o.get("type", "story") == "story"][-60:]
    rng = random.Random(1)
    started = time.monotonic()
    print("| edits | seconds | RSS MB | fragments | items | urls | manifest lines |")
    print("|---|---|---|---|---|---|---|")
    for i in range(args.edits + 1):
        obj: dict[str, Any] = json.loads(json.dumps(rng.choice(stories)))
        lang = next(iter(obj["variants"]))
        obj["variants"][lang]["title"] = f"Edit {i} {rng.random()}"
        obj["variants"][lang]["summary"] = f"Summary {i} " * rng.randint(1, 20)
        now = datetime.now(UTC)
        with store.session() as s, s.begin():
            store.writes.apply(s, parse_object(obj, settings), now)
        publisher.publish(now)
        if i % args.every == 0:
            gc.collect()
            print(
                f"| {i:,} | {time.monotonic() - started:.0f} | {rss_mb():.1f} "
                f"| {len(caches.fragments)} | {len(caches.items)} | {len(caches.urls or ())} "
                f"| {len(caches.manifest or ())} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
