"""The settings: one frozen dataclass per TOML table.

Each field's type carries its checks, its default and its :class:`Doc` (see
``checks``); one reader (``validating``) builds these from the tables by those types,
and the reference (``reference``) lists them. The converters here turn a table whose
shape the file's names give (``[languages.CODE]``, ``[sections.KEY]``, a partial
``[http.cache_control]``) into the fields of its dataclass.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from syndicate.config.checks import (
    After,
    Before,
    Doc,
    Duration,
    Flag,
    HeaderValue,
    HttpUrl,
    Invalid,
    Kind,
    OptionalText,
    PositiveInt,
    at_most,
    blank_is_none,
    hour,
    job_count,
    matching,
    relative_dir,
    stripped,
)

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
FORMATS: tuple[Format, ...] = ("rss", "atom", "json")
Format = Literal["rss", "atom", "json"]
CACHE_CLASSES = ("default", "breaking", "feed", "sitemap", "news", "index", "page")


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47 tag as configured, e.g. "es-419": the table's name
    site_name: Annotated[str, Doc("the site's name, the title of its feeds")]
    base_url: Annotated[
        str,
        matching(r"^https?://[^/\s]+/(.*/)?$", "must be an absolute http(s) URL ending in '/'"),
        Doc("where the language's site (and its feeds) live; ends with '/'"),
    ]
    path: Annotated[
        str,
        After(relative_dir),
        Doc(
            "the language's directory under output_dir, served at base_url; it ends with "
            "the base URL's path",
            default="the language code",
        ),
    ]
    description: Annotated[str, Doc("the feeds' description", default='`""`')]
    direction: str  # "ltr" or "rtl", from CLDR

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.code, sep="-")

    @property
    def host_url(self) -> str:
        """The root of the language's host: robots.txt and the sitemap index live there."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}/"

    @property
    def host_dir(self) -> str:
        """The directory served at ``host_url``: ``path`` less the base URL's own path.

        ``base_url = http://h/en/`` with ``path = "en"`` gives "" (the output root);
        ``base_url = https://english.example.net/`` with ``path = "english.example.net"``
        gives "english.example.net". Config validation guarantees the suffix matches.
        """
        url_segments = [s for s in urlsplit(self.base_url).path.split("/") if s]
        segments = self.path.split("/")
        return "/".join(segments[: len(segments) - len(url_segments)])


def _language_tables(raw: Any) -> Any:
    """[languages.CODE] tables as Language's fields: the code from the table's name,
    the direction from CLDR, the defaults that depend on the code."""
    if not isinstance(raw, Mapping) or not raw:
        raise Invalid("", "at least one [languages.CODE] table is required")
    out = {}
    for code, table in raw.items():
        if not isinstance(table, Mapping):
            raise Invalid(code, "must be a table")
        try:
            direction = Locale.parse(code, sep="-").text_direction
        except (UnknownLocaleError, ValueError):
            raise Invalid(code, f"'{code}' is not a known language tag") from None
        for derived in {"code", "direction"} & table.keys():
            raise Invalid(f"{code}.{derived}", "unknown setting")
        out[code] = {"path": code, "description": "", **table, "code": code}
        out[code]["direction"] = direction
    return out


@dataclass(frozen=True)
class Term:
    """A taxonomy entry (section, group, region or coverage topic)."""

    key: str
    labels: Mapping[str, str]
    group: str | None = None

    def label(self, lang: str) -> str:
        """The display name in ``lang``; a term missing a label shows its key."""
        return self.labels.get(lang) or self.key.replace("-", " ").capitalize()


def _term_tables(raw: Any) -> Any:
    """[KIND.KEY] tables of ``language = label`` (and ``group``) as Term's fields."""
    if not isinstance(raw, Mapping):
        return raw  # its type check says it must be a table
    out = {}
    for key, table in raw.items():
        if not KEY_RE.match(key):
            raise Invalid(key, "keys are lowercase a-z, 0-9 and '-'")
        if not isinstance(table, Mapping):
            raise Invalid(key, "must be a table of language = label")
        labels = {k: v for k, v in table.items() if k != "group"}
        for lang, label in labels.items():
            if not isinstance(label, str) or not label.strip():
                raise Invalid(f"{key}.{lang}", "label must be a non-empty string")
        group = table.get("group")
        if group is not None and not isinstance(group, str):
            raise Invalid(f"{key}.group", "must be a group key")
        out[key] = {"key": key, "labels": labels, "group": group}
    return out


