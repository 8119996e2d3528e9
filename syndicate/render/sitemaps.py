"""Sitemaps: urlsets (hreflang, image and video extensions), Google News, the index, robots.txt.

Written incrementally with ``lxml.etree.xmlfile``: entries stream in from the
store and out as bytes, so nothing here holds more than one entry at a time.
Protocols: https://www.sitemaps.org/protocol.html; hreflang alternates as
xhtml:link (https://developers.google.com/search/docs/specialty/international/localized-versions#sitemap);
the image, video and news extensions per Google's schemas (../shared/schemas).
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from lxml import etree

from syndicate.render.items import IndexEntry, NewsEntry, SitemapEntry

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
IMAGE = "http://www.google.com/schemas/sitemap-image/1.1"
VIDEO = "http://www.google.com/schemas/sitemap-video/1.1"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
VIDEO_TITLE_MAX = 100  # sitemap-video.xsd
VIDEO_DESCRIPTION_MAX = 2048
VIDEO_DURATION_MAX = 28_800


def w3c_datetime(dt: datetime) -> str:
    """W3C Datetime (the sitemap protocol's lastmod), in UTC to the second."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


Writer = Any  # lxml.etree._IncrementalFileWriter, which lxml does not export


def _leaf(xf: Writer, tag: str, text: str | None = None, depth: int = 2, **attrib: str) -> None:
    """One element, written inside the open parent so namespaces are declared once, at the root."""
    xf.write("\n" + "  " * depth)
    with xf.element(tag, attrib):
        if text is not None:
            xf.write(text)


def urlset(entries: Iterable[SitemapEntry]) -> bytes:
    buf = io.BytesIO()
    nsmap = {None: SM, "xhtml": XHTML, "image": IMAGE, "video": VIDEO}
    with etree.xmlfile(buf, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{SM}}}urlset", nsmap=nsmap):
            for e in entries:
                _url(xf, e)
            xf.write("\n")
    return buf.getvalue() + b"\n"


_URL_END = b"\n  </url>"
T = TypeVar("T")


def cut_apart(render: Callable[[Sequence[T]], bytes], entries: Sequence[T]) -> list[bytes]:
    """Each entry's ``<url>`` element as ``render`` writes it, cut out of one render.

    Text and attribute values are escaped (no literal "<"), so a URL's closing
    tag at its indentation appears nowhere else.
    """
    head, tail = _ends(render)
    body = render(entries)[len(head) : -len(tail)]
    parts = [p + _URL_END for p in body.split(_URL_END)[:-1]]
    if len(parts) != len(entries) or b"".join(parts) != body:
        raise ValueError("could not cut a urlset's entries apart")
    return parts


def splice(render: Callable[[Sequence[T]], bytes], fragments: Iterable[bytes]) -> bytes:
    """The bytes ``render`` writes for the entries whose elements ``cut_apart`` gave."""
    head, tail = _ends(render)
    return b"".join([head, *fragments, tail])


_TAIL = b"\n</urlset>\n"


def _ends(render: Callable[[Sequence[T]], bytes]) -> tuple[bytes, bytes]:
    """A urlset's bytes before its first entry and after its last (an empty one, cut)."""
    empty = render(())
    if not empty.endswith(_TAIL):
        raise ValueError("a urlset no longer ends as expected")
    return empty[: -len(_TAIL)], _TAIL


