"""What a stored story is, as the outputs see it: the states of its variants (what plan's
dirty functions compare) and the one definition of a live variant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from syndicate import model
from syndicate.config import Settings
from syndicate.model import Variant
from syndicate.plan import VISIBLE, BreakingState, VariantScopes, VariantState


def live(now: datetime) -> ColumnElement[bool]:
    """The one definition of a live variant: visible status and published_at passed."""
    return and_(
        Variant.status.in_(VISIBLE),
        Variant.published_at.is_not(None),
        Variant.published_at <= now,
    )


def announces(settings: Settings) -> bool:
    """Whether changed article URLs are queued for IndexNow (only when it is configured:
    a big import would otherwise leave a row per URL that nothing reads)."""
    return bool(settings.notify.indexnow_endpoint)


def variant_states(session: Session, story_id: str) -> dict[str, VariantState]:
    """A stored story's variants by language (none for a story not stored)."""
    story = session.get(model.Story, story_id)
    if story is None:
        return {}
    regions = _filed(session, story_id, model.StoryRegion, model.StoryRegion.region_key)
    coverage = _filed(session, story_id, model.StoryCoverage, model.StoryCoverage.coverage_key)
    tags = _slugs(session, story_id, model.VariantTag, model.Tag, model.VariantTag.tag_id)
    authors = _slugs(
        session, story_id, model.VariantAuthor, model.Author, model.VariantAuthor.author_id
    )
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
        out[v.lang] = VariantState(scopes, v.status, v.url, v.content_hash)
    return out


def _filed(session: Session, story_id: str, link: type[Any], key: Any) -> tuple[str, ...]:
    """A story's regions or coverage topics, in order."""
    return tuple(
        session.scalars(select(key).where(link.story_id == story_id).order_by(link.position))
    )


def _slugs(
    session: Session, story_id: str, link: type[Any], term: type[Any], term_id: Any
) -> dict[str, list[str]]:
    """The slugs of a story's tags or authors, by language."""
    out: dict[str, list[str]] = {}
    for lang, slug in session.execute(
        select(link.lang, term.slug).join(term, term.id == term_id).where(link.story_id == story_id)
    ):
        out.setdefault(lang, []).append(slug)
    return out


def breaking_state(item: model.BreakingItem) -> BreakingState:
    """A stored breaking item as the ticker shows it."""
    return BreakingState(
        item.lang, item.text, item.published_at, item.expires_at, item.story_id, item.withdrawn
    )
