"""Benchmark: sustained API writes, the outputs' freshness, and a soak for leaks.

    python -m bench.load [--rates 10 20 40 80] [--seconds 30] [--store sqlite|postgres]
                         [--stories 1000] [--soak-seconds 300] [--soak-rate 20] [--keep DIR]

A fresh site (embedded SQLite and its filesystem broker, or `--store postgres`:
Redis at 127.0.0.1:6379 and a fresh PostgreSQL database) gets a generated
corpus, imported and published whole. Then `syndicate serve` and one
`syndicate worker --beat --concurrency 1` (tick 1 s) run as a user runs them,
and a paced, open-loop writer sends PUTs over loopback at a fixed rate from a
few threads with keep-alive connections: new stories, edits of recent ones and
breaking items, in English, Arabic and Spanish. Its key's rate limit is raised
(SYNDICATE_HTTP_RATE_LIMIT, _BURST) to twice the highest offered rate, so no
write is refused for its rate.

For each write answered 200 a probe (one thread, reading the few output files
concerned every 50 ms) measures its freshness: the time from the answer until
its headline is in the file it must appear in (`{lang}/feeds/all.atom`,
`{lang}/feeds/breaking.atom`). A write that a later write of the same item
replaced before it showed counts as fresh when any later version shows. A
story write never seen whose story had left the feed (newer stories pushed it
past feeds.items while the worker was behind) is counted as pushed out; any
other write never seen within the deadline is lost, and fails the run.

The soak sends the same paced load for `--soak-seconds`, mostly editing a
bounded set of stories and breaking items (so the store and the outputs do not
grow: what grows is a leak), and samples every few seconds the RSS and open
file descriptors of the API and of each process of the worker (its main
process, its pool child, its beat), the output files and the messages waiting
in the worker's queue. It reports the first minute after a warm-up against the
last minute and a least-squares slope, and exits non-zero when a process's
descriptors grow (last minute over the first by more than FD_ALLOWANCE), the
total RSS grows by more than RSS_BOUND_MB and RSS_BOUND_RATIO together, or the
queue grows by more than QUEUE_ALLOWANCE.

tests/soak/test_load.py runs a short version of this, with the same pieces.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.corpus import generate
from bench.nginx import free_port
from bench.publish import ROOT, site_env

REDIS_URL = "redis://127.0.0.1:6379/14"
POSTGRES_ADMIN = "postgresql+psycopg:///postgres"
LANGS = ("en", "ar", "es")
SECTIONS = ("politics", "economy", "sports", "health")
HEADLINE = {"en": "Load test headline", "ar": "عنوان اختبار الحمل", "es": "Titular de la prueba"}
TICKER = {"en": "Load test ticker", "ar": "شريط اختبار الحمل", "es": "Teletipo de la prueba"}
FD_ALLOWANCE = 5  # descriptors a process may hold more in the last minute than in the first
QUEUE_ALLOWANCE = 50  # messages the queue may hold more in the last minute than in the first
RSS_BOUND_MB = 40.0  # the soak fails when RSS grows past both of these
RSS_BOUND_RATIO = 1.15


def stamp(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def fresh_postgres_database(name: str, admin_url: str = POSTGRES_ADMIN) -> str:
    """Drop and create a database on the local server; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


