"""Every label in every language: no output or page shows a taxonomy key without its label
in the output's language.

The keys are those the sample (samples/stories.ndjson) and the taxonomy actually use:
sections, their groups, regions, coverage topics. The sample is published whole, then every
place a term is named is read: feeds' titles and categories (RSS, Atom; JSON Feed's tags),
the feed directories and their OPML, and the status pages. A term is found by its machine
name (the URL of its feed, a category's term), and what is shown for it must be its label
in the output's language; the text of those places must hold no key, no key made readable
("Us elections 2024") and no other language's label. Sitemaps name no term (their URLs
carry section keys as path segments, as URLs do).
"""

import json
import logging
import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, load, publish
from lxml import etree, html

from syndicate import config
from syndicate.config.settings import Term
from syndicate.store import Store
from syndicate.web.ops import status_page

SAMPLE = ROOT / "samples" / "stories.ndjson"
TABLES = {"section": "sections", "group": "groups", "region": "regions", "coverage": "coverage"}
TERM_URL = re.compile(r"/feeds/(section|group|region|coverage)/([^/]+)\.(rss|atom|json)$")
ATOM = "{http://www.w3.org/2005/Atom}"


def sample() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def used_keys(settings: config.Settings, objects: list[dict]) -> dict[str, set[str]]:
    """Taxonomy keys by scope: every one the taxonomy has and every one the stories use."""
    tax = settings.taxonomy
    keys = {scope: set(getattr(tax, table)) for scope, table in TABLES.items()}
    for obj in objects:
        if obj.get("type") == "story":
            keys["section"].add(obj["section"])
            keys["region"].update(obj.get("regions", ()))
            keys["coverage"].update(obj.get("coverage", ()))
    keys["group"].update(
        tax.sections[s].group
        for s in keys["section"]
        if s in tax.sections and tax.sections[s].group
    )
    return keys


def label(settings: config.Settings, scope: str, key: str, lang: str) -> str | None:
    term = getattr(settings.taxonomy, TABLES[scope]).get(key)
    return term.labels.get(lang) if term else None


class Labels:
    """What an output in a language may show for each term, and what it must never show."""

    def __init__(self, settings: config.Settings, keys: dict[str, set[str]]) -> None:
        self.settings = settings
        self.problems: list[str] = []
        self.wrong: dict[str, set[str]] = {}
        for lang in settings.languages:
            own = {label(settings, s, k, lang) for s in keys for k in keys[s]} - {None}
            wrong = set()
            for scope, found in keys.items():
                for key in found:
                    wrong |= {key, Term(key, {}).label(lang)}
                    wrong |= {label(settings, scope, key, other) for other in settings.languages}
            self.wrong[lang] = wrong - own - {None}

    def shown(self, where: str, lang: str, url: str, text: str | None) -> None:
        """The name shown for the term whose feed is at ``url``: its label in ``lang``."""
        found = TERM_URL.search(url or "")
        if not found:
            return
        scope, key = found.group(1), found.group(2)
        expected = label(self.settings, scope, key, lang)
        if expected is None:
            self.problems.append(f"{where}: {scope} {key!r} has no {lang} label, shown {text!r}")
        elif text != expected:
            self.problems.append(f"{where}: {scope} {key!r} shown {text!r}, not {expected!r}")

    def text(self, where: str, lang: str, texts: list[str]) -> None:
        """Text a person reads: no key, no key made readable, no other language's label."""
        for t in texts:
            if t.strip() in self.wrong[lang]:
                self.problems.append(f"{where}: {t.strip()!r} is not a {lang} label")


def check_feed(labels: Labels, out: Path, entry: dict) -> None:
    path, lang = entry["path"], entry["key"].split(":")[1]
    data = (out / path).read_bytes()
    if path.endswith(".json"):
        feed = json.loads(data)
        titles = [feed["title"]]
        labels.text(path, lang, [t for item in feed["items"] for t in item.get("tags", ())])
    else:
        root = etree.fromstring(data)
        titles = [root.findtext("channel/title") or root.findtext(f"{ATOM}title") or ""]
        for cat in root.iter("category"):  # RSS: the label, the term's feed as its domain
            labels.shown(path, lang, cat.get("domain"), cat.text)
        for cat in root.iter(f"{ATOM}category"):
            labels.shown(path, lang, cat.get("scheme"), cat.get("label"))
    key = entry["key"].split(":")
    if key[2] in TABLES:  # the feed of a term names it in its title
        expected = label(labels.settings, key[2], key[3], lang)
        if expected is None or expected not in titles[0]:
            labels.problems.append(f"{path}: title {titles[0]!r} lacks {key[2]} {key[3]!r}'s label")


