"""The home page: where a person starts, in one language, with a switcher to the others.

Pure, as the directory pages are: labels arrive translated and links arrive built;
nothing here reads a store or a setting. It is built with lxml, carries its language
and direction (each language's name carries its own), needs no script, and is styled
by the directory page's one inline style, which the pages' Content-Security-Policy
already allows by its hash (pages.content_security_policy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml.html import HtmlElement
from lxml.html import builder as E

from syndicate.render.pages import STYLE, document


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    type: str | None = None  # the media type it leads to, when it is not a page


@dataclass(frozen=True)
class Row:
    """A line of a section: its link, and smaller links beside it (OPML, robots.txt)."""

    link: Link
    extras: Sequence[Link] = ()


@dataclass(frozen=True)
class Section:
    title: str
    rows: Sequence[Row]
    lang: str | None = None  # the title's own language (a language's name in itself)
    direction: str | None = None


@dataclass(frozen=True)
class Choice:
    """A language of the switcher: its name in itself and the page's address in it."""

    lang: str
    name: str
    direction: str
    url: str
    current: bool


@dataclass(frozen=True)
class HomePage:
    lang: str
    direction: str
    title: str
    intro: str
    languages_label: str  # names the switcher for assistive technology
    languages: Sequence[Choice]
    sections: Sequence[Section]


def home_html(page: HomePage) -> bytes:
    switcher = E.P()
    for i, choice in enumerate(page.languages):
        if i:
            switcher.append(E.SPAN(" · ", {"aria-hidden": "true"}))
        link = E.A(
            E.STRONG(choice.name) if choice.current else choice.name,
            href=choice.url,
            hreflang=choice.lang,
            lang=choice.lang,
            dir=choice.direction,
        )
        if choice.current:
            link.set("aria-current", "page")
        switcher.append(link)
    main = E.MAIN()
    for section in page.sections:
        main.append(_section(section))
    body = E.BODY(
        E.HEADER(
            E.NAV({"aria-label": page.languages_label}, switcher),
            E.H1(page.title),
            E.P(page.intro, E.CLASS("intro")),
        ),
        main,
    )
    return document(page.title, STYLE, body, page.lang, page.direction)


def _section(section: Section) -> HtmlElement:
    heading = E.H2(section.title)
    if section.lang:
        heading.set("lang", section.lang)
    if section.direction:
        heading.set("dir", section.direction)
    rows = E.UL()
    for row in section.rows:
        item = E.LI(_anchor(row.link))
        if row.extras:
            item.append(E.SPAN(E.CLASS("formats"), *(_anchor(x) for x in row.extras)))
        rows.append(item)
    return E.SECTION(heading, rows)


def _anchor(link: Link) -> HtmlElement:
    anchor = E.A(link.label, href=link.url)
    if link.type:
        anchor.set("type", link.type)
    return anchor
