"""The feed page's XSLT, run with lxml's libxslt (the library Chromium's XSLT is): summaries
come out as text whatever markup the feed carries, dates as the language writes them with
their machine date beside, for RSS and Atom."""

import unicodedata
from datetime import UTC, datetime

import pytest
from babel import localedata
from babel.dates import format_datetime
from lxml import etree, html

from syndicate.render import cldr
from syndicate.render.feedpage import StylesheetLabels, feed_stylesheet

ATOM = "http://www.w3.org/2005/Atom"


def stylesheet(lang: str) -> etree.XSLT:
    labels = StylesheetLabels(lang, "ltr", "Heading", "Explain", "All", "https://e.net/", "Latest")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XSLT(etree.fromstring(feed_stylesheet(labels, cldr.date_style(lang)), parser))


def rss(*items: str) -> bytes:
    return (
        '<rss version="2.0"><channel><title>T</title><link>https://e.net/</link>'
        "<description>D</description>" + "".join(items) + "</channel></rss>"
    ).encode()


def atom(*entries: str) -> bytes:
    return (f'<feed xmlns="{ATOM}"><title>T</title>' + "".join(entries) + "</feed>").encode()


def rows(lang: str, feed: bytes) -> list[html.HtmlElement]:
    page = html.fromstring(str(stylesheet(lang)(etree.fromstring(feed).getroottree())))
    return page.findall(".//ol/li")


def summary(feed: bytes) -> str | None:
    (row,) = rows("en", feed)
    # nothing of the feed's markup became an element of the page: a row is its three parts
    assert [e.tag for e in row.iter()][1:] in (["a", "time", "p"], ["a", "time"]), row
    p = row.find("p")
    return None if p is None else p.text


