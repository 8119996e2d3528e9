"""Builders for FORMAT.md objects, so tests say only what matters to them."""

from __future__ import annotations

from typing import Any


def variant(
    title: str = "A headline",
    *,
    slug: str | None = None,
    published_at: str = "2026-11-20T10:00:00+00:00",
    **fields: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": title,
        "slug": slug or title.lower().replace(" ", "-"),
        "published_at": published_at,
    }
    out.update(fields)
    return {k: v for k, v in out.items() if v is not None}


def story(
    story_id: str,
    *,
    section: str = "politics",
    variants: dict[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "story",
        "id": story_id,
        "section": section,
        "variants": variants if variants is not None else {"en": variant(f"Story {story_id}")},
    }
    out.update(fields)
    return out


def breaking(
    item_id: str,
    *,
    lang: str = "en",
    text: str = "Something happened",
    published_at: str = "2026-11-20T10:00:00+00:00",
    **fields: Any,
) -> dict[str, Any]:
    out = {
        "type": "breaking",
        "id": item_id,
        "lang": lang,
        "text": text,
        "published_at": published_at,
    }
    out.update(fields)
    return out
