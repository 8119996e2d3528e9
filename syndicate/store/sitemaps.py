"""Reads for sitemaps: which periods hold live URLs, a period's rows and entries (read for
locality, streamed), when a period's or a news sitemap's file last changed, and the news
sitemap's entries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from syndicate import plan
from syndicate.config import Settings
from syndicate.model import Image, Variant, Video
from syndicate.plan import VISIBLE, OutputKey
from syndicate.render import items as ri
from syndicate.store.engine import chunks
from syndicate.store.states import live

Media = tuple[ri.Image | None, ri.Video | None]


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


class Sitemaps:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def keys(self, session: Session, now: datetime) -> set[OutputKey]:
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

    def rows(self, session: Session, key: OutputKey, now: datetime) -> list[SitemapRow]:
        """The live URLs of a sitemap period, oldest first, with their live translations:
        what decides each URL's entry but its text and media (see ``entries``).

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
        for chunk in chunks(sorted(ids), 500):
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
        return [self._row(sid, own[sid], siblings.get(sid, []), order) for sid in ids if sid in own]

    def _row(
        self,
        sid: str,
        own: tuple[str, datetime | None, datetime | None, str],
        alts: list[tuple[str, str]],
        order: dict[str, int],
    ) -> SitemapRow:
        url, updated, published, version = own
        if len(alts) > 1:
            alts.sort(key=lambda a: order[a[0]])
        x_lang = self.settings.sitemaps.x_default
        x_default = None
        if x_lang is not None:
            x_default = next((u for lang, u in alts if lang == x_lang), None)
        lastmod = updated or published
        assert lastmod is not None  # live: published
        return SitemapRow(sid, url, lastmod, version, tuple(alts), x_default)

    def entries(
        self, session: Session, lang: str, rows: Sequence[SitemapRow]
    ) -> list[ri.SitemapEntry]:
        """The entries of sitemap rows of one language: their media, and the title and
        description of those with a video (only a video entry shows them), read by story
        id (sorted: neighbouring rows), a chunk at a time."""
        out: list[ri.SitemapEntry] = []
        for chunk in chunks(list(rows), 500):
            ids = sorted(r.story_id for r in chunk)
            media = _media(session, ids, lang)
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

    def changed(self, session: Session, key: OutputKey, now: datetime) -> datetime | None:
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


def _media(session: Session, story_ids: Sequence[str], lang: str) -> dict[str, Media]:
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
