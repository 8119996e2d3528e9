"""Structural checks of RSS 2.0, Atom 1.0 and JSON Feed 1.1 against their specs."""

from __future__ import annotations

import json
import os
import re
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import pytest
from lxml import etree
from lxml import html as lxml_html

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# RFC 822 as RSS 2.0 requires, in English whatever the feed's language
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep"
    r"|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$"
)
SCHEMA = json.loads((Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text())
SITEMAP_SCHEMAS = Path(__file__).resolve().parent.parent.parent / "shared" / "schemas"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# URL schemes a sanitized body may keep (clean.html's allow-list)
SAFE_SCHEMES = ("http", "https", "mailto")
URL_ATTRIBUTES = ("href", "src", "poster", "cite", "action", "formaction", "xlink:href", "data")


def parse_ok(data: bytes) -> Any:
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def check_rss(data: bytes, lang: str) -> etree._Element:
    """RSS 2.0: required channel elements, item title-or-description, RFC 822 dates."""
    parse_ok(data)
    root = etree.fromstring(data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert (channel.findtext(required) or "").strip(), f"channel/{required}"
    assert channel.findtext("language") == lang
    assert RFC822.match(channel.findtext("lastBuildDate"))
    self_links = [ln for ln in channel.findall(f"{ATOM}link") if ln.get("rel") == "self"]
    assert len(self_links) == 1
    for item in channel.findall("item"):
        assert item.findtext("title") or item.findtext("description")
        assert RFC822.match(item.findtext("pubDate")), item.findtext("pubDate")
        parsedate_to_datetime(item.findtext("pubDate"))
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false"
        for enc in item.findall("enclosure"):
            assert enc.get("url") and enc.get("type") and enc.get("length") is not None
        assert len(item.findall("enclosure")) <= 1
    return root


def check_atom(data: bytes, lang: str) -> etree._Element:
    """Atom 1.0 (RFC 4287 §4.1): ids, titles, updated, authors, RFC 3339 dates."""
    parse_ok(data)
    root = etree.fromstring(data)
    assert root.tag == f"{ATOM}feed" and root.get(XML_LANG) == lang
    for required in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{required}") or "").strip(), f"feed/{required}"
    assert RFC3339.match(root.findtext(f"{ATOM}updated"))
    feed_has_author = root.find(f"{ATOM}author") is not None
    assert [ln for ln in root.findall(f"{ATOM}link") if ln.get("rel") == "self"]
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{required}") or "").strip(), f"entry/{required}"
        assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
        if entry.find(f"{ATOM}published") is not None:
            assert RFC3339.match(entry.findtext(f"{ATOM}published"))
        assert feed_has_author or entry.find(f"{ATOM}author") is not None
        alternates = [ln for ln in entry.findall(f"{ATOM}link") if ln.get("rel") == "alternate"]
        assert alternates, "an entry links its page"
        # §4.2.7.2: no two alternate links with the same type and hreflang
        pairs = [(ln.get("type"), ln.get("hreflang")) for ln in alternates]
        assert len(pairs) == len(set(pairs))
        for ln in entry.findall(f"{ATOM}link"):
            assert ln.get("href") and ln.get("rel")
    return root


def check_json(data: bytes, lang: str) -> dict[str, Any]:
    feed = json.loads(data)
    jsonschema.validate(feed, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert feed["language"] == lang
    for item in feed["items"]:
        for field in ("date_published", "date_modified"):
            assert RFC3339.match(item[field])
    return feed


CHECKS = {"rss": check_rss, "atom": check_atom, "json": check_json}


@cache
def sitemap_schemas() -> dict[str, etree.XMLSchema]:
    """The sitemap and sitemap index XSDs (combined: image, video, news, xhtml), by root name."""
    if not (SITEMAP_SCHEMAS / "sitemap-combined.xsd").exists():
        if IN_CI:
            pytest.fail(f"the sitemap schemas are missing at {SITEMAP_SCHEMAS}")
        pytest.skip(f"the sitemap schemas are not at {SITEMAP_SCHEMAS}")
    parser = etree.XMLParser(no_network=True)
    return {
        "urlset": etree.XMLSchema(
            etree.parse(str(SITEMAP_SCHEMAS / "sitemap-combined.xsd"), parser)
        ),
        "sitemapindex": etree.XMLSchema(
            etree.parse(str(SITEMAP_SCHEMAS / "siteindex-combined.xsd"), parser)
        ),
    }


def check_sitemap(data: bytes, *, empty_ok: bool = False) -> etree._Element:
    """A urlset, news urlset or sitemap index, valid against its schema.

    ``empty_ok``: a news sitemap is published even with nothing in its window,
    as a urlset with no url, which the schema (one url at least) does not allow.
    """
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    if empty_ok and len(root) == 0 and etree.QName(root).localname == "urlset":
        return root
    sitemap_schemas()[etree.QName(root).localname].assertValid(root)
    return root


def check_safe_html(fragment: str) -> None:
    """No script, no event handler, no URL with a scheme outside the allow-list."""
    if not fragment.strip():
        return
    for el in lxml_html.fragments_fromstring(f"<div>{fragment}</div>")[0].iter():
        if not isinstance(el.tag, str):  # comments and processing instructions
            raise AssertionError(f"markup other than elements kept: {el!r}")
        assert el.tag not in ("script", "style", "object", "embed", "svg", "math", "form"), el.tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"event handler kept: {name}={value!r}"
            assert name.lower() != "style", f"style attribute kept: {value!r}"
            if name.lower() in URL_ATTRIBUTES:
                check_safe_url(value)


def check_safe_url(url: str) -> None:
    """An absolute http(s) or mailto URL, as a browser would read it (controls and spaces out)."""
    squeezed = re.sub(r"[\x00-\x20\x7f-\x9f]", "", url).lower()
    scheme = squeezed.split(":", 1)[0] if ":" in squeezed else ""
    assert scheme in SAFE_SCHEMES, f"unsafe URL kept: {url!r}"