Terms = Annotated[Mapping[str, Term], Before(_term_tables), Kind("tables of language = label")]


@dataclass(frozen=True)
class Taxonomy:
    sections: Annotated[
        Terms, Doc("[sections.KEY]: a section; `group` names its menu group; one at least")
    ] = field(default_factory=dict)
    groups: Annotated[Terms, Doc("[groups.KEY]: a menu group; its feed holds its sections'")] = (
        field(default_factory=dict)
    )
    regions: Annotated[Terms, Doc("[regions.KEY]: a region")] = field(default_factory=dict)
    coverage: Annotated[
        Terms, Doc("[coverage.KEY]: labels of a coverage topic; without, it shows its key")
    ] = field(default_factory=dict)

    def coverage_term(self, key: str) -> Term:
        return self.coverage.get(key) or Term(key, {})


@dataclass(frozen=True)
class FeedSettings:
    items: Annotated[
        PositiveInt, Doc("latest N live variants per feed", "SYNDICATE_FEEDS_ITEMS")
    ] = 50
    tag_min_stories: Annotated[
        PositiveInt,
        Doc(
            "a tag gets its own feed from this many live stories", "SYNDICATE_FEEDS_TAG_MIN_STORIES"
        ),
    ] = 3
    formats: Annotated[tuple[Format, ...], Doc("the formats each feed is written in")] = FORMATS
    websub_hub: Annotated[
        HttpUrl,
        Doc("the WebSub hub feeds name and ping; none if empty", "SYNDICATE_FEEDS_WEBSUB_HUB"),
    ] = None
    embed_hosts: Annotated[
        tuple[str, ...], Doc("iframes in bodies survive sanitizing only from these hosts")
    ] = ()
    generator: Annotated[str, Doc("the feeds' generator element")] = "syndicate"


@dataclass(frozen=True)
class BreakingSettings:
    lifetime: Annotated[
        Duration,
        Doc(
            "an item without expires_at leaves the ticker after this", "SYNDICATE_BREAKING_LIFETIME"
        ),
    ] = timedelta(hours=6)
    items: Annotated[PositiveInt, Doc("at most this many items in a breaking feed")] = 30


@dataclass(frozen=True)
class SitemapSettings:
    period: Annotated[
        Literal["day", "week", "month"],
        Doc(
            "a URL's sitemap file is fixed by its variant's first-publication date, cut by "
            "this period; week cuts each month at days 8, 15 and 22, so no file spans months"
        ),
    ] = "week"
    max_urls: Annotated[
        PositiveInt,
        at_most(50_000, "the protocol's limit"),
        Doc("URLs per file; a fuller period splits by hash"),
    ] = 50_000
    news_window: Annotated[Duration, Doc("how long a story stays in the news sitemap")] = timedelta(
        hours=48
    )
    news_max: Annotated[
        PositiveInt, at_most(1_000, "Google News's limit"), Doc("entries per news sitemap file")
    ] = 1_000
    x_default: Annotated[
        OptionalText,
        Doc(
            'the language whose URL is hreflang="x-default"; "" for none',
            default="the first language",
        ),
    ] = None
    gzip: Annotated[Flag, Doc("also write .xml.gz twins")] = False
    gzip_canonical: Annotated[Flag, Doc("the sitemap index lists the .xml.gz twins")] = False


@dataclass(frozen=True)
class NotifySettings:
    """Pushes after a publish: WebSub (feeds.websub_hub) and IndexNow."""

    indexnow_endpoint: Annotated[
        HttpUrl,
        Doc("e.g. https://api.indexnow.org/indexnow; none if empty", "SYNDICATE_INDEXNOW_ENDPOINT"),
    ] = None
    indexnow_key: Annotated[
        OptionalText,
        matching(r"^[A-Za-z0-9-]{8,128}$", "8-128 of a-z, A-Z, 0-9 and '-'"),
        Doc("required with an endpoint; published as /{key}.txt", "SYNDICATE_INDEXNOW_KEY"),
    ] = None
    timeout: Annotated[Duration, Doc("how long a WebSub or IndexNow request may take")] = timedelta(
        seconds=10
    )


