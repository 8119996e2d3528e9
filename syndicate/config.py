"""Settings: one TOML file plus environment overrides, validated once at start.

The file is found from ``--config PATH``, else ``$SYNDICATE_CONFIG``, else
``config/default.toml`` (the embedded default). Environment variables override
single settings (see ``ENV_OVERRIDES``). Relative paths in the file
(``database_url`` for SQLite, ``output_dir``) resolve against the working
directory; ``taxonomy`` resolves against the directory of the config file.

Every problem raises :class:`ConfigError` naming the file and the setting.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from babel import Locale, UnknownLocaleError

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config" / "default.toml"

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
FORMATS = ("rss", "atom", "json")

# Environment variable -> dotted setting. Documented in the README.
ENV_OVERRIDES = {
    "SYNDICATE_DATABASE_URL": "database_url",
    "SYNDICATE_OUTPUT_DIR": "output_dir",
    "SYNDICATE_BROKER_URL": "broker_url",
    "SYNDICATE_FEEDS_ITEMS": "feeds.items",
    "SYNDICATE_FEEDS_TAG_MIN_STORIES": "feeds.tag_min_stories",
    "SYNDICATE_FEEDS_WEBSUB_HUB": "feeds.websub_hub",
    "SYNDICATE_BREAKING_LIFETIME": "breaking.lifetime",
    "SYNDICATE_WORKERS_TICK": "workers.tick",
    "SYNDICATE_INDEXNOW_ENDPOINT": "notify.indexnow_endpoint",
    "SYNDICATE_INDEXNOW_KEY": "notify.indexnow_key",
    "SYNDICATE_WORKERS_COALESCE": "workers.coalesce",
    "SYNDICATE_WORKERS_QUEUE": "workers.queue",
    "SYNDICATE_WORKERS_STATE_DIR": "workers.state_dir",
    "SYNDICATE_PUBLISH_JOBS": "publish.jobs",
    "SYNDICATE_PUBLISH_BATCH": "publish.batch",
    "SYNDICATE_OUTPUT_URL": "output_url",
    "SYNDICATE_S3_ENDPOINT_URL": "s3.endpoint_url",
    "SYNDICATE_S3_REGION": "s3.region",
    "SYNDICATE_HTTP_RATE_LIMIT": "http.rate_limit",
    "SYNDICATE_HTTP_RATE_BURST": "http.rate_burst",
    "SYNDICATE_HTTP_AUTH_FAILURE_LIMIT": "http.auth_failure_limit",
    "SYNDICATE_HTTP_BODY_TIMEOUT": "http.body_timeout",
    "SYNDICATE_HTTP_REQUEST_TIMEOUT": "http.request_timeout",
    "SYNDICATE_HTTP_CORS_FEEDS": "http.cors_feeds",
    "SYNDICATE_HTTP_HSTS": "http.hsts",
}


class ConfigError(Exception):
    """A setting is missing or wrong; the message names it."""


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47 tag as configured, e.g. "es-419"
    site_name: str
    base_url: str  # where the language's site lives; ends with "/"
    path: str  # the language's directory under the output directory
    description: str
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


@dataclass(frozen=True)
class Term:
    """A taxonomy entry (section, group, region or coverage topic)."""

    key: str
    labels: Mapping[str, str]
    group: str | None = None

    def label(self, lang: str) -> str:
        """The display name in ``lang``; a term missing a label shows its key."""
        return self.labels.get(lang) or self.key.replace("-", " ").capitalize()


@dataclass(frozen=True)
class Taxonomy:
    sections: Mapping[str, Term]
    groups: Mapping[str, Term]
    regions: Mapping[str, Term]
    coverage: Mapping[str, Term]

    def coverage_term(self, key: str) -> Term:
        return self.coverage.get(key) or Term(key, {})


@dataclass(frozen=True)
class FeedSettings:
    items: int = 50
    tag_min_stories: int = 3
    formats: tuple[str, ...] = FORMATS
    websub_hub: str | None = None
    embed_hosts: tuple[str, ...] = ()
    generator: str = "syndicate"


@dataclass(frozen=True)
class BreakingSettings:
    lifetime: timedelta = timedelta(hours=6)
    items: int = 30


PERIODS = ("day", "week", "month")


@dataclass(frozen=True)
class SitemapSettings:
    # A URL's sitemap file is fixed by its variant's first-publication date:
    # "week" cuts each month at days 8, 15 and 22, so a file never spans months.
    period: str = "week"
    max_urls: int = 50_000  # per file (the protocol's limit); a fuller period splits by hash
    news_window: timedelta = timedelta(hours=48)
    news_max: int = 1_000  # entries per news sitemap file (Google's limit)
    x_default: str | None = None  # language whose URL is hreflang="x-default"
    gzip: bool = False  # also write .xml.gz twins
    gzip_canonical: bool = False  # the index lists the .xml.gz twins


@dataclass(frozen=True)
class NotifySettings:
    """Pushes after a publish: WebSub (feeds.websub_hub) and IndexNow."""

    indexnow_endpoint: str | None = None  # e.g. https://api.indexnow.org/indexnow
    indexnow_key: str | None = None  # 8-128 of a-z A-Z 0-9 -; published as /{key}.txt
    timeout: timedelta = timedelta(seconds=10)


@dataclass(frozen=True)
class WorkerSettings:
    coalesce: timedelta = timedelta(milliseconds=250)  # a burst within it renders once
    tick: timedelta = timedelta(seconds=5)  # the periodic incremental publish (safety net)
    reconcile: timedelta = timedelta(hours=1)  # full render, rewriting drifted files
    sitemap_rebuild_hour: int = 3  # the nightly full sitemap rebuild, UTC
    concurrency: int = 2
    queue: str = "syndicate"  # the broker queue: one per site sharing a Redis or RabbitMQ
    state_dir: Path | None = None  # beat's schedule file; default: beside SQLite, else cwd


CACHE_CLASSES = ("default", "breaking", "feed", "sitemap", "news", "index", "page")


@dataclass(frozen=True)
class S3Settings:
    endpoint_url: str | None = None  # an S3-compatible store's API (MinIO, R2...); None: AWS
    region: str | None = None


@dataclass(frozen=True)
class PublishSettings:
    # processes a big publish renders in (0: one per core); the parent process is one of them
    jobs: int = 0
    parallel_min: int = 200  # fewer outputs than this render in the calling process
    batch: int = 500  # outbox rows a worker's drain claims at a time (workers share the rest)

    @property
    def processes(self) -> int:
        return self.jobs or os.cpu_count() or 1


@dataclass(frozen=True)
class HttpSettings:
    """The built-in server: request limits, security headers and the Cache-Control of each
    class of output."""

    max_body: int = 1 << 20  # bytes of one story or breaking item
    max_bulk: int = 64 << 20  # bytes of an NDJSON batch
    # per API key and API process: a token bucket refilled at rate_limit a minute
    rate_limit: int = 1200
    rate_burst: int = 100
    # failed authentications a minute per client address (and at once); past it, 429
    auth_failure_limit: int = 10
    body_timeout: timedelta = timedelta(seconds=60)  # the whole body must arrive within it: 408
    request_timeout: timedelta = timedelta(seconds=120)  # an API request's handling: 503
    cors_feeds: bool = False  # Access-Control-Allow-Origin: * on published feeds
    hsts: str = ""  # Strict-Transport-Security, sent on HTTPS requests only; "" for none
    cache_control: Mapping[str, str] = field(
        default_factory=lambda: {
            "default": "public, max-age=60",
            "breaking": "public, max-age=15",
            "sitemap": "public, max-age=900",
            "news": "public, max-age=120",
            "index": "public, max-age=300",
        }
    )

    def cache_control_for(self, kind: str, scope: str = "") -> str:
        """The header for an output key's kind (and scope: the breaking feeds have their own)."""
        cls = "breaking" if scope == "breaking" else kind
        if cls in ("directory", "stylesheet"):
            cls = "page"
        return self.cache_control.get(cls) or self.cache_control["default"]


