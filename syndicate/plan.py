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
from syndicate.outputs import FORMATS, OUTPUTS, Kind, Listing, Scope

MANIFEST = "manifest.json"


@dataclass(frozen=True, order=True)
class OutputKey:
    kind: Kind
    lang: str
    scope: Scope
    value: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.lang}:{self.scope}:{self.value}"

    @classmethod
    def parse(cls, text: str) -> OutputKey:
        kind, lang, scope, value = text.split(":", 3)
        try:
            key = cls(Kind(kind), lang, Scope(scope), value)
        except ValueError:
            raise ValueError(f"not an output key: {text!r}") from None
        if key.scope not in OUTPUTS[key.kind].keys:
            raise ValueError(f"not an output key: {text!r}")
        return key


def feed(lang: str, scope: Scope, value: str = "") -> OutputKey:
    return OutputKey(Kind.FEED, lang, Scope(scope), value)


def sitemap(lang: str, period: str) -> OutputKey:
    return OutputKey(Kind.SITEMAP, lang, Scope.PERIOD, period)


def news(lang: str) -> OutputKey:
    return OutputKey(Kind.NEWS, lang, Scope.RECENT, "")


def index(host_dir: str) -> OutputKey:
    return OutputKey(Kind.INDEX, "", Scope.HOST, host_dir)


def robots(host_dir: str) -> OutputKey:
    return OutputKey(Kind.ROBOTS, "", Scope.HOST, host_dir)


def directory(lang: str) -> OutputKey:
    """A language's feed directory: an HTML page and an OPML file listing every feed."""
    return OutputKey(Kind.DIRECTORY, lang, Scope.FEEDS, "")


def stylesheet(lang: str) -> OutputKey:
    """The XSL stylesheet a browser applies to a language's RSS and Atom feeds."""
    return OutputKey(Kind.STYLESHEET, lang, Scope.FEEDS, "")


def ping(lang: str, url: str) -> OutputKey:
    """Not an output: an article URL that changed, to announce (IndexNow) after the publish."""
    return OutputKey(Kind.PING, lang, Scope.URL, url)


@dataclass(frozen=True)
class OutputFile:
    key: OutputKey
    format: str
    path: str  # relative to the output directory, POSIX separators, unencoded
    url: str
    content_type: str


def _file(key: OutputKey, fmt: str, directory: str, base_url: str, rel: str) -> OutputFile:
    """A file of a key: at ``rel`` in a language's (or host's) directory and URL."""
    return OutputFile(
        key, fmt, _join(directory, rel), _url(base_url, rel), FORMATS[fmt].content_type
    )


def directory_files(settings: Settings, key: OutputKey) -> list[OutputFile]:
    lang = settings.language(key.lang)
    return [
        _file(key, "html", lang.path, lang.base_url, "feeds/index.html"),
        _file(key, "opml", lang.path, lang.base_url, "feeds/feeds.opml"),
    ]


def stylesheet_file(settings: Settings, lang: str) -> OutputFile:
    language = settings.language(lang)
    return _file(stylesheet(lang), "xsl", language.path, language.base_url, "feeds/feed.xsl")


def files(settings: Settings, key: OutputKey) -> list[OutputFile]:
    """The files a feed key renders to, one per configured format."""
    assert key.kind is Kind.FEED, key
    lang = settings.language(key.lang)
    out = []
    for fmt in settings.feeds.formats:
        ext = FORMATS[fmt].extension
        if key.scope in (Scope.ALL, Scope.BREAKING):
            rel = f"feeds/{key.scope}.{ext}"
        else:
            rel = f"feeds/{key.scope}/{key.value}.{ext}"
        out.append(_file(key, fmt, lang.path, lang.base_url, rel))
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
    name = key.value if key.kind is Kind.SITEMAP else "news"
    rel = f"sitemaps/{name}{'' if part is None else f'.{part}'}.xml" + (".gz" if gz else "")
    return _file(key, "gz" if gz else "xml", lang.path, lang.base_url, rel)


