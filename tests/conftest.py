"""Fixtures: settings on a temporary directory, and stores on SQLite and PostgreSQL.

PostgreSQL tests use the machine's local server (SYNDICATE_TEST_POSTGRES_URL,
default: the local socket as the current user). Without a server they skip
with the reason, except under CI=true, where they fail: CI can never go green
by skipping them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from syndicate import config
from syndicate.ingest import parse_object
from syndicate.model import Base
from syndicate.publish import Publisher, PublishResult
from syndicate.store import Store, open_engine

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ADMIN_URL = os.environ.get("SYNDICATE_TEST_POSTGRES_URL", "postgresql+psycopg:///postgres")
# a PostgreSQL database per xdist worker and per checkout: test runs of two
# checkouts side by side on one machine must not drop each other's databases
CHECKOUT = hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
WORKER = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{CHECKOUT}"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# No fsync of published files in tests, here and in every process a test starts: it
# guards against a power loss, which no test makes, and it was a fifth of the time
# of a publish-heavy test. Readers still see old or new bytes (the rename is atomic);
# tests/integration/test_publish.py checks that files are flushed when it is on.
TEST_ENV = {"SYNDICATE_PUBLISH_FSYNC": "false"}
os.environ.update(TEST_ENV)


def default_settings() -> config.Settings:
    """config/default.toml as the tests run it (no environment but TEST_ENV)."""
    return config.load(ROOT / "config" / "default.toml", env=TEST_ENV)


def need_server(reason: str) -> None:
    """Skip on a laptop without the server; fail under CI."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: servers are required, not skipped)")
    pytest.skip(reason)


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


@pytest.fixture
def settings(tmp_path: Path) -> config.Settings:
    s = default_settings()
    return replace(s, database_url=f"sqlite:///{tmp_path}/store.db", output_dir=tmp_path / "out")


_pg_databases: dict[str, str] = {}


# Two checkouts testing at once on one server (worktrees) must not drop each other's databases.
CHECKOUT = hashlib.sha1(str(Path(__file__).resolve().parent).encode()).hexdigest()[:6]


def fresh_postgres_database(name: str) -> str:
    """Drop and create a database on the local server; its URL. Skips (fails in CI) without one."""
    from bench.load import fresh_postgres_database as fresh

    try:
        return fresh(f"{name}_{CHECKOUT}", ADMIN_URL)
    except Exception as e:
        need_server(f"PostgreSQL is not reachable at {ADMIN_URL}: {e.__class__.__name__}: {e}")
        raise


def need_redis(url: str) -> None:
    """Skip (fail in CI) when Redis does not answer at `url`."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as e:  # any failure to reach it
        need_server(f"Redis is not reachable at {url}: {e}")


def _postgres_url(worker: str) -> str:
    """A database of this test worker's own, created once per session."""
    if worker not in _pg_databases:
        _pg_databases[worker] = fresh_postgres_database(f"syndicate_test_{worker}")
    return _pg_databases[worker]


def _truncate(engine: Any) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make_store(settings: config.Settings, backend: str, worker: str) -> Store:
    if backend == "sqlite":
        store = Store(settings)
    else:
        url = _postgres_url(worker)
        engine = open_engine(url)
        store = Store(replace(settings, database_url=url), engine)
        from syndicate.store import migrate

        migrate(engine)
        _truncate(engine)
    store.prepare()
    return store


@pytest.fixture
def store(settings: config.Settings, backend: str) -> Iterator[Store]:
    s = make_store(settings, backend, WORKER)
    yield s
    s.engine.dispose()


@pytest.fixture
def sqlite_store(settings: config.Settings) -> Iterator[Store]:
    s = Store(settings)
    s.prepare()
    yield s
    s.engine.dispose()


@pytest.fixture
def site(sqlite_store: Store) -> Store:
    """The sample site (tests/sample_site.py) imported and published in full at its NOW;
    a test module that builds another site defines its own ``site``."""
    from sample_site import NOW, objects

    load(sqlite_store, objects(), NOW)
    publish(sqlite_store, NOW, full=True)
    return sqlite_store


def load(
    store: Store, objects: list[dict[str, Any]], now: str = "2026-11-20T12:00:00+00:00"
) -> list[bool]:
    """Validate and apply objects as `syndicate import` does; returns changed flags."""
    changed = []
    with store.session() as s, s.begin():
        for obj in objects:
            changed.append(
                store.writes.apply(
                    s, parse_object(json.loads(json.dumps(obj)), store.settings), ts(now)
                )
            )
    return changed


def publish(
    store: Store,
    now: str = "2026-11-20T12:00:00+00:00",
    *,
    full: bool = False,
    out: Path | None = None,
) -> PublishResult:
    return Publisher(store, out).publish(ts(now), full=full)