def description(text: str) -> bytes:
    """An RSS item whose description is ``text`` (HTML, as RSS descriptions are), escaped
    into the XML as a feed writes it."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return rss(
        f"<item><title>t</title><link>https://e.net/a</link><description>{escaped}"
        "</description><pubDate>Fri, 27 Nov 2026 23:27:00 +0000</pubDate></item>"
    )


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        # a story without a summary: its sanitized body, the first paragraph as text
        (
            '<div dir="rtl" lang="ar"><p>First &amp; <b>bold</b> <a href="https://e.net/?a=1&amp;b=2" '
            'title="a&gt;b > c">link</a>.</p><p>Second</p></div>',
            "First & bold link.",
        ),
        ('<p class="lead">Lead&nbsp;text, "quoted"</p><p>x</p>', 'Lead\xa0text, "quoted"'),
        ("<pre>code</pre><p>the paragraph</p>", "the paragraph"),
        ('<figure><img src="https://e.net/i.jpg" alt="y"></figure><p>after</p>', "after"),
        ('<p><img src="https://e.net/i.jpg"></p><ul><li>one</li><li>two</li></ul>', "one two"),
        ("<ul><li>one</li><li>two</li></ul>", "one two"),
        ("<h2>Heading</h2><blockquote><p>Said</p></blockquote>", "Said"),
        # a summary: plain text, escaped into HTML by the feed; its "markup" is text
        ("Tom &amp; Jerry &lt;b&gt;hi&lt;/b&gt; AT&amp;T", "Tom & Jerry <b>hi</b> AT&T"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"),
        ("R&amp;D &amp;amp; &copy; &#169;", "R&D &amp; &copy; &#169;"),
        # markup a sanitizer would have removed still never becomes part of the page
        ("<script>alert(1)</script><p>x</p>", "x"),
        ("<p onclick=\"alert('1')\">y <img src=x onerror=alert(2)></p>", "y"),
    ],
)
def test_an_rss_description_shows_as_text(body, shown):
    assert summary(description(body)) == shown


def entry(inner: str) -> bytes:
    return atom(
        f'<entry><title>t</title><link rel="alternate" href="https://e.net/a"/>{inner}'
        "<published>2026-11-27T23:27:00+00:00</published></entry>"
    )


@pytest.mark.parametrize(
    ("inner", "shown"),
    [
        ("<summary>a &lt;b&gt; c</summary>", "a <b> c"),
        ('<summary type="html">&lt;p&gt;x &amp;amp; y&lt;/p&gt;</summary>', "x & y"),
        (
            '<content type="html">&lt;p&gt;First&lt;/p&gt;&lt;p&gt;Second&lt;/p&gt;</content>',
            "First",
        ),
        (
            '<summary>The summary</summary><content type="html">&lt;p&gt;Body&lt;/p&gt;</content>',
            "The summary",
        ),
        (
            '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><h2>H</h2>'
            "<p>Para <b>one</b></p></div></content>",
            "Para one",
        ),
        ("", None),
    ],
)
def test_an_atom_summary_or_content_shows_as_text(inner, shown):
    assert summary(entry(inner)) == shown


@pytest.mark.parametrize("lang", ["en", "ar", "es", "ar-EG", "fa", "fr-CA", "ko", "zh-Hant"])
@pytest.mark.parametrize(
    ("item", "iso"),
    [
        ("<pubDate>Fri, 27 Nov 2026 23:27:00 +0000</pubDate>", "2026-11-27T23:27:00+00:00"),
        ("<pubDate>Sat, 7 Feb 2026 08:05:09 +0330</pubDate>", "2026-02-07T08:05:09+03:30"),
        ("<pubDate> 1 Jan 2026 00:00 GMT </pubDate>", "2026-01-01T00:00:00+00:00"),
        ("<pubDate>Mon, 01 Jun 2026 12:30:00 EDT</pubDate>", "2026-06-01T12:30:00-04:00"),
        ("<atom:published>2026-11-27T23:27:00Z</atom:published>", "2026-11-27T23:27:00+00:00"),
        (
            "<atom:updated>2026-11-27T23:27:00Z</atom:updated>"
            "<atom:published>2026-01-02T13:04:05.123-05:00</atom:published>",
            "2026-01-02T13:04:05-05:00",
        ),
        ("<atom:updated>2026-12-31T23:59:59+14:00</atom:updated>", "2026-12-31T23:59:59+14:00"),
    ],
)
def test_dates_are_the_languages_with_the_machine_date_beside(lang, item, iso):
    feed = rss(
        f'<item xmlns:atom="{ATOM}"><title>t</title><link>https://e.net/a</link>{item}</item>'
    )
    (row,) = rows(lang, feed)
    time = row.find("time")
    assert time.get("datetime") == iso
    assert time.text == cldr.date_style(lang).format(datetime.fromisoformat(iso))


def test_a_date_it_cannot_read_is_shown_as_it_is():
    for bad in ("yesterday", "Fri, 27 Nov 2026 23:27:00 +00", "Fri, 27 Noo 2026 23:27:00 GMT"):
        (row,) = rows("en", rss(f"<item><title>t</title><pubDate>{bad}</pubDate></item>"))
        assert row.find("time") is None and row.findtext("span") == bad


def test_arabic_dates_have_arabic_months_and_the_digits_cldr_gives_arabic():
    """CLDR's `ar` writes Latin digits (`arab` is its native system, the default of some
    regions such as ar-EG, whose page writes Arabic-Indic ones)."""
    feed = rss("<item><title>t</title><pubDate>Fri, 27 Nov 2026 23:27:00 +0000</pubDate></item>")
    assert rows("ar", feed)[0].findtext("time") == "27 نوفمبر 2026، 11:27 م UTC"
    assert rows("ar-EG", feed)[0].findtext("time") == "٢٧ نوفمبر ٢٠٢٦، ١١:٢٧ م UTC"
    assert rows("es", feed)[0].findtext("time") == "27 nov 2026, 23:27 UTC"
    assert rows("en", feed)[0].findtext("time") == "Nov 27, 2026, 11:27 PM UTC"


def zone_as_z(pattern: str) -> str:
    """The pattern with its zone field written ``z`` (Babel names no generic zone of UTC)."""
    pieces = pattern.split("'")
    return "'".join(p.replace("v", "z") if i % 2 == 0 else p for i, p in enumerate(pieces))


def test_every_cldr_locale_has_a_date_style_written_as_cldr_writes_it():
    """Every locale Babel knows: its pattern has only fields a style writes, its digits are
    its numbering system's, and at UTC the style writes what Babel writes from the same
    pattern (Babel writes Latin digits and no flexible day periods: those are tested
    apart)."""
    moment = datetime(2026, 2, 7, 21, 5, 9, tzinfo=UTC)
    compared = 0
    for name in localedata.locale_identifiers():
        style = cldr.date_style(name.replace("_", "-"), seconds=True)
        digits = [unicodedata.digit(d, None) for d in style.digits]
        assert digits == list(range(10)), (name, style.digits)
        if "B" in style.pattern:
            continue
        babel = format_datetime(moment, zone_as_z(style.pattern), tzinfo=UTC, locale=name)
        # the same text, whichever digits each writes (Babel's are Latin; ar-EG's above)
        ours = style.localize_digits(style.format(moment))
        assert ours == style.localize_digits(babel), (name, style.pattern)
        compared += 1
    assert compared > 1000
