"""Feeds: (FeedMeta, FeedItems) -> bytes, in RSS 2.0, Atom 1.0 and JSON Feed 1.1.

RSS and Atom go through feedgen; what feedgen lacks (Media RSS captions and
credits, dc:creator and dcterms:modified in RSS, the WebSub hub link in RSS)
is added by :class:`SyndicateExtension`, a feedgen extension, not by string
surgery. Dates are machine formats whatever the language: RFC 822 in English
for RSS (feedgen formats them in the C locale), RFC 3339 for Atom and JSON Feed.

feedgen switches the process-wide locale to format RSS dates, which is not
thread-safe: render in processes, not threads.

A story sits in many feeds (its language's, its section's, group's, regions',
tags', authors'): with :class:`Fragments` its ``<item>``, ``<entry>`` and JSON
object are rendered once (by feedgen, a batch of items at a time) and each feed
is its own head and tail with those bytes spliced in. The result is the same
bytes feedgen writes for the whole feed (tests compare the two over a corpus);
rendering every feed whole costs about fifty item renders per feed instead of one
per story.
"""

from __future__ import annotations

import html
import json
import mimetypes
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol
from xml.sax.saxutils import escape

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from lxml import etree

from syndicate.render.items import FeedItem, FeedMeta

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"


def rfc3339(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _mime(url: str, given: str | None, fallback: str) -> str:
    return given or mimetypes.guess_type(url)[0] or fallback


def _content_html(meta: FeedMeta, item: FeedItem) -> str | None:
    """The body, marked right-to-left for RTL languages so readers lay it out right."""
    if not item.body_html:
        return None
    if meta.direction == "rtl":
        return f'<div dir="rtl" lang="{item.lang}">{item.body_html}</div>'
    return item.body_html


class _SyndicateFeed(BaseExtension):  # type: ignore[misc]
    """Feed-level additions: the WebSub hub link in RSS (Atom has it natively)."""

    def __init__(self) -> None:
        self.hub: str | None = None
        self.stylesheet: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS, "dc": DC_NS, "dcterms": DCTERMS_NS}

    def _stylesheet(self, root: Any) -> None:
        """<?xml-stylesheet?> before the root: browsers render the feed as a page."""
        if self.stylesheet:
            pi = etree.ProcessingInstruction(
                "xml-stylesheet",
                f'type="text/xsl" href="{escape(self.stylesheet, {chr(34): "&quot;"})}"',
            )
            root.addprevious(pi)

    def extend_rss(self, rss: Any) -> Any:
        self._stylesheet(rss)
        if self.hub:
            channel = rss[0]
            link = xml_elem(f"{{{ATOM_NS}}}link", channel, href=self.hub, rel="hub")
            # keep it beside the self link, before the items
            channel.remove(link)
            selfs = channel.findall(f"{{{ATOM_NS}}}link")
            at = channel.index(selfs[-1]) + 1 if selfs else len(channel)
            channel.insert(at, link)
        return rss

    def extend_atom(self, feed: Any) -> Any:
        self._stylesheet(feed)
        return feed


