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
FEED_PAGE_STYLE = (
    STYLE + ".box{background:#f3f6fa;padding:.8rem 1rem;border-radius:.4rem}"
    "code.self{display:inline-block;background:#fff;padding:.2rem .4rem;user-select:all}"
)
STATUS_STYLE = (
    STYLE + "table{border-collapse:collapse;margin:.5rem 0}"
    "td,th{border-bottom:1px solid #eee;padding:.2rem .6rem;text-align:start}"
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
    html = E.HTML(
        E.HEAD(
            E.META(charset="utf-8"),
            E.META(name="viewport", content="width=device-width, initial-scale=1"),
            E.TITLE(f"{page.title} · {page.site_name}"),
            E.STYLE(STYLE),
        ),
        body,
        lang=page.lang,
        dir=page.direction,
    )
    return b"<!DOCTYPE html>\n" + bytes(tostring(html, encoding="utf-8", pretty_print=True))


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
class StylesheetLabels:
    lang: str
    direction: str
    heading: str  # "This is a web feed"
    explain: str  # how to subscribe
    directory: str  # link text to the feed directory
    directory_url: str
    latest: str  # "Latest items"


def feed_stylesheet(labels: StylesheetLabels) -> bytes:
    """An XSLT 1.0 stylesheet that shows an RSS or Atom feed as a page in a browser.

    Browsers apply it (the feeds reference it with xml-stylesheet); feed
    readers ignore it. Labels are the language's; the page takes its direction.
    """
    x = "http://www.w3.org/1999/XSL/Transform"
    root = etree.Element(
        f"{{{x}}}stylesheet", version="1.0", nsmap={"xsl": x, "atom": "http://www.w3.org/2005/Atom"}
    )
    etree.SubElement(root, f"{{{x}}}output", method="html", encoding="UTF-8", indent="yes")
    template = etree.SubElement(root, f"{{{x}}}template", match="/")
    page = etree.SubElement(template, "html", lang=labels.lang, dir=labels.direction)
    head = etree.SubElement(page, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    title = etree.SubElement(head, "title")
    etree.SubElement(
        title, f"{{{x}}}value-of", select="(rss/channel/title|atom:feed/atom:title)[1]"
    )
    etree.SubElement(head, "style").text = FEED_PAGE_STYLE
    body = etree.SubElement(page, "body")
    box = etree.SubElement(body, "div", {"class": "box"})
    etree.SubElement(box, "strong").text = labels.heading
    etree.SubElement(box, "p").text = labels.explain
    # the feed's own address (its self link), left-to-right even on an Arabic page
    code = etree.SubElement(etree.SubElement(box, "p"), "code", {"dir": "ltr", "class": "self"})
    etree.SubElement(
        code,
        f"{{{x}}}value-of",
        select="(rss/channel/atom:link[@rel='self']/@href|atom:feed/atom:link[@rel='self']/@href)[1]",
    )
    etree.SubElement(
        etree.SubElement(box, "p"), "a", href=labels.directory_url
    ).text = labels.directory
    h1 = etree.SubElement(body, "h1")
    etree.SubElement(h1, f"{{{x}}}value-of", select="(rss/channel/title|atom:feed/atom:title)[1]")
    intro = etree.SubElement(body, "p", {"class": "intro"})
    etree.SubElement(
        intro, f"{{{x}}}value-of", select="(rss/channel/description|atom:feed/atom:subtitle)[1]"
    )
    etree.SubElement(body, "h2").text = labels.latest
    ul = etree.SubElement(body, "ol", {"class": "items"})
    each = etree.SubElement(ul, f"{{{x}}}for-each", select="rss/channel/item|atom:feed/atom:entry")
    li = etree.SubElement(each, "li")
    a = etree.SubElement(li, "a")
    attr = etree.SubElement(a, f"{{{x}}}attribute", name="href")
    # RSS <link>; in Atom the entry's own page is its last alternate link (translations first)
    etree.SubElement(
        attr, f"{{{x}}}value-of", select="(link|atom:link[@rel='alternate'][last()]/@href)[1]"
    )
    etree.SubElement(a, f"{{{x}}}value-of", select="title|atom:title")
    small = etree.SubElement(li, "small")
    small.text = " "
    etree.SubElement(small, f"{{{x}}}value-of", select="(pubDate|atom:published|atom:updated)[1]")
    p = etree.SubElement(li, "p")
    etree.SubElement(p, f"{{{x}}}value-of", select="(description|atom:summary)[1]")
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8")) + b"\n"


@dataclass(frozen=True)
class StatusPage:
    lang: str
    direction: str
    title: str
    labels: dict[str, str]  # translated labels, by role
    waiting: int
    oldest_seconds: float | None
    outputs: Sequence[tuple[str, str, int, int, str]]  # language, kind, files, items, newest
    publishes: Sequence[tuple[str, str, int, int, float]]  # at, mode, written, failed, seconds
    per_minute: Sequence[int]  # publishes in each of the last 60 minutes, oldest first
    generated: str


def status_html(page: StatusPage) -> bytes:
    """The status page: outputs per language, the outbox, the latest publishes, and a chart."""
    lab = page.labels
    waiting = f"{lab['waiting']}: {page.waiting}"
    if page.oldest_seconds is not None:
        waiting += f" ({lab['oldest']}: {page.oldest_seconds:.1f} s)"
    outputs = E.TABLE(
        E.TR(*(E.TH(lab[k]) for k in ("language", "kind", "files", "items", "newest")))
    )
    for lang, kind, files, items, newest in page.outputs:
        outputs.append(
            E.TR(E.TD(lang), E.TD(kind), E.TD(str(files)), E.TD(str(items)), E.TD(newest))
        )
    publishes = E.TABLE(
        E.TR(*(E.TH(lab[k]) for k in ("time", "mode", "written", "failed", "seconds")))
    )
    for at, mode, written, failed, seconds in page.publishes:
        publishes.append(
            E.TR(
                E.TD(at), E.TD(mode), E.TD(str(written)), E.TD(str(failed)), E.TD(f"{seconds:.3f}")
            )
        )
    body = E.BODY(
        E.H1(page.title),
        E.P(waiting, E.CLASS("intro")),
        E.H2(lab["chart"]),
        _chart(page.per_minute, lab["chart"]),
        E.H2(lab["outputs"]),
        outputs,
        E.H2(lab["latest"]),
        publishes,
        E.P(f"{lab['generated']}: {page.generated}", E.CLASS("intro")),
    )
    html = E.HTML(
        E.HEAD(
            E.META(charset="utf-8"),
            E.TITLE(page.title),
            E.STYLE(STATUS_STYLE),
        ),
        body,
        lang=page.lang,
        dir=page.direction,
    )
    return b"<!DOCTYPE html>\n" + bytes(tostring(html, encoding="utf-8", pretty_print=True))


def _chart(counts: Sequence[int], title: str) -> etree._Element:
    """Publishes per minute as an inline SVG bar chart (no script, no library)."""
    width, height, bar = 600, 80, 600 / max(len(counts), 1)
    top = max(max(counts, default=0), 1)
    svg = etree.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        width=str(width),
        height=str(height),
        viewBox=f"0 0 {width} {height}",
        role="img",
    )
    svg.set("aria-label", title)
    svg.set("direction", "ltr")  # time runs left to right in every language
    for i, n in enumerate(counts):
        h = 0 if n == 0 else max(2.0, (height - 4) * n / top)
        rect = etree.SubElement(
            svg,
            "rect",
            x=f"{i * bar:.1f}",
            y=f"{height - h:.1f}",
            width=f"{bar * 0.8:.1f}",
            height=f"{h:.1f}",
            fill="#0b57a4",
        )
        etree.SubElement(rect, "title").text = str(n)
    return svg
