"""The queries and writes the rest needs, and the outbox.

Every write that can change an output records, in the same transaction, the
output keys it dirties (the transactional outbox): a change can never be
stored and forgotten, even when nothing publishes for a while.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import secrets
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, is_dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from syndicate import clean, i18n, plan
from syndicate.config import Settings
from syndicate.ingest import BreakingIn, Record, StoryIn, VariantIn
from syndicate.model import (
    ApiKey,
    Author,
    BreakingItem,
    Coverage,
    Image,
    Outbox,
    Output,
    PublishLog,
    PublishMark,
    Region,
    Section,
    SectionGroup,
    Story,
    StoryCoverage,
    StoryRegion,
    Tag,
    Variant,
    VariantAuthor,
    VariantTag,
    Video,
)
from syndicate.outputs import Scope
from syndicate.plan import OutputKey, VariantScopes
from syndicate.render import items as ri

log = logging.getLogger(__name__)

VISIBLE = ("published", "scheduled")  # statuses that are live once published_at has passed


# --- engine and schema ---


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
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = None
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _insert(session: Session) -> Any:
    name = session.get_bind().dialect.name
    return postgresql.insert if name == "postgresql" else sqlite.insert


def sync_taxonomy(session: Session, settings: Settings) -> None:
    """Make sure every configured section, group and region has its row."""
    tax = settings.taxonomy
    ins = _insert(session)
    if tax.groups:
        session.execute(
            ins(SectionGroup).on_conflict_do_nothing(),
            [{"key": k} for k in tax.groups],
        )
    if tax.regions:
        session.execute(ins(Region).on_conflict_do_nothing(), [{"key": k} for k in tax.regions])
    existing = {k: g for k, g in session.execute(select(Section.key, Section.group_key))}
    for key, term in tax.sections.items():
        if key not in existing:
            session.add(Section(key=key, group_key=term.group))
        elif existing[key] != term.group:
            session.get(Section, key).group_key = term.group  # type: ignore[union-attr]


@lru_cache(maxsize=65536)
def tag_slug(name: str) -> str:
    """A tag's slug; names with no letters or digits get a stable hashed one."""
    return clean.slugify(name) or "tag-" + hashlib.sha256(name.encode()).hexdigest()[:10]


@lru_cache(maxsize=65536)
def author_slug(name: str) -> str:
    return clean.slugify(name) or "author-" + hashlib.sha256(name.encode()).hexdigest()[:10]


def _variant_values(v: VariantIn, url: str, content_hash: str, now: datetime) -> dict[str, Any]:
    """A variant row's columns but its key."""
    return {
        "title": v.title,
        "slug": v.slug,
        "summary": v.summary,
        "body_html": v.body_html,
        "source": v.source,
        "status": v.status,
        "published_at": v.published_at,
        "updated_at": v.updated_at,
        "url": url,
        "url_override": v.url is not None,
        "content_hash": content_hash,
        "modified_at": now,
    }


def _plain(record: Any) -> dict[str, Any]:
    """`dataclasses.asdict` for our flat input records (one level of nested dataclasses),
    without its deep copies: the same JSON, so the same content hash, several times faster."""
    out = dict(record.__dict__)
    for k, v in out.items():
        if is_dataclass(v):
            out[k] = dict(v.__dict__)
    return out


