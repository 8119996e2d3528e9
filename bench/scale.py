"""Benchmark: import, full publish and one-story incremental publish as the archive grows.

    python -m bench.scale [--stories 10000 100000 1000000] [--stores sqlite postgres]
                          [--jobs N] [--period day|week|month] [--plans] [--keep DIR]

For each size a corpus is generated (bench/corpus/: en/ar/es with partial
translations, Arabic slugs, images and videos, ten years of dates denser
recently, breaking items) and, for each store, a fresh database gets:

- `syndicate import` of the corpus: stories per second;
- `syndicate publish --all`: wall and CPU time (the process and the renderers
  it starts), peak RSS (the sum over the process tree, sampled every 20 ms),
  files and bytes written;
- one story changed, then `syndicate publish`: the publisher's own time for
  the work (what it logs, without Python's start-up) and the files it wrote;
  and the same in a warm worker (its caches kept from its previous publish,
  as a Celery worker keeps them): the second of two edits, timed in process.

The floor, measured in the same run, is what any publisher of these outputs
must at least do: every file the publish wrote, parsed beforehand into plain
tuples in memory (untimed), is written again through `lxml.etree.xmlfile`
(JSON feeds with `json.dumps`) in one process, atomically as the publisher
writes (temporary file, fsync, rename); and again without the fsyncs. Each
publish figure is given as a ratio to the first: the machines are shared and
noisy, ratios hold where seconds do not.

`--plans` prints PostgreSQL's plans (EXPLAIN ANALYZE) for the statements the
publisher runs to render one output of each kind.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.corpus import write_corpus
from bench.publish import NOW, ROOT, site_env

ADMIN_URL = os.environ.get("SYNDICATE_TEST_POSTGRES_URL", "postgresql+psycopg:///postgres")


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    stderr: str


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def measure(cmd: list[str], env: dict[str, str]) -> Run:
    """Run a command; wall time, CPU time of it and its children, peak RSS of the tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stderr is not None
    err = proc.stderr.read().decode()  # read while it runs: a full pipe would block it
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return Run(wall, usage.ru_utime + usage.ru_stime, peak / 1024, err)


FLOOR = r'''
import json, os, sys, tempfile, time
from lxml import etree

src, dst, sync = sys.argv[1], sys.argv[2], sys.argv[3] == "fsync"

def plain(el):
    """(tag, attrib, text, children, tail) tuples: data in memory, no lxml objects."""
    return (el.tag, dict(el.attrib), el.text, [plain(c) for c in el], el.tail)

docs = []
for root, _dirs, names in os.walk(src):
    for n in names:
        path = os.path.join(root, n)
        rel = os.path.relpath(path, src)
        if n.endswith((".rss", ".atom", ".xml")):
            tree = etree.parse(path)
            pis = [(p.target, p.text) for p in tree.getroot().itersiblings(preceding=True)]
            docs.append((rel, "xml", (pis, plain(tree.getroot()), tree.getroot().nsmap)))
        elif n.endswith(".json") and n != "manifest.json":
            with open(path, "rb") as f:
                docs.append((rel, "json", json.loads(f.read())))

def emit(xf, node):
    tag, attrib, text, children, tail = node
    with xf.element(tag, attrib):
        if text:
            xf.write(text)
        for c in children:
            emit(xf, c)
    if tail:
        xf.write(tail)

started = time.perf_counter()
for rel, kind, data in docs:
    target = os.path.join(dst, rel)
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder)
    with os.fdopen(fd, "wb") as f:
        if kind == "xml":
            pis, root, nsmap = data
            with etree.xmlfile(f, encoding="utf-8") as xf:
                xf.write_declaration()
                for target_, text in reversed(pis):
                    xf.write(etree.ProcessingInstruction(target_, text))
                tag, attrib, text, children, tail = root
                with xf.element(tag, attrib, nsmap=nsmap):
                    if text:
                        xf.write(text)
                    for c in children:
                        emit(xf, c)
        else:
            f.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        if sync:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, target)
    if sync:
        dfd = os.open(folder, os.O_RDONLY)
        os.fsync(dfd)
        os.close(dfd)
print(f"{len(docs)} {time.perf_counter() - started:.4f}")
'''


