"""Settings: one TOML file plus environment overrides, validated once at start.

The file is found from ``--config PATH``, else ``$SYNDICATE_CONFIG``, else
``config/default.toml`` (the embedded default). Environment variables override
single settings (each field's :class:`Doc` names its variable). Relative paths in
the file (``database_url`` for SQLite, ``output_dir``) resolve against the working
directory; ``taxonomy`` resolves against the directory of the config file.

The settings are plain frozen dataclasses, one per TOML table. Each field's type
carries its checks (:class:`Before`, :class:`After`), its default and its
:class:`Doc`; one reader walks the tables by those types, so the checks, the
environment overrides and docs/reference/settings.md (``python -m syndicate.config
--reference``) come from the same place. What no single value shows (two languages
in one directory, a section in an unknown group) is checked after, on the built
settings. Every problem raises :class:`ConfigError`, one line naming the file and
the setting; an unknown setting is a problem too, so a typo cannot pass unnoticed.

(pydantic, through FastAPI, could read these tables, but importing it and building
its schema took a command's start from about 0.2 to 0.6 s on a loaded machine, and
the errors needed rewording anyway; a reader of these few types is about 70 lines.)
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints
from urllib.parse import unquote, urlsplit

from babel import Locale, UnknownLocaleError

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config" / "default.toml"
REFERENCE = "docs/reference/settings.md"

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
FORMATS: tuple[Format, ...] = ("rss", "atom", "json")
Format = Literal["rss", "atom", "json"]
CACHE_CLASSES = ("default", "breaking", "feed", "sitemap", "news", "index", "page")
TAXONOMY_TABLES = ("groups", "sections", "regions", "coverage")


class ConfigError(Exception):
    """A setting is missing or wrong; the message names it."""


class Invalid(ValueError):
    """A problem found by a check; ``where`` extends the setting it names (``es.path``)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(problem)
        self.where = where


@dataclass(frozen=True)
class Doc:
    """What a setting means, for docs/reference/settings.md. ``env`` names the
    variable that overrides it; ``default`` replaces a default the code computes."""

    meaning: str
    env: str | None = None
    default: str | None = None


@dataclass(frozen=True)
class Kind:
    """How a checked type reads in the reference ("duration", "positive integer")."""

    name: str


# --- checks of single values (a ValueError says what is wrong; the reader names where) ---


@dataclass(frozen=True)
class Before:
    """Converts and checks a raw value before its type is checked."""

    check: Callable[[Any], Any]


@dataclass(frozen=True)
class After(Before):
    """Checks (and may normalize) a value once its type is checked."""


def _positive_int(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"must be a positive integer, got {value!r}")
    return value


def _at_most(limit: int, whose: str) -> After:
    def check(value: int) -> int:
        if value > limit:
            raise ValueError(f"may not exceed {limit} ({whose}), got {value}")
        return value

    return After(check)


def _jobs(value: Any) -> int:
    if isinstance(value, str) and value.strip() in ("0", "auto"):
        return 0
    if value == 0 and not isinstance(value, bool):
        return 0
    try:
        return _positive_int(value)
    except ValueError:
        raise ValueError(
            f'must be 0 or "auto" (a process per core) or more, got {value!r}'
        ) from None


def _hour(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 23:
        raise ValueError(f"must be 0-23, got {value!r}")
    return value


def _flag(value: Any) -> bool:
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        value = value.lower() in ("true", "1")
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {value!r}")
    return value


_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|[smhd]?)\s*$")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1, "": 1, "ms": 0.001}


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return timedelta(seconds=value)
    m = _DURATION_RE.match(value) if isinstance(value, str) else None
    if not m or float(m.group(1)) == 0:
        raise ValueError(
            f"must be a duration such as 90, '250ms', '90s', '30m', '6h' or '2d', got {value!r}"
        )
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


