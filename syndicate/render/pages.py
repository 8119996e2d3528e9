"""Pages for people: a language's feed directory (HTML) and the same list as OPML.

Pure: labels arrive translated, feeds arrive listed; nothing here reads a
store or a file. The HTML is built with lxml (escaping is its job, not
ours), carries the language and its direction, and needs no script.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree
from lxml.html import builder as E
from lxml.html import tostring

from syndicate.render import cldr


@dataclass(frozen=True)
class FeedLink:
    name: str
    urls: dict[str, str]  # format -> URL, in the order rss, atom, json


@dataclass(frozen=True)
class FeedGroup:
    title: str
    feeds: Sequence[FeedLink]


@dataclass(frozen=True)
class DirectoryPage:
    lang: str
    direction: str
    title: str
    intro: str
    opml_label: str
    opml_url: str
    site_name: str
    site_url: str
    groups: Sequence[FeedGroup]


FORMAT_NAMES = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
STYLE = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Naskh Arabic",sans-serif;
margin:0 auto;max-width:60rem;padding:1.5rem;color:#1b1b1b;background:#fff}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .4rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}ul{list-style:none;padding:0;margin:0;
display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:.2rem 1.2rem}
li{display:flex;justify-content:space-between;gap:.5rem;padding:.15rem 0}
.formats a{font-size:.8rem;margin-inline-start:.4rem;color:#555}a{color:#0b57a4}
.intro{color:#444}.opml{display:inline-block;margin:.5rem 0;padding:.3rem .7rem;
border:1px solid #0b57a4;border-radius:.3rem;text-decoration:none}
"""
# The feed page (syndicate/render/feedpage.py): each item a row of a grid, its title,
# date and summary stacked on a phone, the date in a column of its own from 48rem;
# long words and the feed's address wrap rather than widen the page.
FEED_PAGE_STYLE = (
    STYLE + ".box{background:#f3f6fa;padding:.8rem 1rem;border-radius:.4rem}"
    "code.self{display:inline-block;background:#fff;padding:.2rem .4rem;user-select:all;"
    "overflow-wrap:anywhere}"
    "ol.items{list-style:none;margin:0;padding:0}"
    ".items li{display:grid;grid-template-columns:minmax(0,1fr);row-gap:.25rem;"
    "padding:.8rem 0;border-bottom:1px solid #e5e5e5}"
    ".items .title{grid-row:1;font-weight:600;text-decoration:none;overflow-wrap:anywhere}"
    ".items .date{grid-row:2;color:#555;font-size:.875rem}"
    ".items .summary{grid-row:3;margin:0;color:#333;overflow-wrap:anywhere;"
    "display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:3;line-clamp:3;"
    "overflow:hidden}"
    "@media (min-width:48rem){.items li{grid-template-columns:13rem minmax(0,1fr);"
    "column-gap:1.5rem}.items .date{grid-column:1;grid-row:1/span 2;padding-top:.1rem}"
    ".items .title{grid-column:2;grid-row:1}.items .summary{grid-column:2;grid-row:2}}"
)
# The status page: wide tables scroll inside their box on a phone; the chart takes the
# page's width up to 40rem, its axes' units written above and below it.
STATUS_STYLE = (
    STYLE + "table{border-collapse:collapse;margin:.5rem 0}"
    "td,th{border-bottom:1px solid #eee;padding:.2rem .6rem;text-align:start}"
    "td,th{white-space:nowrap}td.n{text-align:end;font-variant-numeric:tabular-nums}"
    ".scroll{overflow-x:auto}"
    ".chart{max-width:40rem}.chart svg{display:block;width:100%;height:auto}"
    ".chart text{fill:#444}.axis{font-size:.85rem;color:#444;margin:.2rem 0}"
)