class _SyndicateEntry(BaseEntryExtension):  # type: ignore[misc]
    """Entry additions: Media RSS, dc:creator (RSS), dc:source, dcterms:modified (RSS)."""

    def __init__(self) -> None:
        self.item: FeedItem | None = None
        self.links: list[dict[str, str]] = []

    def _media(self, entry: Any) -> None:
        item = self.item
        assert item is not None
        if item.image:
            img = item.image
            el = xml_elem(f"{{{MEDIA_NS}}}content", entry, url=img.url, medium="image")
            el.set("type", _mime(img.url, img.mime, "image/jpeg"))
            if img.width:
                el.set("width", str(img.width))
            if img.height:
                el.set("height", str(img.height))
            if img.caption:
                xml_elem(f"{{{MEDIA_NS}}}description", el, type="plain").text = img.caption
            if img.credit:
                xml_elem(f"{{{MEDIA_NS}}}credit", el).text = img.credit
        if item.video:
            vid = item.video
            el = xml_elem(f"{{{MEDIA_NS}}}content", entry, url=vid.url, medium="video")
            el.set("type", _mime(vid.url, vid.mime, "video/mp4"))
            if vid.duration_s is not None:
                el.set("duration", str(vid.duration_s))
            xml_elem(f"{{{MEDIA_NS}}}title", el, type="plain").text = item.title
            if vid.thumbnail_url:
                xml_elem(f"{{{MEDIA_NS}}}thumbnail", el, url=vid.thumbnail_url)

    def extend_rss(self, entry: Any) -> Any:
        item = self.item
        assert item is not None
        for person in item.authors:
            xml_elem(f"{{{DC_NS}}}creator", entry).text = person.name
        if item.source:
            xml_elem(f"{{{DC_NS}}}source", entry).text = item.source
        if item.updated != item.published:
            xml_elem(f"{{{DCTERMS_NS}}}modified", entry).text = rfc3339(item.updated)
        self._media(entry)
        return entry

    def extend_atom(self, entry: Any) -> Any:
        item = self.item
        assert item is not None
        # feedgen 1.0.0 writes entry links with href only (lkiesow/python-feedgen#135):
        # put back rel, type, hreflang, title and length, in the order they were added.
        for el, link in zip(entry.findall("link"), self.links, strict=True):
            for attr in ("rel", "type", "hreflang", "title", "length"):
                if link.get(attr):
                    el.set(attr, link[attr])
        if not item.summary and not item.body_html:
            # RFC 4287 lets an entry with an alternate link go without text, but readers
            # then show nothing (W3C validator: MissingTextualContent): say the headline.
            summary = xml_elem("summary", entry)
            summary.text = item.title
            entry.insert(entry.index(entry.find("title")) + 1, summary)
        if item.source:
            xml_elem(f"{{{DC_NS}}}source", entry).text = item.source
        self._media(entry)
        return entry


def _generator(meta: FeedMeta) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("syndicate", _SyndicateFeed, _SyndicateEntry)
    fg.syndicate.hub = meta.hub
    fg.syndicate.stylesheet = meta.stylesheet
    fg.id(meta.guid)
    fg.title(meta.title)
    fg.subtitle(meta.description)  # also the RSS description
    fg.language(meta.lang)  # RSS <language>, Atom xml:lang
    fg.author({"name": meta.site_name})
    fg.generator(meta.generator)
    fg.updated(meta.updated)
    fg.lastBuildDate(meta.updated)  # feedgen defaults it to now(): bytes would never repeat
    return fg


def _entries(fg: FeedGenerator, meta: FeedMeta, items: Sequence[FeedItem]) -> None:
    for item in items:
        fe = fg.add_entry(order="append")
        fe.syndicate.item = item
        fe.id(item.guid)
        fe.guid(item.guid, permalink=False)
        fe.title(item.title)
        fe.published(item.published)
        fe.updated(item.updated)
        fe.pubDate(item.published)
        for alt in item.alternates:
            if alt.lang != item.lang:
                fe.link(
                    href=alt.url,
                    rel="alternate",
                    hreflang=alt.lang,
                    type="text/html",
                    title=alt.label,
                )
        if item.video:  # Atom keeps every enclosure; RSS the last one: the image
            fe.link(
                href=item.video.url,
                rel="enclosure",
                type=_mime(item.video.url, item.video.mime, "video/mp4"),
            )
        if item.image:
            fe.link(
                href=item.image.url,
                rel="enclosure",
                type=_mime(item.image.url, item.image.mime, "image/jpeg"),
            )
        # the entry's own page last: feedgen takes the last alternate as the RSS <link>
        fe.syndicate.links = fe.link(
            href=item.url, rel="alternate", hreflang=item.lang, type="text/html"
        )
        if item.summary:
            # RSS readers take <description> as HTML (RSS 2.0: "entity-encoded HTML is
            # allowed"), and the summary is plain text: "<b>" in it is text, not markup.
            # Atom's <summary> and JSON Feed's summary are text as they stand.
            fe.description(html.escape(item.summary, quote=False))
            fe.summary(item.summary)
        content = _content_html(meta, item)
        if content:
            fe.content(content, type="html")
        for person in item.authors:
            fe.author({"name": person.name})
        for cat in item.categories:
            fe.category(term=cat.term, scheme=cat.scheme, label=cat.label)


