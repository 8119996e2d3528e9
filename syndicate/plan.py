"""Output keys: which outputs exist, what a change dirties, the URL and path of each.

An output key names one thing rendered from one query:

- ``feed``: a feed of a language and a scope (all stories, a section, a group,
  a region, a tag, a coverage topic, an author, or the breaking ticker),
  rendered into each configured format (RSS, Atom, JSON Feed). The formats
  share the key's query and always change together, so the outbox tracks
  keys, not files, and holds a third of the rows it would otherwise;
- ``sitemap``: a language's URLs first published in one period (a day, a
  week-of-month or a month, configurable). A URL's file depends on nothing
  but its own variant's publication date, so it never moves when other
  stories come and go, and a period holds a bounded number of URLs;
- ``news``: a language's Google News sitemap (the last 48 hours);
- ``index`` and ``robots``: a host's sitemap index and robots.txt.

Directory layout (relative to the output directory; each language's
directory is served at its ``base_url``, each host directory at its root)::

    manifest.json                             every output: URL, path, type, hash
    {host}/robots.txt, {host}/sitemap.xml
    {lang.path}/feeds/all.{rss,atom,json}
    {lang.path}/feeds/breaking.{...}
    {lang.path}/feeds/{scope}/{value}.{...}   scope: section, group, region,
                                              tag, coverage, author
    {lang.path}/sitemaps/{YYYY-MM-DD}.xml     the period starting that day
    {lang.path}/sitemaps/{YYYY-MM-DD}.{n}.xml part n of a period over max_urls
    {lang.path}/sitemaps/news.xml             (news.{n}.xml past news_max)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from syndicate.clean import path_segment
from syndicate.config import Settings

KINDS = ("feed", "sitemap", "news", "index", "robots", "directory", "stylesheet", "ping")
SCOPES = ("all", "section", "group", "region", "tag", "coverage", "author", "breaking")
# Scopes whose feed exists only while it has stories (the rest always exist).
CONTENT_SCOPES = ("tag", "coverage", "author")

EXTENSIONS = {"rss": "rss", "atom": "atom", "json": "json"}
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "gz": "application/gzip",
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "opml": "text/x-opml; charset=utf-8",
    "xsl": "text/xsl; charset=utf-8",
}
MANIFEST = "manifest.json"


@dataclass(frozen=True, order=True)
class OutputKey:
    kind: str  # "feed"
    lang: str
    scope: str
    value: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.lang}:{self.scope}:{self.value}"

    @classmethod
    def parse(cls, text: str) -> OutputKey:
        kind, lang, scope, value = text.split(":", 3)
        if kind not in KINDS or (kind == "feed" and scope not in SCOPES):
            raise ValueError(f"not an output key: {text!r}")
        return cls(kind, lang, scope, value)


def feed(lang: str, scope: str, value: str = "") -> OutputKey:
    return OutputKey("feed", lang, scope, value)


def sitemap(lang: str, period: str) -> OutputKey:
    return OutputKey("sitemap", lang, "period", period)


def news(lang: str) -> OutputKey:
    return OutputKey("news", lang, "recent", "")


def index(host_dir: str) -> OutputKey:
    return OutputKey("index", "", "host", host_dir)


def robots(host_dir: str) -> OutputKey:
    return OutputKey("robots", "", "host", host_dir)


def directory(lang: str) -> OutputKey:
    """A language's feed directory: an HTML page and an OPML file listing every feed."""
    return OutputKey("directory", lang, "feeds", "")


def directory_files(settings: Settings, key: OutputKey) -> list[OutputFile]:
    lang = settings.language(key.lang)
    return [
        OutputFile(
            key,
            "html",
            f"{lang.path}/feeds/index.html",
            lang.base_url + "feeds/index.html",
            CONTENT_TYPES["html"],
        ),
        OutputFile(
            key,
            "opml",
            f"{lang.path}/feeds/feeds.opml",
            lang.base_url + "feeds/feeds.opml",
            CONTENT_TYPES["opml"],
        ),
    ]


def stylesheet(lang: str) -> OutputKey:
    """The XSL stylesheet a browser applies to a language's RSS and Atom feeds."""
    return OutputKey("stylesheet", lang, "feeds", "")


def stylesheet_file(settings: Settings, lang: str) -> OutputFile:
    language = settings.language(lang)
    return OutputFile(
        stylesheet(lang),
        "xsl",
        f"{language.path}/feeds/feed.xsl",
        language.base_url + "feeds/feed.xsl",
        CONTENT_TYPES["xsl"],
    )


def ping(lang: str, url: str) -> OutputKey:
    """Not an output: an article URL that changed, to announce (IndexNow) after the publish."""
    return OutputKey("ping", lang, "url", url)


@dataclass(frozen=True)
class OutputFile:
    key: OutputKey
    format: str
    path: str  # relative to the output directory, POSIX separators, unencoded
    url: str
    content_type: str


def _relative(key: OutputKey, fmt: str) -> str:
    ext = EXTENSIONS[fmt]
    if key.scope in ("all", "breaking"):
        return f"feeds/{key.scope}.{ext}"
    return f"feeds/{key.scope}/{key.value}.{ext}"


def files(settings: Settings, key: OutputKey) -> list[OutputFile]:
    """The files a feed key renders to, one per configured format."""
    assert key.kind == "feed", key
    lang = settings.language(key.lang)
    out = []
    for fmt in settings.feeds.formats:
        rel = _relative(key, fmt)
        out.append(
            OutputFile(key, fmt, f"{lang.path}/{rel}", _url(lang.base_url, rel), CONTENT_TYPES[fmt])
        )
    return out


