"""The outbox of dirty output keys: recording them, claiming and settling them, the clock
marks of publishes and what the clock passing makes due, and the log of publishes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime

from sqlalchemy import Select, and_, case, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from syndicate import plan
from syndicate.config import Settings
from syndicate.model import BreakingItem, PublishLog, PublishMark, Variant
from syndicate.model import Outbox as Row
from syndicate.plan import VISIBLE, OutputKey
from syndicate.store.coordination import Coordination
from syndicate.store.engine import chunks
from syndicate.store.states import announces, breaking_state, variant_states


@dataclass(frozen=True)
class Publish:
    """One publish as the log keeps it: when it ended, what it did, how long it and the
    oldest change it settled waited (what the status page and /metrics report)."""

    at: datetime
    full: bool
    keys: int
    written: int
    removed: int
    failed: int
    seconds: float
    latency: float | None  # from the oldest settled change's write; None: it settled none


class Outbox:
    """The transactional outbox: a write records the keys it dirties in its own transaction,
    so a change can never be stored and forgotten; publishers claim, render and settle them."""

    def __init__(self, settings: Settings, coordination: Coordination) -> None:
        self.settings = settings
        self.coordination = coordination

    def mark_dirty(self, session: Session, keys: Iterable[OutputKey], now: datetime) -> None:
        """Record dirty keys in the caller's transaction: one row per distinct key."""
        rows = [{"key": str(k), "created_at": now} for k in sorted(set(keys))]
        if rows:
            session.execute(insert(Row), rows)

    def enqueue(self, session: Session, keys: Sequence[OutputKey], now: datetime) -> None:
        """Put keys in the outbox in the given order, one row each (a full publish shared
        among publishers: see `Publisher.enqueue_all`)."""
        session.execute(insert(Row), [{"key": str(k), "created_at": now} for k in keys])

    def claim(
        self, session: Session, limit: int | None = None, *, pings: bool = False
    ) -> list[tuple[int, str]]:
        """Outbox rows to publish: all, or ``limit`` of them. On PostgreSQL they stay locked
        (FOR UPDATE SKIP LOCKED) until the claiming transaction ends, so concurrent
        publishers take different rows.

        A batch takes rows by key (a big import dirties the same feeds thousands of times:
        their rows go together, so a key renders about once, not once per batch), indexes
        and directories last (they list what the others write)."""
        last = case(
            (or_(Row.key.startswith("index:"), Row.key.startswith("directory:")), 1),
            else_=0,
        )
        q = select(Row.id, Row.key).order_by(last, Row.key, Row.id).limit(limit)
        if pings:  # only announcements (a full publish renders every output anyway)
            q = q.where(Row.key.startswith("ping:"))
        return [(i, k) for i, k in session.execute(self.coordination.skip_locked(q))]

    def upto(self, session: Session) -> int | None:
        """The newest outbox row's id: a full publish settles the rows up to it."""
        return session.scalar(select(func.max(Row.id)))

    def keys(self, session: Session) -> list[str]:
        """The distinct dirty output keys (a full publish renders these and every other
        output). Announcements ("ping:" rows, one per URL) stay for the drains' batches."""
        return list(session.scalars(select(Row.key).where(~Row.key.startswith("ping:")).distinct()))

    def depth(self, session: Session) -> tuple[int, datetime | None]:
        """How many rows wait to be published, and when the oldest of them was written."""
        count, oldest = session.execute(select(func.count(), func.min(Row.created_at))).one()
        return int(count or 0), oldest

    def delete_upto(self, session: Session, upto: int) -> datetime | None:
        """Delete the rows up to ``upto`` that no other publisher holds (rows a draining
        worker has claimed are its to settle); when the oldest of them was written."""
        settled = and_(Row.id <= upto, ~Row.key.startswith("ping:"))
        oldest = session.scalar(select(func.min(Row.created_at)).where(settled))
        rows = self.coordination.skip_locked(select(Row.id).where(settled))
        session.execute(delete(Row).where(Row.id.in_(rows.scalar_subquery())))
        return oldest

    def delete(self, session: Session, ids: Sequence[int]) -> datetime | None:
        """Delete settled rows; when the oldest of them was written (the publish's latency)."""
        oldest: datetime | None = None
        for chunk in chunks(list(ids), 1000):
            first = session.scalar(select(func.min(Row.created_at)).where(Row.id.in_(chunk)))
            if first is not None and (oldest is None or first < oldest):
                oldest = first
            session.execute(delete(Row).where(Row.id.in_(chunk)))
        return oldest

    def pending(self, session: Session) -> tuple[int, set[OutputKey]]:
        """The dirty keys and the highest outbox id they cover."""
        top = session.scalar(select(func.max(Row.id)))
        if top is None:
            return 0, set()
        keys = {
            OutputKey.parse(k)
            for k in session.scalars(select(Row.key).where(Row.id <= top).distinct())
        }
        return top, keys

    # -- the log of publishes --

    def log_publish(self, session: Session, publish: Publish, keep: int = 1000) -> None:
        """Record a publish; keep the latest `keep` (the status page and /metrics read them)."""
        entry = PublishLog(**asdict(publish))
        session.add(entry)
        session.flush()
        session.execute(delete(PublishLog).where(PublishLog.id <= entry.id - keep))

    def last_publish(self, session: Session) -> datetime | None:
        """When the latest publish ended: the workers' heartbeat (idle ones log once a minute)."""
        return session.scalar(select(func.max(PublishLog.at)))

    def recent_publishes(self, session: Session, limit: int) -> list[Publish]:
        """The latest `limit` publishes, newest first."""
        q = select(PublishLog).order_by(PublishLog.id.desc()).limit(limit)
        names = [f.name for f in fields(Publish)]
        return [Publish(**{n: getattr(p, n) for n in names}) for p in session.scalars(q)]

    def publish_times(self, session: Session, since: datetime) -> list[datetime]:
        """When each publish after `since` ended (the status page's publishes per minute)."""
        return list(session.scalars(select(PublishLog.at).where(PublishLog.at > since)))

    # -- the clock --

    def mark(self, session: Session, name: str = "publish") -> datetime | None:
        row = session.get(PublishMark, name)
        return row.at if row else None

    def advance_mark(self, session: Session, now: datetime, name: str = "publish") -> None:
        """Move the clock mark forward to now (never back). On a new store two publishers may
        settle at once: the row is inserted if missing (the second waits for the first's
        insert, then finds it), then locked and moved."""
        insert = self.coordination.insert(PublishMark).values(name=name, at=now)
        session.execute(insert.on_conflict_do_nothing())
        row = self.coordination.get_locked(session, PublishMark, name)
        if now > row.at:
            row.at = now

    def wake_times(
        self, session: Session, story_ids: Sequence[str], now: datetime
    ) -> set[datetime]:
        """Future publication times among some stories: when their embargoes lift."""
        if not story_ids:
            return set()
        q = select(Variant.published_at).where(
            Variant.story_id.in_(story_ids), Variant.status.in_(VISIBLE), Variant.published_at > now
        )
        return {t for t in session.scalars(q.distinct()) if t is not None}

    def due_by_time(self, session: Session, since: datetime, now: datetime) -> set[OutputKey]:
        """Keys whose content changed because time passed: embargoes, expiries, the news
        window. The queries find what can have crossed; plan says what that dirties."""
        lo, hi = min(since, now), max(since, now)
        keys: set[OutputKey] = set()
        crossed = select(Variant.story_id).where(
            Variant.status.in_(VISIBLE), Variant.published_at > lo, Variant.published_at <= hi
        )
        announce = announces(self.settings)
        for story_id in list(session.scalars(crossed.distinct())):
            variants = variant_states(session, story_id)
            keys |= plan.story_due(self.settings, variants, lo, hi, announce=announce)
        for item in session.scalars(_breaking_crossed(self.settings, lo, hi)):
            keys |= plan.breaking_due(self.settings, breaking_state(item), lo, hi)
        window = self.settings.sitemaps.news_window
        for lang in session.scalars(  # variants leaving the news sitemap's window
            select(Variant.lang)
            .where(
                Variant.status.in_(VISIBLE),
                Variant.published_at > lo - window,
                Variant.published_at <= hi - window,
            )
            .distinct()
        ):
            if lang in self.settings.languages:
                keys |= plan.news_window_left(self.settings, lang)
        return keys


def _breaking_crossed(settings: Settings, lo: datetime, hi: datetime) -> Select[BreakingItem]:
    """Breaking items published, or ending, between lo and hi."""
    lifetime = settings.breaking.lifetime
    return select(BreakingItem).where(
        or_(
            and_(BreakingItem.published_at > lo, BreakingItem.published_at <= hi),
            and_(BreakingItem.expires_at > lo, BreakingItem.expires_at <= hi),
            and_(
                BreakingItem.expires_at.is_(None),
                BreakingItem.published_at > lo - lifetime,
                BreakingItem.published_at <= hi - lifetime,
            ),
        )
    )