@dataclass(frozen=True)
class WorkerSettings:
    coalesce: Annotated[
        Duration, Doc("a burst of changes within it renders once", "SYNDICATE_WORKERS_COALESCE")
    ] = timedelta(milliseconds=250)
    tick: Annotated[
        Duration, Doc("the periodic incremental publish (safety net)", "SYNDICATE_WORKERS_TICK")
    ] = timedelta(seconds=5)
    reconcile: Annotated[Duration, Doc("a full render, rewriting drifted files")] = timedelta(
        hours=1
    )
    sitemap_rebuild_hour: Annotated[
        int, Before(hour), Kind("hour"), Doc("the nightly full sitemap rebuild, UTC")
    ] = 3
    concurrency: Annotated[PositiveInt, Doc("worker processes")] = 2
    queue: Annotated[
        str,
        matching(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", "1-100 of a-z, A-Z, 0-9, '.', '_' and '-'"),
        Doc(
            "the broker queue: one per site sharing a Redis or RabbitMQ", "SYNDICATE_WORKERS_QUEUE"
        ),
    ] = "syndicate"
    state_dir: Annotated[
        Path | None,
        Before(blank_is_none),
        Doc(
            "beat's schedule file; empty: beside the SQLite file, else the working directory",
            "SYNDICATE_WORKERS_STATE_DIR",
        ),
    ] = None


@dataclass(frozen=True)
class S3Settings:
    endpoint_url: Annotated[
        OptionalText,
        Doc("an S3-compatible store's API (MinIO, R2...); empty: AWS", "SYNDICATE_S3_ENDPOINT_URL"),
    ] = None
    region: Annotated[OptionalText, Doc("the bucket's region", "SYNDICATE_S3_REGION")] = None


@dataclass(frozen=True)
class PublishSettings:
    jobs: Annotated[
        int,
        Before(job_count),
        Kind('0, "auto" or a positive integer'),
        Doc(
            "processes a big publish renders in, the calling one included; 0 or auto: one per core",
            "SYNDICATE_PUBLISH_JOBS",
        ),
    ] = 0
    parallel_min: Annotated[
        PositiveInt, Doc("fewer outputs than this render in the calling process")
    ] = 200
    batch: Annotated[
        PositiveInt,
        Doc("outbox rows a worker's drain claims at a time", "SYNDICATE_PUBLISH_BATCH"),
    ] = 500
    fsync: Annotated[
        Flag,
        Doc(
            "flush each written file and its directory to the disk before going on, so a "
            "power loss leaves the old file or the new one; off only where that cannot "
            "matter (a tmpfs, the tests)",
            "SYNDICATE_PUBLISH_FSYNC",
        ),
    ] = True

    @property
    def processes(self) -> int:
        return self.jobs or os.cpu_count() or 1


CACHE_CONTROL = {
    "default": "public, max-age=60",
    "breaking": "public, max-age=15",
    "sitemap": "public, max-age=900",
    "news": "public, max-age=120",
    "index": "public, max-age=300",
}


def _cache_control(raw: Any) -> Any:
    """A partial [http.cache_control] keeps the defaults of the classes it leaves out."""
    if not isinstance(raw, Mapping):
        return raw  # its type check says it must be a table
    for cls in raw.keys() - CACHE_CLASSES:
        raise Invalid(cls, f"unknown class (one of {', '.join(CACHE_CLASSES)})")
    return {**CACHE_CONTROL, **raw}


@dataclass(frozen=True)
class HttpSettings:
    """The built-in server: request limits, security headers and the Cache-Control of each
    class of output."""

    max_body: Annotated[PositiveInt, Doc("bytes of one story or breaking item (413 above)")] = (
        1 << 20
    )
    max_bulk: Annotated[PositiveInt, Doc("bytes of an NDJSON batch at /api/import")] = 64 << 20
    rate_limit: Annotated[
        PositiveInt,
        Doc(
            "API requests a minute per key, per API process (429 above)",
            "SYNDICATE_HTTP_RATE_LIMIT",
        ),
    ] = 1200
    rate_burst: Annotated[
        PositiveInt, Doc("API requests a key may make at once", "SYNDICATE_HTTP_RATE_BURST")
    ] = 100
    auth_failure_limit: Annotated[
        PositiveInt,
        Doc(
            "failed authentications a minute per client address (429 above)",
            "SYNDICATE_HTTP_AUTH_FAILURE_LIMIT",
        ),
    ] = 10
    body_timeout: Annotated[
        Duration,
        Doc(
            "a request body must arrive whole within this (408 after)",
            "SYNDICATE_HTTP_BODY_TIMEOUT",
        ),
    ] = timedelta(seconds=60)
    request_timeout: Annotated[
        Duration,
        Doc(
            "an API request must be answered within this (503 after)",
            "SYNDICATE_HTTP_REQUEST_TIMEOUT",
        ),
    ] = timedelta(seconds=120)
    cors_feeds: Annotated[
        Flag, Doc("Access-Control-Allow-Origin: * on published feeds", "SYNDICATE_HTTP_CORS_FEEDS")
    ] = False
    hsts: Annotated[
        str,
        Before(stripped),
        matching(
            r"^(max-age=\d+(\s*;\s*(includeSubDomains|preload))*)?$",
            'a Strict-Transport-Security value such as "max-age=31536000; includeSubDomains", '
            'or "" for none',
        ),
        Doc("Strict-Transport-Security, sent on HTTPS requests only", "SYNDICATE_HTTP_HSTS"),
    ] = ""
    cache_control: Annotated[
        Mapping[str, HeaderValue],
        Before(_cache_control),
        Doc('Cache-Control by class of output; "page" is the feed directory and stylesheets'),
    ] = field(default_factory=lambda: dict(CACHE_CONTROL))


@dataclass(frozen=True, kw_only=True)
class Settings:
    source: str  # where the settings came from, for messages
    site_id: Annotated[
        str,
        Doc(
            "a stable name for this deployment: feed and entry ids derive from it, so "
            "changing it makes every reader see every item as new"
        ),
    ] = "syndicate"
    database_url: Annotated[
        str,
        Doc("SQLAlchemy URL of the store: SQLite or PostgreSQL", "SYNDICATE_DATABASE_URL"),
    ] = "sqlite:///var/syndicate.db"
    output_dir: Annotated[
        Path, Doc("where published files are written", "SYNDICATE_OUTPUT_DIR")
    ] = Path("public")
    broker_url: Annotated[
        OptionalText,
        Doc("Redis or RabbitMQ URL of the workers' broker", "SYNDICATE_BROKER_URL"),
    ] = None
    output_url: Annotated[
        str,
        matching(r"^(s3://[^/\s]+(/\S*)?|file:///\S*|)$", "s3://BUCKET/PREFIX or file:///DIR"),
        Doc("where published files go instead of output_dir", "SYNDICATE_OUTPUT_URL"),
    ] = ""
    taxonomy: Annotated[
        Taxonomy,
        Kind("path"),
        Doc(
            "the taxonomy file, relative to this file", default="none: its tables sit in this file"
        ),
    ]
    languages: Annotated[Mapping[str, Language], Before(_language_tables)]
    feeds: Annotated[FeedSettings, Doc("Feeds")] = field(default_factory=FeedSettings)
    breaking: Annotated[BreakingSettings, Doc("Breaking news")] = field(
        default_factory=BreakingSettings
    )
    sitemaps: Annotated[SitemapSettings, Doc("Sitemaps")] = field(default_factory=SitemapSettings)
    workers: Annotated[WorkerSettings, Doc("Workers")] = field(default_factory=WorkerSettings)
    notify: Annotated[NotifySettings, Doc("Pushes after a publish")] = field(
        default_factory=NotifySettings
    )
    http: Annotated[HttpSettings, Doc("The built-in HTTP server")] = field(
        default_factory=HttpSettings
    )
    publish: Annotated[PublishSettings, Doc("Publishing")] = field(default_factory=PublishSettings)
    s3: Annotated[S3Settings, Doc("The S3 output target (output_url = s3://...)")] = field(
        default_factory=S3Settings
    )

    def language(self, code: str) -> Language:
        return self.languages[code]

    def match_language(self, tag: str) -> str | None:
        """The configured code for a BCP 47 tag, compared case-insensitively."""
        wanted = tag.replace("_", "-").lower()
        for code in self.languages:
            if code.lower() == wanted:
                return code
        return None
