"""Feed items from the store: each live variant as the entry every feed it is in shows,
read for many variants at once (a query per table, not per story)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from syndicate import i18n, plan
from syndicate.config import Settings
from syndicate.model import (
    Author,
    Image,
    Story,
    StoryRegion,
    Tag,
    Variant,
    VariantAuthor,
    VariantTag,
    Video,
)
from syndicate.outputs import Scope
from syndicate.plan import OutputKey
from syndicate.render import items as ri
from syndicate.store.states import live

Ref = tuple[str, str]  # (story_id, lang)


def entry_guid(settings: Settings, story_id: str, lang: str) -> str:
    """A stable entry id: the same across edits, slug changes and section moves."""
    return uuid_of(settings, f"story:{story_id}:{lang}")


def feed_guid(settings: Settings, key: OutputKey) -> str:
    return uuid_of(settings, f"output:{key}")


def uuid_of(settings: Settings, name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"syndicate:{settings.site_id}:{name}").urn


@dataclass
class _Parts:
    """What the items of some variants are made of, read a table at a time."""

    rows: list[tuple[Variant, str]] = field(default_factory=list)  # (variant, its section)
    regions: dict[str, list[str]] = field(default_factory=dict)
    tags: dict[Ref, list[tuple[str, str]]] = field(default_factory=dict)  # (slug, name)
    authors: dict[Ref, list[ri.Person]] = field(default_factory=dict)
    images: dict[Ref, Image] = field(default_factory=dict)
    videos: dict[Ref, Video] = field(default_factory=dict)
    siblings: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (lang, url)


def build_items(
    session: Session, settings: Settings, refs: Sequence[Ref], now: datetime
) -> dict[Ref, ri.FeedItem]:
    """The FeedItems of some live variants."""
    parts = _read(session, settings, refs, now)
    order = {code: i for i, code in enumerate(settings.languages)}
    out: dict[Ref, ri.FeedItem] = {}
    for variant, section in parts.rows:
        key = (variant.story_id, variant.lang)
        alts = sorted(parts.siblings.get(variant.story_id, ()), key=lambda a: order.get(a[0], 99))
        out[key] = _item(settings, variant, section, parts, alts)
    return out


def _read(session: Session, settings: Settings, refs: Sequence[Ref], now: datetime) -> _Parts:
    # (story_id, lang) IN (...) defeats SQLite's indexes; ask by story id and
    # language (the primary key's prefix) and keep the wanted pairs here.
    wanted = set(refs)
    story_ids = sorted({s for s, _ in refs})
    langs = sorted({lang for _, lang in refs})

    def of_refs(model: Any) -> ColumnElement[bool]:
        return and_(model.story_id.in_(story_ids), model.lang.in_(langs))

    parts = _Parts()
    parts.rows = [
        (v, section)
        for v, section in session.execute(
            select(Variant, Story.section_key)
            .join(Story, Story.id == Variant.story_id)
            .where(of_refs(Variant))
        )
        if (v.story_id, v.lang) in wanted
    ]
    for sid, rkey in session.execute(
        select(StoryRegion.story_id, StoryRegion.region_key)
        .where(StoryRegion.story_id.in_(story_ids))
        .order_by(StoryRegion.story_id, StoryRegion.position)
    ):
        parts.regions.setdefault(sid, []).append(rkey)
    for sid, lang, slug, name in session.execute(
        select(VariantTag.story_id, VariantTag.lang, Tag.slug, Tag.name)
        .join(Tag, Tag.id == VariantTag.tag_id)
        .where(of_refs(VariantTag))
        .order_by(VariantTag.story_id, VariantTag.lang, VariantTag.position)
    ):
        parts.tags.setdefault((sid, lang), []).append((slug, name))
    for sid, lang, slug, name in session.execute(
        select(VariantAuthor.story_id, VariantAuthor.lang, Author.slug, Author.name)
        .join(Author, Author.id == VariantAuthor.author_id)
        .where(of_refs(VariantAuthor))
        .order_by(VariantAuthor.story_id, VariantAuthor.lang, VariantAuthor.position)
    ):
        parts.authors.setdefault((sid, lang), []).append(ri.Person(name, slug))
    parts.images = {
        (i.story_id, i.lang): i for i in session.scalars(select(Image).where(of_refs(Image)))
    }
    parts.videos = {
        (v.story_id, v.lang): v for v in session.scalars(select(Video).where(of_refs(Video)))
    }
    for sid, lang, url in session.execute(
        select(Variant.story_id, Variant.lang, Variant.url)
        .where(Variant.story_id.in_(story_ids), live(now))
        .order_by(Variant.story_id)
    ):
        if lang in settings.languages:
            parts.siblings.setdefault(sid, []).append((lang, url))
    return parts


def _item(
    settings: Settings,
    variant: Variant,
    section: str,
    parts: _Parts,
    alts: list[tuple[str, str]],
) -> ri.FeedItem:
    key = (variant.story_id, variant.lang)
    image = parts.images.get(key)
    video = parts.videos.get(key)
    assert variant.published_at is not None
    return ri.FeedItem(
        story_id=variant.story_id,
        lang=variant.lang,
        guid=entry_guid(settings, variant.story_id, variant.lang),
        title=variant.title,
        url=variant.url,
        summary=variant.summary,
        body_html=variant.body_html,
        authors=tuple(parts.authors.get(key, ())),
        source=variant.source,
        categories=_categories(settings, variant, section, parts),
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


def _categories(
    settings: Settings, variant: Variant, section: str, parts: _Parts
) -> tuple[ri.Category, ...]:
    """An item's section, regions and tags, each with its feed's URL as the scheme."""
    tax = settings.taxonomy
    lang = variant.lang
    cats = []
    if section in tax.sections:
        label = tax.sections[section].label(lang)
        cats.append(
            ri.Category(section, label, _scheme(settings, plan.feed(lang, Scope.SECTION, section)))
        )
    for r in parts.regions.get(variant.story_id, ()):
        cats.append(
            ri.Category(
                r,
                tax.regions[r].label(lang) if r in tax.regions else r,
                _scheme(settings, plan.feed(lang, Scope.REGION, r)),
            )
        )
    for slug, name in parts.tags.get((variant.story_id, lang), ()):
        cats.append(ri.Category(slug, name, _scheme(settings, plan.feed(lang, Scope.TAG, slug))))
    return tuple(cats)


def _scheme(settings: Settings, key: OutputKey) -> str:
    fmt = settings.feeds.formats[0]
    return plan.file_for(settings, key, fmt).url
