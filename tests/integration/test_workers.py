"""Workers, for real: a Celery worker process on the embedded default and on Redis + PostgreSQL.

These tests wait on a real worker, so they wait for a state (a file's content, the
outbox's rows, the workers' logged publishes) with a deadline, never for a fixed time;
and they assert no latency (bench.load measures it): a loaded box is slow, not wrong.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import ROOT, fresh_postgres_database, need_redis, need_server
from factories import breaking, story, variant

from bench.load import stamp
from bench.nginx import free_port

REDIS_URL = os.environ.get("SYNDICATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
AMQP_URL = os.environ.get("SYNDICATE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


class Site:
    """A store, an output directory and the environment a worker and the CLI share."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp = tmp
        self.out = tmp / "out"
        self.env = env
        self.procs: list[subprocess.Popen[bytes]] = []

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "syndicate.cli", *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,  # a deadline, not a speed: a full publish on a loaded box takes long
            cwd=ROOT,
        )

    def load(self, objs: list[dict]) -> None:
        r = self.cli(
            "import", "-", stdin="".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)
        )
        assert r.returncode == 0, r.stderr

    def start_worker(self, *extra: str) -> subprocess.Popen[bytes]:
        log = open(self.tmp / f"worker-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "syndicate.cli",
                "--log-format",
                "json",
                "-v",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "info",
                *extra,
            ],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        deadline = time.monotonic() + 60
        while b"ready" not in (self.tmp / f"worker-{len(self.procs) - 1}.log").read_bytes():
            assert proc.poll() is None, (self.tmp / f"worker-{len(self.procs) - 1}.log").read_text()
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.1)
        return proc

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)

    def logs(self) -> list[dict]:
        events = []
        for f in sorted(self.tmp.glob("worker-*.log")):
            for line in f.read_text(errors="replace").splitlines():
                if line.startswith("{"):
                    try:
                        events.append(json.loads(line))
                    except ValueError:  # the line a worker is writing now
                        continue
        return events

    def publishes(self) -> int:
        """Publishes the workers have logged: every drain that runs logs one, idle or not."""
        return sum(1 for e in self.logs() if e.get("event") == "publish")

    def wait_publishes(self, count: int, seconds: float = 60) -> None:
        """Until the workers have logged `count` publishes: proof that the system's time passed."""
        deadline = time.monotonic() + seconds
        while self.publishes() < count:
            assert time.monotonic() < deadline, f"{self.publishes()} of {count} publishes logged"
            time.sleep(0.05)

    def read(self, rel: str) -> str:
        try:
            return (self.out / rel).read_text()
        except FileNotFoundError:
            return ""

    def wait_for(self, rel: str, text: str, seconds: float = 60) -> float:
        """Seconds until `text` appears in the output file `rel`."""
        started = time.monotonic()
        while text not in self.read(rel):
            assert time.monotonic() - started < seconds, f"{text!r} never reached {rel}"
            time.sleep(0.05)
        return time.monotonic() - started


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SYNDICATE_CONFIG=str(ROOT / "config" / "default.toml"),
        SYNDICATE_DATABASE_URL=f"sqlite:///{tmp}/var/store.db",
        SYNDICATE_OUTPUT_DIR=str(tmp / "out"),
        SYNDICATE_WORKERS_TICK="1s",
        # a queue of the test's own: tests running side by side on one Redis or RabbitMQ
        # (or a worker of an earlier test still shutting down) never take its tasks
        SYNDICATE_WORKERS_QUEUE=f"test-{uuid.uuid4().hex}",
        SYNDICATE_WORKERS_STATE_DIR=str(tmp / "state"),  # beat's schedule file
    )
    env.update(extra)
    if env.get("SYNDICATE_BROKER_URL"):
        _queues.append((env["SYNDICATE_BROKER_URL"], env["SYNDICATE_WORKERS_QUEUE"]))
    return env


_queues: list[tuple[str, str]] = []  # (broker, queue) made by the running test


@pytest.fixture(autouse=True)
def _drop_queues() -> Iterator[None]:
    """Each test's broker queue is its own; drop it afterwards so none pile up."""
    yield
    from kombu import Connection, Queue

    while _queues:
        url, name = _queues.pop()
        try:
            with Connection(url, connect_timeout=2) as conn:
                Queue(name, channel=conn.default_channel).delete()
        except Exception:  # the broker of a test that stopped it, or one that is gone
            pass


