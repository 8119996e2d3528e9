"""From ingest records to what the store keeps of them: a variant's columns, its URL, its
state, and the content hashes that tell a changed record from one sent again."""

from __future__ import annotations

import hashlib
import json
from dataclasses import is_dataclass
from datetime import datetime
from typing import Any

from syndicate import plan
from syndicate.config import Settings
from syndicate.ingest import StoryIn, VariantIn
from syndicate.model import (
    Image,
    Story,
    StoryCoverage,
    StoryRegion,
    Variant,
    VariantAuthor,
    VariantTag,
    Video,
)
from syndicate.plan import VariantScopes, VariantState

Rows = dict[Any, list[dict[str, Any]]]  # by table

# the tables a story's rows go in, each after those it refers to
STORY_TABLES = (Story, StoryRegion, StoryCoverage, Variant, VariantTag, VariantAuthor, Image, Video)
# the tables of a variant's links and media, rewritten whole with it
VARIANT_PARTS = (VariantTag, VariantAuthor, Image, Video)


def content_hash(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def story_hash(rec: StoryIn) -> str:
    """The version of what a story row holds: its filing, shared by its variants."""
    return content_hash([rec.section, rec.regions, rec.coverage])


def variant_hash(v: VariantIn) -> str:
    return content_hash(plain(v))


def plain(record: Any) -> dict[str, Any]:
    """`dataclasses.asdict` for our flat input records (one level of nested dataclasses),
    without its deep copies: the same JSON, so the same content hash, several times faster."""
    out = dict(record.__dict__)
    for k, v in out.items():
        if is_dataclass(v):
            out[k] = dict(v.__dict__)
    return out


def variant_url(settings: Settings, section: str, v: VariantIn) -> str:
    """The variant's own URL, or the default built from its section and slug."""
    return v.url or plan.article_url(settings, v.lang, section, v.slug)


def variant_values(v: VariantIn, url: str, version: str, now: datetime) -> dict[str, Any]:
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
        "content_hash": version,
        "modified_at": now,
    }


def variant_state(
    rec: StoryIn,
    v: VariantIn,
    url: str,
    version: str,
    tags: tuple[str, ...],
    authors: tuple[str, ...],
) -> VariantState:
    """The state a variant record is stored in (``tags`` and ``authors`` as slugs)."""
    scopes = VariantScopes(
        v.lang, rec.section, rec.regions, rec.coverage, tags, authors, v.published_at
    )
    return VariantState(scopes, v.status, url, version)


def filing_rows(rec: StoryIn) -> Rows:
    """A story's regions and coverage topics, in order."""
    return {
        StoryRegion: [
            {"story_id": rec.id, "region_key": k, "position": i} for i, k in enumerate(rec.regions)
        ],
        StoryCoverage: [
            {"story_id": rec.id, "coverage_key": k, "position": i}
            for i, k in enumerate(rec.coverage)
        ],
    }


def media_rows(story_id: str, v: VariantIn) -> Rows:
    """A variant's image and video, if it has them."""
    return {
        Image: [{"story_id": story_id, "lang": v.lang, **plain(v.image)}] if v.image else [],
        Video: [{"story_id": story_id, "lang": v.lang, **plain(v.video)}] if v.video else [],
    }
