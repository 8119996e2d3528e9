"""Benchmark: sitemaps for 10,000 and 100,000 generated stories, time and peak RSS.

    python -m bench.sitemaps [--stories 10000 100000] [--keep DIR]

For each size: generate a corpus, import it, then time `syndicate publish
--all --only sitemaps` (every sitemap partition, the news sitemaps, the
index and robots.txt) in its own process. Peak RSS should stay flat as the
archive grows tenfold: sitemaps stream from the store a period at a time.
The floor, measured in the same run, writes the same files with the same
bytes atomically from memory; the ratio to it is the figure to compare
between runs on this noisy, shared machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus import write_corpus
from bench.publish import FLOOR_PUBLISH, NOW, measure, site_env


def run(stories: int, work: Path) -> str:
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus.ndjson"
    write_corpus(corpus, stories, seed=1, end=datetime.fromisoformat(NOW).astimezone(UTC), jobs=2)
    out = work / "public"
    env = site_env(work, out)
    syndicate = [sys.executable, "-m", "syndicate.cli"]
    measure([*syndicate, "db", "upgrade"], env)
    imp = measure([*syndicate, "import", "--now", NOW, str(corpus)], env)
    pub = measure([*syndicate, "publish", "--all", "--only", "sitemaps", "--now", NOW], env)
    entries = json.loads((out / "manifest.json").read_text())["outputs"]
    files = [e for e in entries if not e["key"].startswith("feed:")]
    size = sum(e["size"] for e in files)
    urls = sum(e["items"] for e in files if e["key"].startswith("sitemap:"))
    only_sitemaps = work / "sitemaps-only"
    for e in files:  # the floor writes exactly these files
        target = only_sitemaps / e["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((out / e["path"]).read_bytes())
    floor = measure(
        [sys.executable, "-c", FLOOR_PUBLISH, str(only_sitemaps), str(work / "floor")], env
    )
    return (
        f"{stories:>9,} {urls:>9,} {len(files):>6,} {size / 1e6:>7.1f} "
        f"{imp.wall:>9.1f} {pub.wall:>8.2f} {pub.cpu:>7.2f} {pub.peak_mb:>8.0f} "
        f"{floor.wall:>7.2f} {pub.wall / floor.wall:>7.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--stories", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--keep", metavar="DIR", help="work here and keep the results")
    args = ap.parse_args(argv)
    base = Path(args.keep or tempfile.mkdtemp(prefix="syndicate-bench-sitemaps-"))
    print("store: SQLite (a fresh database per size)")
    print(
        f"{'stories':>9} {'URLs':>9} {'files':>6} {'MB':>7} {'import s':>9} "
        f"{'wall s':>8} {'cpu s':>7} {'peak MB':>8} {'floor s':>7} {'x floor':>7}"
    )
    for n in args.stories:
        print(run(n, base / str(n)), flush=True)
    if not args.keep:
        import shutil

        shutil.rmtree(base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
