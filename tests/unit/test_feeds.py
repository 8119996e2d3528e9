"""Feeds as strict clients read them."""

import json
from dataclasses import replace
from pathlib import Path

from conftest import load, publish
from feedcheck import ATOM, CHECKS, RFC822, XML_LANG, check_atom, check_json, check_rss, parse_ok
from lxml import etree
from sample_site import NOW, objects

from syndicate.config import FeedSettings, Language


def out(store) -> Path:
    return Path(store.settings.output_dir)


def manifest(store):
    return json.loads((out(store) / "manifest.json").read_text())["outputs"]


def read(store, rel):
    return (out(store) / rel).read_bytes()


def titles(data: bytes):
    return [e.title for e in parse_ok(data).entries]


def test_every_feed_passes_its_spec_checks(site):
    entries = [e for e in manifest(site) if e["key"].startswith("feed:")]
    assert len(entries) > 100
    for e in entries:
        fmt = e["path"].rsplit(".", 1)[1]
        CHECKS[fmt](read(site, e["path"]), e["path"].split("/")[0])


def test_the_feeds_that_exist(site):
    paths = {e["path"] for e in manifest(site)}
    for lang in ("en", "ar", "es"):
        for rel in (
            "feeds/all",
            "feeds/breaking",
            "feeds/section/politics",
            "feeds/group/news",
            "feeds/region/mena",
            "feeds/section/in-pictures",
        ):
            for ext in ("rss", "atom", "json"):
                assert f"{lang}/{rel}.{ext}" in paths
    # tags from 3 live stories on; authors and coverage topics while they have a story
    assert "en/feeds/tag/morocco.rss" in paths
    assert "en/feeds/tag/rabat.rss" not in paths
    assert "ar/feeds/tag/المغرب.atom" in paths
    assert "en/feeds/author/jane-roe.json" in paths
    assert "ar/feeds/author/الميادين-نت.rss" in paths
    assert "en/feeds/coverage/morocco-libya-disasters.rss" in paths
    assert "es/feeds/coverage/morocco-libya-disasters.rss" in paths


def test_only_live_variants_newest_first(site):
    assert titles(read(site, "en/feeds/all.rss")) == [
        "Morocco & Israel sign <security> deal",
        "Hostile input",
        "An opinion",
    ]
    all_bytes = b"".join(read(site, e["path"]) for e in manifest(site))
    for absent in (b"Draft story", b"Embargoed story", b"Retracted story"):
        assert absent not in all_bytes


def test_scopes_select_their_stories(site):
    assert titles(read(site, "en/feeds/group/articles.atom")) == ["An opinion"]
    assert titles(read(site, "en/feeds/region/europe.atom")) == ["An opinion"]
    assert titles(read(site, "en/feeds/section/technology.rss")) == ["Hostile input"]
    assert titles(read(site, "en/feeds/author/jane-roe.rss")) == [
        "Morocco & Israel sign <security> deal",
        "An opinion",
    ]
    assert titles(read(site, "ar/feeds/section/economy.rss")) == ["اقتصاد", "اقتصاد ٢"]
    assert titles(read(site, "en/feeds/section/sports.rss")) == []


def test_an_rss_item_carries_everything(site):
    root = check_rss(read(site, "en/feeds/all.rss"), "en")
    item = root.find("channel/item")
    ns = {
        "dc": "http://purl.org/dc/elements/1.1/",
        "media": "http://search.yahoo.com/mrss/",
        "content": "http://purl.org/rss/1.0/modules/content/",
        "dcterms": "http://purl.org/dc/terms/",
    }
    assert item.findtext("link") == "http://127.0.0.1:8000/en/politics/morocco-security-deal"
    assert item.findtext("description") == "Both sides confirmed it."
    assert item.findtext("content:encoded", namespaces=ns) == "<p>Body <b>text</b></p>"
    assert [c.text for c in item.findall("category")] == [
        "Politics",
        "MENA",
        "Africa",
        "Morocco",
        "Rabat",
    ]
    assert [c.text for c in item.findall("dc:creator", ns)] == ["Jane Roe", "Al Mayadeen Net"]
    assert item.findtext("dc:source", namespaces=ns) == "Agencies"
    assert item.findtext("pubDate") == "Fri, 20 Nov 2026 06:00:00 +0000"
    assert item.findtext("dcterms:modified", namespaces=ns) == "2026-11-20T08:00:00Z"
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == "https://media.example.net/rabat.jpg"
    assert enclosure.get("type") == "image/jpeg"
    media = item.findall("media:content", ns)
    assert [m.get("medium") for m in media] == ["image", "video"]
    assert media[0].findtext("media:description", namespaces=ns) == "Officers meet in Rabat"
    assert media[0].findtext("media:credit", namespaces=ns) == "AFP"
    assert media[1].get("duration") == "125"
    assert media[1].find("media:thumbnail", ns).get("url").endswith("rabat-thumb.jpg")


