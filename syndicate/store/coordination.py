"""How writers and publishers share one database: the differences between SQLite (one
machine, one publisher at a time) and PostgreSQL (publishers side by side, each output
under its own lock), chosen once when the store opens."""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVarTuple

from sqlalchemy import Engine, Select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from syndicate.config import Settings

Ts = TypeVarTuple("Ts")


class Coordination(Protocol):
    settings: Settings

    @property
    def concurrent(self) -> bool:
        """Whether several publishers may run at once, each key under its lock."""

    def publish_lock(self) -> AbstractContextManager[None]:
        """Held around a publish: what keeps publishers from writing the same files."""

    def begin_write(self, session: Session) -> None:
        """Start a writing transaction."""

    def skip_locked(self, query: Select[*Ts]) -> Select[*Ts]:
        """Rows of a query that no other transaction holds, held until this one ends."""

    def get_locked(self, session: Session, model: type[Any], ident: Any) -> Any:
        """A row by its key, held until the transaction ends: a mark moves forward only."""

    def lock_output(self, session: Session, name: str, *, wait: bool) -> bool:
        """Take an output's lock for the session's transaction; False if another holds it."""

    def clock(self, session: Session) -> datetime:
        """Now, by the database's clock where there is one: a render's generation."""

    def insert(self, model: type[Any]) -> postgresql.Insert | sqlite.Insert:
        """The dialect's INSERT, which has ON CONFLICT DO NOTHING."""


class SqliteCoordination:
    """SQLite lives on one machine: its publishers run one at a time under an flock beside
    the database file, so rows and outputs need no locks of their own."""

    concurrent = False

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.database = engine.url.database
        self.settings = settings

    @contextmanager
    def publish_lock(self) -> Iterator[None]:
        if not self.database or self.database == ":memory:":
            yield
            return
        with open(f"{self.database}.publish-lock", "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def begin_write(self, session: Session) -> None:
        """BEGIN IMMEDIATE: the write lock up front, waiting out the busy timeout. A deferred
        transaction that reads first fails at once with "database is locked" if a worker's
        publish committed before its first write."""
        session.begin()
        session.execute(text("BEGIN IMMEDIATE"))

    def skip_locked(self, query: Select[*Ts]) -> Select[*Ts]:
        return query

    def get_locked(self, session: Session, model: type[Any], ident: Any) -> Any:
        return session.get(model, ident)

    def lock_output(self, session: Session, name: str, *, wait: bool) -> bool:
        return True  # the publish lock is already held

    def clock(self, session: Session) -> datetime:
        return datetime.now(UTC)

    def insert(self, model: type[Any]) -> sqlite.Insert:
        return sqlite.insert(model)


class PostgresCoordination:
    """PostgreSQL publishers run side by side: each claims outbox rows FOR UPDATE SKIP
    LOCKED, renders an output under its advisory lock, and dates a render by the server's
    clock, the one clock they share."""

    concurrent = True

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.settings = settings

    def publish_lock(self) -> AbstractContextManager[None]:
        return nullcontext()

    def begin_write(self, session: Session) -> None:
        session.begin()

    def skip_locked(self, query: Select[*Ts]) -> Select[*Ts]:
        return query.with_for_update(skip_locked=True)

    def get_locked(self, session: Session, model: type[Any], ident: Any) -> Any:
        return session.get(model, ident, with_for_update=True)

    def lock_output(self, session: Session, name: str, *, wait: bool) -> bool:
        key = _int32(zlib.crc32(f"{self.settings.site_id}:{name}".encode()))
        if wait:
            session.execute(text("SELECT pg_advisory_xact_lock(1, :k)"), {"k": key})
            return True
        return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(1, :k)"), {"k": key}))

    def clock(self, session: Session) -> datetime:
        value = session.scalar(text("SELECT clock_timestamp()"))
        assert isinstance(value, datetime)
        return value.astimezone(UTC)

    def insert(self, model: type[Any]) -> postgresql.Insert:
        return postgresql.insert(model)


def coordination_for(engine: Engine, settings: Settings) -> Coordination:
    """The coordination of the engine's kind of database."""
    if engine.dialect.name == "postgresql":
        return PostgresCoordination(engine, settings)
    return SqliteCoordination(engine, settings)


def _int32(n: int) -> int:
    """A crc32 as PostgreSQL's signed int4, for the two-key advisory lock functions."""
    return n - (1 << 32) if n >= (1 << 31) else n