def _url(xf: Writer, e: SitemapEntry) -> None:
    xf.write("\n  ")
    with xf.element(f"{{{SM}}}url"):
        _leaf(xf, f"{{{SM}}}loc", e.loc)
        _leaf(xf, f"{{{SM}}}lastmod", w3c_datetime(e.lastmod))
        if len(e.alternates) > 1 or e.x_default:
            for hreflang, href in e.alternates:
                _leaf(xf, f"{{{XHTML}}}link", rel="alternate", hreflang=hreflang, href=href)
            if e.x_default:
                _leaf(
                    xf, f"{{{XHTML}}}link", rel="alternate", hreflang="x-default", href=e.x_default
                )
        if e.image:
            xf.write("\n    ")
            with xf.element(f"{{{IMAGE}}}image"):
                _leaf(xf, f"{{{IMAGE}}}loc", e.image.url, 3)
                if e.image.caption:
                    _leaf(xf, f"{{{IMAGE}}}caption", e.image.caption, 3)
                xf.write("\n    ")
        if e.video and (e.video.thumbnail_url or e.image):  # the schema requires a thumbnail
            xf.write("\n    ")
            with xf.element(f"{{{VIDEO}}}video"):
                thumb = e.video.thumbnail_url or (e.image.url if e.image else "")
                _leaf(xf, f"{{{VIDEO}}}thumbnail_loc", thumb, 3)
                _leaf(xf, f"{{{VIDEO}}}title", _cut(e.title, VIDEO_TITLE_MAX), 3)
                description = _cut(e.description or e.title, VIDEO_DESCRIPTION_MAX)
                _leaf(xf, f"{{{VIDEO}}}description", description, 3)
                _leaf(xf, f"{{{VIDEO}}}content_loc", e.video.url, 3)
                duration = e.video.duration_s
                if duration is not None and 0 < duration <= VIDEO_DURATION_MAX:
                    _leaf(xf, f"{{{VIDEO}}}duration", str(duration), 3)
                xf.write("\n    ")
        xf.write("\n  ")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def news_urlset(entries: Iterable[NewsEntry], *, publication: str, language: str) -> bytes:
    """A Google News sitemap (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap)."""
    buf = io.BytesIO()
    with etree.xmlfile(buf, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{SM}}}urlset", nsmap={None: SM, "news": NEWS}):
            for e in entries:
                xf.write("\n  ")
                with xf.element(f"{{{SM}}}url"):
                    _leaf(xf, f"{{{SM}}}loc", e.loc)
                    xf.write("\n    ")
                    with xf.element(f"{{{NEWS}}}news"):
                        xf.write("\n      ")
                        with xf.element(f"{{{NEWS}}}publication"):
                            _leaf(xf, f"{{{NEWS}}}name", publication, 4)
                            _leaf(xf, f"{{{NEWS}}}language", language, 4)
                            xf.write("\n      ")
                        _leaf(xf, f"{{{NEWS}}}publication_date", w3c_datetime(e.published), 3)
                        _leaf(xf, f"{{{NEWS}}}title", e.title, 3)
                        xf.write("\n    ")
                    xf.write("\n  ")
            xf.write("\n")
    return buf.getvalue() + b"\n"


def news_language(tag: str) -> str:
    """Google News wants an ISO 639 code (zh-cn and zh-tw excepted): es-419 -> es."""
    low = tag.lower()
    if low in ("zh-cn", "zh-tw"):
        return low
    if low.startswith(("zh-hans", "zh-sg")):
        return "zh-cn"
    if low.startswith(("zh-hant", "zh-hk", "zh-mo")):
        return "zh-tw"
    return low.split("-")[0]


def sitemap_index(entries: Iterable[IndexEntry]) -> bytes:
    buf = io.BytesIO()
    with etree.xmlfile(buf, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{SM}}}sitemapindex", nsmap={None: SM}):
            for e in entries:
                xf.write("\n  ")
                with xf.element(f"{{{SM}}}sitemap"):
                    _leaf(xf, f"{{{SM}}}loc", e.loc)
                    if e.lastmod is not None:
                        _leaf(xf, f"{{{SM}}}lastmod", w3c_datetime(e.lastmod))
                    xf.write("\n  ")
            xf.write("\n")
    return buf.getvalue() + b"\n"


def robots_txt(host_url: str, sitemap_url: str) -> bytes:
    """robots.txt (RFC 9309) pointing crawlers at the host's sitemap index."""
    return (
        f"# {host_url}robots.txt, written by syndicate\n"
        "User-agent: *\n"
        "Allow: /\n"
        "\n"
        f"Sitemap: {sitemap_url}\n"
    ).encode()


def gzipped(data: bytes) -> bytes:
    """gzip with a zero timestamp: the same bytes in give the same bytes out."""
    return gzip.compress(data, compresslevel=9, mtime=0)
