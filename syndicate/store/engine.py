"""The database itself: opening it, telling a transient failure from a broken deployment,
bringing its schema up to date."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError


def open_engine(url: str) -> Engine:
    """An engine for the store. SQLite gets WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe in WAL
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


# SQLite says OperationalError for a missing table as for a lock: only these are "not now"
_SQLITE_TRANSIENT = (
    "database is locked",
    "database table is locked",
    "unable to open database file",
    "disk i/o error",
)


def unavailable(exc: BaseException) -> bool:
    """Whether a database error means "not now" (a restart, the server out of reach, a lock
    not granted in time): worth a retry, unlike a missing table or a bad statement."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    if getattr(exc, "connection_invalidated", False):
        return True
    orig = getattr(exc, "orig", None)
    if orig is not None and type(orig).__module__.startswith("sqlite3"):
        return str(orig).lower().startswith(_SQLITE_TRANSIENT)
    return True  # psycopg: OperationalError is the connection or the server; SQL errors differ


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    cfg.attributes["connection"] = None
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def analyze(engine: Engine) -> None:
    """Refresh the planner's statistics (after a big import: until then PostgreSQL plans
    tag feeds as if the tables were empty, and SQLite cannot tell a rare tag from a
    common one)."""
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def chunks(seq: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """A long list in slices: an IN list stays under the bound parameters a statement takes."""
    for i in range(0, len(seq), size):
        yield seq[i : i + size]
