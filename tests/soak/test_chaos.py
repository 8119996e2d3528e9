"""Crashes, for real: kill -9 of the publisher, a worker and the API at random moments.

A writer PUTs stories, edits and breaking items through the real API
(`syndicate serve`) and retries each until it is accepted, as a CMS does; a
worker (with its beat) and a loop of `syndicate publish` runs render them.
A seeded schedule kills one of the three with SIGKILL, sometimes at a random
moment, sometimes while a file is being written, and restarts it. After each
kill every published file must be whole and well-formed; at the end every
accepted write must be in the store and in the outputs, and the outputs must
be exactly what a fresh full publish writes.

SYNDICATE_CHAOS_KILLS (default 12) and SYNDICATE_CHAOS_SEED (default 7) make
a longer run: `SYNDICATE_CHAOS_KILLS=200 pytest tests/soak/test_chaos.py`.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import need_redis, need_server
from factories import breaking, story, variant
from feedcheck import check_sitemap
from lxml import etree
from test_workers import FLAVOURS, ROOT, SITES, Site, stamp, wait_outbox_empty

from bench.nginx import free_port

KILLS = int(os.environ.get("SYNDICATE_CHAOS_KILLS", "12"))
SEED = int(os.environ.get("SYNDICATE_CHAOS_SEED", "7"))
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
XML_SUFFIXES = (".rss", ".atom", ".xml", ".xsl", ".opml")


class Api:
    """`syndicate serve` on a port of its own, restartable."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        log = open(self.site.tmp / f"api-{self.starts}.log", "wb")  # noqa: SIM115
        self.starts += 1
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "syndicate.cli", "serve", "--port", str(self.port)],
            env=self.site.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                assert self.proc.poll() is None, "the API died at start"
                assert time.monotonic() < deadline, "the API did not start"
                time.sleep(0.05)

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)