def _redis_postgres_env(tmp: Path) -> dict[str, str]:
    need_redis(REDIS_URL)  # no flushdb: another test may be using the database; queues are private
    url = fresh_postgres_database(
        f"syndicate_workers_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    )
    return _env(tmp, SYNDICATE_DATABASE_URL=url, SYNDICATE_BROKER_URL=REDIS_URL)


def _rabbitmq_env(tmp: Path) -> dict[str, str]:
    from kombu import Connection

    try:
        with Connection(AMQP_URL, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as e:
        need_server(f"RabbitMQ is not reachable at {AMQP_URL}: {e}")
    return _env(tmp, SYNDICATE_BROKER_URL=AMQP_URL)


SITES = {"embedded": _env, "redis+postgres": _redis_postgres_env, "rabbitmq": _rabbitmq_env}
FLAVOURS = ["embedded", pytest.param("redis+postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=["embedded", pytest.param("redis+postgres", marks=pytest.mark.postgres)])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    env = SITES[request.param](tmp_path)
    s = Site(tmp_path, env)
    r = s.cli("db", "upgrade")
    assert r.returncode == 0, r.stderr
    yield s
    s.stop()


def test_a_change_reaches_its_feeds_and_sitemaps_and_nothing_else(site: Site) -> None:
    now = datetime.now(UTC)
    site.load(
        [
            story(
                "st-1",
                section="economy",
                variants={
                    "en": variant(
                        "First", slug="first", published_at=stamp(now - timedelta(hours=1))
                    )
                },
            ),
            story(
                "st-2",
                section="sports",
                variants={
                    "en": variant(
                        "Second", slug="second", published_at=stamp(now - timedelta(days=40))
                    )
                },
            ),
        ]
    )
    assert site.cli("publish", "--all").returncode == 0
    watched = [*site.out.rglob("*.rss"), *site.out.glob("en/sitemaps/*.xml")]
    untouched = {p: p.stat().st_mtime_ns for p in watched}
    first_map = next(p for p in site.out.glob("en/sitemaps/20*.xml") if "/first<" in p.read_text())
    second_map = next(
        p for p in site.out.glob("en/sitemaps/20*.xml") if "/second<" in p.read_text()
    )
    assert first_map != second_map
    site.start_worker("--beat")
    site.load(
        [
            story(
                "st-1",
                section="economy",
                variants={
                    "en": variant(
                        "First, updated by the worker",
                        slug="first-renamed",
                        published_at=stamp(now - timedelta(hours=1)),
                    )
                },
            )
        ]
    )
    took = site.wait_for("en/feeds/section/economy.rss", "First, updated by the worker")
    print(f"change to file: {took:.2f}s after the import returned")
    site.wait_for("en/feeds/all.atom", "First, updated by the worker")
    site.wait_for(first_map.relative_to(site.out).as_posix(), "/first-renamed<")
    site.wait_for("en/sitemaps/news.xml", "/first-renamed<")
    # two more publishes (one worker process: one at a time): the second began after the
    # change was everywhere, and a whole tick of it must not touch anything else
    site.wait_publishes(site.publishes() + 2)
    changed = {p for p, m in untouched.items() if p.stat().st_mtime_ns != m}
    assert {p.relative_to(site.out).as_posix() for p in changed} == {
        "en/feeds/all.rss",
        "en/feeds/section/economy.rss",
        "en/feeds/group/news.rss",
        first_map.relative_to(site.out).as_posix(),
        "en/sitemaps/news.xml",
    }
    assert second_map not in changed
    assert "Second" in site.read("en/feeds/section/sports.rss")


def test_rabbitmq_carries_the_work_too(tmp_path: Path) -> None:
    s = Site(tmp_path, _rabbitmq_env(tmp_path))
    try:
        assert s.cli("db", "upgrade").returncode == 0
        s.start_worker()
        s.load(
            [
                story(
                    "st-r",
                    variants={
                        "en": variant(
                            "Through RabbitMQ", slug="rabbit", published_at=stamp(datetime.now(UTC))
                        )
                    },
                )
            ]
        )
        s.wait_for("en/feeds/all.atom", "Through RabbitMQ")
    finally:
        s.stop()


def test_an_embargo_lifts_on_time_and_not_before(site: Site) -> None:
    site.start_worker("--beat")
    lift = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4)
    site.load(
        [
            story(
                "st-e",
                variants={
                    "en": variant(
                        "Embargoed until now", status="scheduled", published_at=stamp(lift)
                    )
                },
            )
        ]
    )
    while datetime.now(UTC) < lift - timedelta(seconds=1):
        assert "Embargoed until now" not in site.read("en/feeds/all.rss")
        time.sleep(0.1)
    site.wait_for("en/feeds/all.rss", "Embargoed until now")
    late = (datetime.now(UTC) - lift).total_seconds()
    print(f"embargo: visible {late:.2f}s after it lifted")


def test_a_burst_of_breaking_items_renders_far_fewer_times(site: Site) -> None:
    site.start_worker()
    now = datetime.now(UTC)
    site.load([breaking("br-0", text="first of the burst", published_at=stamp(now))])
    site.wait_for("en/feeds/breaking.rss", "first of the burst")
    # 100 items, each its own write and its own nudge, as a CMS would send them
    script = (
        "import json, sys\n"
        "from datetime import datetime, UTC\n"
        "from syndicate import config\n"
        "from syndicate.ingest import parse_object\n"
        "from syndicate.store import Store\n"
        "from workers.tasks import nudge\n"
        "store = Store(config.load())\n"
        "now = datetime.now(UTC)\n"
        "for i in range(1, 101):\n"
        "    obj = {'type': 'breaking', 'id': f'br-{i:03d}', 'lang': 'en', 'text': f'burst item {i}',\n"
        "           'published_at': now.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        "    with store.session() as s, s.begin():\n"
        "        store.writes.apply(s, parse_object(obj, store.settings), now)\n"
        "    nudge()\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", script],
        env=site.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    took = site.wait_for("en/feeds/breaking.rss", "burst item 100")
    # every write settled: a publish deletes its outbox rows and logs its row in one
    # transaction, and a drain still to come finds nothing to write
    wait_outbox_empty(site, 60, "the burst was not all published")
    renders = published(site) - 1
    print(f"burst: {renders} renders for 100 items; the last visible after {took:.2f}s")
    assert 1 <= renders <= 25, f"{renders} renders for 100 items"


def test_writes_while_the_broker_is_away_are_not_lost(tmp_path: Path) -> None:
    """The outbox keeps every change when no broker answers; a worker publishes them later."""
    env = _env(tmp_path, SYNDICATE_BROKER_URL="redis://127.0.0.1:1/0")  # nothing listens there
    s = Site(tmp_path, env)
    now = datetime.now(UTC)
    r = s.cli(
        "import",
        "-",
        stdin=json.dumps(
            story(
                "st-x",
                variants={
                    "en": variant("Written while the broker was down", published_at=stamp(now))
                },
            )
        )
        + "\n",
    )
    assert r.returncode == 0 and "could not reach the broker" in r.stderr
    # the broker comes back (the embedded one): the worker's tick drains the outbox
    s.env = _env(tmp_path)
    try:
        s.start_worker("--beat")
        s.wait_for("en/feeds/all.rss", "Written while the broker was down")
    finally:
        s.stop()


def count_rows(site: Site, query: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(site.env["SYNDICATE_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(query)).scalar_one())
    finally:
        engine.dispose()


def outbox_depth(site: Site) -> int:
    return count_rows(site, "SELECT count(*) FROM outbox")


def published(site: Site) -> int:
    """Publishes that wrote a file, as the store logged them (with their outbox rows' removal)."""
    return count_rows(site, "SELECT count(*) FROM publish_log WHERE written > 0")


def wait_outbox_empty(site: Site, seconds: float, what: str) -> None:
    """Until the workers have done every dirty output (the outbox holds no row)."""
    deadline = time.monotonic() + seconds
    while outbox_depth(site) > 0:
        assert time.monotonic() < deadline, f"{what} (outbox: {outbox_depth(site)} rows)"
        time.sleep(0.2)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_kill_9_mid_publish_leaves_complete_files_and_the_work_is_redone(
    tmp_path: Path, flavour: str
) -> None:
    from lxml import etree

    from bench.corpus import generate

    s = Site(tmp_path, SITES[flavour](tmp_path))
    assert s.cli("db", "upgrade").returncode == 0
    objs = list(generate(400, seed=5, end=datetime.now(UTC)))
    assert (
        s.cli(
            "import", "--no-nudge", "-", stdin="".join(json.dumps(o) + "\n" for o in objs)
        ).returncode
        == 0
    )
    assert s.cli("publish", "--all").returncode == 0
    # move every story, so that the next publish has hundreds of files to rewrite
    moved = [dict(o, section="economy") if o.get("type", "story") == "story" else o for o in objs]
    assert (
        s.cli(
            "import", "--no-nudge", "-", stdin="".join(json.dumps(o) + "\n" for o in moved)
        ).returncode
        == 0
    )
    proc = s.start_worker()
    s.cli("import", "-", stdin=json.dumps(breaking("br-k", text="kick")) + "\n")  # nudges a drain
    deadline = time.monotonic() + 30
    while not list(s.out.rglob(".*.tmp")):  # a write is under way
        assert time.monotonic() < deadline, "the publish never started"
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for p in s.out.rglob("*"):
        if p.name.startswith("."):
            continue  # a temporary file the kill left behind: never a published name
        if p.suffix in (".rss", ".atom", ".xml"):
            etree.parse(str(p))  # every published file is complete, valid XML
        elif p.suffix == ".json":
            json.loads(p.read_text())
    assert outbox_depth(s) > 0  # the killed publish committed nothing
    s.start_worker("--beat")  # the tick finds the outbox and does the work
    wait_outbox_empty(s, 180, "the work was not done after the restart")
    s.stop()
    r = s.cli("publish", "--all", "--verify")
    assert r.returncode == 0 and " 0 written" in r.stderr, r.stderr


def test_subscribers_are_pinged_and_a_failing_hub_blocks_nothing(tmp_path: Path) -> None:
    import threading
    from urllib.parse import parse_qs

    from test_notify import Recorder

    server = Recorder()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.fail_next = 1  # the first ping fails: retried by the worker, publishing goes on
    s = Site(
        tmp_path,
        _env(
            tmp_path,
            SYNDICATE_FEEDS_WEBSUB_HUB=server.url + "/hub",
            SYNDICATE_INDEXNOW_ENDPOINT=server.url + "/indexnow",
            SYNDICATE_INDEXNOW_KEY="abcdef0123456789",
        ),
    )
    try:
        assert s.cli("db", "upgrade").returncode == 0
        s.start_worker("--beat")
        s.load(
            [
                story(
                    "st-p",
                    variants={
                        "en": variant(
                            "Pinged", slug="pinged", published_at=stamp(datetime.now(UTC))
                        )
                    },
                )
            ]
        )
        s.wait_for("en/feeds/all.rss", "Pinged")
        assert 'rel="hub"' in s.read("en/feeds/all.rss")
        deadline = time.monotonic() + 30
        topics: set[str] = set()
        indexed: list[str] = []
        wanted = {
            "http://127.0.0.1:8000/en/feeds/all.rss",
            "http://127.0.0.1:8000/en/feeds/section/politics.atom",
        }
        while not wanted <= topics or not indexed:
            assert time.monotonic() < deadline, f"pings so far: {server.requests}"
            time.sleep(0.1)
            topics = {
                parse_qs(b.decode())["hub.url"][0]
                for p, _ct, b in server.requests
                if p == "/hub" and b
            }
            indexed = [
                u
                for p, _ct, b in server.requests
                if p == "/indexnow"
                for u in json.loads(b)["urlList"]
            ]
        assert indexed == ["http://127.0.0.1:8000/en/politics/pinged"]
        assert (s.out / "abcdef0123456789.txt").read_text() == "abcdef0123456789"
    finally:
        s.stop()
        server.shutdown()


CHANGES_SCRIPT = """
import json, random, sys
from datetime import datetime, timedelta, UTC
from syndicate import config
from syndicate.ingest import parse_object
from syndicate.store import Store
from workers.tasks import nudge

store = Store(config.load())
now = datetime.now(UTC)
rng = random.Random(int(sys.argv[1]))
stories = [json.loads(line) for line in sys.stdin if line.strip()]
stories = [o for o in stories if o.get("type", "story") == "story"]
sections = sorted(store.settings.taxonomy.sections)
when = (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
for i in range(int(sys.argv[2])):
    obj = json.loads(json.dumps(rng.choice(stories)))
    lang = rng.choice(sorted(obj["variants"]))
    v = obj["variants"][lang]
    move = rng.random()
    if move < 0.3:
        v["title"] = f"{v['title']} (edit {i})"
    elif move < 0.45:
        obj["section"] = rng.choice(sections)
    elif move < 0.6:
        v["status"] = rng.choice(["retracted", "published", "draft"])
        if v["status"] != "draft":
            v.setdefault("published_at", when)
    elif move < 0.75:
        v["tags"] = rng.sample(["Alpha", "Beta", "Gamma", "Delta"], 2)
    elif move < 0.85:
        v["slug"] = f"{v['slug']}-{i}"
    else:
        obj = {"type": "breaking", "id": f"br-{i % 7}", "lang": lang, "text": f"ticker {i}",
               "published_at": when, "withdrawn": rng.random() < 0.2}
    with store.session() as s, s.begin():
        store.writes.apply(s, parse_object(obj, store.settings), now)
    if i % 5 == 0:
        nudge()
nudge()
"""


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_two_workers_and_many_random_changes_end_where_a_fresh_publish_does(
    tmp_path: Path, flavour: str
) -> None:
    from bench.corpus import generate

    s = Site(tmp_path, SITES[flavour](tmp_path))
    try:
        assert s.cli("db", "upgrade").returncode == 0
        corpus = list(generate(120, seed=11, end=datetime.now(UTC) - timedelta(hours=4), years=0.2))
        corpus = [o for o in corpus if o.get("type", "story") == "story"]
        text = "".join(json.dumps(o) + "\n" for o in corpus)
        assert s.cli("import", "--no-nudge", "-", stdin=text).returncode in (0, 1)
        assert s.cli("publish", "--all").returncode == 0
        s.start_worker("--beat")
        s.start_worker()
        r = subprocess.run(
            [sys.executable, "-c", CHANGES_SCRIPT, "7", "1000"],
            input=text,
            env=s.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode == 0, r.stderr
        # done when it is empty: a publish deletes its rows after its files are written
        wait_outbox_empty(s, 180, "the workers did not finish")
        s.stop()
        # A tick the stop cut short (its keys come from the clock, not the outbox) is what
        # a restarted worker's first publish finishes: run that publish, as a worker would.
        # It cannot mend a change whose keys were never recorded or were settled unrendered.
        assert s.cli("publish").returncode == 0
        fresh = tmp_path / "fresh"
        env = dict(s.env, SYNDICATE_OUTPUT_DIR=str(fresh))
        r = subprocess.run(
            [sys.executable, "-m", "syndicate.cli", "publish", "--all", "--out", str(fresh)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode == 0, r.stderr

        def files(root: Path) -> dict[str, bytes]:
            return {
                p.relative_to(root).as_posix(): p.read_bytes()
                for p in root.rglob("*")
                if p.is_file() and not p.name.startswith(".") and p.name != "manifest.json"
            }

        ours, theirs = files(s.out), files(fresh)
        assert ours.keys() == theirs.keys()
        differing = [p for p in ours if ours[p] != theirs[p]]
        if differing:
            import difflib

            # a line-by-line diff says more of an RSS file than of a one-line JSON Feed
            first = min(differing, key=lambda p: (p.endswith(".json"), p))
            diff = "\n".join(
                difflib.unified_diff(
                    theirs[first].decode(errors="replace").splitlines(),
                    ours[first].decode(errors="replace").splitlines(),
                    "fresh publish",
                    "workers",
                    lineterm="",
                    n=1,
                )
            )
            pytest.fail(f"{len(differing)} files differ: {differing}; {first}:\n{diff[:6000]}")
        worked = {
            f.name
            for f in tmp_path.glob("worker-*.log")
            if '"event": "publish"' in f.read_text(errors="replace")
        }
        assert len(worked) == 2, "both workers should have published"
    finally:
        s.stop()


def test_redis_stopped_while_writes_happen_loses_nothing(tmp_path: Path) -> None:
    """A Redis of the test's own (so other tests keep theirs) is stopped and started again."""
    import shutil
    import socket

    server_bin = shutil.which("redis-server")
    if server_bin is None:
        need_server("redis-server is not installed")
    port = free_port()

    def start_redis() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [
                server_bin,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    redis_proc = start_redis()
    s = Site(tmp_path, _env(tmp_path, SYNDICATE_BROKER_URL=f"redis://127.0.0.1:{port}/0"))
    try:
        assert s.cli("db", "upgrade").returncode == 0
        s.start_worker("--beat")
        now = datetime.now(UTC)
        s.load(
            [story("st-a", variants={"en": variant("Before the outage", published_at=stamp(now))})]
        )
        s.wait_for("en/feeds/all.rss", "Before the outage")
        redis_proc.terminate()
        redis_proc.wait(timeout=10)
        for i in range(3):  # writes while Redis is down: they succeed, and say so
            r = s.cli(
                "import",
                "-",
                stdin=json.dumps(
                    story(
                        f"st-b{i}",
                        variants={"en": variant(f"During the outage {i}", published_at=stamp(now))},
                    )
                )
                + "\n",
            )
            assert r.returncode == 0 and "could not reach the broker" in r.stderr, r.stderr
        assert "During the outage" not in s.read("en/feeds/all.rss")
        redis_proc = start_redis()  # back: the worker reconnects and its tick drains the outbox
        for i in range(3):
            s.wait_for("en/feeds/all.rss", f"During the outage {i}", seconds=150)
    finally:
        s.stop()
        redis_proc.terminate()


def test_end_to_end_put_over_http_reaches_the_served_feed(tmp_path: Path) -> None:
    """`syndicate up` (app + worker + beat): a story PUT over HTTP is in the feed fetched over HTTP."""
    import urllib.request

    port = free_port()
    s = Site(tmp_path, _env(tmp_path))
    assert s.cli("db", "upgrade").returncode == 0
    key = s.cli("keys", "create", "--name", "e2e").stdout.strip()
    log = open(tmp_path / "up.log", "wb")  # noqa: SIM115
    up = subprocess.Popen(
        [sys.executable, "-m", "syndicate.cli", "up", "--no-sample", "--port", str(port)],
        env=s.env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while b"press Ctrl-C" not in (tmp_path / "up.log").read_bytes():
            assert up.poll() is None and time.monotonic() < deadline, (
                tmp_path / "up.log"
            ).read_text()
            time.sleep(0.1)
        while True:  # the app answers (its line is printed before it listens)
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                    break
            except urllib.error.HTTPError:
                break  # it answered: degraded until the worker's first tick
            except OSError:
                assert up.poll() is None and time.monotonic() < deadline, "the app never answered"
                time.sleep(0.1)
        body = json.dumps(
            story(
                "st-http",
                variants={
                    "ar": variant(
                        "خبر عبر الواجهة البرمجية",
                        slug="خبر-عبر-الواجهة",
                        published_at=stamp(datetime.now(UTC)),
                    )
                },
            )
        )
        request = urllib.request.Request(
            f"{base}/api/stories/st-http",
            data=body.encode(),
            method="PUT",
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        sent = time.monotonic()
        with urllib.request.urlopen(request, timeout=10) as r:
            answer = json.loads(r.read())
        assert (answer["id"], answer["changed"], answer["state"]) == ("st-http", True, "live")
        while True:
            try:
                with urllib.request.urlopen(f"{base}/ar/feeds/all.atom", timeout=5) as r:
                    if "خبر عبر الواجهة البرمجية" in r.read().decode():
                        break
            except urllib.error.HTTPError:
                pass
            assert time.monotonic() - sent < 60, "the story never reached the served feed"
            time.sleep(0.1)
        print(f"PUT to served feed: {time.monotonic() - sent:.2f}s")
    finally:
        os.killpg(up.pid, signal.SIGTERM)
        up.wait(timeout=30)


def test_beat_recovers_from_a_schedule_file_a_crash_truncated(tmp_path: Path) -> None:
    """A beat killed while saving left an empty data file beside its index; the next beat
    must start afresh (Celery's own scheduler died on it at every start: no tick, ever)."""
    s = Site(tmp_path, _env(tmp_path))
    assert s.cli("db", "upgrade").returncode == 0
    state = tmp_path / "state"
    state.mkdir()
    import shelve

    with shelve.open(str(state / "beat-schedule")) as db:
        db["entries"] = {"x": 1}
    data = [p for p in state.iterdir() if p.suffix in (".dat", ".db", "")]
    assert data
    for p in data:
        p.write_bytes(b"")  # the data is gone, the index still names it
    item = breaking("br-1", text="before the restart", published_at=stamp(datetime.now(UTC)))
    r = s.cli("import", "--no-nudge", "-", stdin=json.dumps(item) + "\n")
    assert r.returncode == 0, r.stderr
    s.start_worker("--beat")
    # nothing was nudged: only beat's tick can publish it
    s.wait_for("en/feeds/breaking.rss", "before the restart", seconds=30)
    assert any(e.get("event", "").startswith("Removing corrupted schedule") for e in s.logs())
    with shelve.open(str(state / "beat-schedule")) as db:
        assert db.get("entries")  # a new, working schedule file
    s.stop()
