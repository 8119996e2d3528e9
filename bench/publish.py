"""Benchmark: `syndicate import` and `syndicate publish --all` on a generated corpus.

    python -m bench.publish [--stories 10000] [--database-url URL] [--keep DIR]

Each step runs as its own process (as a user runs it), and reports wall time,
CPU time and peak RSS. Machines here are shared and noisy, so each figure is
also given as a ratio to a floor measured in the same run:

- import: reading and JSON-parsing the same NDJSON file (the least any
  importer must do);
- publish: writing the same files with the same bytes, atomically (temp
  file, fsync, rename), from memory (the least any publisher must do).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-20T12:00:00+00:00"


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float


def site_env(work: Path, out: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment of a benchmark's site: the default settings, its own store and output."""
    env = dict(os.environ)
    env.update(
        SYNDICATE_CONFIG=str(ROOT / "config" / "default.toml"),
        SYNDICATE_DATABASE_URL=database_url or f"sqlite:///{work}/bench.db",
        SYNDICATE_OUTPUT_DIR=str(out),
    )
    return env


def measure(cmd: list[str], env: dict[str, str]) -> Run:
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


FLOOR_IMPORT = """
import json, sys
with open(sys.argv[1], "rb") as f:
    for line in f:
        if line.strip():
            json.loads(line)
"""

FLOOR_PUBLISH = """
import os, sys, json, tempfile
src, dst = sys.argv[1], sys.argv[2]
files = []
for root, _dirs, names in os.walk(src):
    for n in names:
        p = os.path.join(root, n)
        with open(p, "rb") as f:
            files.append((os.path.relpath(p, src), f.read()))
# the floor starts with every byte in memory, as a renderer's output would be
for rel, data in files:
    target = os.path.join(dst, rel)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target))
    with os.fdopen(fd, "wb") as f:
        f.write(data); f.flush(); os.fsync(f.fileno())
    os.replace(tmp, target)
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--stories", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--database-url", help="default: SQLite in the work directory")
    ap.add_argument("--keep", metavar="DIR", help="work here and keep the results")
    args = ap.parse_args(argv)

    work = Path(args.keep or tempfile.mkdtemp(prefix="syndicate-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus.ndjson"
    end = datetime.fromisoformat(NOW).astimezone(UTC)
    n = write_corpus(corpus, args.stories, seed=args.seed, end=end, jobs=2)
    out = work / "public"
    env = site_env(work, out, args.database_url)
    py = sys.executable
    syndicate = [py, "-m", "syndicate.cli"]
    measure([*syndicate, "db", "upgrade"], env)

    floor_import = measure([py, "-c", FLOOR_IMPORT, str(corpus)], env)
    imp = measure([*syndicate, "import", "--now", NOW, str(corpus)], env)
    pub = measure([*syndicate, "publish", "--all", "--now", NOW], env)
    manifest = json.loads((out / "manifest.json").read_text())["outputs"]
    files = len(manifest) + 1
    size = sum(e["size"] for e in manifest)
    floor_dir = work / "floor"
    floor_pub = measure([py, "-c", FLOOR_PUBLISH, str(out), str(floor_dir)], env)
    again = measure([*syndicate, "publish", "--all", "--now", NOW], env)

    rows = [
        ("import", n, imp, floor_import),
        ("publish --all", files, pub, floor_pub),
        ("publish --all, nothing changed", files, again, floor_pub),
    ]
    print(
        f"corpus: {args.stories:,} stories ({n:,} objects, {corpus.stat().st_size / 1e6:.1f} MB); "
        f"output: {files:,} files, {size / 1e6:.1f} MB; store: {env['SYNDICATE_DATABASE_URL']}"
    )
    print(f"{'step':32} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'floor s':>8} {'x floor':>8}")
    for name, _count, run, floor in rows:
        print(
            f"{name:32} {run.wall:8.2f} {run.cpu:8.2f} {run.peak_mb:8.0f} {floor.wall:8.2f} "
            f"{run.wall / floor.wall:8.1f}"
        )
    print(
        f"import rate: {args.stories / imp.wall:,.0f} stories/s; "
        f"publish: {files / pub.wall:,.0f} files/s"
    )
    if not args.keep:
        import shutil

        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