def test_an_atom_entry_links_its_translations(site):
    root = check_atom(read(site, "en/feeds/all.atom"), "en")
    entry = root.find(f"{ATOM}entry")
    links = {
        (ln.get("rel"), ln.get("hreflang")): ln.get("href") for ln in entry.findall(f"{ATOM}link")
    }
    assert links[("alternate", "en")] == "http://127.0.0.1:8000/en/politics/morocco-security-deal"
    assert links[("alternate", "ar")] == (
        "http://127.0.0.1:8000/ar/politics/"
        "%D8%A7%D9%84%D9%85%D8%BA%D8%B1%D8%A8-%D9%8A%D9%88%D9%82%D8%B9-"
        "%D8%A7%D8%AA%D9%81%D8%A7%D9%82%D8%A7-%D8%A3%D9%85%D9%86%D9%8A%D8%A7"
    )
    assert links[("alternate", "es")].endswith("/es/politics/marruecos-firma-un-acuerdo")
    enclosures = [
        ln.get("type") for ln in entry.findall(f"{ATOM}link") if ln.get("rel") == "enclosure"
    ]
    assert sorted(enclosures) == ["image/jpeg", "video/mp4"]
    assert entry.findtext(f"{ATOM}published") == "2026-11-20T06:00:00+00:00"
    assert entry.findtext(f"{ATOM}updated") == "2026-11-20T08:00:00+00:00"
    assert [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")] == [
        "Jane Roe",
        "Al Mayadeen Net",
    ]
    cats = [(c.get("term"), c.get("label")) for c in entry.findall(f"{ATOM}category")]
    assert ("politics", "Politics") in cats and ("morocco", "Morocco") in cats


def test_arabic_reads_right_to_left_with_machine_dates(site):
    rss = check_rss(read(site, "ar/feeds/all.rss"), "ar")
    # RSS dates are RFC 822 in English whatever the language
    assert all(RFC822.match(i.findtext("pubDate")) for i in rss.findall("channel/item"))
    atom = check_atom(read(site, "ar/feeds/all.atom"), "ar")
    assert atom.get(XML_LANG) == "ar"
    content = atom.find(f"{ATOM}entry/{ATOM}content")
    assert content.get("type") == "html"
    assert content.text == '<div dir="rtl" lang="ar"><p>نص الخبر</p></div>'
    feed = check_json(read(site, "ar/feeds/all.json"), "ar")
    assert feed["items"][0]["content_html"].startswith('<div dir="rtl" lang="ar">')
    # English is left alone
    assert (
        "dir=" not in check_json(read(site, "en/feeds/all.json"), "en")["items"][0]["content_html"]
    )


def test_arabic_slug_and_tag_end_to_end(site):
    entries = {e["path"]: e for e in manifest(site)}
    tag = entries["ar/feeds/tag/المغرب.rss"]
    assert (
        tag["url"] == "http://127.0.0.1:8000/ar/feeds/tag/%D8%A7%D9%84%D9%85%D8%BA%D8%B1%D8%A8.rss"
    )
    root = check_rss(read(site, "ar/feeds/tag/المغرب.rss"), "ar")
    assert root.findtext("channel/title") == "الميادين: موضوعات «المغرب»"
    self_link = root.find(f"channel/{ATOM}link").get("href")
    assert self_link == tag["url"]
    links = [i.findtext("link") for i in root.findall("channel/item")]
    assert links[0].startswith("http://127.0.0.1:8000/ar/politics/%D8%A7")
    assert all(" " not in link and "\u200f" not in link for link in links)


def test_titles_are_localized(site):
    def title(rel):
        return etree.fromstring(read(site, rel)).findtext("channel/title")

    assert title("ar/feeds/breaking.rss") == "الميادين: عاجل"
    assert title("es/feeds/breaking.rss") == "Al Mayadeen Español: Última hora"
    assert title("es/feeds/section/politics.rss") == "Al Mayadeen Español: Política"
    assert title("ar/feeds/region/palestine.rss") == "الميادين: فلسطين"
    assert title("en/feeds/coverage/morocco-libya-disasters.rss") == (
        "Al Mayadeen English: coverage of Morocco & Libya Disasters"
    )
    assert title("en/feeds/author/jane-roe.rss") == "Al Mayadeen English: stories by Jane Roe"
    es_group = etree.fromstring(read(site, "es/feeds/group/videos.rss"))
    assert es_group.findtext("channel/description") == (
        "Las últimas noticias de Videos en Al Mayadeen Español"
    )