def _hash(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _linked(
    story_id: str,
    lang: str,
    names: Sequence[str],
    slug_of: Any,
    id_of: Any,
    column: str,
) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """A variant's tags or authors: their slugs in order, each once, and the link rows."""
    rows: dict[int, dict[str, Any]] = {}
    slugs: list[str] = []
    for name in names:
        slug = slug_of(name)
        term_id = id_of(slug, name)
        if term_id not in rows:
            rows[term_id] = {
                "story_id": story_id,
                "lang": lang,
                column: term_id,
                "position": len(rows),
            }
            slugs.append(slug)
    return tuple(slugs), list(rows.values())


K = TypeVar("K")
V = TypeVar("V")


class Bounded(OrderedDict[K, V]):
    """A dict that forgets its least recently written entries past ``limit``: the
    per-story caches of a publish stay the same size whatever the archive's. With
    ``weigh`` (bytes an entry holds) it also keeps their sum under ``max_weight``, so a
    site of 100 kB full-text articles holds fewer of them, not 20 times the memory; the
    newest entry stays whatever it weighs. Entries leave through ``del`` or eviction only."""

    def __init__(
        self,
        limit: int,
        max_weight: int | None = None,
        weigh: Callable[[V], int] | None = None,
    ) -> None:
        super().__init__()
        self.limit = limit
        self.max_weight = max_weight
        self.weigh = weigh
        self.weight = 0

    def __setitem__(self, key: K, value: V) -> None:
        if self.weigh is not None:
            if key in self:
                self.weight -= self.weigh(super().__getitem__(key))
            self.weight += self.weigh(value)
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit or (
            self.max_weight is not None and self.weight > self.max_weight and len(self) > 1
        ):
            del self[next(iter(self))]

    def __delitem__(self, key: K) -> None:
        if self.weigh is not None:
            self.weight -= self.weigh(super().__getitem__(key))
        super().__delitem__(key)


def live(now: datetime) -> ColumnElement[bool]:
    """The one definition of a live variant: visible status and published_at passed."""
    return and_(
        Variant.status.in_(VISIBLE),
        Variant.published_at.is_not(None),
        Variant.published_at <= now,
    )


# --- writes ---


@dataclass(frozen=True)
class SitemapRow:
    """What decides a live variant's sitemap entry, read without its text or media: an
    entry rendered earlier from the same row (and the same variant version) is the same."""

    story_id: str
    loc: str
    lastmod: datetime
    version: str  # the variant's content hash: its title, summary, image and video
    alternates: tuple[tuple[str, str], ...]  # (hreflang, href), this one included
    x_default: str | None


@dataclass
class ApplyResult:
    stories_changed: int = 0
    stories_unchanged: int = 0
    breaking_changed: int = 0
    breaking_unchanged: int = 0
    dirty_keys: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _VariantState:
    scopes: VariantScopes
    status: str
    published_at: datetime | None
    url: str

    @property
    def visible(self) -> bool:
        return self.status in VISIBLE

    def live(self, now: datetime) -> bool:
        return self.visible and self.published_at is not None and self.published_at <= now


class Store:
    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or open_engine(settings.database_url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._term_ids: dict[tuple[str, str, str], int] = {}  # (kind, lang, slug) -> id

    def session(self) -> Session:
        return self.sessions()

    @property
    def announces(self) -> bool:
        """Whether changed article URLs are queued for IndexNow (only when it is configured:
        a big import would otherwise leave a row per URL that nothing reads)."""
        return bool(self.settings.notify.indexnow_endpoint)

    def analyze(self) -> None:
        """Refresh the planner's statistics (after a big import: until then PostgreSQL plans
        tag feeds as if the tables were empty, and SQLite cannot tell a rare tag from a
        common one)."""
        with self.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()

    def prepare(self) -> None:
        """Migrate the schema and sync the taxonomy. Idempotent."""
        migrate(self.engine)
        with self.session() as s, s.begin():
            sync_taxonomy(s, self.settings)

    # -- applying records --

    def apply(self, session: Session, record: Record, now: datetime) -> bool:
        """Apply one record inside the caller's transaction; True when it changed anything."""
        if isinstance(record, StoryIn):
            keys = self._upsert_story(session, record, now)
        else:
            keys = self._upsert_breaking(session, record, now)
        if keys is None:
            return False
        self.mark_dirty(session, keys, now)
        return True

    def apply_many(self, session: Session, records: Sequence[Record], now: datetime) -> list[bool]:
        """Apply records in order inside the caller's transaction; whether each changed.

        New stories (the bulk of an import) are written together: one multi-row
        INSERT per table for the whole batch and one outbox row per distinct key,
        instead of a dozen statements per story. Stories already stored, breaking
        items and a batch naming one story twice take `apply`, one by one.
        """
        ids = [r.id for r in records if isinstance(r, StoryIn)]
        if len(set(ids)) != len(ids):
            return [self.apply(session, r, now) for r in records]
        existing: set[str] = set()
        for chunk in _chunks(ids, 500):
            existing.update(session.scalars(select(Story.id).where(Story.id.in_(chunk))))
        fresh = [r for r in records if isinstance(r, StoryIn) and r.id not in existing]
        keys = self._insert_new_stories(session, fresh, now)
        fresh_ids = {r.id for r in fresh}
        out = [
            True if r.id in fresh_ids and isinstance(r, StoryIn) else self.apply(session, r, now)
            for r in records
        ]
        self.mark_dirty(session, keys, now)
        return out

    def _insert_new_stories(
        self, session: Session, records: Sequence[StoryIn], now: datetime
    ) -> set[OutputKey]:
        if not records:
            return set()
        rows: dict[Any, list[dict[str, Any]]] = {
            m: []
            for m in (
                Story,
                StoryRegion,
                StoryCoverage,
                Variant,
                VariantTag,
                VariantAuthor,
                Image,
                Video,
            )
        }
        coverage: set[str] = set()
        states: dict[str, _VariantState] = {}
        keys: set[OutputKey] = set()
        tag_names: dict[tuple[str, str], str] = {}  # the first spelling names a new term
        author_names: dict[str, str] = {}
        for r in records:
            for v in r.variants:
                for t in v.tags:
                    tag_names.setdefault((v.lang, tag_slug(t)), t)
                for a in v.authors:
                    author_names.setdefault(author_slug(a), a)
        tag_ids = self._term_ids_for(session, "tag", tag_names)
        author_ids = self._term_ids_for(
            session, "author", {("", k): n for k, n in author_names.items()}
        )
        for rec in records:
            rows[Story].append(
                {
                    "id": rec.id,
                    "section_key": rec.section,
                    "content_hash": _hash([rec.section, rec.regions, rec.coverage]),
                    "modified_at": now,
                }
            )
            rows[StoryRegion] += [
                {"story_id": rec.id, "region_key": k, "position": i}
                for i, k in enumerate(rec.regions)
            ]
            rows[StoryCoverage] += [
                {"story_id": rec.id, "coverage_key": k, "position": i}
                for i, k in enumerate(rec.coverage)
            ]
            coverage.update(rec.coverage)
            states.clear()
            for v in rec.variants:
                url = v.url or plan.article_url(self.settings, v.lang, rec.section, v.slug)
                rows[Variant].append(
                    {
                        "story_id": rec.id,
                        "lang": v.lang,
                        **_variant_values(v, url, _hash(_plain(v)), now),
                    }
                )
                tags = _linked(
                    rec.id,
                    v.lang,
                    v.tags,
                    tag_slug,
                    lambda t, _n, lang=v.lang: tag_ids[(lang, t)],
                    "tag_id",
                )
                authors = _linked(
                    rec.id,
                    v.lang,
                    v.authors,
                    author_slug,
                    lambda a, _n: author_ids[("", a)],
                    "author_id",
                )
                rows[VariantTag] += tags[1]
                rows[VariantAuthor] += authors[1]
                if v.image:
                    rows[Image].append({"story_id": rec.id, "lang": v.lang, **v.image.__dict__})
                if v.video:
                    rows[Video].append({"story_id": rec.id, "lang": v.lang, **v.video.__dict__})
                scopes = VariantScopes(
                    v.lang,
                    rec.section,
                    rec.regions,
                    rec.coverage,
                    tags[0],
                    authors[0],
                    v.published_at,
                )
                state = _VariantState(scopes, v.status, v.published_at, url)
                states[v.lang] = state
                if state.visible:
                    keys |= plan.keys_for_variant(self.settings, scopes)
                    if state.live(now) and self.announces:
                        keys.add(plan.ping(v.lang, url))
            keys |= self._partitions(states)
        if coverage:
            session.execute(
                _insert(session)(Coverage).on_conflict_do_nothing(),
                [{"key": c} for c in sorted(coverage)],
            )
        for model, batch in rows.items():
            if batch:  # Core, not the ORM's bulk path: one executemany per table
                session.execute(insert(model.__table__), batch)
        return keys

    def _term_ids_for(
        self, session: Session, kind: str, names: dict[tuple[str, str], str]
    ) -> dict[tuple[str, str], int]:
        """Ids of tags ((lang, slug) -> name) or authors (("", slug) -> name), made if new."""
        out: dict[tuple[str, str], int] = {}
        missing = []
        for (lang, slug), name in names.items():
            cached = self._term_ids.get((kind, lang, slug))
            if cached is None:
                missing.append((lang, slug, name))
            else:
                out[(lang, slug)] = cached
        if not missing:
            return out
        # first uses: create the new ones together, then read every id back in one query each
        if kind == "tag":
            session.execute(
                _insert(session)(Tag).on_conflict_do_nothing(index_elements=["lang", "slug"]),
                [{"lang": lang, "slug": slug, "name": name} for lang, slug, name in missing],
            )
            wanted = {(lang, slug) for lang, slug, _ in missing}
            for chunk in _chunks(sorted({slug for _, slug in wanted}), 500):
                for term_id, lang, slug in session.execute(
                    select(Tag.id, Tag.lang, Tag.slug).where(Tag.slug.in_(chunk))
                ):
                    if (lang, slug) in wanted:
                        out[(lang, slug)] = term_id
        else:
            session.execute(
                _insert(session)(Author).on_conflict_do_nothing(index_elements=["slug"]),
                [{"slug": slug, "name": name} for _, slug, name in missing],
            )
            for chunk in _chunks(sorted({slug for _, slug, _ in missing}), 500):
                for term_id, slug in session.execute(
                    select(Author.id, Author.slug).where(Author.slug.in_(chunk))
                ):
                    out[("", slug)] = term_id
        for lang, slug, _ in missing:
            self._term_ids[(kind, lang, slug)] = out[(lang, slug)]
        return out

    def mark_dirty(self, session: Session, keys: Iterable[OutputKey], now: datetime) -> None:
        rows = [{"key": str(k), "created_at": now} for k in sorted(set(keys))]
        if rows:
            session.execute(insert(Outbox), rows)

    def _variant_states(self, session: Session, story_id: str) -> dict[str, _VariantState]:
        story = session.get(Story, story_id)
        if story is None:
            return {}
        regions = tuple(
            session.scalars(
                select(StoryRegion.region_key)
                .where(StoryRegion.story_id == story_id)
                .order_by(StoryRegion.position)
            )
        )
        coverage = tuple(
            session.scalars(
                select(StoryCoverage.coverage_key)
                .where(StoryCoverage.story_id == story_id)
                .order_by(StoryCoverage.position)
            )
        )
        tags: dict[str, list[str]] = {}
        for lang, slug in session.execute(
            select(VariantTag.lang, Tag.slug)
            .join(Tag, Tag.id == VariantTag.tag_id)
            .where(VariantTag.story_id == story_id)
        ):
            tags.setdefault(lang, []).append(slug)
        authors: dict[str, list[str]] = {}
        for lang, slug in session.execute(
            select(VariantAuthor.lang, Author.slug)
            .join(Author, Author.id == VariantAuthor.author_id)
            .where(VariantAuthor.story_id == story_id)
        ):
            authors.setdefault(lang, []).append(slug)
        out = {}
        for v in session.scalars(select(Variant).where(Variant.story_id == story_id)):
            scopes = VariantScopes(
                v.lang,
                story.section_key,
                regions,
                coverage,
                tuple(tags.get(v.lang, ())),
                tuple(authors.get(v.lang, ())),
                v.published_at,
            )
            out[v.lang] = _VariantState(scopes, v.status, v.published_at, v.url)
        return out

    def _upsert_story(self, session: Session, rec: StoryIn, now: datetime) -> set[OutputKey] | None:
        story_hash = _hash([rec.section, rec.regions, rec.coverage])
        story = session.get(Story, rec.id)
        variant_hashes = {v.lang: _hash(_plain(v)) for v in rec.variants}
        old_hashes: dict[str, str] = {}
        if story is not None:
            old_hashes = {
                lang: h
                for lang, h in session.execute(
                    select(Variant.lang, Variant.content_hash).where(Variant.story_id == rec.id)
                )
            }
        story_changed = story is None or story.content_hash != story_hash
        changed = [v for v in rec.variants if old_hashes.get(v.lang) != variant_hashes[v.lang]]
        if not story_changed and not changed:
            return None

        before = self._variant_states(session, rec.id) if story is not None else {}
        moved = story is not None and story.section_key != rec.section
        if story is None:
            session.add(
                Story(id=rec.id, section_key=rec.section, content_hash=story_hash, modified_at=now)
            )
            session.flush()
        elif story_changed:
            story.section_key = rec.section
            story.content_hash = story_hash
            story.modified_at = now
            session.execute(delete(StoryRegion).where(StoryRegion.story_id == rec.id))
            session.execute(delete(StoryCoverage).where(StoryCoverage.story_id == rec.id))
        if story_changed:
            if rec.coverage:
                session.execute(
                    _insert(session)(Coverage).on_conflict_do_nothing(),
                    [{"key": c} for c in rec.coverage],
                )
                session.execute(
                    insert(StoryCoverage),
                    [
                        {"story_id": rec.id, "coverage_key": c, "position": i}
                        for i, c in enumerate(rec.coverage)
                    ],
                )
            if rec.regions:
                session.execute(
                    insert(StoryRegion),
                    [
                        {"story_id": rec.id, "region_key": r, "position": i}
                        for i, r in enumerate(rec.regions)
                    ],
                )
        after: dict[str, _VariantState] = {}
        for lang, prev in before.items():  # variants this object does not carry keep theirs
            scopes = replace(
                prev.scopes, section=rec.section, regions=rec.regions, coverage=rec.coverage
            )
            after[lang] = replace(prev, scopes=scopes)
        for v in changed:
            after[v.lang] = self._write_variant(
                session, rec, v, variant_hashes[v.lang], now, exists=v.lang in old_hashes
            )
        if moved:  # the section is in the article URL: the variants not rewritten move too
            rewritten = {v.lang for v in changed}
            for row in session.scalars(select(Variant).where(Variant.story_id == rec.id)):
                if row.lang in rewritten or row.url_override or row.lang not in after:
                    continue
                url = plan.article_url(self.settings, row.lang, rec.section, row.slug)
                if url != row.url:
                    row.url = url
                    row.modified_at = now
                    after[row.lang] = replace(after[row.lang], url=url)

        touched = set(after) if story_changed else {v.lang for v in changed}
        keys: set[OutputKey] = set()
        siblings_dirty = False
        for lang in touched:
            old, new = before.get(lang), after.get(lang)
            for state in (old, new):
                if state is not None and state.visible:
                    keys |= plan.keys_for_variant(self.settings, state.scopes)
                    if state.live(now) and self.announces:  # never an embargoed URL
                        keys.add(plan.ping(lang, state.url))
            if (
                old is None
                or new is None
                or (old.status, old.published_at, old.url)
                != (
                    new.status,
                    new.published_at,
                    new.url,
                )
            ):
                siblings_dirty = True
        if siblings_dirty:  # their entries list this one's translations
            for lang, state in after.items():
                if lang not in touched and state.visible:
                    keys |= plan.keys_for_variant(self.settings, state.scopes)
        keys |= self._partitions(before, after)
        return keys

    def _partitions(self, *states: dict[str, _VariantState]) -> set[OutputKey]:
        """The sitemap partitions of every variant of a written story, whatever its status.

        A partition's index <lastmod> (sitemap_changed) is the latest write to any variant
        of its stories, so every write to a story makes all of them due; an unchanged file
        keeps its bytes, and only its index entry moves."""
        keys: set[OutputKey] = set()
        for by_lang in states:
            for lang, state in by_lang.items():
                if state.published_at is not None and lang in self.settings.languages:
                    period = plan.period_of(self.settings, state.published_at)
                    keys.add(plan.sitemap(lang, period))
        return keys

    def _write_variant(
        self,
        session: Session,
        rec: StoryIn,
        v: VariantIn,
        content_hash: str,
        now: datetime,
        *,
        exists: bool,
    ) -> _VariantState:
        url = v.url or plan.article_url(self.settings, v.lang, rec.section, v.slug)
        values = _variant_values(v, url, content_hash, now)
        if exists:
            for model in (VariantTag, VariantAuthor, Image, Video):
                session.execute(delete(model).where(model.story_id == rec.id, model.lang == v.lang))
            session.execute(
                update(Variant)
                .where(Variant.story_id == rec.id, Variant.lang == v.lang)
                .values(**values)
            )
        else:
            session.execute(insert(Variant), [{"story_id": rec.id, "lang": v.lang, **values}])
        tag_slugs = self._link(session, rec.id, v.lang, v.tags, "tag")
        author_slugs = self._link(session, rec.id, v.lang, v.authors, "author")
        if v.image:
            session.execute(
                insert(Image), [{"story_id": rec.id, "lang": v.lang, **asdict(v.image)}]
            )
        if v.video:
            session.execute(
                insert(Video), [{"story_id": rec.id, "lang": v.lang, **asdict(v.video)}]
            )
        scopes = VariantScopes(
            v.lang, rec.section, rec.regions, rec.coverage, tag_slugs, author_slugs, v.published_at
        )
        return _VariantState(scopes, v.status, v.published_at, url)

    def _link(
        self, session: Session, story_id: str, lang: str, names: Sequence[str], kind: str
    ) -> tuple[str, ...]:
        """Link a variant to its tags or authors, in order, each once; return their slugs."""
        model, column, slug_of = (
            (VariantTag, "tag_id", tag_slug)
            if kind == "tag"
            else (VariantAuthor, "author_id", author_slug)
        )
        slugs, rows = _linked(
            story_id,
            lang,
            names,
            slug_of,
            lambda slug, name: self._term_id(session, kind, lang, slug, name),
            column,
        )
        if rows:
            session.execute(insert(model), rows)
        return slugs

    def _term_id(self, session: Session, kind: str, lang: str, slug: str, name: str) -> int:
        """The id of a tag (one per language) or an author (shared), made on first use."""
        if kind == "tag":
            model: type[Tag] | type[Author] = Tag
            match = and_(Tag.lang == lang, Tag.slug == slug)
            values, conflict = {"lang": lang, "slug": slug, "name": name}, ["lang", "slug"]
            cache_key = (kind, lang, slug)
        else:
            model = Author
            match = Author.slug == slug
            values, conflict = {"slug": slug, "name": name}, ["slug"]
            cache_key = (kind, "", slug)
        cached = self._term_ids.get(cache_key)
        if cached is not None:
            return cached
        query = select(model.id).where(match)
        term_id = session.scalar(query)
        if term_id is None:
            session.execute(
                _insert(session)(model)
                .values(**values)
                .on_conflict_do_nothing(index_elements=conflict)
            )
            term_id = session.scalar(query)
        assert term_id is not None
        self._term_ids[cache_key] = term_id
        return term_id

    def forget_caches(self) -> None:
        """Drop id caches (after a rollback, cached ids may name rows that never landed)."""
        self._term_ids.clear()

    def _upsert_breaking(
        self, session: Session, rec: BreakingIn, now: datetime
    ) -> set[OutputKey] | None:
        content_hash = _hash(asdict(rec))
        row = session.get(BreakingItem, rec.id)
        if row is not None and row.content_hash == content_hash:
            return None
        keys = plan.keys_for_breaking(rec.lang)
        if row is None:
            row = BreakingItem(id=rec.id)
            session.add(row)
        else:
            keys |= plan.keys_for_breaking(row.lang)
        row.lang = rec.lang
        row.text = rec.text
        row.published_at = rec.published_at
        row.expires_at = rec.expires_at
        row.story_id = rec.story_id
        row.withdrawn = rec.withdrawn
        row.content_hash = content_hash
        row.modified_at = now
        return keys

    # --- removals through the API ---

    def retract_story(self, session: Session, story_id: str, now: datetime) -> bool | None:
        """Retract every variant of a story: it leaves every output at the next publish.

        None when there is no such story. The content hashes are cleared, so
        sending the story again restores it.
        """
        states = self._variant_states(session, story_id)
        if not states:
            return None
        if all(state.status == "retracted" for state in states.values()):
            return False  # already: a retried DELETE changes nothing
        keys: set[OutputKey] = set()
        for lang, state in states.items():
            if state.visible:
                keys |= plan.keys_for_variant(self.settings, state.scopes)
                if state.live(now) and self.announces:
                    keys.add(plan.ping(lang, state.url))
        keys |= self._partitions(states)
        session.execute(
            update(Variant)
            .where(Variant.story_id == story_id)
            .values(status="retracted", content_hash="", modified_at=now)
        )
        self.mark_dirty(session, keys, now)
        return True

    def withdraw_breaking(self, session: Session, item_id: str, now: datetime) -> bool | None:
        row = session.get(BreakingItem, item_id)
        if row is None:
            return None
        changed = not row.withdrawn
        row.withdrawn = True
        row.content_hash = ""
        row.modified_at = now
        if changed:
            self.mark_dirty(session, plan.keys_for_breaking(row.lang), now)
        return changed

    # --- API keys ---

    def create_key(
        self, session: Session, name: str, langs: Sequence[str] | None, now: datetime
    ) -> str:
        """A new API key; only its hash is kept, so this is the one time it is seen."""
        secret = "syn_" + secrets.token_urlsafe(32)
        session.add(
            ApiKey(
                name=name,
                prefix=secret[:12],
                key_hash=hashlib.sha256(secret.encode()).hexdigest(),
                langs=",".join(langs) if langs else None,
                created_at=now,
            )
        )
        return secret

    def find_key(self, session: Session, secret: str) -> ApiKey | None:
        """The active key whose secret this is. Only the secret's sha256 reaches the
        database: the lookup's timing can tell at most how much of a guess's *hash* matches
        a stored hash, which says nothing of the secret. The final check is constant-time
        all the same, so no comparison anywhere depends on the secret's characters."""
        digest = hashlib.sha256(secret.encode()).hexdigest()
        key = session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
        if key is None or not hmac.compare_digest(key.key_hash, digest) or key.revoked:
            return None
        return key

    # --- the outbox ---

    @contextmanager
    def publish_lock(self) -> Iterator[None]:
        """SQLite's publishers run one at a time: an flock beside the database file.

        (SQLite lives on one machine; PostgreSQL publishers run side by side
        instead, each output under its own lock: see lock_output.)
        """
        database = self.engine.url.database
        if self.concurrent or not database or database == ":memory:":
            yield
            return
        with open(f"{database}.publish-lock", "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def begin_write(self, session: Session) -> None:
        """Start a writing transaction. On SQLite, BEGIN IMMEDIATE: the write lock up front,
        waiting out the busy timeout. A deferred transaction that reads first fails at once
        with "database is locked" if a worker's publish committed before its first write."""
        session.begin()
        if not self.concurrent:
            session.execute(text("BEGIN IMMEDIATE"))

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session in a writing transaction (see `begin_write`), committed on success."""
        with self.session() as session:
            self.begin_write(session)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                self.forget_caches()
                raise

    @property
    def concurrent(self) -> bool:
        """Whether several publishers may run at once (PostgreSQL), each key under its lock."""
        return self.engine.dialect.name == "postgresql"

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
            (or_(Outbox.key.startswith("index:"), Outbox.key.startswith("directory:")), 1),
            else_=0,
        )
        q = select(Outbox.id, Outbox.key).order_by(last, Outbox.key, Outbox.id).limit(limit)
        if pings:  # only announcements (a full publish renders every output anyway)
            q = q.where(Outbox.key.startswith("ping:"))
        if self.concurrent:
            q = q.with_for_update(skip_locked=True)
        return [(i, k) for i, k in session.execute(q)]

    def outbox_upto(self, session: Session) -> int | None:
        """The newest outbox row's id: a full publish settles the rows up to it."""
        return session.scalar(select(func.max(Outbox.id)))

    def outbox_keys(self, session: Session) -> list[str]:
        """The distinct dirty output keys (a full publish renders these and every other
        output). Announcements ("ping:" rows, one per URL) stay for the drains' batches."""
        return list(
            session.scalars(select(Outbox.key).where(~Outbox.key.startswith("ping:")).distinct())
        )

    def delete_outbox_upto(self, session: Session, upto: int) -> datetime | None:
        """Delete the rows up to ``upto`` that no other publisher holds; when the oldest of
        them was written."""
        settled = and_(Outbox.id <= upto, ~Outbox.key.startswith("ping:"))
        oldest = session.scalar(select(func.min(Outbox.created_at)).where(settled))
        rows = select(Outbox.id).where(settled)
        if self.concurrent:  # rows a draining worker has claimed are its to settle
            rows = rows.with_for_update(skip_locked=True)
        session.execute(delete(Outbox).where(Outbox.id.in_(rows.scalar_subquery())))
        return oldest

    def delete_outbox(self, session: Session, ids: Sequence[int]) -> datetime | None:
        """Delete settled rows; when the oldest of them was written (the publish's latency)."""
        oldest: datetime | None = None
        for chunk in _chunks(list(ids), 1000):
            first = session.scalar(select(func.min(Outbox.created_at)).where(Outbox.id.in_(chunk)))
            if first is not None and (oldest is None or first < oldest):
                oldest = first
            session.execute(delete(Outbox).where(Outbox.id.in_(chunk)))
        return oldest

    def log_publish(self, session: Session, entry: PublishLog, keep: int = 1000) -> None:
        """Record a publish; keep the latest `keep` (the status page and /metrics read them)."""
        session.add(entry)
        session.flush()
        session.execute(delete(PublishLog).where(PublishLog.id <= entry.id - keep))

    def lock_output(self, session: Session, name: str, *, wait: bool) -> bool:
        """Take an output's lock for the session's transaction (PostgreSQL advisory lock).

        SQLite needs none: its publishers run one at a time under publish_lock().
        """
        if not self.concurrent:
            return True
        key = zlib.crc32(f"{self.settings.site_id}:{name}".encode())
        if wait:
            session.execute(text("SELECT pg_advisory_xact_lock(1, :k)"), {"k": _int32(key)})
            return True
        got = session.scalar(text("SELECT pg_try_advisory_xact_lock(1, :k)"), {"k": _int32(key)})
        return bool(got)

    def clock(self, session: Session) -> datetime:
        """Now, by the database's clock where there is one: a render's generation."""
        if self.concurrent:
            value = session.scalar(text("SELECT clock_timestamp()"))
            assert isinstance(value, datetime)
            return value.astimezone(UTC)
        return datetime.now(UTC)

    def advance_mark(self, session: Session, now: datetime, name: str = "publish") -> None:
        """Move the clock mark forward to now (never back)."""
        row = session.get(PublishMark, name, with_for_update=self.concurrent)
        if row is None:
            session.add(PublishMark(name=name, at=now))
        elif now > row.at:
            row.at = now

    def pending(self, session: Session) -> tuple[int, set[OutputKey]]:
        """The dirty keys and the highest outbox id they cover."""
        top = session.scalar(select(func.max(Outbox.id)))
        if top is None:
            return 0, set()
        keys = {
            OutputKey.parse(k)
            for k in session.scalars(select(Outbox.key).where(Outbox.id <= top).distinct())
        }
        return top, keys

    def mark(self, session: Session, name: str = "publish") -> datetime | None:
        row = session.get(PublishMark, name)
        return row.at if row else None

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
        """Keys whose content changed because time passed: embargoes, expiries."""
        lo, hi = min(since, now), max(since, now)
        keys: set[OutputKey] = set()
        crossed = select(Variant.story_id).where(
            Variant.status.in_(VISIBLE), Variant.published_at > lo, Variant.published_at <= hi
        )
        story_ids = list(session.scalars(crossed.distinct()))
        for chunk in _chunks(story_ids, 500):
            for story_id in chunk:  # the story's own feeds and its translations'
                for state in self._variant_states(session, story_id).values():
                    if state.visible:
                        keys |= plan.keys_for_variant(self.settings, state.scopes)
                    published = state.published_at
                    if self.announces and published is not None and lo < published <= hi:
                        keys.add(plan.ping(state.scopes.lang, state.url))
        lifetime = self.settings.breaking.lifetime
        for lang in session.scalars(
            select(BreakingItem.lang)
            .where(
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
            .distinct()
        ):
            if lang in self.settings.languages:
                keys |= plan.keys_for_breaking(lang)
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
                keys |= {plan.news(lang), plan.index(plan.host_of(self.settings, lang))}
        return keys

    # --- reads for publishing ---

    def content_keys(self, session: Session, now: datetime) -> set[OutputKey]:
        """Tag, author and coverage feeds that exist at ``now``."""
        langs = list(self.settings.languages)
        keys: set[OutputKey] = set()
        q_tags = (
            select(Tag.lang, Tag.slug)
            .join(VariantTag, VariantTag.tag_id == Tag.id)
            .join(
                Variant,
                and_(Variant.story_id == VariantTag.story_id, Variant.lang == VariantTag.lang),
            )
            .where(live(now), Tag.lang.in_(langs))
            .group_by(Tag.lang, Tag.slug)
            .having(func.count() >= self.settings.feeds.tag_min_stories)
        )
        keys |= {plan.feed(lang, Scope.TAG, slug) for lang, slug in session.execute(q_tags)}
        q_authors = (
            select(VariantAuthor.lang, Author.slug)
            .join(Author, Author.id == VariantAuthor.author_id)
            .join(
                Variant,
                and_(
                    Variant.story_id == VariantAuthor.story_id, Variant.lang == VariantAuthor.lang
                ),
            )
            .where(live(now), Variant.lang.in_(langs))
            .distinct()
        )
        keys |= {plan.feed(lang, Scope.AUTHOR, slug) for lang, slug in session.execute(q_authors)}
        q_coverage = (
            select(Variant.lang, StoryCoverage.coverage_key)
            .join(StoryCoverage, StoryCoverage.story_id == Variant.story_id)
            .where(live(now), Variant.lang.in_(langs))
            .distinct()
        )
        keys |= {plan.feed(lang, Scope.COVERAGE, c) for lang, c in session.execute(q_coverage)}
        return keys

    def feed_refs(
        self, session: Session, key: OutputKey, now: datetime, limit: int
    ) -> list[tuple[str, str]]:
        """(story_id, lang) of the newest live variants in a feed, newest first."""
        q = select(Variant.story_id, Variant.lang).where(Variant.lang == key.lang, live(now))
        if key.scope == "section":
            q = q.join(Story, Story.id == Variant.story_id).where(Story.section_key == key.value)
        elif key.scope == "group":
            q = (
                q.join(Story, Story.id == Variant.story_id)
                .join(Section, Section.key == Story.section_key)
                .where(Section.group_key == key.value)
            )
        elif key.scope == "region":
            q = q.join(StoryRegion, StoryRegion.story_id == Variant.story_id).where(
                StoryRegion.region_key == key.value
            )
        elif key.scope == "coverage":
            q = q.join(StoryCoverage, StoryCoverage.story_id == Variant.story_id).where(
                StoryCoverage.coverage_key == key.value
            )
        elif key.scope == "tag":
            # the term's id first (a unique index), then its rows by id: one join the planner
            # cannot get wrong, even on tables not yet analyzed after a big import
            tag_id = self._subject_id(session, key)
            if tag_id is None:
                return []
            q = q.join(
                VariantTag,
                and_(VariantTag.story_id == Variant.story_id, VariantTag.lang == Variant.lang),
            ).where(VariantTag.tag_id == tag_id)
        elif key.scope == "author":
            author_id = self._subject_id(session, key)
            if author_id is None:
                return []
            q = q.join(
                VariantAuthor,
                and_(
                    VariantAuthor.story_id == Variant.story_id,
                    VariantAuthor.lang == Variant.lang,
                ),
            ).where(VariantAuthor.author_id == author_id)
        elif key.scope != "all":
            raise ValueError(f"no story query for {key}")
        q = q.order_by(Variant.published_at.desc(), Variant.story_id.desc()).limit(limit)
        return [(s, lang) for s, lang in session.execute(q)]

    def count_live(self, session: Session, key: OutputKey, now: datetime, upto: int) -> int:
        """How many live variants a tag has, counted up to ``upto`` (its feed exists from
        tag_min_stories on): a tag of a big archive is not counted whole for that."""
        assert key.scope == "tag"
        tag_id = self._subject_id(session, key)
        if tag_id is None:
            return 0
        some = (
            select(Variant.story_id)
            .join(
                VariantTag,
                and_(VariantTag.story_id == Variant.story_id, VariantTag.lang == Variant.lang),
            )
            .where(VariantTag.tag_id == tag_id, live(now))
            .limit(upto)
            .subquery()
        )
        return session.scalar(select(func.count()).select_from(some)) or 0

    def _subject_id(self, session: Session, key: OutputKey) -> int | None:
        """The id of a tag (by language and slug) or an author (by slug) feed's subject."""
        if key.scope == "tag":
            return session.scalar(select(Tag.id).where(Tag.lang == key.lang, Tag.slug == key.value))
        return session.scalar(select(Author.id).where(Author.slug == key.value))

    def scope_name(self, session: Session, key: OutputKey) -> str:
        """The display name of a tag or author feed's subject."""
        if key.scope == "tag":
            name = session.scalar(
                select(Tag.name).where(Tag.lang == key.lang, Tag.slug == key.value)
            )
        elif key.scope == "author":
            name = session.scalar(select(Author.name).where(Author.slug == key.value))
        else:
            raise ValueError(key.scope)
        return name or key.value

    def load_items(
        self,
        session: Session,
        refs: Sequence[tuple[str, str]],
        now: datetime,
        cache: MutableMapping[tuple[str, str], tuple[str, ri.FeedItem]],
    ) -> list[ri.FeedItem]:
        """FeedItems for refs, in order. An item is built once per publish and reused by the
        other feeds it is in while its story stays as it was: the cache holds each item with
        its story's version (the content hashes of the story and of all its variants), checked
        in the caller's transaction. A writer can commit between two feeds of one publish; an
        item cached before that must not go into a feed rendered after it."""
        versions = self.story_versions(session, sorted({sid for sid, _ in refs}))
        missing = [r for r in refs if r not in cache or cache[r][0] != versions.get(r[0])]
        built: dict[tuple[str, str], ri.FeedItem] = {}
        for chunk in _chunks(missing, 400):
            for ref, item in self._build_items(session, chunk, now).items():
                cache[ref] = (versions.get(ref[0], ""), item)
                built[ref] = item
        # (from `built` too: a bounded cache may already have let go of an early one)
        return [built[r] if r in built else cache[r][1] for r in refs if r in built or r in cache]

    def story_versions(self, session: Session, story_ids: Sequence[str]) -> dict[str, str]:
        """A string that changes whenever a story or any of its variants is written."""
        parts: dict[str, list[str]] = {}
        for chunk in _chunks(list(story_ids), 500):
            for sid, story_hash, lang, variant_hash in session.execute(
                select(Story.id, Story.content_hash, Variant.lang, Variant.content_hash)
                .join(Variant, Variant.story_id == Story.id)
                .where(Story.id.in_(chunk))
                .order_by(Story.id, Variant.lang)
            ):
                parts.setdefault(sid, [story_hash]).append(f"{lang}:{variant_hash}")
        return {sid: "|".join(p) for sid, p in parts.items()}

    def _build_items(
        self, session: Session, refs: Sequence[tuple[str, str]], now: datetime
    ) -> dict[tuple[str, str], ri.FeedItem]:
        settings = self.settings
        tax = settings.taxonomy
        # (story_id, lang) IN (...) defeats SQLite's indexes; ask by story id and
        # language (the primary key's prefix) and keep the wanted pairs here.
        wanted = set(refs)
        story_ids = sorted({s for s, _ in refs})
        langs = sorted({lang for _, lang in refs})

        def of_refs(model: Any) -> ColumnElement[bool]:
            return and_(model.story_id.in_(story_ids), model.lang.in_(langs))

        rows = [
            (v, section)
            for v, section in session.execute(
                select(Variant, Story.section_key)
                .join(Story, Story.id == Variant.story_id)
                .where(of_refs(Variant))
            )
            if (v.story_id, v.lang) in wanted
        ]
        regions: dict[str, list[str]] = {}
        for sid, rkey in session.execute(
            select(StoryRegion.story_id, StoryRegion.region_key)
            .where(StoryRegion.story_id.in_(story_ids))
            .order_by(StoryRegion.story_id, StoryRegion.position)
        ):
            regions.setdefault(sid, []).append(rkey)
        tags: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for sid, lang, slug, name in session.execute(
            select(VariantTag.story_id, VariantTag.lang, Tag.slug, Tag.name)
            .join(Tag, Tag.id == VariantTag.tag_id)
            .where(of_refs(VariantTag))
            .order_by(VariantTag.story_id, VariantTag.lang, VariantTag.position)
        ):
            tags.setdefault((sid, lang), []).append((slug, name))
        authors: dict[tuple[str, str], list[ri.Person]] = {}
        for sid, lang, slug, name in session.execute(
            select(VariantAuthor.story_id, VariantAuthor.lang, Author.slug, Author.name)
            .join(Author, Author.id == VariantAuthor.author_id)
            .where(of_refs(VariantAuthor))
            .order_by(VariantAuthor.story_id, VariantAuthor.lang, VariantAuthor.position)
        ):
            authors.setdefault((sid, lang), []).append(ri.Person(name, slug))
        images = {
            (i.story_id, i.lang): i for i in session.scalars(select(Image).where(of_refs(Image)))
        }
        videos = {
            (v.story_id, v.lang): v for v in session.scalars(select(Video).where(of_refs(Video)))
        }
        siblings: dict[str, list[tuple[str, str]]] = {}
        for sid, lang, url in session.execute(
            select(Variant.story_id, Variant.lang, Variant.url)
            .where(Variant.story_id.in_(story_ids), live(now))
            .order_by(Variant.story_id)
        ):
            if lang in settings.languages:
                siblings.setdefault(sid, []).append((lang, url))
        order = {code: i for i, code in enumerate(settings.languages)}

        out: dict[tuple[str, str], ri.FeedItem] = {}
        for variant, section in rows:
            key = (variant.story_id, variant.lang)
            lang = variant.lang
            cats = []
            if section in tax.sections:
                label = tax.sections[section].label(lang)
                scheme = _scheme(settings, plan.feed(lang, Scope.SECTION, section))
                cats.append(ri.Category(section, label, scheme))
            for r in regions.get(variant.story_id, ()):
                cats.append(
                    ri.Category(
                        r,
                        tax.regions[r].label(lang) if r in tax.regions else r,
                        _scheme(settings, plan.feed(lang, Scope.REGION, r)),
                    )
                )
            for slug, name in tags.get(key, ()):
                cats.append(
                    ri.Category(slug, name, _scheme(settings, plan.feed(lang, Scope.TAG, slug)))
                )
            image = images.get(key)
            video = videos.get(key)
            alts = sorted(siblings.get(variant.story_id, ()), key=lambda a: order.get(a[0], 99))
            assert variant.published_at is not None
            out[key] = ri.FeedItem(
                story_id=variant.story_id,
                lang=lang,
                guid=entry_guid(settings, variant.story_id, lang),
                title=variant.title,
                url=variant.url,
                summary=variant.summary,
                body_html=variant.body_html,
                authors=tuple(authors.get(key, ())),
                source=variant.source,
                categories=tuple(cats),
                published=variant.published_at,
                updated=variant.updated_at or variant.published_at,
                image=ri.Image(
                    image.url, image.caption, image.credit, image.width, image.height, image.mime
                )
                if image
                else None,
                video=ri.Video(video.url, video.thumbnail_url, video.duration_s, video.mime)
                if video
                else None,
                alternates=tuple(ri.Alternate(a, u, i18n.language_name(a)) for a, u in alts),
            )
        return out

    def breaking_entries(
        self, session: Session, lang: str, now: datetime
    ) -> list[ri.BreakingEntry]:
        """Live ticker items: published, not withdrawn, not expired; newest first."""
        lifetime = self.settings.breaking.lifetime
        q = (
            select(BreakingItem)
            .where(
                BreakingItem.lang == lang,
                BreakingItem.withdrawn.is_(False),
                BreakingItem.published_at <= now,
                or_(
                    BreakingItem.expires_at > now,
                    and_(
                        BreakingItem.expires_at.is_(None),
                        BreakingItem.published_at > now - lifetime,
                    ),
                ),
            )
            .order_by(BreakingItem.published_at.desc(), BreakingItem.id.desc())
            .limit(self.settings.breaking.items)
        )
        items = list(session.scalars(q))
        linked = {i.story_id for i in items if i.story_id}
        urls = dict(
            session.execute(
                select(Variant.story_id, Variant.url).where(
                    Variant.story_id.in_(linked), Variant.lang == lang, live(now)
                )
            ).all()
        )
        home = self.settings.language(lang).base_url
        return [
            ri.BreakingEntry(
                id=i.id,
                guid=_uuid(self.settings, f"breaking:{i.id}"),
                lang=lang,
                text=i.text,
                url=urls.get(i.story_id or "", home),
                published=i.published_at,
                expires=i.expires_at or i.published_at + lifetime,
            )
            for i in items
        ]

    # --- reads for sitemaps ---

    def sitemap_keys(self, session: Session, now: datetime) -> set[OutputKey]:
        """Every sitemap period that holds a live URL, from a stream of the archive."""
        q = (
            select(Variant.lang, Variant.published_at)
            .where(live(now), Variant.lang.in_(list(self.settings.languages)))
            .execution_options(yield_per=10_000)
        )
        periods: set[tuple[str, date]] = set()
        for lang, published in session.execute(q):
            assert published is not None  # live() requires it
            periods.add((lang, published.date()))  # days first: a set of days, not of rows
        return {
            plan.sitemap(
                lang, plan.period_of(self.settings, datetime(d.year, d.month, d.day, tzinfo=UTC))
            )
            for lang, d in periods
        }

    def sitemap_rows(self, session: Session, key: OutputKey, now: datetime) -> list[SitemapRow]:
        """The live URLs of a sitemap period, oldest first, with their live translations:
        what decides each URL's entry but its text and media (see ``sitemap_entries``).

        Read for locality, not for the fewest statements: the period's story ids
        come from the (lang, published_at, story_id) index alone, in its order;
        then, 500 ids at a time in id order, every live variant of those stories
        (the period's own and its translations), whose rows lie together in the
        table. Walking the table in publication order instead costs a random page
        per URL: at 100,000 stories 5 s against 1 s for one language's sitemaps.
        """
        start, end = plan.period_bounds(self.settings, key.value)
        ids = list(
            session.scalars(
                select(Variant.story_id)
                .where(
                    Variant.lang == key.lang,
                    Variant.published_at >= start,
                    Variant.published_at < end,
                    Variant.published_at <= now,
                )
                .order_by(Variant.published_at, Variant.story_id)
            )
        )
        order = {code: i for i, code in enumerate(self.settings.languages)}
        own: dict[str, tuple[str, datetime | None, datetime | None, str]] = {}
        siblings: dict[str, list[tuple[str, str]]] = {}
        for chunk in _chunks(sorted(ids), 500):
            for sid, lang, url, updated, published, version in session.execute(
                select(
                    Variant.story_id,
                    Variant.lang,
                    Variant.url,
                    Variant.updated_at,
                    Variant.published_at,
                    Variant.content_hash,
                ).where(Variant.story_id.in_(chunk), live(now))
            ):
                if lang in order:
                    siblings.setdefault(sid, []).append((lang, url))
                if lang == key.lang and published is not None and start <= published < end:
                    own[sid] = (url, updated, published, version)
        x_lang = self.settings.sitemaps.x_default
        out = []
        for sid in ids:
            if sid not in own:
                continue
            url, updated, published, version = own[sid]
            alts = siblings.get(sid, [])
            if len(alts) > 1:
                alts.sort(key=lambda a: order[a[0]])
            x_default = None
            if x_lang is not None:
                x_default = next((u for lang, u in alts if lang == x_lang), None)
            lastmod = updated or published
            assert lastmod is not None  # live: published
            out.append(SitemapRow(sid, url, lastmod, version, tuple(alts), x_default))
        return out

    def sitemap_entries(
        self, session: Session, lang: str, rows: Sequence[SitemapRow]
    ) -> list[ri.SitemapEntry]:
        """The entries of sitemap rows of one language: their media, and the title and
        description of those with a video (only a video entry shows them), read by story
        id (sorted: neighbouring rows), a chunk at a time."""
        out: list[ri.SitemapEntry] = []
        for chunk in _chunks(list(rows), 500):
            ids = sorted(r.story_id for r in chunk)
            media = self._media(session, ids, lang)
            with_video = [sid for sid, (_image, video) in media.items() if video is not None]
            text = (
                {
                    sid: (title, summary)
                    for sid, title, summary in session.execute(
                        select(Variant.story_id, Variant.title, Variant.summary).where(
                            Variant.story_id.in_(sorted(with_video)), Variant.lang == lang
                        )
                    )
                }
                if with_video
                else {}
            )
            for r in chunk:
                title, summary = text.get(r.story_id, ("", None))
                image, video = media.get(r.story_id, (None, None))
                out.append(
                    ri.SitemapEntry(
                        story_id=r.story_id,
                        loc=r.loc,
                        lastmod=r.lastmod,
                        alternates=r.alternates,
                        x_default=r.x_default,
                        title=title,
                        description=summary,
                        image=image,
                        video=video,
                    )
                )
        return out

    def sitemap_changed(self, session: Session, key: OutputKey, now: datetime) -> datetime | None:
        """When a sitemap period's file last changed, from the store alone (its index lastmod).

        Not the newest <lastmod> inside: a URL's new slug, a translation's
        retraction or an embargo lifting change the file without touching any
        entry's update time. So: the latest write to any variant of a story
        filed in the period (any status, any language), or the latest
        publication time already passed, whichever is newer.
        """
        start, end = plan.period_bounds(self.settings, key.value)
        stories = select(Variant.story_id).where(
            Variant.lang == key.lang, Variant.published_at >= start, Variant.published_at < end
        )
        newest: datetime | None = None
        for modified, published in session.execute(
            select(func.max(Variant.modified_at), func.max(Variant.published_at))
            .where(Variant.story_id.in_(stories))
            .where(or_(Variant.published_at.is_(None), Variant.published_at <= now))
        ):
            newest = max((t for t in (modified, published) if t is not None), default=None)
        return newest

    def news_changed(self, session: Session, lang: str, now: datetime) -> datetime | None:
        """When a news sitemap last changed: a write inside the window, a publication, or
        the moment the latest variant to leave the window left it."""
        window = self.settings.sitemaps.news_window
        inside = and_(
            Variant.lang == lang, Variant.published_at > now - window, Variant.published_at <= now
        )
        modified, published = session.execute(
            select(func.max(Variant.modified_at), func.max(Variant.published_at)).where(inside)
        ).one()
        left = session.scalar(
            select(func.max(Variant.published_at)).where(
                Variant.lang == lang,
                Variant.status.in_(VISIBLE),
                Variant.published_at <= now - window,
            )
        )
        times = [t for t in (modified, published, left + window if left else None) if t]
        return max(times, default=None)

    def _media(
        self, session: Session, story_ids: Sequence[str], lang: str
    ) -> dict[str, tuple[ri.Image | None, ri.Video | None]]:
        # plain rows, not ORM objects: a sitemap period asks for thousands
        images = {
            r.story_id: ri.Image(r.url, r.caption, r.credit, r.width, r.height, r.mime)
            for r in session.execute(
                select(
                    Image.story_id,
                    Image.url,
                    Image.caption,
                    Image.credit,
                    Image.width,
                    Image.height,
                    Image.mime,
                ).where(Image.story_id.in_(story_ids), Image.lang == lang)
            )
        }
        videos = {
            r.story_id: ri.Video(r.url, r.thumbnail_url, r.duration_s, r.mime)
            for r in session.execute(
                select(
                    Video.story_id, Video.url, Video.thumbnail_url, Video.duration_s, Video.mime
                ).where(Video.story_id.in_(story_ids), Video.lang == lang)
            )
        }
        return {sid: (images.get(sid), videos.get(sid)) for sid in set(images) | set(videos)}

    def news_entries(self, session: Session, lang: str, now: datetime) -> list[ri.NewsEntry]:
        """Live variants first published within the news window, newest first."""
        since = now - self.settings.sitemaps.news_window
        q = (
            select(Variant.url, Variant.title, Variant.published_at)
            .where(Variant.lang == lang, live(now), Variant.published_at > since)
            .order_by(Variant.published_at.desc(), Variant.story_id.desc())
        )
        return [
            ri.NewsEntry(url, title, published)
            for url, title, published in session.execute(q)
            if published is not None
        ]

    def feed_outputs(self, session: Session, lang: str) -> list[Output]:
        """Manifest rows of a language's feeds (what its directory lists)."""
        return list(session.scalars(select(Output).where(Output.key.like(f"feed:{lang}:%"))))

    def term_names(self, session: Session, lang: str) -> tuple[dict[str, str], dict[str, str]]:
        """Display names of a language's tags and of all authors, by slug."""
        tags = dict(session.execute(select(Tag.slug, Tag.name).where(Tag.lang == lang)).all())
        authors = dict(session.execute(select(Author.slug, Author.name)).all())
        return tags, authors

    def sitemap_outputs(
        self, session: Session, langs: Sequence[str]
    ) -> list[tuple[str, str, datetime | None]]:
        """(path, url, content_updated) of the sitemaps of some languages, by path: what a
        host's index lists (plain rows: a decade of daily sitemaps is thousands)."""
        cond = or_(
            *(Output.key.like(f"{kind}:{lang}:%") for lang in langs for kind in ("sitemap", "news"))
        )
        q = select(Output.path, Output.url, Output.content_updated).where(cond)
        return sorted((p, u, c) for p, u, c in session.execute(q))

    # --- the manifest ---

    def outputs(self, session: Session) -> dict[str, Output]:
        return {o.path: o for o in session.scalars(select(Output))}

    def outputs_for(self, session: Session, keys: Iterable[OutputKey]) -> dict[str, Output]:
        names = [str(k) for k in keys]
        out: dict[str, Output] = {}
        for chunk in _chunks(names, 500):
            out.update(
                {o.path: o for o in session.scalars(select(Output).where(Output.key.in_(chunk)))}
            )
        return out

    def iter_outputs(self, session: Session) -> Iterator[Any]:
        """The manifest's rows, as plain rows (no ORM objects: a big site has tens of
        thousands), in path order."""
        yield from session.execute(
            select(
                Output.url,
                Output.path,
                Output.key,
                Output.content_type,
                Output.sha256,
                Output.size,
                Output.items,
                Output.last_modified,
            ).order_by(Output.path)
        )


def entry_guid(settings: Settings, story_id: str, lang: str) -> str:
    """A stable entry id: the same across edits, slug changes and section moves."""
    return _uuid(settings, f"story:{story_id}:{lang}")


def feed_guid(settings: Settings, key: OutputKey) -> str:
    return _uuid(settings, f"output:{key}")


def _uuid(settings: Settings, name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"syndicate:{settings.site_id}:{name}").urn


def _scheme(settings: Settings, key: OutputKey) -> str:
    fmt = settings.feeds.formats[0]
    return plan.file_for(settings, key, fmt).url


def _int32(n: int) -> int:
    """A crc32 as PostgreSQL's signed int4, for the two-key advisory lock functions."""
    return n - (1 << 32) if n >= (1 << 31) else n


def _chunks(seq: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def utcnow() -> datetime:
    return datetime.now(UTC)