def _floor_seconds(out: Path, work: Path, env: dict[str, str], sync: bool) -> float:
    dst = work / ("floor-fsync" if sync else "floor")
    shutil.rmtree(dst, ignore_errors=True)
    proc = subprocess.run(
        [sys.executable, "-c", FLOOR, str(out), str(dst), "fsync" if sync else "nosync"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    shutil.rmtree(dst, ignore_errors=True)
    return float(proc.stdout.split()[1])


def _fresh_postgres(name: str) -> str:
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _changed_story(corpus: Path) -> dict[str, Any]:
    """The corpus's last story, with a new English headline (a real edit)."""
    last = None
    with open(corpus, "rb") as f:
        for line in f:
            obj = json.loads(line)
            if obj.get("type") == "story" and obj.get("variants"):
                last = obj
    assert last is not None
    variants = last["variants"]
    lang = "en" if "en" in variants else next(iter(variants))
    variants[lang]["title"] += " (updated)"
    return last


WARM = r"""
import json, sys, time
from datetime import datetime
from syndicate import config
from syndicate.ingest import parse_object
from syndicate.publish import Caches, Publisher
from syndicate.store import Store

story, now = json.loads(open(sys.argv[1]).read()), datetime.fromisoformat(sys.argv[2])
store = Store(config.load())
publisher = Publisher(store, caches=Caches())
times = []
for i in range(3):  # the first fills the caches, as a worker's earlier publishes have
    lang = "en" if "en" in story["variants"] else next(iter(story["variants"]))
    story["variants"][lang]["title"] += f" ({i})"
    with store.session() as s, s.begin():
        store.writes.apply(s, parse_object(story, store.settings), now)
    started = time.perf_counter()
    result = publisher.publish(now)
    times.append((time.perf_counter() - started, len(result.written)))
print(*min(times[1:]))
"""


def _site_config(work: Path, period: str) -> Path:
    """The default settings with sitemaps cut by ``period``."""
    default = ROOT / "config" / "default.toml"
    text = default.read_text()
    if "[sitemaps]" in text:
        raise SystemExit(f"{default} has its own [sitemaps]: --period would clash with it")
    shutil.copy(ROOT / "config" / "taxonomy.toml", work / "taxonomy.toml")
    site = work / "site.toml"
    site.write_text(f'{text}\n[sitemaps]\nperiod = "{period}"\n')
    return site


def run_store(
    label: str,
    corpus: Path,
    stories: int,
    work: Path,
    url: str | None,
    jobs: int | None,
    period: str | None = None,
) -> dict[str, Any]:
    out = work / "public"
    env = site_env(work, out, url)
    if jobs:
        env["SYNDICATE_PUBLISH_JOBS"] = str(jobs)
    if period:
        env["SYNDICATE_CONFIG"] = str(_site_config(work, period))
    syndicate = [sys.executable, "-m", "syndicate.cli"]
    measure([*syndicate, "db", "upgrade"], env)
    imp = measure([*syndicate, "import", "--no-nudge", "--now", NOW, str(corpus)], env)
    pub = measure([*syndicate, "publish", "--all", "--now", NOW], env)
    manifest = json.loads((out / "manifest.json").read_text())["outputs"]
    size = sum(e["size"] for e in manifest)
    change = work / "change.ndjson"
    change.write_text(json.dumps(_changed_story(corpus), ensure_ascii=False) + "\n")
    measure([*syndicate, "import", "--no-nudge", "--now", NOW, str(change)], env)
    inc = measure([*syndicate, "publish", "--now", NOW], env)
    m = re.search(r"(\d+) written.*in ([\d.]+)s\)", inc.stderr)
    inc_written, inc_work = (int(m.group(1)), float(m.group(2))) if m else (-1, float("nan"))
    warm = subprocess.run(
        [sys.executable, "-c", WARM, str(change), NOW],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    fl_sync = _floor_seconds(out, work, env, sync=True)
    fl_mem = _floor_seconds(out, work, env, sync=False)
    return {
        "store": label,
        "stories": stories,
        "import_s": imp.wall,
        "import_rate": stories / imp.wall,
        "publish_wall": pub.wall,
        "publish_cpu": pub.cpu,
        "publish_peak_mb": pub.peak_mb,
        "files": len(manifest) + 1,
        "mb": size / 1e6,
        "floor_fsync": fl_sync,
        "floor_nosync": fl_mem,
        "incremental_ms": inc_work * 1000,
        "incremental_files": inc_written,
        "warm_ms": float(warm[0]) * 1000,
        "warm_files": int(warm[1]),
    }


HEADER = (
    f"{'store':10} {'stories':>9} {'import/s':>9} {'files':>7} {'MB':>7} {'wall s':>8} "
    f"{'cpu s':>8} {'peak MB':>8} {'floor s':>8} {'x floor':>8} {'floor¹ s':>8} {'x floor¹':>8} "
    f"{'incr ms':>8} {'incr files':>10} {'warm ms':>8}"
)


def row(r: dict[str, Any]) -> str:
    return (
        f"{r['store']:10} {r['stories']:>9,} {r['import_rate']:>9,.0f} {r['files']:>7,} "
        f"{r['mb']:>7.1f} {r['publish_wall']:>8.2f} {r['publish_cpu']:>8.2f} "
        f"{r['publish_peak_mb']:>8.0f} {r['floor_fsync']:>8.2f} "
        f"{r['publish_wall'] / r['floor_fsync']:>8.2f} {r['floor_nosync']:>8.2f} "
        f"{r['publish_wall'] / r['floor_nosync']:>8.2f} {r['incremental_ms']:>8.0f} "
        f"{r['incremental_files']:>10} {r['warm_ms']:>8.0f}"
    )


def plans(url: str) -> None:
    """EXPLAIN ANALYZE of every distinct statement run to render one output of each kind."""
    from sqlalchemy import event, text

    from syndicate import config, plan
    from syndicate.publish import Caches, Publisher
    from syndicate.publish.writes import Writer
    from syndicate.store import Store

    settings = config.load(env={**os.environ, "SYNDICATE_DATABASE_URL": url})
    store = Store(settings)
    seen: dict[str, Any] = {}

    @event.listens_for(store.engine, "before_cursor_execute")
    def capture(_conn: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.setdefault(statement, params)

    now = datetime.fromisoformat(NOW).astimezone(UTC)
    writer = Writer(store, store.settings, Publisher(store).target, Caches())
    with store.session() as s:
        tag = sorted(k for k in store.feeds.content_keys(s, now) if k.scope == "tag")[:1]
        author = sorted(k for k in store.feeds.content_keys(s, now) if k.scope == "author")[:1]
        period = sorted(store.sitemaps.keys(s, now))[-1:]
        keys = [plan.feed("en", "all"), plan.feed("en", "section", "politics"), *tag, *author]
        keys += [*period, plan.news("en")]
        for key in keys:
            writer.render(s, key, now)
    event.remove(store.engine, "before_cursor_execute", capture)
    with store.engine.connect() as conn:
        for statement, params in seen.items():
            shown = re.sub(
                r"(%\(\w+?)_\d+\)s(::[A-Z ]+)?(, %\(\1_\d+\)s(::[A-Z ]+)?)+", r"\1_…", statement
            )
            print("\n" + shown.strip())
            for (line,) in conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, COSTS OFF) " + statement, params
            ):
                print("    " + (line if len(line) < 160 else line[:157] + "..."))
            conn.execute(text("SELECT 1"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--stories", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--stores", nargs="+", default=["sqlite", "postgres"])
    ap.add_argument("--jobs", type=int, help="publish processes (default: the config's, per core)")
    ap.add_argument(
        "--period",
        choices=["day", "week", "month"],
        help="sitemap period (default: the default config's, a week; a big archive wants days)",
    )
    ap.add_argument("--plans", action="store_true", help="print PostgreSQL's query plans")
    ap.add_argument("--keep", metavar="DIR", help="work here and keep the results")
    args = ap.parse_args(argv)
    base = Path(args.keep or tempfile.mkdtemp(prefix="syndicate-bench-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    end = datetime.fromisoformat(NOW).astimezone(UTC)
    print(f"{os.cpu_count()} cores; sitemap period: {args.period or 'week (the default)'}")
    print("floor = the same files from memory via lxml.etree.xmlfile")
    print("with fsync per file as the publisher does; floor¹ = the same without fsync\n")
    print(HEADER, flush=True)
    results = []
    for n in args.stories:
        corpus = base / f"corpus-{n}.ndjson"
        if not corpus.exists():
            write_corpus(corpus, n, seed=1, end=end, jobs=2)
        for label in args.stores:
            work = base / f"{label}-{n}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            url = _fresh_postgres(f"syndicate_bench_{n}") if label == "postgres" else None
            r = run_store(label, corpus, n, work, url, args.jobs, args.period)
            results.append(r)
            print(row(r), flush=True)
            if args.plans and url:
                plans(url)
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    (base / "results.json").write_text(json.dumps(results, indent=1))
    print(f"\nresults: {base / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
