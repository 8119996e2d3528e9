"""The store: the queries and writes the rest needs, and the outbox.

Every write that can change an output records, in the same transaction, the
output keys it dirties (the transactional outbox): a change can never be
stored and forgotten, even when nothing publishes for a while.

A `Store` opens the database and holds one part per concern:

    store.coordination  SQLite or PostgreSQL: publish lock, row and output locks, clock
    store.writes        records in: stories, breaking items, retractions, withdrawals
    store.outbox        dirty keys: claimed, settled, and what the clock makes due
    store.feeds         feed reads: which feeds exist, their items, the breaking ticker
    store.sitemaps      sitemap reads: periods, rows, entries, when each changed
    store.outputs       the rows of published outputs (the manifest's source), gone paths
    store.api_keys      the API's keys

Only the store knows the database model: the rest calls these parts, and takes at most
the row types they return (`ApiKey`, `OutputRow`, exported here), never a query of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from syndicate.config import Settings
from syndicate.model import ApiKey
from syndicate.model import Output as OutputRow
from syndicate.plan import VISIBLE
from syndicate.store.coordination import Coordination, coordination_for
from syndicate.store.engine import analyze, migrate, open_engine, unavailable
from syndicate.store.feeds import Feeds
from syndicate.store.items import entry_guid, feed_guid
from syndicate.store.keys import ApiKeys
from syndicate.store.outbox import Outbox, Publish
from syndicate.store.output_rows import OutputRows
from syndicate.store.sitemaps import SitemapRow, Sitemaps
from syndicate.store.terms import Terms, author_slug, tag_slug
from syndicate.store.writes import Writes

__all__ = [
    "VISIBLE",
    "ApiKey",
    "OutputRow",
    "Publish",
    "SitemapRow",
    "Store",
    "author_slug",
    "entry_guid",
    "feed_guid",
    "migrate",
    "open_engine",
    "tag_slug",
    "unavailable",
]


class Store:
    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.engine = engine or open_engine(settings.database_url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.coordination: Coordination = coordination_for(self.engine, settings)
        self.terms = Terms(settings, self.coordination)
        self.outbox = Outbox(settings, self.coordination)
        self.writes = Writes(settings, self.coordination, self.terms, self.outbox)
        self.feeds = Feeds(settings)
        self.sitemaps = Sitemaps(settings)
        self.outputs = OutputRows()
        self.api_keys = ApiKeys()
        self.settings = settings

    @property
    def settings(self) -> Settings:
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        """New settings reach every part (tests and benches swap them on a live store)."""
        self._settings = settings
        for part in (
            self.coordination,
            self.terms,
            self.outbox,
            self.writes,
            self.feeds,
            self.sitemaps,
        ):
            part.settings = settings

    def session(self) -> Session:
        return self.sessions()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session in a writing transaction (see `Coordination.begin_write`), committed on
        success; on failure rolled back, and the id caches forgotten with it."""
        with self.session() as session:
            self.coordination.begin_write(session)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                self.writes.forget_caches()
                raise

    def prepare(self) -> None:
        """Migrate the schema and sync the taxonomy. Idempotent."""
        migrate(self.engine)
        with self.session() as s, s.begin():
            self.terms.sync_taxonomy(s)

    def analyze(self) -> None:
        """Refresh the planner's statistics (see `engine.analyze`)."""
        analyze(self.engine)
