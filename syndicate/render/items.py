"""The plain values renderers take. No ORM object ever reaches a renderer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Category:
    term: str  # machine key or slug
    label: str  # display name in the feed's language
    scheme: str  # URL of the feed of this category (Atom scheme, RSS domain)


@dataclass(frozen=True)
class Person:
    name: str
    slug: str


@dataclass(frozen=True)
class Alternate:
    lang: str
    url: str
    label: str  # the language's name in itself, from CLDR


@dataclass(frozen=True)
class Image:
    url: str
    caption: str | None
    credit: str | None
    width: int | None
    height: int | None
    mime: str | None


@dataclass(frozen=True)
class Video:
    url: str
    thumbnail_url: str | None
    duration_s: int | None
    mime: str | None


@dataclass(frozen=True)
class FeedItem:
    """One live variant, with everything any feed needs, computed once per publish."""

    story_id: str
    lang: str
    guid: str  # stable across edits, slug changes and moves
    title: str
    url: str
    summary: str | None
    body_html: str | None
    authors: tuple[Person, ...]
    source: str | None
    categories: tuple[Category, ...]
    published: datetime
    updated: datetime
    image: Image | None
    video: Video | None
    alternates: tuple[Alternate, ...]  # live translations, this one included


@dataclass(frozen=True)
class BreakingEntry:
    id: str
    guid: str
    lang: str
    text: str
    url: str  # the linked story when it is live, else the site's home
    published: datetime
    expires: datetime


@dataclass(frozen=True)
class FeedMeta:
    """What a feed says about itself."""

    key: str  # the output key, for ids
    guid: str
    lang: str
    direction: str  # "ltr" or "rtl"
    site_name: str
    title: str
    description: str
    site_url: str
    self_urls: dict[str, str]  # format -> URL of this feed in that format
    hub: str | None
    generator: str
    updated: datetime  # the newest item's update time, so unchanged input renders the same bytes
    stylesheet: str | None = None  # URL of the XSL a browser shows the feed with


@dataclass(frozen=True)
class SitemapEntry:
    """One live variant's URL in a sitemap, with its translations."""

    story_id: str
    loc: str
    lastmod: datetime
    alternates: tuple[tuple[str, str], ...]  # (hreflang, href), this one included
    x_default: str | None
    title: str
    description: str | None
    image: Image | None
    video: Video | None


@dataclass(frozen=True)
class NewsEntry:
    loc: str
    title: str
    published: datetime


@dataclass(frozen=True)
class IndexEntry:
    loc: str
    lastmod: datetime | None
