"""The feed directory per language: an HTML page for people, and OPML for readers."""

import json
from pathlib import Path

import pytest
from conftest import load, publish
from lxml import etree, html
from sample_site import NOW, objects


@pytest.fixture
def site(sqlite_store):
    load(sqlite_store, objects(), NOW)
    publish(sqlite_store, NOW, full=True)
    return sqlite_store


def out(store) -> Path:
    return Path(store.settings.output_dir)


def feeds_of(store, lang):
    entries = json.loads((out(store) / "manifest.json").read_text())["outputs"]
    return {e["url"] for e in entries if e["key"].startswith(f"feed:{lang}:")}


@pytest.mark.parametrize("lang", ["en", "ar", "es"])
def test_the_directory_links_every_feed_of_its_language(site, lang):
    page = html.fromstring((out(site) / lang / "feeds" / "index.html").read_bytes())
    hrefs = {a.get("href") for a in page.iter("a")}
    assert feeds_of(site, lang) <= hrefs
    assert not {
        h for h in hrefs if "/feeds/" in h and h.endswith((".rss", ".atom", ".json"))
    } - feeds_of(site, lang)


def test_the_arabic_directory_reads_right_to_left_and_in_arabic(site):
    page = html.fromstring((out(site) / "ar" / "feeds" / "index.html").read_bytes())
    assert page.get("lang") == "ar" and page.get("dir") == "rtl"
    assert page.findtext(".//h1") == "خلاصات الميادين"
    headings = [h.text for h in page.iter("h2")]
    assert headings[:3] == ["الأحدث والعاجل", "الأقسام", "مجموعات الأقسام"]
    assert "سياسة" in [a.text for a in page.iter("a")]
    english = html.fromstring((out(site) / "en" / "feeds" / "index.html").read_bytes())
    assert english.get("dir") == "ltr" and "Politics" in [a.text for a in english.iter("a")]


def test_opml_imports_every_feed(site):
    root = etree.parse(str(out(site) / "es" / "feeds" / "feeds.opml")).getroot()
    assert root.get("version") == "2.0"
    urls = {o.get("xmlUrl") for o in root.iter("outline") if o.get("type") == "rss"}
    rss = {u for u in feeds_of(site, "es") if u.endswith(".rss")}
    assert urls == rss
    folders = [o.get("text") for o in root.find("body")]
    assert folders[:2] == ["Lo último y la última hora", "Secciones"]


def test_the_directory_follows_tags_coming_and_going(site):
    from factories import story, variant

    load(
        site,
        [
            story(f"st-new-{i}", variants={"en": variant(f"N{i}", tags=["Brand New Tag"])})
            for i in range(3)
        ],
        NOW,
    )
    publish(site, NOW)
    assert "Brand New Tag" in (out(site) / "en" / "feeds" / "index.html").read_text()


def test_feeds_show_as_a_localized_page_in_a_browser(site):
    """Browsers apply the feed's XSL stylesheet; run it here with lxml's XSLT as they would."""
    for lang, direction, heading in (
        ("ar", "rtl", "هذه خلاصة ويب"),
        ("en", "ltr", "This is a web feed"),
    ):
        for ext in ("rss", "atom"):
            data = (out(site) / lang / "feeds" / f"all.{ext}").read_bytes()
            doc = etree.fromstring(data).getroottree()
            pi = doc.getroot().getprevious()
            assert pi is not None and pi.target == "xml-stylesheet"
            href = pi.get("href")
            assert href == f"http://127.0.0.1:8000/{lang}/feeds/feed.xsl"
            xsl = etree.XSLT(etree.parse(str(out(site) / lang / "feeds" / "feed.xsl")))
            page = html.fromstring(str(xsl(doc)))
            assert page.get("dir") == direction and page.get("lang") == lang
            assert page.findtext(".//strong") == heading
            items = page.findall(".//ol/li")
            assert items and items[0].find("a").get("href").startswith(
                f"http://127.0.0.1:8000/{lang}/"
            )
    from feedcheck import parse_ok

    parse_ok((out(site) / "ar" / "feeds" / "all.rss").read_bytes())  # readers are unaffected