def test_rss_spells_markup_characters_as_hex_references(site):
    data = read(site, "en/feeds/all.rss")
    assert b"<title>Morocco &#x26; Israel sign &#x3C;security&#x3E; deal</title>" in data
    assert b"&amp;" not in data and b"&lt;" not in data
    assert parse_ok(data).entries[0].title == "Morocco & Israel sign <security> deal"


def test_atom_entries_without_text_say_their_headline(site):
    root = check_atom(read(site, "en/feeds/breaking.atom"), "en")
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary") == "Live ticker line"


def test_empty_feeds_have_a_plausible_constant_date(site):
    root = check_atom(read(site, "en/feeds/section/sports.atom"), "en")
    assert root.findtext(f"{ATOM}updated") == "2000-01-01T00:00:00+00:00"


def test_breaking_feed_holds_live_items_only(site):
    assert titles(read(site, "en/feeds/breaking.rss")) == ["Live ticker line"]
    assert titles(read(site, "ar/feeds/breaking.atom")) == ["خبر عاجل"]
    item = parse_ok(read(site, "en/feeds/breaking.rss")).entries[0]
    assert item.link == "http://127.0.0.1:8000/en/politics/morocco-security-deal"  # its story


def test_hostile_input_never_reaches_a_feed(site):
    for e in manifest(site):
        data = read(site, e["path"])
        for bad in (b"<script", b"onclick", b"javascript:", b"\x01", b"\x0b"):
            decoded = data.replace(b"&lt;", b"<").replace(b"&#x3C;", b"<")
            assert bad not in decoded, (e["path"], bad)


def test_guid_stays_the_same_across_edits(site):
    before = parse_ok(read(site, "en/feeds/all.atom")).entries[0].id
    load(
        site,
        [
            {
                "id": "st-1",
                "section": "economy",
                "variants": {
                    "en": {
                        "title": "New title",
                        "slug": "new-slug",
                        "published_at": "2026-11-20T09:00:00+03:00",
                    }
                },
            }
        ],
        NOW,
    )
    publish(site, NOW)
    entry = parse_ok(read(site, "en/feeds/all.atom")).entries[0]
    assert entry.title == "New title" and entry.id == before
    assert entry.link.endswith("/en/economy/new-slug")


def test_websub_hub_is_linked_when_configured(sqlite_store):
    store = sqlite_store
    store.settings = replace(
        store.settings, feeds=replace(store.settings.feeds, websub_hub="https://hub.example.net/")
    )
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    rss = etree.fromstring(read(store, "en/feeds/all.rss"))
    assert [
        ln.get("href") for ln in rss.findall(f"channel/{ATOM}link") if ln.get("rel") == "hub"
    ] == ["https://hub.example.net/"]
    atom = etree.fromstring(read(store, "en/feeds/all.atom"))
    assert [ln.get("href") for ln in atom.findall(f"{ATOM}link") if ln.get("rel") == "hub"] == [
        "https://hub.example.net/"
    ]
    assert json.loads(read(store, "en/feeds/all.json"))["hubs"] == [
        {"type": "WebSub", "url": "https://hub.example.net/"}
    ]
    parse_ok(read(store, "en/feeds/all.rss"))


def test_no_hub_link_without_a_hub(site):
    assert b'rel="hub"' not in read(site, "en/feeds/all.rss")
    assert "hubs" not in json.loads(read(site, "en/feeds/all.json"))


def test_a_language_with_no_stories_gets_valid_empty_feeds(sqlite_store):
    store = sqlite_store
    fr = Language("fr", "Le Site", "http://127.0.0.1:8000/fr/", "fr", "", "ltr")
    tax = store.settings.taxonomy
    store.settings = replace(
        store.settings, languages={**store.settings.languages, "fr": fr}, taxonomy=tax
    )
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    for ext, check in (("rss", check_rss), ("atom", check_atom), ("json", check_json)):
        data = read(store, f"fr/feeds/all.{ext}")
        check(data, "fr")
        assert titles(data) == [] if ext != "json" else json.loads(data)["items"] == []


def test_feed_size_is_configurable(sqlite_store):
    store = sqlite_store
    store.settings = replace(store.settings, feeds=FeedSettings(items=1))
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    assert titles(read(store, "en/feeds/all.rss")) == ["Morocco & Israel sign <security> deal"]