def _matching(pattern: str, expected: str) -> After:
    """A string check: ``expected`` says in words what ``pattern`` accepts."""
    regex = re.compile(pattern)

    def check(value: str | None) -> str | None:
        if value is not None and not regex.match(value):
            raise ValueError(f"{expected}, got {value!r}")
        return value

    return After(check)


def _relative_dir(path: str) -> str:
    path = path.strip("/")
    if not path or any(segment in ("", ".", "..") for segment in path.split("/")):
        raise ValueError(f"must be a relative directory, got {path!r}")
    return path


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


PositiveInt = Annotated[int, Before(_positive_int), Kind("positive integer")]
Duration = Annotated[timedelta, Before(_duration), Kind("duration")]
Flag = Annotated[bool, Before(_flag), Kind("boolean")]
OptionalText = Annotated[str | None, Before(_blank_is_none), Kind("string")]
HttpUrl = Annotated[OptionalText, _matching(r"^https?://", "must be an http(s) URL"), Kind("URL")]
HeaderValue = Annotated[
    str,
    Before(_stripped),
    _matching(r"^[\x20-\x7e]+$", "must be a non-empty header value (printable ASCII, one line)"),
]


# --- the settings, one dataclass per TOML table ---


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47 tag as configured, e.g. "es-419": the table's name
    site_name: Annotated[str, Doc("the site's name, the title of its feeds")]
    base_url: Annotated[
        str,
        _matching(r"^https?://[^/\s]+/(.*/)?$", "must be an absolute http(s) URL ending in '/'"),
        Doc("where the language's site (and its feeds) live; ends with '/'"),
    ]
    path: Annotated[
        str,
        After(_relative_dir),
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
        _at_most(50_000, "the protocol's limit"),
        Doc("URLs per file; a fuller period splits by hash"),
    ] = 50_000
    news_window: Annotated[Duration, Doc("how long a story stays in the news sitemap")] = timedelta(
        hours=48
    )
    news_max: Annotated[
        PositiveInt, _at_most(1_000, "Google News's limit"), Doc("entries per news sitemap file")
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
        _matching(r"^[A-Za-z0-9-]{8,128}$", "8-128 of a-z, A-Z, 0-9 and '-'"),
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
        int, Before(_hour), Kind("hour"), Doc("the nightly full sitemap rebuild, UTC")
    ] = 3
    concurrency: Annotated[PositiveInt, Doc("worker processes")] = 2
    queue: Annotated[
        str,
        _matching(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", "1-100 of a-z, A-Z, 0-9, '.', '_' and '-'"),
        Doc(
            "the broker queue: one per site sharing a Redis or RabbitMQ", "SYNDICATE_WORKERS_QUEUE"
        ),
    ] = "syndicate"
    state_dir: Annotated[
        Path | None,
        Before(_blank_is_none),
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
        Before(_jobs),
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
        Before(_stripped),
        _matching(
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
        _matching(r"^(s3://[^/\s]+(/\S*)?|file:///\S*|)$", "s3://BUCKET/PREFIX or file:///DIR"),
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


# --- reading: the file, the environment, the taxonomy file ---


def load(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    env = os.environ if env is None else env
    chosen = Path(path or env.get("SYNDICATE_CONFIG") or DEFAULT_CONFIG)
    raw = _read_toml(chosen, f"{chosen}: config file not found")
    if "source" in raw:
        raise ConfigError(f"{chosen}: source: unknown setting")
    overridden = {dotted: var for var, dotted in ENV_OVERRIDES.items() if var in env}
    for dotted, var in overridden.items():
        _set_dotted(raw, dotted, env[var])
    raw["taxonomy"], taxonomy_source = _taxonomy_tables(raw, chosen)
    languages, sitemaps = raw.get("languages"), raw.get("sitemaps", {})
    if isinstance(languages, Mapping) and languages and isinstance(sitemaps, Mapping):
        raw["sitemaps"] = {"x_default": next(iter(languages)), **sitemaps}
    origin = _Origin(str(chosen), taxonomy_source, overridden)
    try:
        settings: Settings = _build(Settings, {**raw, "source": str(chosen)}, "")
    except _Problem as e:
        raise ConfigError(origin.say(e.where, str(e))) from None
    for where, problem in _contradictions(settings):
        raise ConfigError(origin.say(where, problem))
    return settings


def _read_toml(path: Path, missing: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(missing) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None


def _set_dotted(raw: dict[str, Any], dotted: str, value: str) -> None:
    *parents, last = dotted.split(".")
    node = raw
    for p in parents:
        node = node.setdefault(p, {})
        if not isinstance(node, dict):
            return  # not a table: validation says so
    node[last] = value


def _taxonomy_tables(raw: dict[str, Any], chosen: Path) -> tuple[dict[str, Any], str]:
    """The taxonomy's tables and the file they come from: the ``taxonomy`` file, relative
    to the config file, or the config file itself."""
    if "taxonomy" not in raw:
        return {k: raw.pop(k) for k in TAXONOMY_TABLES if k in raw}, str(chosen)
    name = raw["taxonomy"]
    if not isinstance(name, str):
        raise ConfigError(f"{chosen}: taxonomy: must be a file name, got {name!r}")
    path = chosen.parent / name
    return _read_toml(path, f"{chosen}: taxonomy: file {path} not found"), str(path)


# --- validating: each value by its type and checks, then what no single value shows ---


@dataclass(frozen=True)
class _Origin:
    """Where the settings came from, so that a message names the file (or variable) to fix."""

    file: str
    taxonomy: str
    env: Mapping[str, str]  # dotted setting -> the environment variable that set it

    def say(self, where: str, problem: str) -> str:
        if where.partition(".")[0] == "taxonomy":
            return f"{self.taxonomy}: {where.partition('.')[2]}: {problem}"
        by = f" (from {self.env[where]})" if where in self.env else ""
        return f"{self.file}: {where}: {problem}{by}"


class _Problem(Exception):
    """A setting is wrong: ``where`` is its dotted name, the message what is wrong."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(problem)
        self.where = where


def _build(cls: Any, table: Mapping[str, Any], where: str) -> Any:
    """A dataclass from a TOML table: each field converted by its type, the defaults for
    those left out. An unknown key is a problem, named with the closest field."""
    hints = _hints(cls)
    names = [f.name for f in fields(cls) if f.init]
    for key in table:
        if key not in names:
            near = difflib.get_close_matches(key, names, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise _Problem(_join(where, key), "unknown setting" + hint)
    values = {}
    for f in fields(cls):
        if f.name in table:
            values[f.name] = _convert(hints[f.name], table[f.name], _join(where, f.name))
        elif f.default is MISSING and f.default_factory is MISSING:
            raise _Problem(_join(where, f.name), "required setting is missing")
    return cls(**values)


def _convert(hint: Any, value: Any, where: str) -> Any:
    """``value`` as ``hint`` says: its Before checks, its type, its After checks."""
    checks = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Before)]
    hint = get_args(hint)[0] if hasattr(hint, "__metadata__") else hint
    for check in checks:
        if not isinstance(check, After):
            value = _checked(check.check, value, where)
    value = _typed(hint, value, where)
    for check in checks:
        if isinstance(check, After):
            value = _checked(check.check, value, where)
    return value


def _checked(check: Callable[[Any], Any], value: Any, where: str) -> Any:
    try:
        return check(value)
    except ValueError as e:
        raise _Problem(_join(where, getattr(e, "where", "")), str(e)) from None


def _typed(hint: Any, value: Any, where: str) -> Any:
    """``value`` checked against a type: lists, tables and dataclasses recursively."""
    origin, args = get_origin(hint), get_args(hint)
    if type(None) in args:
        return None if value is None else _typed(args[0], value, where)
    if origin is Literal and value in args:
        return value
    if origin is Literal:
        choices = " or ".join([", ".join(map(repr, args[:-1])), repr(args[-1])])
        raise _Problem(where, f"must be {choices}, got {value!r}")
    if origin is tuple and isinstance(value, list | tuple):
        return tuple(_convert(args[0], v, f"{where}.{i}") for i, v in enumerate(value))
    if origin is Mapping and isinstance(value, Mapping):
        return {k: _convert(args[1], v, _join(where, k)) for k, v in value.items()}
    if is_dataclass(hint) and isinstance(value, Mapping):
        return _build(hint, value, where)
    if hint is Path and isinstance(value, str):
        return Path(value)
    if origin is None and isinstance(value, hint) and (hint is bool or type(value) is not bool):
        return value
    raise _Problem(where, f"must be a {_kind(hint) or 'table'}, got {value!r}")


@cache
def _hints(cls: Any) -> dict[str, Any]:
    """A dataclass's field types with their checks and Docs (evaluated once: they are
    strings under ``from __future__ import annotations``)."""
    return get_type_hints(cls, include_extras=True)


def _join(where: str, more: str) -> str:
    return f"{where}.{more}" if where and more else where or more


def _contradictions(s: Settings) -> Iterator[tuple[str, str]]:
    """What no single value shows: settings that contradict each other."""
    yield from _language_contradictions(s.languages)
    yield from _taxonomy_contradictions(s.taxonomy, s.languages)
    x_default = s.sitemaps.x_default
    if x_default and x_default not in s.languages:
        problem = f'{x_default!r} is not a configured language (use "" for none)'
        yield "sitemaps.x_default", problem
    if s.notify.indexnow_endpoint and not s.notify.indexnow_key:
        yield "notify.indexnow_key", "required with indexnow_endpoint"


def _language_contradictions(languages: Mapping[str, Language]) -> Iterator[tuple[str, str]]:
    """Each language's directory maps onto its URL, and no two share one."""
    paths: dict[str, str] = {}
    hosts: dict[str, str] = {}
    for code, lang in languages.items():
        where = f"languages.{code}.path"
        if paths.setdefault(lang.path, code) != code:
            yield where, f"{lang.path!r} is used by another language"
        url_path = [unquote(s) for s in urlsplit(lang.base_url).path.split("/") if s]
        if url_path and lang.path.split("/")[-len(url_path) :] != url_path:
            yield (
                where,
                (
                    f"must end with the base URL's path {'/'.join(url_path)!r}, "
                    f"so that the directory maps onto the URL; got {lang.path!r}"
                ),
            )
        netloc = urlsplit(lang.base_url).netloc
        other = hosts.setdefault(netloc, lang.host_dir)
        if other != lang.host_dir:
            yield (
                where,
                (
                    f"languages on {netloc} must share one host directory ({other!r}), "
                    f"got {lang.host_dir!r}"
                ),
            )
    if len(set(hosts.values())) != len(hosts):
        yield "languages", "two hosts share one host directory"


def _taxonomy_contradictions(
    taxonomy: Taxonomy, languages: Mapping[str, Language]
) -> Iterator[tuple[str, str]]:
    """Menus need a label in every language; a section's group must exist."""
    if not taxonomy.sections:
        yield "taxonomy.sections", "the taxonomy needs at least one section"
    for kind in ("groups", "sections", "regions"):
        for term in getattr(taxonomy, kind).values():
            for lang in languages.keys() - term.labels.keys():
                yield f"taxonomy.{kind}.{term.key}", f"no label for language '{lang}'"
    for section in taxonomy.sections.values():
        if section.group is not None and section.group not in taxonomy.groups:
            yield f"taxonomy.sections.{section.key}.group", f"unknown group '{section.group}'"


# --- the reference: every setting, from the fields above ---


def _documented(cls: Any) -> Iterator[tuple[str, Any, Any, Doc]]:
    """(name, type, default, Doc) of each setting of a table: the fields with a Doc."""
    hints = _hints(cls)
    for f in fields(cls):
        doc = [m for m in getattr(hints[f.name], "__metadata__", ()) if isinstance(m, Doc)]
        if doc:
            default = f.default_factory() if f.default_factory is not MISSING else f.default
            yield f.name, hints[f.name], default, doc[-1]


def _tables() -> Iterator[tuple[str, str, Any]]:
    """(heading, name prefix, dataclass) of each table of the file, in order."""
    yield "Top level", "", Settings
    yield "`[languages.CODE]`: one table per language", "languages.CODE.", Language
    for name, hint, _, doc in _documented(Settings):
        table = get_args(hint)[0]
        if is_dataclass(table) and table is not Taxonomy:
            yield f"`[{name}]`: {doc.meaning}", f"{name}.", table
    yield "The taxonomy file", "", Taxonomy


ENV_OVERRIDES = {
    doc.env: prefix + name
    for _, prefix, table in _tables()
    for name, _, _, doc in _documented(table)
    if doc.env
}


def reference() -> str:
    """docs/reference/settings.md: a table per TOML table, from the fields' Docs."""
    out = [
        "# Settings\n",
        "<!-- Generated by `python -m syndicate.config --reference > "
        f"{REFERENCE}` from syndicate/config.py; edit the fields there, not this file. -->\n",
        "syndicate reads one TOML file: `--config PATH`, else `$SYNDICATE_CONFIG`, else "
        "`config/default.toml`. The environment variables below override their settings. "
        "Relative paths resolve against the working directory, except `taxonomy`, which "
        "resolves against the config file's directory. A duration is a number of seconds "
        '(`90`) or a string such as `"250ms"`, `"90s"`, `"30m"`, `"6h"` or `"2d"`. '
        "An unknown setting stops every command with a message naming it.\n",
    ]
    for heading, prefix, table in _tables():
        out.append(f"## {heading}\n")
        out.append("| Setting | Type | Default | Environment variable | Meaning |")
        out.append("|---|---|---|---|---|")
        for name, hint, default, doc in _documented(table):
            if is_dataclass(get_args(hint)[0]) and table is Settings and name != "taxonomy":
                continue  # a table of its own
            shown = doc.default if doc.default is not None else _toml(default)
            cells = [f"`{prefix}{name}`", _kind(hint), shown, f"`{doc.env}`" if doc.env else ""]
            out.append("| " + " | ".join([*cells, doc.meaning]).replace("\n", " ") + " |")
        out.append("")
    return "\n".join(out)


def _kind(hint: Any) -> str:
    """A type as the reference names it."""
    kinds = [m.name for m in getattr(hint, "__metadata__", ()) if isinstance(m, Kind)]
    if kinds:
        return kinds[-1]
    hint = get_args(hint)[0] if hasattr(hint, "__metadata__") else hint
    args = [a for a in get_args(hint) if a is not type(None)]
    if type(None) in get_args(hint):
        return _kind(args[0])
    if get_origin(hint) is Literal:
        return " or ".join(f'`"{a}"`' for a in args)
    if get_origin(hint) is tuple:
        return f"list of {_kind(args[0])}".replace("of string", "of strings")
    if get_origin(hint) is Mapping:
        return "table"
    return {str: "string", Path: "path"}.get(hint, "boolean" if hint is bool else "")


def _toml(value: Any) -> str:
    """A default as it would be written in the file (MISSING: the setting is required)."""
    if value is MISSING:
        return "required"
    return f"`{_toml_value(value)}`"


def _toml_value(value: Any) -> str:
    if value is None:
        return '""'
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        for unit, size in _UNITS.items():
            if size >= 1 and seconds >= size and seconds % size == 0:
                return f'"{int(seconds // size)}{unit}"'
        return f'"{round(seconds * 1000)}ms"'
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        pairs = ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items())
        return f"{{ {pairs} }}" if pairs else "{}"
    return str(value) if isinstance(value, int) else f'"{value}"'


if __name__ == "__main__":
    if sys.argv[1:] != ["--reference"]:
        sys.exit(f"usage: python -m syndicate.config --reference > {REFERENCE}")
    sys.stdout.write(reference())
