"""The feed directory per language: an HTML page for people, and OPML for readers."""

import json
from pathlib import Path

import pytest
from conftest import load, publish
from lxml import etree, html
from sample_site import NOW


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


@pytest.mark.parametrize("top", [0, 1, 3, 4, 5, 9, 13, 20, 21, 99, 101, 1234, 10**6])
def test_the_chart_scale_steps_by_one_two_or_five_to_at_least_its_top(top):
    from syndicate.render.pages import scale

    ticks = scale(top)
    step = ticks[1]
    assert ticks[0] == 0 and ticks[-1] >= max(top, 1) and ticks[-2] < max(top, 1)
    assert 2 <= len(ticks) <= 5 and ticks == list(range(0, ticks[-1] + 1, step))
    assert int(str(step)[0]) in (1, 2, 5) and set(str(step)[1:]) <= {"0"}


def test_the_status_chart_has_its_axes_scale_and_units_in_the_pages_digits():
    """A page in ar-EG (CLDR: Arabic-Indic digits): the scale and the minutes in its digits,
    the axes' units as text of the page around the drawing, the bars to scale."""
    from syndicate.render import pages

    roles = ("chart", "outputs", "latest", "language", "kind", "files", "items", "newest")
    roles += ("time", "mode", "written", "failed", "seconds", "generated")
    labels = {k: k.upper() for k in roles}
    counts = [0] * 50 + [3, 0, 7, 0, 0, 0, 0, 0, 0, 1]
    page = pages.StatusPage(
        lang="ar-EG",
        direction="rtl",
        title="T",
        labels=labels,
        waiting="W",
        outputs=[("العربية", "خلاصة", "١٠٥", "٥١", "٢٠ نوفمبر ٢٠٢٦، ١٢:٠٠:٠٠ م UTC")],
        publishes=[],
        chart=pages.Chart("ar-EG", counts, "LABEL", "Y AXIS", "X AXIS"),
        generated="G",
    )
    doc = html.fromstring(pages.status_html(page))
    chart = doc.find_class("chart")[0]
    assert [p.text for p in chart.findall("p")] == ["Y AXIS", "X AXIS"]
    svg = chart.find("svg")
    assert svg.get("aria-label") == "LABEL"
    assert svg.get("viewbox") == f"0 0 {pages.WIDTH} {pages.HEIGHT}"  # scales to the page
    assert [t.text for t in svg.find_class("y")] == ["٠", "٢", "٤", "٦", "٨"]
    assert [t.text for t in svg.find_class("x")] == ["٦٠", "٤٥", "٣٠", "١٥", "٠"]
    bars = svg.findall("rect")
    assert len(bars) == 60 and [b.findtext("title") for b in bars][-10:-7] == ["٣", "٠", "٧"]
    heights = [float(b.get("height")) for b in bars]
    plot = pages.HEIGHT - pages.TOP - pages.BOTTOM
    assert heights[52] == pytest.approx(plot * 7 / 8, abs=0.1) and heights[51] == 0
    assert [td.get("class") for td in doc.iter("td")] == [None, None, "n", "n", None]
