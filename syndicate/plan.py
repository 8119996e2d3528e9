"""Output keys: which outputs exist, what a change dirties, the URL and path of each.

An output key names one thing rendered from one query: a feed of a language
and a scope (all stories, a section, a group, a region, a tag, a coverage
topic, an author, or the breaking ticker). One key is rendered into each
configured format (RSS, Atom, JSON Feed): the formats share the key's query
and always change together, so the outbox tracks keys, not files, and
holds a third of the rows it would otherwise.

Directory layout (relative to the output directory; each language's
directory is served at its ``base_url``)::

    manifest.json                          every output: URL, path, type, hash
    {lang.path}/feeds/all.{rss,atom,json}
    {lang.path}/feeds/breaking.{...}
    {lang.path}/feeds/{scope}/{value}.{...}   scope: section, group, region,
                                              tag, coverage, author
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from syndicate import clean
from syndicate.config import Settings

SCOPES = ("all", "section", "group", "region", "tag", "coverage", "author", "breaking")
# Scopes whose feed exists only while it has stories (the rest always exist).
CONTENT_SCOPES = ("tag", "coverage", "author")

EXTENSIONS = {"rss": "rss", "atom": "atom", "json": "json"}
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
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
        if kind != "feed" or scope not in SCOPES:
            raise ValueError(f"not an output key: {text!r}")
        return cls(kind, lang, scope, value)


def feed(lang: str, scope: str, value: str = "") -> OutputKey:
    return OutputKey("feed", lang, scope, value)


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
    """The files a key renders to, one per configured format."""
    lang = settings.language(key.lang)
    out = []
    for fmt in settings.feeds.formats:
        rel = _relative(key, fmt)
        url = lang.base_url + "/".join(clean.path_segment(seg) for seg in rel.split("/"))
        out.append(OutputFile(key, fmt, f"{lang.path}/{rel}", url, CONTENT_TYPES[fmt]))
    return out


def file_for(settings: Settings, key: OutputKey, fmt: str) -> OutputFile:
    for f in files(settings, key):
        if f.format == fmt:
            return f
    raise KeyError(fmt)


def fixed_keys(settings: Settings) -> list[OutputKey]:
    """Keys that exist whatever the content: a feed of an empty section is still valid."""
    tax = settings.taxonomy
    keys: list[OutputKey] = []
    for lang in settings.languages:
        keys.append(feed(lang, "all"))
        keys.append(feed(lang, "breaking"))
        keys += [feed(lang, "section", s) for s in tax.sections]
        keys += [feed(lang, "group", g) for g in tax.groups]
        keys += [feed(lang, "region", r) for r in tax.regions]
    return keys


def article_url(settings: Settings, lang: str, section: str, slug: str) -> str:
    """The default canonical URL of a variant: base URL, section, slug (encoded)."""
    base = settings.language(lang).base_url
    return f"{base}{clean.path_segment(section)}/{clean.path_segment(slug)}"


@dataclass(frozen=True)
class VariantScopes:
    """What a variant is filed under: everything a change to it can dirty."""

    lang: str
    section: str
    regions: tuple[str, ...]
    coverage: tuple[str, ...]
    tags: tuple[str, ...]  # slugs
    authors: tuple[str, ...]  # slugs


def keys_for_variant(settings: Settings, s: VariantScopes) -> set[OutputKey]:
    """Every feed the variant appears in while it is live."""
    keys = {feed(s.lang, "all"), feed(s.lang, "section", s.section)}
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
