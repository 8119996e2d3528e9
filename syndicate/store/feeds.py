"""Reads for feeds: which content feeds exist, the newest live variants of a feed, their
items (built once per story version and shared by every feed they are in), the breaking
ticker, and the display names of feeds' subjects."""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from syndicate import plan
from syndicate.config import Settings
from syndicate.model import (
    Author,
    BreakingItem,
    Section,
    Story,
    StoryCoverage,
    StoryRegion,
    Tag,
    Variant,
    VariantAuthor,
    VariantTag,
)
from syndicate.outputs import Scope
from syndicate.plan import OutputKey
from syndicate.render import items as ri
from syndicate.store.engine import chunks
from syndicate.store.items import Ref, build_items, uuid_of
from syndicate.store.states import live


class Feeds:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def content_keys(self, session: Session, now: datetime) -> set[OutputKey]:
        """Tag, author and coverage feeds that exist at ``now``."""
        langs = list(self.settings.languages)
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
        keys = {plan.feed(lang, Scope.TAG, slug) for lang, slug in session.execute(q_tags)}
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

    def refs(self, session: Session, key: OutputKey, now: datetime, limit: int) -> list[Ref]:
        """(story_id, lang) of the newest live variants in a feed, newest first."""
        q = select(Variant.story_id, Variant.lang).where(Variant.lang == key.lang, live(now))
        scoped = self._in_scope(session, q, key)
        if scoped is None:
            return []
        scoped = scoped.order_by(Variant.published_at.desc(), Variant.story_id.desc()).limit(limit)
        return [(s, lang) for s, lang in session.execute(scoped)]

    def _in_scope(
        self, session: Session, q: Select[str, str], key: OutputKey
    ) -> Select[str, str] | None:
        """A query of variants narrowed to a feed's scope; None for a tag or author that
        does not exist."""
        if key.scope == "section":
            return q.join(Story, Story.id == Variant.story_id).where(Story.section_key == key.value)
        if key.scope == "group":
            return (
                q.join(Story, Story.id == Variant.story_id)
                .join(Section, Section.key == Story.section_key)
                .where(Section.group_key == key.value)
            )
        if key.scope == "region":
            return q.join(StoryRegion, StoryRegion.story_id == Variant.story_id).where(
                StoryRegion.region_key == key.value
            )
        if key.scope == "coverage":
            return q.join(StoryCoverage, StoryCoverage.story_id == Variant.story_id).where(
                StoryCoverage.coverage_key == key.value
            )
        if key.scope in ("tag", "author"):
            # the term's id first (a unique index), then its rows by id: one join the planner
            # cannot get wrong, even on tables not yet analyzed after a big import
            term_id = self._subject_id(session, key)
            if term_id is None:
                return None
            link = VariantTag if key.scope == "tag" else VariantAuthor
            column = VariantTag.tag_id if key.scope == "tag" else VariantAuthor.author_id
            return q.join(
                link, and_(link.story_id == Variant.story_id, link.lang == Variant.lang)
            ).where(column == term_id)
        if key.scope != "all":
            raise ValueError(f"no story query for {key}")
        return q

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

    def term_names(self, session: Session, lang: str) -> tuple[dict[str, str], dict[str, str]]:
        """Display names of a language's tags and of all authors, by slug."""
        tags = dict(session.execute(select(Tag.slug, Tag.name).where(Tag.lang == lang)).all())
        authors = dict(session.execute(select(Author.slug, Author.name)).all())
        return tags, authors

    def load_items(
        self,
        session: Session,
        refs: Sequence[Ref],
        now: datetime,
        cache: MutableMapping[Ref, tuple[str, ri.FeedItem]],
    ) -> list[ri.FeedItem]:
        """FeedItems for refs, in order. An item is built once per publish and reused by the
        other feeds it is in while its story stays as it was: the cache holds each item with
        its story's version (the content hashes of the story and of all its variants), checked
        in the caller's transaction. A writer can commit between two feeds of one publish; an
        item cached before that must not go into a feed rendered after it."""
        versions = self.story_versions(session, sorted({sid for sid, _ in refs}))
        missing = [r for r in refs if r not in cache or cache[r][0] != versions.get(r[0])]
        built: dict[Ref, ri.FeedItem] = {}
        for chunk in chunks(missing, 400):
            for ref, item in build_items(session, self.settings, chunk, now).items():
                cache[ref] = (versions.get(ref[0], ""), item)
                built[ref] = item
        # (from `built` too: a bounded cache may already have let go of an early one)
        return [built[r] if r in built else cache[r][1] for r in refs if r in built or r in cache]

    def story_versions(self, session: Session, story_ids: Sequence[str]) -> dict[str, str]:
        """A string that changes whenever a story or any of its variants is written."""
        parts: dict[str, list[str]] = {}
        for chunk in chunks(list(story_ids), 500):
            for sid, story_hash, lang, variant_hash in session.execute(
                select(Story.id, Story.content_hash, Variant.lang, Variant.content_hash)
                .join(Variant, Variant.story_id == Story.id)
                .where(Story.id.in_(chunk))
                .order_by(Story.id, Variant.lang)
            ):
                parts.setdefault(sid, [story_hash]).append(f"{lang}:{variant_hash}")
        return {sid: "|".join(p) for sid, p in parts.items()}

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
                guid=uuid_of(self.settings, f"breaking:{i.id}"),
                lang=lang,
                text=i.text,
                url=urls.get(i.story_id or "", home),
                published=i.published_at,
                expires=i.expires_at or i.published_at + lifetime,
            )
            for i in items
        ]