def _rss_generator(meta: FeedMeta) -> FeedGenerator:
    fg = _generator(meta)
    fg.link(href=meta.self_urls["rss"], rel="self", type="application/rss+xml")
    fg.link(href=meta.site_url, rel="alternate")  # last: feedgen's RSS <link> is the last link
    return fg


def rss(meta: FeedMeta, items: Sequence[FeedItem], fragments: Fragments | None = None) -> bytes:
    """RSS 2.0 (https://www.rssboard.org/rss-specification) with content, dc, Media RSS."""
    if fragments is not None:
        return fragments.splice("rss", meta, items)
    return _whole("rss", meta, items)


def _hex_references(data: bytes) -> bytes:
    """Write ``&`` ``<`` ``>`` as hexadecimal character references in RSS.

    The RSS Advisory Board's profile (https://www.rssboard.org/rss-profile#data-types-characterdata)
    asks for ``&#x26;`` and ``&#x3C;`` rather than ``&amp;`` and ``&lt;``: some readers
    decode entity text twice. lxml escapes with named references only, and
    emits no CDATA here, so the swap is exact: the same document, other spelling.
    """
    return data.replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;").replace(b"&gt;", b"&#x3E;")


def _atom_generator(meta: FeedMeta) -> FeedGenerator:
    fg = _generator(meta)
    fg.link(href=meta.site_url, rel="alternate", type="text/html", hreflang=meta.lang)
    fg.link(href=meta.self_urls["atom"], rel="self", type="application/atom+xml")
    if meta.hub:
        fg.link(href=meta.hub, rel="hub")
    return fg


def atom(meta: FeedMeta, items: Sequence[FeedItem], fragments: Fragments | None = None) -> bytes:
    """Atom 1.0 (RFC 4287); entries link their translations with hreflang."""
    if fragments is not None:
        return fragments.splice("atom", meta, items)
    return _whole("atom", meta, items)


def _whole(fmt: str, meta: FeedMeta, items: Sequence[FeedItem]) -> bytes:
    """An RSS or Atom feed written whole by feedgen."""
    if fmt == "rss":
        fg = _rss_generator(meta)
        _entries(fg, meta, items)
        return _hex_references(bytes(fg.rss_str(pretty=True)))
    fg = _atom_generator(meta)
    _entries(fg, meta, items)
    return bytes(fg.atom_str(pretty=True))


def json_feed(
    meta: FeedMeta, items: Sequence[FeedItem], fragments: Fragments | None = None
) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    if fragments is not None:
        return fragments.splice("json", meta, items)
    feed = _json_head(meta)
    feed["items"] = [_json_item(meta, item) for item in items]
    text = json.dumps(feed, ensure_ascii=False, separators=(",", ":"))  # compact: C encoder
    return text.encode("utf-8") + b"\n"


def _json_head(meta: FeedMeta) -> dict[str, Any]:
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": meta.title,
        "home_page_url": meta.site_url,
        "feed_url": meta.self_urls["json"],
        "description": meta.description,
        "language": meta.lang,
        "authors": [{"name": meta.site_name}],
    }
    if meta.hub:
        feed["hubs"] = [{"type": "WebSub", "url": meta.hub}]
    return feed


def _json_item(meta: FeedMeta, item: FeedItem) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.guid, "url": item.url, "title": item.title}
    content = _content_html(meta, item)
    if content:
        out["content_html"] = content
    else:  # one of content_html / content_text is required
        out["content_text"] = item.summary or item.title
    if item.summary:
        out["summary"] = item.summary
    if item.image:
        out["image"] = item.image.url
    out["date_published"] = rfc3339(item.published)
    out["date_modified"] = rfc3339(item.updated)
    if item.authors:
        out["authors"] = [{"name": p.name} for p in item.authors]
    if item.categories:
        out["tags"] = [c.label for c in item.categories]
    out["language"] = item.lang
    if item.video:
        att: dict[str, Any] = {
            "url": item.video.url,
            "mime_type": _mime(item.video.url, item.video.mime, "video/mp4"),
        }
        if item.video.duration_s is not None:
            att["duration_in_seconds"] = item.video.duration_s
        out["attachments"] = [att]
    ext: dict[str, Any] = {"story_id": item.story_id}
    if item.source:
        ext["source"] = item.source
    translations = [
        {"language": a.lang, "url": a.url} for a in item.alternates if a.lang != item.lang
    ]
    if translations:
        ext["translations"] = translations
    out["_syndicate"] = ext  # JSON Feed extensions start with an underscore
    return out