class LoadSite:
    """A site in a work directory, its API (`syndicate serve`) and one worker with beat."""

    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.work = work
        self.out = Path(env["SYNDICATE_OUTPUT_DIR"])
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.api: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.key = ""

    @classmethod
    def create(
        cls, work: Path, store: str = "sqlite", rate_limit: int = 1200, database: str = ""
    ) -> LoadSite:
        """A site's environment; `store` is sqlite (embedded broker) or postgres (+ Redis)."""
        work.mkdir(parents=True, exist_ok=True)
        url = None
        if store == "postgres":
            url = fresh_postgres_database(database or f"syndicate_load_{os.getpid()}")
        env = site_env(work, work / "public", url)
        env.update(
            SYNDICATE_WORKERS_TICK="1s",
            SYNDICATE_WORKERS_QUEUE=f"load-{uuid.uuid4().hex}",  # a queue of this run's own
            SYNDICATE_WORKERS_STATE_DIR=str(work / "state"),
            SYNDICATE_HTTP_RATE_LIMIT=str(max(rate_limit, 1)),
            SYNDICATE_HTTP_RATE_BURST=str(max(rate_limit // 30, 100)),
        )
        if store == "postgres":
            env["SYNDICATE_BROKER_URL"] = REDIS_URL
        return cls(work, env)

    def cli(self, *args: str, stdin: str | None = None) -> str:
        r = subprocess.run(
            [sys.executable, "-m", "syndicate.cli", *args],
            env=self.env,
            cwd=ROOT,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if r.returncode != 0:
            raise RuntimeError(f"syndicate {' '.join(args)} failed:\n{r.stderr}")
        return r.stdout

    def prepare(self, stories: int) -> None:
        """Schema, a corpus (published whole) and an API key."""
        self.cli("db", "upgrade")
        if stories:
            end = datetime.now(UTC) - timedelta(hours=1)
            objs = generate(stories, seed=3, end=end, years=1.0)
            text = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)
            self.cli("import", "--no-nudge", "-", stdin=text)
        self.cli("publish", "--all")
        self.key = self.cli("keys", "create", "--name", "load").strip()

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.work / f"{name}.log", "ab")  # noqa: SIM115  (the child keeps it)
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "syndicate.cli", *args],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()

    def start(self) -> None:
        """The API and the worker, each in a process group of its own; back when both answer."""
        self.api = self._spawn("api", "serve", "--port", str(self.port))
        self.worker = self._spawn(
            "worker",
            "--log-format",
            "json",
            "-v",
            "worker",
            "--beat",
            "--concurrency",
            "1",
            "--loglevel",
            "info",
        )
        deadline = time.monotonic() + 60
        while not self._ready():
            for name, proc in (("api", self.api), ("worker", self.worker)):
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited:\n{self.log(name)[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError("the API or the worker did not start")
            time.sleep(0.1)

    def _ready(self) -> bool:
        if "ready" not in self.log("worker"):
            return False
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return True
        except OSError:
            return False

    def log(self, name: str) -> str:
        try:
            return (self.work / f"{name}.log").read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        for proc in (self.api, self.worker):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in (self.api, self.worker):
            if proc is None:
                continue
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.drop_queue()

    def drop_queue(self) -> None:
        url = self.env.get("SYNDICATE_BROKER_URL")
        if not url:
            return
        from kombu import Connection, Queue

        try:
            with Connection(url, connect_timeout=2) as conn:
                Queue(self.env["SYNDICATE_WORKERS_QUEUE"], channel=conn.default_channel).delete()
        except Exception:  # the broker is gone: nothing to drop
            pass

    def processes(self) -> dict[str, int]:
        """Role -> pid: the API, the worker's main process and each of its children."""
        assert self.api is not None and self.worker is not None
        roles = {"api": self.api.pid, "worker": self.worker.pid}
        for n, pid in enumerate(sorted(descendants(self.worker.pid))):
            roles[f"worker child {n + 1}"] = pid
        return roles

    def queue_depth(self) -> int:
        """Messages waiting in the worker's queue (the broker's, or the embedded folder's)."""
        url = self.env.get("SYNDICATE_BROKER_URL")
        name = self.env["SYNDICATE_WORKERS_QUEUE"]
        if url:
            import redis

            return int(redis.Redis.from_url(url).llen(name))
        return sum(1 for p in (self.work / "queue").glob(f"*.{name}.msg"))

    def pushed_out(self, writes: list[Write]) -> list[Write]:
        """Of story writes never seen, those whose story had left its feed (the latest
        feeds.items by publication time) when the worker rendered it: newer stories pushed
        it out while the worker was behind. Each still holds its write in the store."""
        from sqlalchemy import create_engine, text

        items = int(self.env.get("SYNDICATE_FEEDS_ITEMS", "50"))
        engine = create_engine(self.env["SYNDICATE_DATABASE_URL"])
        out = []
        try:
            with engine.connect() as conn:
                for w in writes:
                    row = conn.execute(
                        text(
                            "SELECT title, published_at FROM variant WHERE story_id = :id AND lang = :lang"
                        ),
                        {"id": w.slot[0], "lang": w.slot[1]},
                    ).one_or_none()
                    if row is None or w.file.endswith("breaking.atom"):
                        continue
                    newer = conn.execute(
                        text(
                            "SELECT count(*) FROM variant WHERE lang = :lang AND status = 'published'"
                            " AND (published_at > :at OR (published_at = :at AND story_id > :id))"
                        ),
                        {"lang": w.slot[1], "at": row.published_at, "id": w.slot[0]},
                    ).scalar_one()
                    tokens = {x.token for x in writes if x.slot == w.slot}
                    if newer >= items and any(t in row.title for t in tokens):
                        out.append(w)
        finally:
            engine.dispose()
        return out

    def publish_events(self) -> list[dict[str, Any]]:
        events = []
        for line in self.log("worker").splitlines():
            if line.startswith("{") and '"event": "publish"' in line:
                events.append(json.loads(line))
        return events


# --- process sampling (Linux /proc) ---------------------------------------------------------


def descendants(pid: int) -> set[int]:
    """Every live descendant of a process."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                # the command name, in parentheses, may hold spaces: split after it
                parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        kids = [p for p, pp in parents.items() if pp == parent and p not in found]
        found.update(kids)
        todo.extend(kids)
    return found


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, IndexError):
        return 0.0


def open_fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


@dataclass
class Sample:
    at: float  # seconds since the sampler started
    rss: dict[str, float]  # role -> MB
    fds: dict[str, int]  # role -> open descriptors
    files: int  # files in the output directory
    temps: int  # temporary files (a publish's .*.tmp) among them
    queue: int = 0  # messages waiting in the worker's queue


def sample(site: LoadSite, started: float) -> Sample:
    roles = site.processes()
    names = [p.name for p in site.out.rglob("*") if p.is_file()] if site.out.exists() else []
    return Sample(
        at=time.monotonic() - started,
        rss={role: rss_mb(pid) for role, pid in roles.items()},
        fds={role: open_fds(pid) for role, pid in roles.items()},
        files=len(names),
        temps=sum(1 for n in names if n.startswith(".") and n.endswith(".tmp")),
        queue=site.queue_depth(),
    )


class Sampler(threading.Thread):
    """Samples the site's processes every `every` seconds until stopped."""

    def __init__(self, site: LoadSite, every: float) -> None:
        super().__init__(daemon=True)
        self.site = site
        self.every = every
        self.samples: list[Sample] = []
        self.halt = threading.Event()
        self.started_at = time.monotonic()

    def run(self) -> None:
        while True:
            self.samples.append(sample(self.site, self.started_at))
            if self.halt.wait(self.every):
                return

    def stop(self) -> list[Sample]:
        self.halt.set()
        self.join()
        return self.samples


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (x, y) points (0 for fewer than two)."""
    if len(points) < 2:
        return 0.0
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


# --- the writer and the probe ----------------------------------------------------------------


@dataclass
class Write:
    n: int
    method: str
    path: str
    body: bytes
    slot: tuple[str, str]  # (record id, lang): writes of one slot are sent one after another
    token: str  # in the headline: what the probe looks for
    file: str  # the output file the headline must reach
    due: float = 0.0  # monotonic time it was meant to be sent (open loop)
    sent: float = 0.0
    answered: float = 0.0
    status: int = 0  # 0: no answer (a connection error)
    seen: float | None = None


class Workload:
    """What to write next. `bounded`: edits of a fixed set of stories and breaking items
    (after their creation), so the store and the outputs stay the same size; otherwise
    new stories too. Every headline carries a token `[wN]` unique to its write."""

    def __init__(self, seed: int = 1, bounded: bool = False, per_lang: int = 20) -> None:
        self.rng = random.Random(seed)
        self.bounded = bounded
        self.per_lang = per_lang
        self.n = 0
        self.stories: dict[str, list[dict[str, Any]]] = {lang: [] for lang in LANGS}
        self.breaking: dict[str, list[dict[str, Any]]] = {lang: [] for lang in LANGS}

    def next(self) -> Write:
        self.n += 1
        lang = self.rng.choice(LANGS)
        mine = self.stories[lang]
        roll = self.rng.random()
        full = len(mine) >= self.per_lang
        if roll < 0.25:
            return self._breaking(lang)
        if (self.bounded and full) or (roll < 0.8 and mine):
            return self._edit(lang, self.rng.choice(mine[-10:] if not self.bounded else mine))
        return self._new(lang)

    @property
    def token(self) -> str:
        return f"[w{self.n}]"

    def _put(self, kind: str, obj: dict[str, Any], lang: str, feed: str) -> Write:
        body = json.dumps(obj, ensure_ascii=False).encode()
        path = f"/api/{kind}/{obj['id']}"
        return Write(self.n, "PUT", path, body, (obj["id"], lang), self.token, f"{lang}/{feed}")

    def _story_write(self, obj: dict[str, Any], lang: str) -> Write:
        obj["variants"][lang]["title"] = f"{HEADLINE[lang]} {obj['id']} {self.token}"
        return self._put("stories", obj, lang, "feeds/all.atom")

    def _new(self, lang: str) -> Write:
        obj = {
            "type": "story",
            "id": f"load-{lang}-{self.n}",
            "section": self.rng.choice(SECTIONS),
            "variants": {
                lang: {
                    "slug": f"load-{self.n}",
                    "published_at": stamp(datetime.now(UTC)),
                    "summary": f"{HEADLINE[lang]} {self.n}",
                }
            },
        }
        self.stories[lang].append(obj)
        if not self.bounded:
            del self.stories[lang][: -self.per_lang]
        return self._story_write(obj, lang)

    def _edit(self, lang: str, obj: dict[str, Any]) -> Write:
        return self._story_write(obj, lang)

    def _breaking(self, lang: str) -> Write:
        items = self.breaking[lang]
        if len(items) < 10:
            item = {
                "type": "breaking",
                "id": f"br-load-{lang}-{len(items)}",
                "lang": lang,
                "published_at": stamp(datetime.now(UTC)),
            }
            items.append(item)
        else:
            item = self.rng.choice(items)
        item["text"] = f"{TICKER[lang]} {self.token}"
        return self._put("breaking", item, lang, "feeds/breaking.atom")


class Probe(threading.Thread):
    """Polls the output files of answered writes until each write's headline shows (or a
    later write of the same slot's does)."""

    def __init__(self, out: Path, every: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.out = out
        self.every = every
        self.lock = threading.Lock()
        self.pending: dict[tuple[str, str], list[Write]] = {}  # slot -> writes in order
        self.halt = threading.Event()

    def watch(self, write: Write) -> None:
        with self.lock:
            self.pending.setdefault(write.slot, []).append(write)

    def outstanding(self) -> int:
        with self.lock:
            return sum(len(w) for w in self.pending.values())

    def run(self) -> None:
        while not self.halt.wait(self.every):
            self.poll()

    def poll(self) -> None:
        with self.lock:
            files = {w.file for ws in self.pending.values() for w in ws}
        contents: dict[str, bytes] = {}
        for rel in files:
            try:
                contents[rel] = (self.out / rel).read_bytes()
            except FileNotFoundError:
                contents[rel] = b""
        now = time.monotonic()
        with self.lock:
            for slot, writes in list(self.pending.items()):
                shown = [
                    i
                    for i, w in enumerate(writes)
                    if w.file in contents and w.token.encode() in contents[w.file]
                ]
                if not shown:
                    continue
                for w in writes[: shown[-1] + 1]:  # it, and what it replaced
                    w.seen = now
                del writes[: shown[-1] + 1]
                if not writes:
                    del self.pending[slot]

    def wait_all(self, seconds: float) -> bool:
        """Whether every answered write showed within `seconds`."""
        deadline = time.monotonic() + seconds
        while self.outstanding():
            if time.monotonic() > deadline:
                return False
            time.sleep(self.every)
        return True

    def stop(self) -> None:
        self.halt.set()
        self.join()


class Writer:
    """Sends writes at a fixed rate (open loop: a write's send time does not wait for the
    previous answer) from `threads` keep-alive connections; one slot's writes in order."""

    def __init__(self, site: LoadSite, probe: Probe, threads: int = 8) -> None:
        self.site = site
        self.probe = probe
        self.threads = threads
        self.done: list[Write] = []
        self.errors: list[str] = []
        self._queue: queue.Queue[Write | None] = queue.Queue()
        self._slots: dict[tuple[str, str], threading.Lock] = {}
        self._slots_lock = threading.Lock()
        self._lock = threading.Lock()

    def _slot_lock(self, slot: tuple[str, str]) -> threading.Lock:
        with self._slots_lock:
            return self._slots.setdefault(slot, threading.Lock())

    def _send_loop(self) -> None:
        conn: http.client.HTTPConnection | None = None
        headers = {
            "Authorization": f"Bearer {self.site.key}",
            "Content-Type": "application/json",
        }
        while (write := self._queue.get()) is not None:
            with self._slot_lock(write.slot):
                write.sent = time.monotonic()
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", self.site.port, timeout=60)
                    conn.request(write.method, write.path, write.body, headers)
                    response = conn.getresponse()
                    detail = response.read()
                    write.status = response.status
                    if response.status != 200:
                        self._error(f"{write.path}: {response.status} {detail[:200]!r}")
                except (OSError, http.client.HTTPException) as e:
                    self._error(f"{write.path}: {e.__class__.__name__}: {e}")
                    if conn is not None:
                        conn.close()
                    conn = None
                write.answered = time.monotonic()
                if write.status == 200:
                    self.probe.watch(write)
            with self._lock:
                self.done.append(write)
        if conn is not None:
            conn.close()

    def _error(self, text: str) -> None:
        with self._lock:
            self.errors.append(text)

    def run(self, workload: Workload, rate: float, count: int) -> float:
        """Send `count` writes at `rate` a second; the seconds it took until the last answer."""
        senders = [threading.Thread(target=self._send_loop) for _ in range(self.threads)]
        for t in senders:
            t.start()
        started = time.monotonic()
        for i in range(count):
            due = started + i / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            write = workload.next()
            write.due = due
            self._queue.put(write)
        for _ in senders:
            self._queue.put(None)
        for t in senders:
            t.join()
        return time.monotonic() - started


# --- one paced run ---------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class RunResult:
    rate: float
    requests: int
    seconds: float
    ok: int
    errors: list[str]
    lost: list[Write]
    pushed_out: list[Write]  # never seen: their story had left the feed (see LoadSite.pushed_out)
    freshness: list[float]  # seconds, per write answered 200 and seen
    latency: list[float]  # seconds from sending to the answer
    lag: list[float]  # seconds a write was sent after it was due
    publishes: int = 0
    queued: int = 0  # messages in the worker's queue once every write showed

    @property
    def achieved(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def row(self) -> str:
        f, lat = self.freshness, self.latency
        return (
            f"| {self.rate:g} | {self.achieved:.1f} | {self.requests:,} | "
            f"{self.requests - self.ok} | {len(self.lost)} | {len(self.pushed_out)} | "
            f"{pct(f, 0.5):.2f} | {pct(f, 0.95):.2f} | {pct(f, 0.99):.2f} | {max(f, default=0):.2f} | "
            f"{pct(lat, 0.5) * 1000:.0f} | {pct(lat, 0.99) * 1000:.0f} | "
            f"{max(self.lag, default=0):.2f} | {self.publishes} | {self.queued} |"
        )


HEADER = (
    "| offered w/s | achieved w/s | requests | non-200 | lost | pushed out | fresh p50 s | p95 s | p99 s | "
    "max s | API p50 ms | API p99 ms | max send lag s | renders | queued after |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def paced_run(
    site: LoadSite,
    workload: Workload,
    rate: float,
    count: int,
    deadline: float = 60.0,
    threads: int = 8,
    during: Callable[[], object] | None = None,
) -> RunResult:
    """`count` writes at `rate`, then up to `deadline` seconds for every answered one to show."""
    probe = Probe(site.out)
    probe.start()
    writer = Writer(site, probe, threads)
    before = len(site.publish_events())
    try:
        seconds = writer.run(workload, rate, count)
        if during is not None:
            during()
        probe.wait_all(deadline)
        queued = site.queue_depth()
    finally:
        probe.stop()
    writes = sorted(writer.done, key=lambda w: w.n)
    ok = [w for w in writes if w.status == 200]
    unseen = [w for w in ok if w.seen is None]
    gone = site.pushed_out(unseen) if unseen else []
    return RunResult(
        rate=rate,
        requests=len(writes),
        seconds=seconds,
        ok=len(ok),
        errors=writer.errors,
        lost=[w for w in unseen if w not in gone],
        pushed_out=gone,
        freshness=[max(0.0, w.seen - w.answered) for w in ok if w.seen is not None],
        latency=[w.answered - w.sent for w in writes],
        lag=[w.sent - w.due for w in writes],
        publishes=len([e for e in site.publish_events()[before:] if e.get("written")]),
        queued=queued,
    )


@contextmanager
def running(site: LoadSite) -> Iterator[LoadSite]:
    site.start()
    try:
        yield site
    finally:
        site.stop()


# --- the soak --------------------------------------------------------------------------------


@dataclass
class SoakReport:
    samples: list[Sample]
    warmup: float
    first: dict[str, float]  # "rss <role>", "fds <role>", "rss total" -> first-minute mean
    last: dict[str, float]
    slopes: dict[str, float]  # per minute
    failures: list[str]


def soak_report(samples: list[Sample], warmup: float, window: float = 60.0) -> SoakReport:
    """First `window` seconds after `warmup` against the last `window`; slopes after warm-up."""
    kept = [s for s in samples if s.at >= warmup]
    end = kept[-1].at if kept else 0.0
    first_part = [s for s in kept if s.at < warmup + window]
    last_part = [s for s in kept if s.at > end - window]
    series: dict[str, Callable[[Sample], float]] = {"rss total": lambda s: sum(s.rss.values())}
    roles = sorted({r for s in kept for r in s.rss}, key=lambda r: (r != "api", r))
    for role in roles:
        series[f"rss {role}"] = lambda s, r=role: s.rss.get(r, 0.0)  # type: ignore[misc]
        series[f"fds {role}"] = lambda s, r=role: float(s.fds.get(r, 0))  # type: ignore[misc]
    series["output files"] = lambda s: float(s.files)
    series["temp files"] = lambda s: float(s.temps)
    series["queued messages"] = lambda s: float(s.queue)

    def mean(part: list[Sample], get: Callable[[Sample], float]) -> float:
        return statistics.fmean(get(s) for s in part) if part else 0.0

    first = {name: mean(first_part, get) for name, get in series.items()}
    last = {name: mean(last_part, get) for name, get in series.items()}
    slopes = {name: slope([(s.at / 60, get(s)) for s in kept]) for name, get in series.items()}
    failures = []
    for name in series:
        if name.startswith("fds ") and last[name] > first[name] + FD_ALLOWANCE:
            failures.append(
                f"{name}: {first[name]:.1f} -> {last[name]:.1f} ({slopes[name]:+.2f}/min)"
            )
    grown = last["rss total"] - first["rss total"]
    if grown > RSS_BOUND_MB and last["rss total"] > first["rss total"] * RSS_BOUND_RATIO:
        failures.append(
            f"RSS: {first['rss total']:.0f} -> {last['rss total']:.0f} MB "
            f"(over {RSS_BOUND_MB:g} MB and x{RSS_BOUND_RATIO})"
        )
    if last["queued messages"] > first["queued messages"] + QUEUE_ALLOWANCE:
        failures.append(
            f"the worker's queue grows: {first['queued messages']:.0f} -> "
            f"{last['queued messages']:.0f} messages"
        )
    if last["temp files"] > first["temp files"] + 1:
        failures.append(f"temp files: {first['temp files']:.0f} -> {last['temp files']:.0f}")
    return SoakReport(samples, warmup, first, last, slopes, failures)


def print_soak(report: SoakReport, result: RunResult) -> None:
    print(
        f"\nsoak: {result.requests:,} requests in {result.seconds:.0f} s "
        f"({result.achieved:.1f}/s), {result.requests - result.ok} non-200, "
        f"{len(result.lost)} lost, freshness p50/p95/max "
        f"{pct(result.freshness, 0.5):.2f}/{pct(result.freshness, 0.95):.2f}/"
        f"{max(result.freshness, default=0):.2f} s, {result.publishes} publishes; "
        f"{len(report.samples)} samples, warm-up {report.warmup:.0f} s\n"
    )
    print("| series | first minute | last minute | slope per minute |")
    print("|---|---|---|---|")
    for name in report.first:
        unit = " MB" if name.startswith("rss") else ""
        print(
            f"| {name} | {report.first[name]:.1f}{unit} | {report.last[name]:.1f}{unit} | "
            f"{report.slopes[name]:+.2f}{unit} |"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rates", "--rate", type=float, nargs="+", default=[10, 20, 40, 80])
    ap.add_argument("--seconds", type=float, default=30, help="of paced writes per rate")
    ap.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--stories", type=int, default=1000, help="the corpus before the load")
    ap.add_argument("--threads", type=int, default=8, help="client connections")
    ap.add_argument("--soak-seconds", type=float, default=0)
    ap.add_argument("--soak-rate", type=float, default=20)
    ap.add_argument("--soak-warmup", type=float, default=30)
    ap.add_argument("--sample-every", type=float, default=3)
    ap.add_argument("--keep", type=Path, help="work in this directory and keep it")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-load-"))
    top = max([*args.rates, args.soak_rate])
    site = LoadSite.create(work, args.store, rate_limit=int(top * 60 * 2))
    site.prepare(args.stories)
    failed: list[str] = []
    print(
        f"store {args.store}, corpus {args.stories} stories, {args.threads} client threads, "
        f"rate limit {site.env['SYNDICATE_HTTP_RATE_LIMIT']}/min, {os.cpu_count()} CPUs",
        flush=True,
    )
    with running(site):
        results = []
        for rate in args.rates:
            result = paced_run(site, Workload(seed=int(rate)), rate, int(rate * args.seconds))
            results.append(result)
            print(HEADER if len(results) == 1 else "", end="\n" if len(results) == 1 else "")
            print(result.row(), flush=True)
            failed += [f"{rate:g}/s: {e}" for e in result.errors[:5]]
            failed += [f"{rate:g}/s: lost {w.path} {w.token}" for w in result.lost[:5]]
        sustained = [
            r.rate
            for r in results
            if pct(r.freshness, 0.95) < 2 and not r.lost and r.achieved >= 0.95 * r.rate
        ]
        print(
            "\nhighest offered rate sent in time (95 %) with p95 freshness under 2 s: "
            f"{max(sustained, default=0):g}/s"
        )
        if args.soak_seconds:
            sampler = Sampler(site, args.sample_every)
            sampler.start()
            count = int(args.soak_rate * args.soak_seconds)
            workload = Workload(seed=99, bounded=True)
            result = paced_run(site, workload, args.soak_rate, count, during=sampler.stop)
            report = soak_report(sampler.samples, args.soak_warmup)
            print_soak(report, result)
            failed += report.failures
            failed += [f"soak: {e}" for e in result.errors[:5]]
            failed += [f"soak: lost {w.path} {w.token}" for w in result.lost[:5]]
    if "database is locked" in site.log("api") + site.log("worker"):
        failed.append("'database is locked' in the logs")
    if failed:
        print("\nFAILED:\n  " + "\n  ".join(failed))
    if not args.keep and not failed:
        shutil.rmtree(work, ignore_errors=True)
    elif not args.keep:
        print(f"kept {work} for a look")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