def file_for(settings: Settings, key: OutputKey, fmt: str) -> OutputFile:
    for f in files(settings, key):
        if f.format == fmt:
            return f
    raise KeyError(fmt)


def _url(base: str, rel: str) -> str:
    return base + "/".join(path_segment(seg) for seg in rel.split("/"))


def _join(directory: str, rel: str) -> str:
    return f"{directory}/{rel}" if directory else rel


def sitemap_file(
    settings: Settings, key: OutputKey, part: int | None = None, *, gz: bool = False
) -> OutputFile:
    """A sitemap or news sitemap file of a key; ``part`` numbers the files of a split."""
    lang = settings.language(key.lang)
    name = key.value if key.kind == "sitemap" else "news"
    rel = f"sitemaps/{name}{'' if part is None else f'.{part}'}.xml" + (".gz" if gz else "")
    return OutputFile(
        key,
        "gz" if gz else "xml",
        f"{lang.path}/{rel}",
        _url(lang.base_url, rel),
        CONTENT_TYPES["gz" if gz else "xml"],
    )


def host_file(settings: Settings, key: OutputKey) -> OutputFile:
    """The sitemap index or robots.txt of a host."""
    host_url = hosts(settings)[key.value][0]
    name, fmt = ("sitemap.xml", "xml") if key.kind == "index" else ("robots.txt", "txt")
    return OutputFile(key, fmt, _join(key.value, name), host_url + name, CONTENT_TYPES[fmt])


def hosts(settings: Settings) -> dict[str, tuple[str, list[str]]]:
    """host directory -> (host URL, its languages in configured order)."""
    out: dict[str, tuple[str, list[str]]] = {}
    for code, lang in settings.languages.items():
        out.setdefault(lang.host_dir, (lang.host_url, []))[1].append(code)
    return out


def host_of(settings: Settings, lang: str) -> str:
    return settings.language(lang).host_dir


def period_of(settings: Settings, published_at: datetime) -> str:
    """The sitemap period (its first day, UTC) a first-publication time falls in."""
    d = published_at.astimezone(UTC).date()
    if settings.sitemaps.period == "month":
        d = d.replace(day=1)
    elif settings.sitemaps.period == "week":  # days 1-7, 8-14, 15-21, 22-end of month
        d = d.replace(day=min(22, 1 + 7 * ((d.day - 1) // 7)))
    return d.isoformat()


def period_bounds(settings: Settings, value: str) -> tuple[datetime, datetime]:
    """[start, end) of a period, as aware UTC datetimes."""
    start = date.fromisoformat(value)
    next_month = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    if settings.sitemaps.period == "day":
        end = start + timedelta(days=1)
    elif settings.sitemaps.period == "week" and start.day < 22:
        end = start + timedelta(days=7)
    else:
        end = next_month
    return _midnight(start), _midnight(end)


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def fixed_keys(settings: Settings) -> list[OutputKey]:
    """Keys that exist whatever the content: a feed of an empty section is still valid."""
    tax = settings.taxonomy
    keys: list[OutputKey] = []
    for host_dir in hosts(settings):
        keys += [index(host_dir), robots(host_dir)]
    for lang in settings.languages:
        keys.append(directory(lang))
        keys.append(stylesheet(lang))
        keys.append(news(lang))
        keys.append(feed(lang, "all"))
        keys.append(feed(lang, "breaking"))
        keys += [feed(lang, "section", s) for s in tax.sections]
        keys += [feed(lang, "group", g) for g in tax.groups]
        keys += [feed(lang, "region", r) for r in tax.regions]
    return keys


def article_url(settings: Settings, lang: str, section: str, slug: str) -> str:
    """The default canonical URL of a variant: base URL, section, slug (encoded)."""
    base = settings.language(lang).base_url
    return f"{base}{path_segment(section)}/{path_segment(slug)}"


@dataclass(frozen=True)
class VariantScopes:
    """What a variant is filed under: everything a change to it can dirty."""

    lang: str
    section: str
    regions: tuple[str, ...]
    coverage: tuple[str, ...]
    tags: tuple[str, ...]  # slugs
    authors: tuple[str, ...]  # slugs
    published_at: datetime | None


def keys_for_variant(settings: Settings, s: VariantScopes) -> set[OutputKey]:
    """Every output the variant appears in while it is live.

    The news sitemap is always included: whether the variant is inside its
    window depends on when the publish runs, and an unchanged render costs
    one small file's bytes and no write. The lists of outputs (a host's sitemap
    index, a language's feed directory) are not: the publish that changes what
    they list renders them after it (``Publisher._follow``), and only then, so
    an edit does not re-render a list that grows with the archive.
    """
    keys = {
        feed(s.lang, "all"),
        feed(s.lang, "section", s.section),
        news(s.lang),
    }
    if s.published_at is not None:
        keys.add(sitemap(s.lang, period_of(settings, s.published_at)))
    group = (
        settings.taxonomy.sections[s.section].group
        if s.section in settings.taxonomy.sections
        else None
    )
    if group:
        keys.add(feed(s.lang, "group", group))
    keys |= {feed(s.lang, "region", r) for r in s.regions}
    keys |= {feed(s.lang, "coverage", c) for c in s.coverage}
    keys |= {feed(s.lang, "tag", t) for t in s.tags}
    keys |= {feed(s.lang, "author", a) for a in s.authors}
    return keys


def keys_for_breaking(lang: str) -> set[OutputKey]:
    return {feed(lang, "breaking")}


def union(groups: Iterable[set[OutputKey]]) -> set[OutputKey]:
    out: set[OutputKey] = set()
    for g in groups:
        out |= g
    return out