def host_file(settings: Settings, key: OutputKey, name: str | None = None) -> OutputFile:
    """The sitemap index or robots.txt of a host (or another file ``name`` of its key)."""
    host_url = hosts(settings)[key.value][0]
    name = name or ("sitemap.xml" if key.kind is Kind.INDEX else "robots.txt")
    fmt = name.rsplit(".", 1)[1]
    return OutputFile(key, fmt, _join(key.value, name), host_url + name, FORMATS[fmt].content_type)


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
    keys: list[OutputKey] = []
    for out in OUTPUTS.values():
        for scope, listing in out.keys.items():
            if listing is Listing.HOST:
                keys += [OutputKey(out.kind, "", scope, h) for h in hosts(settings)]
            elif listing is Listing.LANGUAGE:
                keys += [OutputKey(out.kind, lang, scope) for lang in settings.languages]
            elif listing is Listing.TAXONOMY:
                terms = taxonomy_terms(settings, scope)
                keys += [
                    OutputKey(out.kind, la, scope, t) for la in settings.languages for t in terms
                ]
    return keys


def list_of(settings: Settings, kind: Kind, lang: str) -> OutputKey:
    """The key of a list of outputs (a kind with one key per host or per language) that
    shows a language's files: its host's sitemap index, its own feed directory."""
    ((scope, listing),) = OUTPUTS[kind].keys.items()
    if listing is Listing.HOST:
        return OutputKey(kind, "", scope, host_of(settings, lang))
    return OutputKey(kind, lang, scope)


def taxonomy_terms(settings: Settings, scope: Scope) -> list[str]:
    """The configured terms of a taxonomy scope: a feed each, and no other."""
    tax = settings.taxonomy
    terms = {Scope.SECTION: tax.sections, Scope.GROUP: tax.groups, Scope.REGION: tax.regions}
    return list(terms[scope])


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
        feed(s.lang, Scope.ALL),
        feed(s.lang, Scope.SECTION, s.section),
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
        keys.add(feed(s.lang, Scope.GROUP, group))
    keys |= {feed(s.lang, Scope.REGION, r) for r in s.regions}
    keys |= {feed(s.lang, Scope.COVERAGE, c) for c in s.coverage}
    keys |= {feed(s.lang, Scope.TAG, t) for t in s.tags}
    keys |= {feed(s.lang, Scope.AUTHOR, a) for a in s.authors}
    return keys


def keys_for_breaking(lang: str) -> set[OutputKey]:
    return {feed(lang, Scope.BREAKING)}


def union(groups: Iterable[set[OutputKey]]) -> set[OutputKey]:
    out: set[OutputKey] = set()
    for g in groups:
        out |= g
    return out


# --- what a change dirties: the one place that decides it ---

VISIBLE = ("published", "scheduled")  # statuses that are live once published_at has passed


@dataclass(frozen=True)
class VariantState:
    """A variant as its outputs see it: where it is filed (with its first publication time),
    its status, its URL and its version (the content hash of the text and media its entries
    show). Two equal states render the same entries everywhere."""

    scopes: VariantScopes
    status: str
    url: str
    version: str

    @property
    def published_at(self) -> datetime | None:
        return self.scopes.published_at

    @property
    def visible(self) -> bool:
        return self.status in VISIBLE

    def live(self, now: datetime) -> bool:
        return self.visible and self.published_at is not None and self.published_at <= now


def story_dirties(
    settings: Settings,
    before: dict[str, VariantState],
    after: dict[str, VariantState],
    now: datetime,
    *,
    announce: bool,
) -> set[OutputKey]:
    """The outputs a write to a story makes due. ``before`` and ``after`` are its variants by
    language as stored before and after the write (``before`` empty for a new story).

    - A variant that changed dirties the outputs it was in and those it is in now, while
      visible (a scheduled one too: its feeds are rendered again when its embargo lifts).
      Its old and new URLs are announced (``announce``: IndexNow is configured) while live,
      never an embargoed one.
    - When a variant appears, goes, or changes status, publication time or URL, the entries
      of its translations change too (their hreflang alternates list it): their outputs.
    - Every sitemap period holding a variant of the story, whatever its status: a period's
      index <lastmod> is the latest write to any of its stories (``sitemap_periods``).
    """
    touched = {lang for lang in before.keys() | after.keys() if before.get(lang) != after.get(lang)}
    keys: set[OutputKey] = set()
    for lang in touched:
        for state in (before.get(lang), after.get(lang)):
            if state is not None and state.visible:
                keys |= keys_for_variant(settings, state.scopes)
                if announce and state.live(now):
                    keys.add(ping(lang, state.url))
    if any(_relinks(before.get(lang), after.get(lang)) for lang in touched):
        for lang, state in after.items():
            if lang not in touched and state.visible:
                keys |= keys_for_variant(settings, state.scopes)
    if touched:
        keys |= sitemap_periods(settings, before, after)
    return keys