def check_directory(labels: Labels, out: Path, lang: str) -> None:
    where = f"{lang}/feeds/index.html"
    page = html.fromstring((out / where).read_bytes())
    for li in page.iter("li"):
        first = li.find("a")
        labels.shown(where, lang, first.get("href"), first.text)
    labels.text(where, lang, [t for t in page.itertext()])
    where = f"{lang}/feeds/feeds.opml"
    opml = etree.parse(str(out / where)).getroot()
    for outline in opml.iter("outline"):
        labels.shown(where, lang, outline.get("xmlUrl"), outline.get("text"))
        labels.text(where, lang, [outline.get("text", ""), outline.get("title", "")])


def label_problems(store: Store, keys: dict[str, set[str]]) -> list[str]:
    settings = store.settings
    out = Path(settings.output_dir)
    labels = Labels(settings, keys)
    manifest = json.loads((out / "manifest.json").read_text())["outputs"]
    feeds = [e for e in manifest if e["key"].startswith("feed:")]
    assert len(feeds) > 100
    for entry in feeds:
        check_feed(labels, out, entry)
    for lang in settings.languages:
        check_directory(labels, out, lang)
        page = html.fromstring(status_page(store, lang))
        labels.text(f"/status/{lang}", lang, [t for t in page.itertext()])
    return labels.problems


def newest(objects: list[dict]) -> str:
    """A minute after the sample's newest publication: every story it publishes is out."""
    stamps = [v.get("published_at", "") for o in objects for v in o.get("variants", {}).values()]
    return max(stamps).replace("+00:00", "Z")


@pytest.fixture
def settings(settings):
    """The test's settings, publishing in this process (its warnings are caught here)."""
    return replace(settings, publish=replace(settings.publish, jobs=1))


@pytest.fixture
def site(settings):
    store = Store(settings)
    store.prepare()
    yield store
    store.engine.dispose()


def test_the_taxonomy_labels_every_key_the_sample_uses(settings):
    keys = used_keys(settings, sample())
    assert keys["coverage"] >= {"gaza-war", "sudan-crisis", "ukraine-war", "us-elections-2024"}
    missing = [
        f"[{TABLES[scope]}.{key}] {lang}"
        for scope, found in keys.items()
        for key in sorted(found)
        for lang in settings.languages
        if label(settings, scope, key, lang) is None
    ]
    assert missing == []


def test_no_output_or_page_shows_a_key_without_its_label(site):
    objects = sample()
    load(site, objects, newest(objects))
    publish(site, newest(objects), full=True)
    assert label_problems(site, used_keys(site.settings, objects)) == []


def test_an_unlabelled_topic_is_found_and_warned_about(settings, caplog):
    """The same checks fail on a taxonomy without gaza-war's table, and the publisher
    warns, once, naming the topic and what it showed instead."""
    from syndicate.publish import feeds

    coverage = {k: v for k, v in settings.taxonomy.coverage.items() if k != "gaza-war"}
    settings = replace(settings, taxonomy=replace(settings.taxonomy, coverage=coverage))
    store = Store(settings)
    store.prepare()
    objects = [o for o in sample() if "gaza-war" in o.get("coverage", ())]
    load(store, objects, newest(objects))
    feeds._warn_unlabelled.cache_clear()
    with caplog.at_level(logging.WARNING, logger="syndicate.publish.feeds"):
        publish(store, newest(objects), full=True)
        publish(store, newest(objects), full=True)
    problems = label_problems(store, used_keys(settings, objects))
    store.engine.dispose()
    assert any("coverage 'gaza-war' has no ar label" in p for p in problems), problems
    assert any("coverage 'gaza-war' has no es label" in p for p in problems), problems
    warned = [r.fields for r in caplog.records if "no label" in r.getMessage()]
    assert {(w["topic"], w["lang"], w["shown_as"]) for w in warned} == {
        ("gaza-war", lang, "Gaza war") for lang in settings.languages
    }
    assert len(warned) == len(settings.languages)  # once per topic and language
