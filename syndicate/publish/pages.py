"""What goes into a language's feed directory (an HTML page and an OPML file of its feeds,
as committed) and into the XSL stylesheet browsers apply to its RSS and Atom feeds."""

from __future__ import annotations

from collections.abc import Callable

from syndicate import i18n, plan
from syndicate.i18n import _
from syndicate.outputs import OUTPUTS, Kind, Listing, Scope
from syndicate.plan import OutputKey
from syndicate.publish.feeds import BREAKING_LABEL, coverage_label
from syndicate.publish.job import Job, Rendered
from syndicate.render import cldr, feedpage, pages

DIRECTORY_TITLE = _("%(site)s feeds")
DIRECTORY_INTRO = _(
    "Follow any of these feeds in your feed reader: copy a link into it, "
    "or import them all at once with the OPML file."
)
OPML_LABEL = _("All feeds as OPML")
LATEST_LABEL = _("Latest and breaking")
ALL_LABEL = _("All stories")
# The page a browser shows for a feed (the XSL stylesheet)
FEED_PAGE_HEADING = _("This is a web feed")
FEED_PAGE_EXPLAIN = _(
    "Copy the address of this page into your feed reader to follow it: "
    "new stories will come to you as they are published."
)
FEED_PAGE_DIRECTORY = _("All our feeds")
FEED_PAGE_LATEST = _("Latest items")
DIRECTORY_GROUPS = (
    (Scope.SECTION, _("Sections")),
    (Scope.GROUP, _("Section groups")),
    (Scope.REGION, _("Regions")),
    (Scope.COVERAGE, _("Coverage")),
    (Scope.TAG, _("Tags")),
    (Scope.AUTHOR, _("Authors")),
)
# the formats in the order a directory lists each feed's links
_ORDER = {fmt: i for i, fmt in enumerate(OUTPUTS[Kind.FEED].formats)}


def render_directory(job: Job, key: OutputKey) -> list[Rendered]:
    """A language's feed directory, as HTML and OPML, from its feeds as committed."""
    settings, lang = job.settings, key.lang
    language = settings.language(lang)
    urls: dict[OutputKey, dict[str, str]] = {}
    for o in job.store.outputs.feeds(job.session, lang):
        urls.setdefault(OutputKey.parse(o.key), {})[o.path.rsplit(".", 1)[1]] = o.url

    def link(k: OutputKey, name: str) -> pages.FeedLink:
        return pages.FeedLink(
            name, dict(sorted(urls[k].items(), key=lambda i: _ORDER.get(i[0], 9)))
        )

    def t(message: str) -> str:
        return i18n.gettext(lang, message)

    latest = [
        link(k, t(ALL_LABEL) if k.scope == Scope.ALL else t(BREAKING_LABEL))
        for k in (plan.feed(lang, Scope.ALL), plan.feed(lang, Scope.BREAKING))
        if k in urls
    ]
    groups = [pages.FeedGroup(t(LATEST_LABEL), latest)]
    names = _names(job, lang)
    for scope, title in DIRECTORY_GROUPS:
        found = [k for k in urls if k.scope == scope]
        if OUTPUTS[Kind.FEED].keys[scope] is Listing.TAXONOMY:
            rank = {v: i for i, v in enumerate(plan.taxonomy_terms(settings, scope))}
            found.sort(key=lambda k: rank.get(k.value, 10**6))
        else:
            found.sort(key=lambda k: names[scope](k.value).casefold())
        groups.append(pages.FeedGroup(t(title), [link(k, names[scope](k.value)) for k in found]))
    html_file, opml_file = plan.directory_files(settings, key)
    page = pages.DirectoryPage(
        lang=lang,
        direction=language.direction,
        title=i18n.gettext(lang, DIRECTORY_TITLE, site=language.site_name),
        intro=t(DIRECTORY_INTRO),
        opml_label=t(OPML_LABEL),
        opml_url=opml_file.url,
        site_name=language.site_name,
        site_url=language.base_url,
        groups=groups,
    )
    count = sum(len(g.feeds) for g in groups)
    return [
        Rendered(html_file, pages.directory_html(page), count, None),
        Rendered(opml_file, pages.opml(page), count, None),
    ]


def _names(job: Job, lang: str) -> dict[Scope, Callable[[str], str]]:
    """How a directory names the feeds of each scope: configured labels, or the names the
    stories gave their tags and authors."""
    tax = job.settings.taxonomy
    tags, authors = job.store.feeds.term_names(job.session, lang)
    return {
        Scope.SECTION: lambda v: tax.sections[v].label(lang) if v in tax.sections else v,
        Scope.GROUP: lambda v: tax.groups[v].label(lang) if v in tax.groups else v,
        Scope.REGION: lambda v: tax.regions[v].label(lang) if v in tax.regions else v,
        Scope.COVERAGE: lambda v: coverage_label(job.settings, v, lang),
        Scope.TAG: lambda v: tags.get(v, v),
        Scope.AUTHOR: lambda v: authors.get(v, v),
    }


def render_stylesheet(job: Job, key: OutputKey) -> list[Rendered]:
    lang = key.lang
    labels = feedpage.StylesheetLabels(
        lang=lang,
        direction=job.settings.language(lang).direction,
        heading=i18n.gettext(lang, FEED_PAGE_HEADING),
        explain=i18n.gettext(lang, FEED_PAGE_EXPLAIN),
        directory=i18n.gettext(lang, FEED_PAGE_DIRECTORY),
        directory_url=plan.directory_files(job.settings, plan.directory(lang))[0].url,
        latest=i18n.gettext(lang, FEED_PAGE_LATEST),
    )
    return [
        Rendered(
            plan.stylesheet_file(job.settings, lang),
            feedpage.feed_stylesheet(labels, cldr.date_style(lang)),
            0,
            None,
        )
    ]