def _relinks(old: VariantState | None, new: VariantState | None) -> bool:
    """Whether a variant's change shows in its translations' entries (as an alternate)."""
    if old is None or new is None:
        return True
    return (old.status, old.published_at, old.url) != (new.status, new.published_at, new.url)


def sitemap_periods(settings: Settings, *stories: dict[str, VariantState]) -> set[OutputKey]:
    """The sitemap periods of every variant of a story, whatever its status: a write to one
    makes all of them due (an unchanged file keeps its bytes; only its index entry moves)."""
    keys: set[OutputKey] = set()
    for variants in stories:
        for lang, state in variants.items():
            if state.published_at is not None and lang in settings.languages:
                keys.add(sitemap(lang, period_of(settings, state.published_at)))
    return keys


def story_due(
    settings: Settings,
    variants: dict[str, VariantState],
    since: datetime,
    now: datetime,
    *,
    announce: bool,
) -> set[OutputKey]:
    """The outputs the clock makes due in a story nobody wrote, moving from ``since`` to
    ``now``: when a visible variant's publication time passes (its embargo lifts) it enters
    its outputs and its translations' entries gain it as an alternate; its URL is announced.
    """
    lo, hi = min(since, now), max(since, now)
    crossed = [
        state
        for state in variants.values()
        if state.visible and state.published_at is not None and lo < state.published_at <= hi
    ]
    if not crossed:
        return set()
    keys = union(
        keys_for_variant(settings, state.scopes) for state in variants.values() if state.visible
    )
    if announce:
        keys |= {ping(state.scopes.lang, state.url) for state in crossed}
    return keys


def news_window_left(settings: Settings, lang: str) -> set[OutputKey]:
    """What a variant leaving the news sitemap's window (by the clock alone) makes due: the
    news sitemap, and the host's index that lists it with its <lastmod>."""
    return {news(lang), index(host_of(settings, lang))}


@dataclass(frozen=True)
class BreakingState:
    """A breaking item as the ticker shows it."""

    lang: str
    text: str
    published_at: datetime
    expires_at: datetime | None
    story_id: str | None
    withdrawn: bool


def breaking_dirties(before: BreakingState | None, after: BreakingState | None) -> set[OutputKey]:
    """The outputs a write to a breaking item makes due: the ticker of its language before
    and after (an item can change language), unless it shows the same."""
    if before == after:
        return set()
    return union(keys_for_breaking(state.lang) for state in (before, after) if state is not None)


def breaking_end(
    settings: Settings, published_at: datetime, expires_at: datetime | None
) -> datetime:
    """When a breaking item leaves the ticker: its own expiry, else the configured lifetime
    after its publication. It shows from its publication until then."""
    return expires_at if expires_at is not None else published_at + settings.breaking.lifetime


def breaking_due(
    settings: Settings, item: BreakingState, since: datetime, now: datetime
) -> set[OutputKey]:
    """The outputs the clock makes due for a breaking item, moving from ``since`` to ``now``:
    its ticker, when the item's publication time or its end (its own expiry, or the
    configured lifetime after publication) passes."""
    lo, hi = min(since, now), max(since, now)
    ends = breaking_end(settings, item.published_at, item.expires_at)
    if item.lang in settings.languages and (lo < item.published_at <= hi or lo < ends <= hi):
        return keys_for_breaking(item.lang)
    return set()
