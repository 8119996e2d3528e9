"""What goes into a feed: its stories (or breaking items), its title and description in
the feed's language, the URLs of its formats; each format's renderer writes the bytes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import cache

from syndicate import i18n, plan
from syndicate.config import Settings
from syndicate.i18n import _
from syndicate.outputs import CONTENT_SCOPES, FORMATS, OUTPUTS, Kind, Listing, Scope
from syndicate.plan import OutputKey
from syndicate.publish.job import Job, Rendered
from syndicate.render.items import BreakingEntry, Category, FeedItem, FeedMeta
from syndicate.store import feed_guid

log = logging.getLogger(__name__)

# `updated` of a feed with no items: a constant, so an empty feed's bytes depend on
# nothing but its key, and a plausible one (the W3C validator flags pre-1990 dates).
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)

# Feed titles and descriptions. %(site)s is the language's site name,
# %(name)s the section, group, region, tag, topic or author.
TITLES: dict[str, tuple[str, str]] = {
    "section": (_("%(site)s: %(name)s"), _("The latest stories in %(name)s from %(site)s")),
    "group": (_("%(site)s: %(name)s"), _("The latest stories in %(name)s from %(site)s")),
    "region": (_("%(site)s: %(name)s"), _("The latest stories about %(name)s from %(site)s")),
    "tag": (
        _("%(site)s: stories tagged “%(name)s”"),
        _("The latest stories tagged “%(name)s” from %(site)s"),
    ),
    "coverage": (
        _("%(site)s: coverage of %(name)s"),
        _("Continuing coverage of %(name)s from %(site)s"),
    ),
    "author": (_("%(site)s: stories by %(name)s"), _("The latest stories by %(name)s on %(site)s")),
    "breaking": (_("%(site)s: Breaking news"), _("Breaking news from %(site)s, as it happens")),
}
ALL_DESCRIPTION = _("The latest stories from %(site)s")
BREAKING_LABEL = _("Breaking news")


def render(job: Job, key: OutputKey) -> list[Rendered] | None:
    """A feed in each configured format; None for a term no longer configured, a tag
    under its minimum of stories, or a content scope with none."""
    settings, store, s, now = job.settings, job.store, job.session, job.now
    if key.scope == Scope.BREAKING:
        items = [breaking_item(settings, e) for e in store.feeds.breaking_entries(s, key.lang, now)]
        name = ""
    else:
        listing = OUTPUTS[Kind.FEED].keys[key.scope]
        if listing is Listing.TAXONOMY and key.value not in plan.taxonomy_terms(
            settings, key.scope
        ):
            return None
        least = settings.feeds.tag_min_stories
        if key.scope == Scope.TAG and store.feeds.count_live(s, key, now, least) < least:
            return None
        refs = store.feeds.refs(s, key, now, settings.feeds.items)
        if not refs and key.scope in CONTENT_SCOPES:
            return None
        items = store.feeds.load_items(s, refs, now, job.caches.items)
        name = _subject(job, key)
    meta = _meta(settings, key, name, items)
    out = []
    for f in plan.files(settings, key):
        renderer = FORMATS[f.format].render
        assert renderer is not None, f.format
        out.append(
            Rendered(f, renderer(meta, items, job.caches.fragments), len(items), meta.updated)
        )
    return out


def _subject(job: Job, key: OutputKey) -> str:
    """The name of a feed's section, group, region, topic, tag or author, in its language."""
    tax = job.settings.taxonomy
    lang = key.lang
    if key.scope == Scope.SECTION:
        return tax.sections[key.value].label(lang)
    if key.scope == Scope.GROUP:
        return tax.groups[key.value].label(lang)
    if key.scope == Scope.REGION:
        return tax.regions[key.value].label(lang)
    if key.scope == Scope.COVERAGE:
        return coverage_label(job.settings, key.value, lang)
    if key.scope in (Scope.TAG, Scope.AUTHOR):
        return job.store.feeds.scope_name(job.session, key)
    return ""


def coverage_label(settings: Settings, topic: str, lang: str) -> str:
    """A coverage topic's name in ``lang``: its taxonomy label. Stories may name a topic
    the taxonomy has no table for (configuration makes a table label every language); it
    is shown by its key, and a warning, once per process, names the table to add."""
    term = settings.taxonomy.coverage_term(topic)
    if lang not in term.labels:
        _warn_unlabelled(topic, lang, term.label(lang))
    return term.label(lang)


@cache
def _warn_unlabelled(topic: str, lang: str, shown: str) -> None:
    log.warning(
        "a coverage topic has no label in the taxonomy",
        extra={
            "fields": {
                "topic": topic,
                "lang": lang,
                "shown_as": shown,
                "fix": f"add a [coverage.{topic}] table with a label per language",
            }
        },
    )


def breaking_item(settings: Settings, e: BreakingEntry) -> FeedItem:
    label = i18n.gettext(e.lang, BREAKING_LABEL)
    scheme = plan.files(settings, plan.feed(e.lang, Scope.BREAKING))[0].url
    return FeedItem(
        story_id=e.id,
        lang=e.lang,
        guid=e.guid,
        title=e.text,
        url=e.url,
        summary=None,
        body_html=None,
        authors=(),
        source=None,
        categories=(Category("breaking", label, scheme),),
        published=e.published,
        updated=e.published,
        image=None,
        video=None,
        alternates=(),
    )


def _meta(settings: Settings, key: OutputKey, name: str, items: list[FeedItem]) -> FeedMeta:
    lang = settings.language(key.lang)
    site = lang.site_name
    if key.scope == Scope.ALL:
        title = site
        description = lang.description or i18n.gettext(key.lang, ALL_DESCRIPTION, site=site)
    else:
        t, d = TITLES[key.scope]
        title = i18n.gettext(key.lang, t, site=site, name=name)
        description = i18n.gettext(key.lang, d, site=site, name=name)
    return FeedMeta(
        key=str(key),
        guid=feed_guid(settings, key),
        lang=key.lang,
        direction=lang.direction,
        site_name=site,
        title=title,
        description=description,
        site_url=lang.base_url,
        self_urls={f.format: f.url for f in plan.files(settings, key)},
        hub=settings.feeds.websub_hub,
        generator=settings.feeds.generator,
        updated=max((i.updated for i in items), default=EMPTY_FEED_UPDATED),
        stylesheet=plan.stylesheet_file(settings, key.lang).url,
    )
