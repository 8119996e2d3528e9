"""What goes into the sitemaps: a period's URLs and a language's news, cut into files of a
bounded size (and gzip twins), a host's sitemap index of them, and its robots.txt.

A URL's ``<url>`` element is kept (in a worker, from one publish to the next) with a
digest of what decides it and spliced into its file: only URLs whose row changed are
read in full and rendered again.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from syndicate import plan
from syndicate.caches import UrlCache
from syndicate.config import Settings
from syndicate.plan import OutputKey
from syndicate.publish.job import Job, Rendered
from syndicate.render import sitemaps as render_sitemaps
from syndicate.render.items import IndexEntry, NewsEntry
from syndicate.store import SitemapRow

X = TypeVar("X")


class _OfStory(Protocol):
    @property
    def story_id(self) -> str: ...


E = TypeVar("E", bound=_OfStory)


def render_sitemap(job: Job, key: OutputKey) -> list[Rendered] | None:
    """A period's urlset: each URL's element from the cache while its row's digest (its
    variant's version, URL, lastmod and live translations) holds, else read and rendered."""
    store, s = job.store, job.session
    rows = store.sitemaps.rows(s, key, job.now)
    if not rows:
        return None
    elements = _kept_elements(
        job.caches.urls,
        key.lang,
        rows,
        lambda r: r.story_id,
        _digest,
        lambda chunk: render_sitemaps.cut_apart(
            render_sitemaps.urlset, store.sitemaps.entries(s, key.lang, chunk)
        ),
    )
    held = {r.story_id: data for r, data in zip(rows, elements, strict=True)}
    buckets = split_evenly(rows, job.settings.sitemaps.max_urls)
    changed = store.sitemaps.changed(s, key, job.now)
    return _files(
        job.settings,
        key,
        [
            render_sitemaps.splice(render_sitemaps.urlset, (held[r.story_id] for r in b))
            for b in buckets
        ],
        [len(b) for b in buckets],
        changed,
    )


def render_news(job: Job, key: OutputKey) -> list[Rendered]:
    """A language's news sitemap: like a period's, each URL's element is kept with what
    decides it (its title and publication time) and spliced into the files."""
    entries = job.store.sitemaps.news_entries(job.session, key.lang, job.now)
    size = job.settings.sitemaps.news_max
    lang = job.settings.language(key.lang)
    language = render_sitemaps.news_language(key.lang)

    def news_render(chunk: Sequence[NewsEntry]) -> bytes:
        return render_sitemaps.news_urlset(chunk, publication=lang.site_name, language=language)

    held = _kept_elements(
        job.caches.urls,
        f"news:{key.lang}",
        entries,
        lambda e: e.loc,
        lambda e: hash((e.title, e.published)),
        lambda chunk: render_sitemaps.cut_apart(news_render, chunk),
    )
    chunks = [held[i : i + size] for i in range(0, len(held), size)] or [[]]
    changed = job.store.sitemaps.news_changed(job.session, key.lang, job.now)
    return _files(
        job.settings,
        key,
        [render_sitemaps.splice(news_render, c) for c in chunks],
        [len(c) for c in chunks],
        changed,
    )


def render_index(job: Job, key: OutputKey) -> list[Rendered] | None:
    """A host's sitemap index: every sitemap of its languages, as committed."""
    settings = job.settings
    hosts = plan.hosts(settings)
    if key.value not in hosts:
        return None
    gz = settings.sitemaps.gzip and settings.sitemaps.gzip_canonical
    entries = [
        IndexEntry(url, updated)
        for path, url, updated in job.store.outputs.sitemaps(job.session, hosts[key.value][1])
        if path.endswith(".gz") == gz
    ]
    data = render_sitemaps.sitemap_index(entries)
    updated = max((e.lastmod for e in entries if e.lastmod), default=None)
    return [Rendered(plan.host_file(settings, key), data, len(entries), updated)]


def render_robots(job: Job, key: OutputKey) -> list[Rendered] | None:
    """A host's robots.txt, naming its sitemap index; and IndexNow's proof that the host is
    ours, /{key}.txt holding the key, when one is configured."""
    settings = job.settings
    if key.value not in plan.hosts(settings):
        return None
    index_url = plan.host_file(settings, plan.index(key.value)).url
    host_url = plan.hosts(settings)[key.value][0]
    data = render_sitemaps.robots_txt(host_url, index_url)
    out = [Rendered(plan.host_file(settings, key), data, 0, None)]
    ik = settings.notify.indexnow_key
    if ik:
        out.append(Rendered(plan.host_file(settings, key, f"{ik}.txt"), ik.encode(), 0, None))
    return out


def _files(
    settings: Settings,
    key: OutputKey,
    parts: list[bytes],
    counts: list[int],
    updated: datetime | None,
) -> list[Rendered]:
    """One file per part (unnumbered when there is one), and gzip twins when configured."""
    out = []
    for i, data in enumerate(parts):
        part = None if len(parts) == 1 else i + 1
        out.append(Rendered(plan.sitemap_file(settings, key, part), data, counts[i], updated))
        if settings.sitemaps.gzip:
            twin = plan.sitemap_file(settings, key, part, gz=True)
            out.append(Rendered(twin, render_sitemaps.gzipped(data), counts[i], updated))
    return out


def _digest(row: SitemapRow) -> int:
    """What decides a URL's element, in a word (the cache lives in one process, so Python's
    own keyed hash serves: an unlucky collision is 1 in 2**64)."""
    return hash((row.loc, row.lastmod, row.version, row.alternates, row.x_default))


def _kept_elements(
    urls: UrlCache | None,
    scope: str,
    items: Sequence[X],
    name: Callable[[X], str],
    digest: Callable[[X], int],
    render: Callable[[list[X]], list[bytes]],
) -> list[bytes]:
    """Each item's ``<url>`` element, in order: from the cache while its digest holds, else
    rendered (a chunk at a time) and kept. Elements are held here for this render: a
    bounded cache may let go of some before the file is spliced."""
    held: list[bytes] = [b""] * len(items)
    missing: list[int] = []
    for i, item in enumerate(items):
        hit = urls.get((scope, name(item))) if urls is not None else None
        if hit is not None and hit[0] == digest(item):
            held[i] = hit[1]
        else:
            missing.append(i)
    for start in range(0, len(missing), 2000):
        chunk = missing[start : start + 2000]
        for i, data in zip(chunk, render([items[i] for i in chunk]), strict=True):
            held[i] = data
            if urls is not None:
                urls[(scope, name(items[i]))] = (digest(items[i]), data)
    return held


def split_evenly(entries: list[E], limit: int) -> list[list[E]]:
    """Cut a period's URLs into files of at most ``limit``, each URL by a hash of its story.

    One file while the period fits. Past that, the fewest parts in which no
    part overflows; a story's part depends only on its id and the part count,
    so it moves only when its period splits further.
    """
    if len(entries) <= limit:
        return [entries]
    parts = -(-len(entries) // limit)
    while True:
        buckets: list[list[E]] = [[] for _ in range(parts)]
        for e in entries:
            buckets[zlib.crc32(e.story_id.encode()) % parts].append(e)
        if max(len(b) for b in buckets) <= limit:
            return [b for b in buckets if b]
        parts += 1