@dataclass(frozen=True)
class Settings:
    source: str  # where the settings came from, for messages
    site_id: str
    database_url: str
    output_dir: Path
    broker_url: str | None
    languages: Mapping[str, Language]
    taxonomy: Taxonomy
    feeds: FeedSettings = field(default_factory=FeedSettings)
    breaking: BreakingSettings = field(default_factory=BreakingSettings)
    sitemaps: SitemapSettings = field(default_factory=SitemapSettings)
    workers: WorkerSettings = field(default_factory=WorkerSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    # where published files go when not output_dir: s3://BUCKET/PREFIX (see targets.py)
    output_url: str = ""
    s3: S3Settings = field(default_factory=S3Settings)

    def language(self, code: str) -> Language:
        return self.languages[code]

    def match_language(self, tag: str) -> str | None:
        """The configured code for a BCP 47 tag, compared case-insensitively."""
        wanted = tag.replace("_", "-").lower()
        for code in self.languages:
            if code.lower() == wanted:
                return code
        return None


def load(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    env = os.environ if env is None else env
    chosen = Path(path or env.get("SYNDICATE_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{chosen}: config file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{chosen}: not valid TOML: {e}") from None
    for var, dotted in ENV_OVERRIDES.items():
        if var in env:
            _set_dotted(raw, dotted, env[var])
    return parse(raw, source=str(chosen), base_dir=chosen.parent)


def _set_dotted(raw: dict[str, Any], dotted: str, value: str) -> None:
    *parents, last = dotted.split(".")
    node = raw
    for p in parents:
        node = node.setdefault(p, {})
    node[last] = value


def parse(raw: Mapping[str, Any], *, source: str, base_dir: Path) -> Settings:
    r = _Reader(source)
    site_id = r.string(raw, "site_id", default="syndicate")
    database_url = r.string(raw, "database_url", default="sqlite:///var/syndicate.db")
    output_dir = Path(r.string(raw, "output_dir", default="public"))
    broker_url = r.string(raw, "broker_url", default="") or None

    taxonomy_raw: Mapping[str, Any] = raw
    if "taxonomy" in raw:
        tax_path = base_dir / r.string(raw, "taxonomy")
        try:
            taxonomy_raw = tomllib.loads(tax_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{source}: taxonomy: file {tax_path} not found") from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{tax_path}: not valid TOML: {e}") from None
        r_tax = _Reader(str(tax_path))
    else:
        r_tax = r

    languages = _languages(r, raw.get("languages"))
    taxonomy = _taxonomy(r_tax, taxonomy_raw, languages)
    feeds = _feeds(r, r.table(raw, "feeds"))
    breaking = _breaking(r, r.table(raw, "breaking"))
    sitemaps = _sitemaps(r, r.table(raw, "sitemaps"), languages)
    workers = _workers(r, r.table(raw, "workers"))
    notify = _notify(r, r.table(raw, "notify"))
    http = _http(r, r.table(raw, "http"))
    publish = _publish(r, r.table(raw, "publish"))
    output_url = r.string(raw, "output_url", default="")
    if output_url and not re.match(r"^(s3://[^/\s]+(/\S*)?|file:///\S*)$", output_url):
        raise ConfigError(
            f"{r.source}: output_url: s3://BUCKET/PREFIX or file:///DIR, got {output_url!r}"
        )
    s3_raw = r.table(raw, "s3")
    s3 = S3Settings(
        endpoint_url=r.string(s3_raw, "endpoint_url", where="s3", default="") or None,
        region=r.string(s3_raw, "region", where="s3", default="") or None,
    )
    return Settings(
        source=source,
        site_id=site_id,
        database_url=database_url,
        output_dir=output_dir,
        broker_url=broker_url,
        languages=languages,
        taxonomy=taxonomy,
        feeds=feeds,
        breaking=breaking,
        sitemaps=sitemaps,
        workers=workers,
        notify=notify,
        http=http,
        publish=publish,
        output_url=output_url,
        s3=s3,
    )


def _languages(r: _Reader, raw: Any) -> dict[str, Language]:
    if not isinstance(raw, Mapping) or not raw:
        raise ConfigError(f"{r.source}: languages: at least one [languages.CODE] table is required")
    out: dict[str, Language] = {}
    paths: set[str] = set()
    for code, table in raw.items():
        where = f"languages.{code}"
        if not isinstance(table, Mapping):
            raise ConfigError(f"{r.source}: {where}: must be a table")
        try:
            locale = Locale.parse(code, sep="-")
        except (UnknownLocaleError, ValueError):
            raise ConfigError(
                f"{r.source}: {where}: '{code}' is not a known language tag"
            ) from None
        base_url = r.string(table, "base_url", where=where)
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or not base_url.endswith("/"):
            raise ConfigError(
                f"{r.source}: {where}.base_url: must be an absolute http(s) URL ending in '/', "
                f"got {base_url!r}"
            )
        path = r.string(table, "path", where=where, default=code).strip("/")
        if not path or any(seg in ("", ".", "..") for seg in path.split("/")):
            raise ConfigError(
                f"{r.source}: {where}.path: must be a relative directory, got {path!r}"
            )
        if path in paths:
            raise ConfigError(f"{r.source}: {where}.path: {path!r} is used by another language")
        paths.add(path)
        url_path = [unquote(s) for s in parts.path.split("/") if s]
        if url_path and path.split("/")[-len(url_path) :] != url_path:
            raise ConfigError(
                f"{r.source}: {where}.path: must end with the base URL's path "
                f"{'/'.join(url_path)!r}, so that the directory maps onto the URL; got {path!r}"
            )
        out[code] = Language(
            code=code,
            site_name=r.string(table, "site_name", where=where),
            base_url=base_url,
            path=path,
            description=r.string(table, "description", where=where, default=""),
            direction=locale.text_direction,
        )
    hosts: dict[str, str] = {}
    for code, lang in out.items():
        netloc = urlsplit(lang.base_url).netloc
        other = hosts.setdefault(netloc, lang.host_dir)
        if other != lang.host_dir:
            raise ConfigError(
                f"{r.source}: languages.{code}.path: languages on {netloc} must share "
                f"one host directory ({other!r}), got {lang.host_dir!r}"
            )
    if len(set(hosts.values())) != len(hosts):
        raise ConfigError(f"{r.source}: languages: two hosts share one host directory")
    return out


def _terms(
    r: _Reader, raw: Any, kind: str, languages: Mapping[str, Language], *, need_labels: bool
) -> dict[str, Term]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{r.source}: {kind}: must be a table of [{kind}.KEY] tables")
    out: dict[str, Term] = {}
    for key, table in raw.items():
        where = f"{kind}.{key}"
        if not KEY_RE.match(key):
            raise ConfigError(f"{r.source}: {where}: keys are lowercase a-z, 0-9 and '-'")
        if not isinstance(table, Mapping):
            raise ConfigError(f"{r.source}: {where}: must be a table of language = label")
        labels = {k: v for k, v in table.items() if k != "group"}
        for lang, label in labels.items():
            if not isinstance(label, str) or not label.strip():
                raise ConfigError(f"{r.source}: {where}.{lang}: label must be a non-empty string")
        if need_labels:
            for lang in languages:
                if lang not in labels:
                    raise ConfigError(f"{r.source}: {where}: no label for language '{lang}'")
        group = table.get("group")
        if group is not None and not isinstance(group, str):
            raise ConfigError(f"{r.source}: {where}.group: must be a group key")
        out[key] = Term(key, labels, group)
    return out


def _taxonomy(r: _Reader, raw: Mapping[str, Any], languages: Mapping[str, Language]) -> Taxonomy:
    groups = _terms(r, raw.get("groups"), "groups", languages, need_labels=True)
    sections = _terms(r, raw.get("sections"), "sections", languages, need_labels=True)
    regions = _terms(r, raw.get("regions"), "regions", languages, need_labels=True)
    coverage = _terms(r, raw.get("coverage"), "coverage", languages, need_labels=False)
    if not sections:
        raise ConfigError(f"{r.source}: sections: the taxonomy needs at least one section")
    for s in sections.values():
        if s.group is not None and s.group not in groups:
            raise ConfigError(f"{r.source}: sections.{s.key}.group: unknown group '{s.group}'")
    return Taxonomy(sections=sections, groups=groups, regions=regions, coverage=coverage)


def _feeds(r: _Reader, raw: Mapping[str, Any]) -> FeedSettings:
    formats = tuple(r.string_list(raw, "formats", where="feeds", default=list(FORMATS)))
    for f in formats:
        if f not in FORMATS:
            raise ConfigError(f"{r.source}: feeds.formats: unknown format {f!r} (known: {FORMATS})")
    hub = r.string(raw, "websub_hub", where="feeds", default="") or None
    if hub is not None and urlsplit(hub).scheme not in ("http", "https"):
        raise ConfigError(f"{r.source}: feeds.websub_hub: must be an http(s) URL, got {hub!r}")
    return FeedSettings(
        items=r.positive_int(raw, "items", where="feeds", default=50),
        tag_min_stories=r.positive_int(raw, "tag_min_stories", where="feeds", default=3),
        formats=formats,
        websub_hub=hub,
        embed_hosts=tuple(r.string_list(raw, "embed_hosts", where="feeds", default=[])),
        generator=r.string(raw, "generator", where="feeds", default="syndicate"),
    )


def _breaking(r: _Reader, raw: Mapping[str, Any]) -> BreakingSettings:
    return BreakingSettings(
        lifetime=r.duration(raw, "lifetime", where="breaking", default=timedelta(hours=6)),
        items=r.positive_int(raw, "items", where="breaking", default=30),
    )


def _sitemaps(
    r: _Reader, raw: Mapping[str, Any], languages: Mapping[str, Language]
) -> SitemapSettings:
    period = r.string(raw, "period", where="sitemaps", default="week")
    if period not in PERIODS:
        raise ConfigError(f"{r.source}: sitemaps.period: must be one of {PERIODS}, got {period!r}")
    x_default = r.string(raw, "x_default", where="sitemaps", default=next(iter(languages)))
    if x_default and x_default not in languages:
        raise ConfigError(
            f"{r.source}: sitemaps.x_default: {x_default!r} is not a configured language "
            '(use "" for none)'
        )
    max_urls = r.positive_int(raw, "max_urls", where="sitemaps", default=50_000)
    news_max = r.positive_int(raw, "news_max", where="sitemaps", default=1_000)
    if max_urls > 50_000 or news_max > 1_000:
        raise ConfigError(
            f"{r.source}: sitemaps: max_urls may not exceed 50000 (the protocol) "
            "nor news_max 1000 (Google News)"
        )
    return SitemapSettings(
        period=period,
        max_urls=max_urls,
        news_window=r.duration(raw, "news_window", where="sitemaps", default=timedelta(hours=48)),
        news_max=news_max,
        x_default=x_default or None,
        gzip=r.boolean(raw, "gzip", where="sitemaps", default=False),
        gzip_canonical=r.boolean(raw, "gzip_canonical", where="sitemaps", default=False),
    )


INDEXNOW_KEY_RE = re.compile(r"^[A-Za-z0-9-]{8,128}$")


def _notify(r: _Reader, raw: Mapping[str, Any]) -> NotifySettings:
    endpoint = r.string(raw, "indexnow_endpoint", where="notify", default="") or None
    key = r.string(raw, "indexnow_key", where="notify", default="") or None
    if endpoint and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ConfigError(f"{r.source}: notify.indexnow_endpoint: must be an http(s) URL")
    if endpoint and not key:
        raise ConfigError(f"{r.source}: notify.indexnow_key: required with indexnow_endpoint")
    if key and not INDEXNOW_KEY_RE.match(key):
        raise ConfigError(f"{r.source}: notify.indexnow_key: 8-128 of a-z, A-Z, 0-9 and '-'")
    return NotifySettings(
        indexnow_endpoint=endpoint,
        indexnow_key=key,
        timeout=r.duration(raw, "timeout", where="notify", default=timedelta(seconds=10)),
    )


QUEUE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def _workers(r: _Reader, raw: Mapping[str, Any]) -> WorkerSettings:
    queue = r.string(raw, "queue", where="workers", default="syndicate")
    if not QUEUE_RE.match(queue):
        raise ConfigError(
            f"{r.source}: workers.queue: 1-100 of a-z, A-Z, 0-9, '.', '_' and '-', got {queue!r}"
        )
    hour = raw.get("sitemap_rebuild_hour", 3)
    if not isinstance(hour, int) or isinstance(hour, bool) or not 0 <= hour <= 23:
        raise ConfigError(f"{r.source}: workers.sitemap_rebuild_hour: must be 0-23, got {hour!r}")
    return WorkerSettings(
        coalesce=r.duration(raw, "coalesce", where="workers", default=timedelta(milliseconds=250)),
        tick=r.duration(raw, "tick", where="workers", default=timedelta(seconds=5)),
        reconcile=r.duration(raw, "reconcile", where="workers", default=timedelta(hours=1)),
        sitemap_rebuild_hour=hour,
        concurrency=r.positive_int(raw, "concurrency", where="workers", default=2),
        queue=queue,
        state_dir=Path(r.string(raw, "state_dir", where="workers", default=""))
        if raw.get("state_dir")
        else None,
    )


def _publish(r: _Reader, raw: Mapping[str, Any]) -> PublishSettings:
    jobs = raw.get("jobs", 0)
    if isinstance(jobs, str) and jobs.strip() in ("0", "auto"):
        jobs = 0
    return PublishSettings(
        jobs=0 if jobs == 0 else r.positive_int(raw, "jobs", where="publish", default=0),
        parallel_min=r.positive_int(raw, "parallel_min", where="publish", default=200),
        batch=r.positive_int(raw, "batch", where="publish", default=500),
    )


_HEADER_VALUE_RE = re.compile(r"^[\x20-\x7e]+$")


def _http(r: _Reader, raw: Mapping[str, Any]) -> HttpSettings:
    defaults = HttpSettings()
    table = r.table(raw, "cache_control") if "cache_control" in raw else {}
    cache = dict(defaults.cache_control)
    for cls, value in table.items():
        where = f"http.cache_control.{cls}"
        if cls not in CACHE_CLASSES:
            raise ConfigError(f"{r.source}: {where}: unknown class (one of {CACHE_CLASSES})")
        if not isinstance(value, str) or not _HEADER_VALUE_RE.match(value.strip()):
            raise ConfigError(
                f"{r.source}: {where}: must be a non-empty header value "
                f"(printable ASCII, one line), got {value!r}"
            )
        cache[cls] = value.strip()
    hsts = r.string(raw, "hsts", where="http", default="").strip()
    if hsts and not re.match(r"^max-age=\d+(\s*;\s*(includeSubDomains|preload))*$", hsts):
        raise ConfigError(
            f"{r.source}: http.hsts: a Strict-Transport-Security value such as "
            f'"max-age=31536000; includeSubDomains", or "" for none; got {hsts!r}'
        )
    return HttpSettings(
        max_body=r.positive_int(raw, "max_body", where="http", default=defaults.max_body),
        max_bulk=r.positive_int(raw, "max_bulk", where="http", default=defaults.max_bulk),
        rate_limit=r.positive_int(raw, "rate_limit", where="http", default=defaults.rate_limit),
        rate_burst=r.positive_int(raw, "rate_burst", where="http", default=defaults.rate_burst),
        auth_failure_limit=r.positive_int(
            raw, "auth_failure_limit", where="http", default=defaults.auth_failure_limit
        ),
        body_timeout=r.duration(raw, "body_timeout", where="http", default=defaults.body_timeout),
        request_timeout=r.duration(
            raw, "request_timeout", where="http", default=defaults.request_timeout
        ),
        cors_feeds=r.boolean(raw, "cors_feeds", where="http", default=defaults.cors_feeds),
        hsts=hsts,
        cache_control=cache,
    )


_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|[smhd]?)\s*$")
_UNITS = {"": 1, "ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass
class _Reader:
    source: str

    def _name(self, where: str, key: str) -> str:
        return f"{where}.{key}" if where else key

    def table(self, raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = raw.get(key, {})
        if not isinstance(value, Mapping):
            raise ConfigError(f"{self.source}: {key}: must be a table")
        return value

    def string(
        self, raw: Mapping[str, Any], key: str, *, where: str = "", default: str | None = None
    ) -> str:
        value = raw.get(key, default)
        if value is None:
            raise ConfigError(
                f"{self.source}: {self._name(where, key)}: required setting is missing"
            )
        if not isinstance(value, str):
            raise ConfigError(
                f"{self.source}: {self._name(where, key)}: must be a string, got {value!r}"
            )
        return value

    def string_list(
        self, raw: Mapping[str, Any], key: str, *, where: str, default: list[str]
    ) -> list[str]:
        value = raw.get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(
                f"{self.source}: {self._name(where, key)}: must be a list of strings, got {value!r}"
            )
        return value

    def boolean(self, raw: Mapping[str, Any], key: str, *, where: str, default: bool) -> bool:
        value = raw.get(key, default)
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            value = value.lower() in ("true", "1")
        if not isinstance(value, bool):
            raise ConfigError(
                f"{self.source}: {self._name(where, key)}: must be true or false, got {value!r}"
            )
        return value

    def positive_int(self, raw: Mapping[str, Any], key: str, *, where: str, default: int) -> int:
        value = raw.get(key, default)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(
                f"{self.source}: {self._name(where, key)}: must be a positive integer, got {value!r}"
            )
        return value

    def duration(
        self, raw: Mapping[str, Any], key: str, *, where: str, default: timedelta
    ) -> timedelta:
        value = raw.get(key)
        if value is None:
            return default
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return timedelta(seconds=value)
        m = _DURATION_RE.match(value) if isinstance(value, str) else None
        if not m or float(m.group(1)) == 0:
            raise ConfigError(
                f"{self.source}: {self._name(where, key)}: must be a duration such as "
                f"90, '250ms', '90s', '30m', '6h' or '2d', got {value!r}"
            )
        return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])