# Where the items go in a feed feedgen wrote with none: before these closing tags
# (feedgen appends items after every other child; its pretty printing puts each
# item on its own indented lines), and how each item's bytes end.
_TAIL = {"rss": b"  </channel>\n</rss>\n", "atom": b"</feed>\n"}
_ITEM_END = {"rss": b"    </item>\n", "atom": b"  </entry>\n"}


FragmentKey = tuple[str, str, FeedItem]  # (format, direction, item)


class FragmentCache(Protocol):
    """Where fragments are kept: a bounded map (syndicate.caches.Bounded)."""

    weight: int  # bytes held

    def used(self, key: FragmentKey) -> bytes | None: ...
    def __setitem__(self, key: FragmentKey, value: bytes) -> None: ...
    def __len__(self) -> int: ...


class Fragments:
    """Each item's bytes in each format, rendered once and spliced into every feed.

    An item's fragment depends on the item and its language's direction
    (bodies of right-to-left languages are wrapped); the cache is keyed by the
    item itself (an immutable value), so a changed story is a new key. The cache
    is given (syndicate.caches.fragments makes a bounded one).
    """

    def __init__(self, cache: FragmentCache) -> None:
        self._cache = cache
        self.rendered = 0  # item fragments rendered (for tests and benchmarks)

    def __len__(self) -> int:
        return len(self._cache)

    def splice(self, fmt: str, meta: FeedMeta, items: Sequence[FeedItem]) -> bytes:
        if fmt == "json":
            parts = self._get(fmt, meta, items, b"")
            head = json.dumps(_json_head(meta), ensure_ascii=False, separators=(",", ":"))
            return b"".join([head[:-1].encode(), b',"items":[', b",".join(parts), b"]}\n"])
        empty = _whole(fmt, meta, ())
        tail = _TAIL[fmt]
        if not empty.endswith(tail):
            raise ValueError(f"feedgen's {fmt} no longer ends as expected")
        return b"".join([empty[: -len(tail)], *self._get(fmt, meta, items, empty), tail])

    def _get(
        self, fmt: str, meta: FeedMeta, items: Sequence[FeedItem], empty: bytes
    ) -> list[bytes]:
        """The items' fragments: those kept, and the others rendered (a batch at once) and
        kept; held here for this feed, as keeping more may let go of some."""
        held: dict[FragmentKey, bytes] = {}
        missing = []
        for item in items:
            key = (fmt, meta.direction, item)
            if key not in held:
                found = self._cache.used(key)
                if found is None:
                    missing.append(item)
                else:
                    held[key] = found
        missing = list(dict.fromkeys(missing))
        if missing:
            for item, data in zip(missing, self._render(fmt, meta, missing, empty), strict=True):
                held[(fmt, meta.direction, item)] = self._cache[(fmt, meta.direction, item)] = data
            self.rendered += len(missing)
        return [held[(fmt, meta.direction, item)] for item in items]

    def _render(
        self, fmt: str, meta: FeedMeta, items: Sequence[FeedItem], empty: bytes
    ) -> list[bytes]:
        if fmt == "json":
            return [
                json.dumps(_json_item(meta, i), ensure_ascii=False, separators=(",", ":")).encode()
                for i in items
            ]
        whole = _whole(fmt, meta, items)
        tail, end = _TAIL[fmt], _ITEM_END[fmt]
        body = whole[len(empty) - len(tail) : -len(tail)]
        # text and attribute values are escaped (no literal "<"), so an item's closing
        # tag at its indentation appears nowhere else
        parts = [p + end for p in body.split(end)[:-1]]
        if len(parts) != len(items) or b"".join(parts) != body:
            raise ValueError(f"could not cut {fmt} items apart for {meta.key}")
        return parts

    @property
    def bytes(self) -> int:
        """The bytes of fragments kept."""
        return self._cache.weight


Renderer = Callable[[FeedMeta, Sequence[FeedItem], Fragments | None], bytes]
