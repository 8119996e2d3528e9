"""The registry of outputs: one declaration per kind of output, one record per format.

What a format is (its extension, its content type, whether it is worth gzip on
the wire, whether a browser is shown it as a page) and what a kind of output is
(its scopes and how the keys of each are listed, its formats, the class of
Cache-Control its files get, which list shows its files) are said here once.
The publisher (syndicate/publish/), the HTTP app and the nginx configuration
(syndicate/nginx.py writes config/nginx.conf from this) all read them, so a
new kind of output is a new :class:`Kind`, its declaration in :data:`OUTPUTS`
and the module of syndicate/publish/ that renders it.

Kinds and scopes are ``StrEnum``: ``str(key)`` (the outbox rows
``kind:lang:scope:value``), every path and every comparison with the text of a
stored key stay what they were with bare strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import TYPE_CHECKING

from syndicate.render import feeds as render_feeds

if TYPE_CHECKING:
    from syndicate.config import HttpSettings


class Kind(StrEnum):
    FEED = "feed"
    NEWS = "news"
    SITEMAP = "sitemap"
    INDEX = "index"
    ROBOTS = "robots"
    DIRECTORY = "directory"
    STYLESHEET = "stylesheet"
    PING = "ping"


class Scope(StrEnum):
    # a feed's
    ALL = "all"
    SECTION = "section"
    GROUP = "group"
    REGION = "region"
    TAG = "tag"
    COVERAGE = "coverage"
    AUTHOR = "author"
    BREAKING = "breaking"
    # the one scope of each other kind
    PERIOD = "period"
    RECENT = "recent"
    HOST = "host"
    FEEDS = "feeds"
    URL = "url"


class Listing(Enum):
    """How the keys of a scope are listed: which of them exist."""

    HOST = "one per host directory"
    LANGUAGE = "one per language"
    TAXONOMY = "one per language and configured term (sections, groups, regions)"
    CONTENT = "one per language and value the live stories use; gone when none does"
    CHANGE = "none listed: a change names them"


@dataclass(frozen=True)
class Format:
    """A kind of file: how it is named and served."""

    name: str
    extension: str
    media_type: str
    text: bool = True  # UTF-8 text: its content type says charset=utf-8
    compressible: bool = True  # worth gzip on the wire (a .gz file is not)
    # RSS and Atom: a browser shows them as text or downloads them, so a browser is given
    # the page the feed's XSL stylesheet makes of it (HTTP app) or XML it styles (nginx)
    browser_page: bool = False
    # a feed format: how a feed's items become its bytes
    render: render_feeds.Renderer | None = None

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("rss", "rss", "application/rss+xml", browser_page=True, render=render_feeds.rss),
        Format("atom", "atom", "application/atom+xml", browser_page=True, render=render_feeds.atom),
        Format("json", "json", "application/feed+json", render=render_feeds.json_feed),
        Format("xml", "xml", "application/xml"),
        Format("gz", "gz", "application/gzip", text=False, compressible=False),
        Format("html", "html", "text/html"),
        Format("txt", "txt", "text/plain"),
        Format("opml", "opml", "text/x-opml"),
        Format("xsl", "xsl", "text/xsl"),
    )
}
# manifest.json, beside the outputs: UTF-8 JSON, its content type the bare media type
MANIFEST = Format("manifest", "json", "application/json")


@dataclass(frozen=True)
class Caching:
    """A class of ``[http.cache_control]`` and the URL paths of the files in it, as a
    regular expression for a server that sees paths, not keys (nginx's ``map``)."""

    cls: str
    paths: str


@dataclass(frozen=True)
class Output:
    """A kind of output: what it is, which keys it has, what it renders to, how it is cached."""

    kind: Kind
    about: str
    keys: Mapping[Scope, Listing]  # its scopes, each with how its keys are listed
    formats: tuple[str, ...]  # the formats it may render (feeds: those configured)
    caching: Caching | None  # None: not a file
    scope_caching: Mapping[Scope, Caching] = field(default_factory=dict)
    # the kind of the list that shows this kind's files, in the language's host or language
    listed_in: Kind | None = None
    # the list shows each file's last change (a sitemap index's lastmod), not only its URL
    listed_with_changes: bool = False
    # it lists other outputs as committed, so a publish renders it after all the others
    lists_outputs: bool = False

    @property
    def per_host(self) -> bool:
        """Its keys name a host directory, not a language."""
        return Listing.HOST in self.keys.values()


def _sitemap(kind: Kind, about: str, keys: Mapping[Scope, Listing], cache: Caching) -> Output:
    """A kind of sitemap: XML files (and their gzip twins), each shown with its last change
    in its host's sitemap index."""
    return Output(
        kind, about, keys, ("xml", "gz"), cache, listed_in=Kind.INDEX, listed_with_changes=True
    )


_FEED_FILES = "|".join(FORMATS[f].extension for f in ("rss", "atom", "json"))

# In the order nginx tries their paths, the first match winning: the news sitemap before the
# other sitemaps, whose directory it shares.
OUTPUTS: dict[Kind, Output] = {
    o.kind: o
    for o in (
        Output(
            Kind.FEED,
            "the latest stories of a language and scope, in each configured format",
            {
                Scope.ALL: Listing.LANGUAGE,
                Scope.SECTION: Listing.TAXONOMY,
                Scope.GROUP: Listing.TAXONOMY,
                Scope.REGION: Listing.TAXONOMY,
                Scope.TAG: Listing.CONTENT,
                Scope.COVERAGE: Listing.CONTENT,
                Scope.AUTHOR: Listing.CONTENT,
                Scope.BREAKING: Listing.LANGUAGE,
            },
            ("rss", "atom", "json"),
            Caching("feed", rf"/feeds/.+\.({_FEED_FILES})$"),
            {Scope.BREAKING: Caching("breaking", rf"/feeds/breaking\.({_FEED_FILES})$")},
            listed_in=Kind.DIRECTORY,
        ),
        _sitemap(
            Kind.NEWS,
            "a language's Google News sitemap: its stories of the last 48 hours",
            {Scope.RECENT: Listing.LANGUAGE},
            Caching("news", r"/sitemaps/news(\.[0-9]+)?\.xml(\.gz)?$"),
        ),
        _sitemap(
            Kind.SITEMAP,
            "a language's URLs first published in one period (a day, a week or a month)",
            {Scope.PERIOD: Listing.CONTENT},
            Caching("sitemap", "/sitemaps/"),
        ),
        Output(
            Kind.INDEX,
            "a host's sitemap index: every sitemap of its languages",
            {Scope.HOST: Listing.HOST},
            ("xml",),
            Caching("index", r"/sitemap\.xml(\.gz)?$"),
            lists_outputs=True,
        ),
        Output(
            Kind.ROBOTS,
            "a host's robots.txt (and IndexNow's key file)",
            {Scope.HOST: Listing.HOST},
            ("txt",),
            Caching("default", r"/robots\.txt$"),
        ),
        Output(
            Kind.DIRECTORY,
            "a language's feed directory: an HTML page and an OPML file of every feed",
            {Scope.FEEDS: Listing.LANGUAGE},
            ("html", "opml"),
            Caching("page", r"/feeds/(index\.html|feeds\.opml)$"),
            lists_outputs=True,
        ),
        Output(
            Kind.STYLESHEET,
            "the XSL stylesheet a browser applies to a language's RSS and Atom feeds",
            {Scope.FEEDS: Listing.LANGUAGE},
            ("xsl",),
            Caching("page", r"/feeds/feed\.xsl$"),
        ),
        Output(
            Kind.PING,
            "not an output: an article URL that changed, announced (IndexNow) after a publish",
            {Scope.URL: Listing.CHANGE},
            (),
            None,
        ),
    )
}

# feeds that exist only while they have stories (the others always exist)
CONTENT_SCOPES: tuple[Scope, ...] = tuple(
    s for s, listing in OUTPUTS[Kind.FEED].keys.items() if listing is Listing.CONTENT
)
# the classes of [http.cache_control]: "default" and those of the outputs
CACHE_CLASSES: tuple[str, ...] = tuple(
    dict.fromkeys(
        ["default"]
        + [
            c.cls
            for o in OUTPUTS.values()
            for c in (*o.scope_caching.values(), o.caching)
            if c is not None
        ]
    )
)


def caching(kind: Kind, scope: Scope | None = None) -> Caching:
    """The cache class of a key's files (a feed's breaking scope has its own)."""
    out = OUTPUTS[kind]
    found = out.scope_caching.get(scope, out.caching) if scope else out.caching
    if found is None:
        raise ValueError(f"{kind} outputs are not files")
    return found


def cache_control(http: HttpSettings, kind: Kind, scope: Scope | None = None) -> str:
    """The Cache-Control header of the files of a key of this kind and scope."""
    cls = caching(kind, scope).cls
    return http.cache_control.get(cls) or http.cache_control["default"]


def _media_types(formats: Iterable[Format]) -> tuple[str, ...]:
    return tuple(f.media_type for f in formats)


# read on every served file: worked out once
_FEED_TYPES = _media_types(FORMATS[f] for f in OUTPUTS[Kind.FEED].formats)
_BROWSER_PAGE_TYPES = _media_types(f for f in FORMATS.values() if f.browser_page)
_COMPRESSIBLE_TYPES = _media_types(f for f in (*FORMATS.values(), MANIFEST) if f.compressible)


def is_feed(content_type: str) -> bool:
    """A feed's file (CORS may open it to every origin)."""
    return content_type.startswith(_FEED_TYPES)


def is_browser_page(content_type: str) -> bool:
    """A file a browser is shown as the page its XSL stylesheet makes of it."""
    return content_type.startswith(_BROWSER_PAGE_TYPES)


def is_compressible(content_type: str) -> bool:
    """Worth gzip on the wire: every text format, manifest.json too."""
    return content_type.startswith(_COMPRESSIBLE_TYPES)