def content_security_policy() -> str:
    """The Content-Security-Policy of our HTML pages: exactly what they use.

    They load nothing and run no script; each has one inline <style> (allowed by its
    hash, CSP3 §8.3, so no other inline style or script can run); the status page's
    chart is inline SVG, which loads nothing either. Links still work: CSP does not
    govern navigation. config/nginx.conf is generated with this value (syndicate/nginx.py).
    """
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
        for style in (STYLE, FEED_PAGE_STYLE, STATUS_STYLE)
    )
    return (
        f"default-src 'none'; style-src {hashes}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def document(title: str, style: str, body: etree._Element, lang: str, direction: str) -> bytes:
    """A whole page: its head (charset, viewport, title, its one style sheet) and body, in
    its language and direction."""
    html = E.HTML(
        E.HEAD(
            E.META(charset="utf-8"),
            E.META(name="viewport", content="width=device-width, initial-scale=1"),
            E.TITLE(title),
            E.STYLE(style),
        ),
        body,
        lang=lang,
        dir=direction,
    )
    return b"<!DOCTYPE html>\n" + bytes(tostring(html, encoding="utf-8", pretty_print=True))


def directory_html(page: DirectoryPage) -> bytes:
    body = E.BODY(
        E.HEADER(
            E.P(E.A(page.site_name, href=page.site_url)),
            E.H1(page.title),
            E.P(page.intro, E.CLASS("intro")),
            E.A(page.opml_label, E.CLASS("opml"), href=page.opml_url),
        )
    )
    for group in page.groups:
        if not group.feeds:
            continue
        section = E.SECTION(E.H2(group.title))
        items = E.UL()
        for feed in group.feeds:
            links = E.SPAN(E.CLASS("formats"))
            for fmt, url in feed.urls.items():
                links.append(E.A(FORMAT_NAMES.get(fmt, fmt), href=url, type=_mime(fmt)))
            first = next(iter(feed.urls.values()))
            items.append(E.LI(E.A(feed.name, href=first), links))
        section.append(items)
        body.append(section)
    return document(f"{page.title} · {page.site_name}", STYLE, body, page.lang, page.direction)


def _mime(fmt: str) -> str:
    return {
        "rss": "application/rss+xml",
        "atom": "application/atom+xml",
        "json": "application/feed+json",
    }.get(fmt, "application/octet-stream")


def opml(page: DirectoryPage) -> bytes:
    """OPML 2.0 (http://opml.org/spec2.opml): the directory, for importing into a reader."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = f"{page.title} · {page.site_name}"
    body = etree.SubElement(root, "body")
    for group in page.groups:
        if not group.feeds:
            continue
        folder = etree.SubElement(body, "outline", text=group.title, title=group.title)
        for feed in group.feeds:
            url = feed.urls.get("rss") or feed.urls.get("atom") or next(iter(feed.urls.values()))
            etree.SubElement(
                folder,
                "outline",
                type="rss",
                text=feed.name,
                title=feed.name,
                xmlUrl=url,
                htmlUrl=page.site_url,
                language=page.lang,
            )
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8")) + b"\n"


@dataclass(frozen=True)
class Chart:
    """Publishes per minute over the last hour, for the status page."""

    lang: str  # whose digits and separators the scale is written in
    counts: Sequence[int]  # publishes in each of the last minutes, oldest first
    label: str  # what it shows, for a screen reader
    y_label: str  # the y axis and its unit: "Publishes per minute"
    x_label: str  # the x axis and its unit: "Minutes ago (now: …)"


@dataclass(frozen=True)
class StatusPage:
    """The status page, every value written as the page's language writes it."""

    lang: str
    direction: str
    title: str
    labels: dict[str, str]  # translated labels, by role
    waiting: str  # the outbox: how many changes wait, how old the oldest is
    outputs: Sequence[Sequence[str]]  # language, kind, files, items, last changed
    publishes: Sequence[Sequence[str]]  # time, mode, written, failed, seconds
    chart: Chart
    generated: str


def status_html(page: StatusPage) -> bytes:
    """The status page: outputs per language, the outbox, the latest publishes, and a chart."""
    lab = page.labels
    body = E.BODY(
        E.H1(page.title),
        E.P(page.waiting, E.CLASS("intro")),
        E.H2(lab["chart"]),
        _figure(page.chart),
        E.H2(lab["outputs"]),
        _table(
            [lab[k] for k in ("language", "kind", "files", "items", "newest")], page.outputs, {2, 3}
        ),
        E.H2(lab["latest"]),
        _table(
            [lab[k] for k in ("time", "mode", "written", "failed", "seconds")],
            page.publishes,
            {2, 3, 4},
        ),
        E.P(f"{lab['generated']}: {page.generated}", E.CLASS("intro")),
    )
    return document(page.title, STATUS_STYLE, body, page.lang, page.direction)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> etree._Element:
    """A table that scrolls on its own when wider than a phone, numbers aligned at the end."""
    table = E.TABLE(E.TR(*(E.TH(h) for h in head)))
    for row in rows:
        table.append(
            E.TR(
                *(
                    E.TD(cell, E.CLASS("n")) if i in numeric else E.TD(cell)
                    for i, cell in enumerate(row)
                )
            )
        )
    return E.DIV(table, E.CLASS("scroll"))


# The chart's drawing, in its own units (it scales to the page's width): the plot and
# the margins its scale and its minutes are written in.
WIDTH, HEIGHT = 360, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 8, 22
MINUTE_TICKS = (60, 45, 30, 15, 0)


def scale(top: int) -> list[int]:
    """The y axis's ticks: from 0 by a step of 1, 2 or 5 times a power of ten, at most
    four steps, the last at or above ``top``."""
    step, k = 1, 0
    while top > 4 * step:
        k += 1
        step = (1, 2, 5)[k % 3] * 10 ** (k // 3)
    last = -(-max(top, 1) // step) * step
    return list(range(0, last + 1, step))


def _figure(chart: Chart) -> etree._Element:
    """The chart: its y axis's unit above it, its x axis's below, both as text of the page
    (its language, its direction); the drawing itself runs left to right in every language,
    as time does, with its scale and its minutes written in the page's digits."""
    return E.DIV(
        E.P(chart.y_label, E.CLASS("axis")),
        _chart(chart),
        E.P(chart.x_label, E.CLASS("axis")),
        E.CLASS("chart"),
    )


def _chart(chart: Chart) -> etree._Element:
    """Publishes per minute as an inline SVG bar chart with its axes (no script, no library)."""
    counts = chart.counts
    ticks = scale(max(counts, default=0))
    top = ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bar = plot_w / max(len(counts), 1)
    svg = etree.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {HEIGHT}",
        role="img",
    )
    svg.set("aria-label", chart.label)
    svg.set("direction", "ltr")  # time runs left to right in every language
    svg.set("font-size", "11")

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    def line(x1: float, y1: float, x2: float, y2: float, stroke: str = "#555") -> None:
        coords = {"x1": x1, "y1": y1, "x2": x2, "y2": y2}
        etree.SubElement(svg, "line", {k: f"{v:.1f}" for k, v in coords.items()}, stroke=stroke)

    def label(x: float, y: float, anchor: str, axis: str, value: int) -> None:
        attrs = {"x": f"{x:.1f}", "y": f"{y:.1f}", "text-anchor": anchor, "class": axis}
        etree.SubElement(svg, "text", attrs).text = cldr.number(chart.lang, value)

    for value in ticks:  # the scale, and a faint line across at each step
        line(LEFT, y(value), WIDTH - RIGHT, y(value), "#e3e3e3" if value else "#555")
        label(LEFT - 5, y(value) + 4, "end", "y", value)
    line(LEFT, TOP, LEFT, y(0))
    for minutes in MINUTE_TICKS:  # minutes ago, the newest at the right
        x = LEFT + plot_w * (len(counts) - minutes) / max(len(counts), 1)
        line(x, y(0), x, y(0) + 4)
        label(x, y(0) + 16, "middle", "x", minutes)
    for i, n in enumerate(counts):
        h = 0.0 if n == 0 else max(1.5, plot_h * n / top)
        rect = etree.SubElement(
            svg,
            "rect",
            x=f"{LEFT + i * bar + bar * 0.1:.1f}",
            y=f"{y(0) - h:.1f}",
            width=f"{bar * 0.8:.1f}",
            height=f"{h:.1f}",
            fill="#0b57a4",
        )
        etree.SubElement(rect, "title").text = cldr.number(chart.lang, n)
    return svg