class Writer(threading.Thread):
    """New stories, edits and breaking items, each sent until the API accepts it."""

    def __init__(self, port: int, key: str, seed: int, published: str) -> None:
        """`published`: every write's publication time, newer than anything imported before."""
        super().__init__(daemon=True)
        self.port, self.key, self.rng, self.published = port, key, random.Random(seed), published
        self.stop = threading.Event()
        self.titles: dict[str, tuple[str, str, str]] = {}  # story id -> (lang, slug, title)
        self.ticker: dict[str, tuple[str, str]] = {}  # breaking id -> (lang, text)
        self.answers: Counter[str] = Counter()  # status codes and connection failures
        self.writes = 0
        self.failure: str | None = None

    def send(self, path: str, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        deadline = time.monotonic() + 90
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
                conn.request(
                    "PUT",
                    path,
                    data,
                    {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"},
                )
                response = conn.getresponse()
                response.read()
                conn.close()
                self.answers[str(response.status)] += 1
                if response.status == 200:
                    return
                if response.status not in (429, 503):
                    raise AssertionError(f"PUT {path}: {response.status}")
            except (OSError, http.client.HTTPException) as e:  # the API was killed mid-request
                self.answers[e.__class__.__name__] += 1
            if time.monotonic() > deadline:
                raise AssertionError(f"PUT {path} never accepted: {dict(self.answers)}")
            time.sleep(0.1)

    def run(self) -> None:
        try:
            while not self.stop.is_set() and self.writes < 2000:
                self.write_one(self.writes)
                self.writes += 1
                time.sleep(self.rng.uniform(0.02, 0.15))
        except Exception as e:  # reported by the test
            self.failure = f"{e.__class__.__name__}: {e}"

    def write_one(self, n: int) -> None:
        roll = self.rng.random()
        if roll < 0.1:  # five ticker lines a language, rewritten: all stay in the feed
            lang = self.rng.choice(["en", "ar", "es"])
            bid = f"bx-{lang}-{self.rng.randrange(5)}"
            text = f"Ticker {n}" if lang != "ar" else f"عاجل {n}"
            item = breaking(bid, lang=lang, text=text, published_at=self.published)
            self.send(f"/api/breaking/{bid}", item)
            self.ticker[bid] = (lang, text)
            return
        if roll < 0.4 and self.titles:
            sid = self.rng.choice(sorted(self.titles))
            lang, slug, _old = self.titles[sid]
            title = f"{sid} edit {n}" if lang != "ar" else f"{sid} تعديل {n}"
        else:
            sid = f"cx-{n}"
            lang = self.rng.choice(["en", "ar", "es"])
            title = f"Chaos story {n}" if lang != "ar" else f"خبر الفوضى {n}"
            slug = f"chaos-{n}" if lang != "ar" else f"خبر-الفوضى-{n}"
        body = story(
            sid,
            section=self.rng.choice(["politics", "economy"]),
            variants={lang: variant(title, slug=slug, published_at=self.published)},
        )
        self.send(f"/api/stories/{sid}", body)
        self.titles[sid] = (lang, slug, title)


class Publishes(threading.Thread):
    """`syndicate publish` over and over (now and then `--all`), as cron or an operator runs it."""

    def __init__(self, site: Site, seed: int) -> None:
        super().__init__(daemon=True)
        self.site, self.rng = site, random.Random(seed)
        self.stop = threading.Event()
        self.proc: subprocess.Popen[bytes] | None = None
        self.runs: Counter[str] = Counter()
        self.lock = threading.Lock()

    def run(self) -> None:
        while not self.stop.is_set():
            args = ["publish", "--all"] if self.rng.random() < 0.3 else ["publish"]
            with self.lock:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "syndicate.cli", *args],
                    env=self.site.env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            code = self.proc.wait()
            self.runs["killed" if code == -signal.SIGKILL else f"exit {code}"] += 1
            time.sleep(self.rng.uniform(0, 0.5))

    def kill(self) -> bool:
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                return False
            os.killpg(self.proc.pid, signal.SIGKILL)
            return True


def check_outputs(out: Path) -> int:
    """Every published file is whole and well-formed (temporary files are not published)."""
    count = 0
    for p in out.rglob("*"):
        if not p.is_file() or p.name.startswith("."):
            continue
        data = p.read_bytes()
        if p.suffix == ".gz":
            data = gzip.decompress(data)
        name = p.name.removesuffix(".gz")
        try:
            if name.endswith(XML_SUFFIXES):
                etree.fromstring(data, PARSER)
            elif name.endswith(".json"):
                json.loads(data)
            elif name.endswith(".html"):
                assert data.rstrip().endswith(b"</html>"), "cut short"
        except (ValueError, AssertionError) as e:
            raise AssertionError(f"{p.relative_to(out)} is not whole: {e}") from None
        count += 1
    return count


def kill_one(victim: str, site: Site, api: Api, publishes: Publishes, rng: random.Random) -> str:
    """SIGKILL `victim`; half the time only once a file is being written. What happened."""
    mid_write = victim != "api" and rng.random() < 0.5
    if mid_write:
        deadline = time.monotonic() + 5
        while not any(site.out.rglob(".*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.002)
    if victim == "api":
        api.kill()
    elif victim == "worker":
        worker = site.procs[-1]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    elif not publishes.kill():
        return "publisher (between runs)"
    return victim + (" mid-write" if mid_write else "")


def restart(victim: str, site: Site, api: Api) -> None:
    """As a supervisor (systemd, Kubernetes) does; the publish loop starts its next run itself."""
    if victim == "api":
        api.start()
    elif victim == "worker":
        site.start_worker("--beat")


def assert_every_accepted_write_is_published(site: Site, writer: Writer) -> None:
    """Each accepted write is in the store as its last accepted version, and in the outputs:
    each story in its language's news sitemap, each ticker line in its breaking feed."""
    from sqlalchemy import create_engine, select

    from syndicate.model import BreakingItem, Variant

    engine = create_engine(site.env["SYNDICATE_DATABASE_URL"])
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":  # the file survived every kill in the middle of a write
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        stored = {
            (r.story_id, r.lang): r.title
            for r in conn.execute(select(Variant.story_id, Variant.lang, Variant.title))
        }
        ticker = {
            r.id: (r.lang, r.text)
            for r in conn.execute(select(BreakingItem.id, BreakingItem.lang, BreakingItem.text))
        }
    engine.dispose()
    for sid, (lang, _slug, title) in writer.titles.items():
        assert stored.get((sid, lang)) == title, sid
    assert {k: ticker.get(k) for k in writer.ticker} == writer.ticker
    for lang in ("en", "ar", "es"):
        titles = set()
        for p in (site.out / lang / "sitemaps").glob("news*.xml"):
            root = check_sitemap(p.read_bytes(), empty_ok=True)
            titles |= {t.text for t in root.iter("{*}title")}
        assert {t for lg, _s, t in writer.titles.values() if lg == lang} <= titles, lang
        feed = json.dumps(json.loads((site.out / lang / "feeds" / "breaking.json").read_bytes()))
        for lg, text in writer.ticker.values():
            if lg == lang:
                assert json.dumps(text)[1:-1] in feed, text


def prepare(site: Site, now: datetime, stories: int = 150) -> str:
    """Schema, a generated corpus published whole, and an API key."""
    from bench.corpus import generate

    assert site.cli("db", "upgrade").returncode == 0
    corpus = list(generate(stories, seed=SEED, end=now))
    r = site.cli("import", "--no-nudge", "-", stdin="".join(json.dumps(o) + "\n" for o in corpus))
    assert r.returncode == 0, r.stderr
    assert site.cli("publish", "--all").returncode == 0
    return site.cli("keys", "create", "--name", "chaos").stdout.strip()


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_seeded_kill_9_never_leaves_an_invalid_output_or_loses_an_accepted_write(
    tmp_path: Path, flavour: str
) -> None:
    site = Site(tmp_path, SITES[flavour](tmp_path))
    now = datetime.now(UTC)
    key = prepare(site, now)
    api = Api(site)
    api.start()
    site.start_worker("--beat")
    writer = Writer(api.port, key, SEED + 1, stamp(now + timedelta(seconds=1)))
    publishes = Publishes(site, SEED + 2)
    rng = random.Random(SEED)
    kills: Counter[str] = Counter()
    checked = 0
    writer.start()
    publishes.start()
    try:
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.1, 2.0))
            assert writer.failure is None, writer.failure
            victim = rng.choice(["api", "worker", "publisher"])
            kills[kill_one(victim, site, api, publishes, rng)] += 1
            checked += check_outputs(site.out)  # before anything could repair it
            restart(victim, site, api)
        writer.stop.set()
        writer.join(timeout=120)
        assert writer.failure is None and not writer.is_alive(), writer.failure
        publishes.stop.set()
        publishes.join(timeout=120)
        wait_outbox_empty(site, 120, "the outbox never emptied")  # the worker catches up
    finally:
        writer.stop.set()
        publishes.stop.set()
        publishes.kill()
        api.stop()
        site.stop()
    checked += check_outputs(site.out)
    print(
        f"\nseed {SEED}: kills {dict(kills)}; {writer.writes} writes, answers "
        f"{dict(writer.answers)}; publish runs {dict(publishes.runs)}; {checked} files checked; "
        f"{len(list(site.out.rglob('.*.tmp')))} temporary files left by kills"
    )
    assert sum(kills.values()) == KILLS and writer.writes > KILLS

    assert_every_accepted_write_is_published(site, writer)
    # and the outputs are exactly what a full publish renders now
    r = site.cli("publish", "--all", "--verify")
    assert r.returncode == 0 and " 0 written" in r.stderr, r.stderr


class OwnPostgres:
    """A PostgreSQL cluster of the test's own (the machine's server is shared with other
    tests), started, crashed (`pg_ctl stop -m immediate`: no shutdown checkpoint, every
    connection cut) and started again."""

    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir, self.root, self.port = bindir, root, free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.run(
            "initdb",
            "-D",
            str(root / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if os.geteuid() == 0:  # the server refuses to run as root
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            "pg_ctl",
            "-D",
            str(self.root / "data"),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def crash(self) -> None:
        self.run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    import glob
    import pwd
    import shutil
    import tempfile

    bindirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bindirs or (os.geteuid() == 0 and not shutil.which("runuser")):
        need_server("no PostgreSQL server binaries (initdb, pg_ctl) to run a cluster of our own")
    root = Path(tempfile.mkdtemp(prefix="syndicate-pg-"))  # not under pytest's root-only tmp
    if os.geteuid() == 0:
        try:
            os.chown(root, pwd.getpwnam("postgres").pw_uid, -1)
        except KeyError:
            need_server("no postgres user to run a PostgreSQL cluster of our own as")
    server = OwnPostgres(Path(bindirs[-1]), root)
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(AssertionError):
            server.crash()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.postgres
def test_the_database_restarting_mid_run_is_survived_with_retries(tmp_path, own_postgres) -> None:
    """PostgreSQL crashes and comes back while the API takes writes and a worker publishes:
    writes during the outage are answered 503 (retry), never 500, and retried; the API and
    the worker keep running; every accepted write is published."""
    from test_workers import REDIS_URL, _env

    need_redis(REDIS_URL)
    site = Site(
        tmp_path,
        _env(tmp_path, SYNDICATE_DATABASE_URL=own_postgres.url, SYNDICATE_BROKER_URL=REDIS_URL),
    )
    now = datetime.now(UTC)
    key = prepare(site, now, stories=60)
    api = Api(site)
    api.start()
    worker = site.start_worker("--beat")
    writer = Writer(api.port, key, SEED + 3, stamp(now + timedelta(seconds=1)))
    writer.start()
    try:
        for outage in (1.0, 5.0):  # shorter and longer than a drain's first retry
            before = writer.writes
            while writer.writes < before + 15:
                assert writer.failure is None and writer.is_alive(), writer.failure
                time.sleep(0.05)
            own_postgres.crash()
            time.sleep(outage)
            own_postgres.start()
        before = writer.writes
        while writer.writes < before + 15:  # writes go on after the database is back
            assert writer.failure is None and writer.is_alive(), writer.failure
            time.sleep(0.05)
        writer.stop.set()
        writer.join(timeout=120)
        assert writer.failure is None and not writer.is_alive(), writer.failure
        wait_outbox_empty(site, 120, "the outbox never emptied")
        assert api.proc is not None and api.proc.poll() is None, "the API died"
        assert worker.poll() is None, "the worker died"
    finally:
        writer.stop.set()
        api.stop()
        site.stop()
    print(f"\n{writer.writes} writes, answers {dict(writer.answers)}")
    assert writer.answers["503"] > 0  # the outage was seen, and answered as one
    assert_every_accepted_write_is_published(site, writer)
    r = site.cli("publish", "--all", "--verify")
    assert r.returncode == 0 and " 0 written" in r.stderr, r.stderr
