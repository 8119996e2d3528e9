"""Properties of ingest and render over generated FORMAT.md input (hypothesis).

Whatever a newsroom sends, one of two things happens: the record is rejected
with an error naming it and the offending field, or it is stored and every
output it reaches is well-formed, reads in feedparser without a bozo flag,
and (for sitemaps) validates against the published XSDs.

Profiles: ``ci`` (the default: few examples, derandomized, no example
database, so a run is reproducible) and ``long`` (many examples, random, its
database in the system's temporary directory), chosen with
SYNDICATE_HYPOTHESIS_PROFILE=long.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import strategies as gen
from conftest import default_settings, publish
from feedcheck import CHECKS, check_safe_html, check_safe_url, check_sitemap
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from lxml import etree

from syndicate import clean, config
from syndicate.ingest import BreakingIn, Record, RecordError, StoryIn, parse_object
from syndicate.store import VISIBLE, Store

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=QUIET,
    # no shrinking: a failure reports its whole example at once instead of minutes later
    phases=[Phase.explicit, Phase.generate],
)
settings.register_profile(
    "long",
    deadline=None,
    suppress_health_check=QUIET,
    database=DirectoryBasedExampleDatabase(Path(tempfile.gettempdir()) / "syndicate-hypothesis"),
)
PROFILE = os.environ.get("SYNDICATE_HYPOTHESIS_PROFILE", "ci")
SCALE = {"ci": 1, "long": 20}[PROFILE]
# examples per property in the ci profile (the long profile runs SCALE times as many)
PARSE_EXAMPLES = 200
RENDER_EXAMPLES = 20


def examples(n: int) -> settings:
    return settings(settings.get_profile(PROFILE), max_examples=n * SCALE)


# Field names of FORMAT.md (story, variant, breaking) that an error may start with.
TOP_FIELDS = {"-", "type", "id", "section", "regions", "coverage", "variants"}
TOP_FIELDS |= {"lang", "text", "published_at", "expires_at", "story_id", "withdrawn"}


def small_settings(tmp: Path = Path("/nonexistent")) -> config.Settings:
    """The example site cut down to what the strategies use: two languages, three sections."""
    s = default_settings()
    tax = s.taxonomy
    taxonomy = replace(
        tax,
        sections={k: tax.sections[k] for k in gen.SECTIONS},
        groups={k: tax.groups[k] for k in ("news", "articles")},
        regions={k: tax.regions[k] for k in gen.REGIONS},
    )
    return replace(
        s,
        languages={k: s.languages[k] for k in gen.LANGS},
        taxonomy=taxonomy,
        feeds=replace(s.feeds, tag_min_stories=1),  # every tag and author gets its feed
        database_url=f"sqlite:///{tmp}/store.db",
        output_dir=tmp / "out",
    )


SETTINGS = small_settings()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, taxonomy-synced SQLite store, copied for each example (migrating is slow)."""
    tmp = tmp_path_factory.mktemp("template")
    store = Store(small_settings(tmp))
    store.prepare()
    store.engine.dispose()
    return tmp / "store.db"


def fresh_store(template: Path, tmp: Path) -> Store:
    shutil.copy(template, tmp / "store.db")
    return Store(small_settings(tmp))


def field_root(path: str) -> str:
    return path.split(".")[0].split("[")[0]


def parse(obj: Any, s: config.Settings) -> Record | RecordError:
    """parse_object's answer, after checking a rejection names the record and its fields."""
    try:
        return parse_object(json.loads(json.dumps(obj)), s)
    except RecordError as e:
        raw_id = obj.get("id") if isinstance(obj, dict) else None
        valid = isinstance(raw_id, str) and raw_id != ""
        assert e.record_id == (raw_id if valid else "-")
        assert e.problems
        for where, reason in e.problems:
            assert field_root(where) in TOP_FIELDS, (where, reason)
            assert reason.strip()
            assert str(e)  # the message a CLI or API user reads
        return e


def assert_clean_text(value: str | None, *, one_line: bool = True) -> None:
    if value is None:
        return
    assert value and clean.is_xml_safe(value), repr(value)
    assert unicodedata.is_normalized("NFC", value), repr(value)
    if one_line:
        assert value == value.strip() and "\n" not in value and "\r" not in value


def assert_clean_record(record: Record) -> None:
    """What ingest lets through is what the renderers may assume."""
    if isinstance(record, BreakingIn):
        assert_clean_text(record.text)
        assert record.published_at.tzinfo is not None
        assert record.expires_at is None or record.expires_at.tzinfo is not None
        return
    assert record.variants
    for v in record.variants:
        assert_clean_text(v.title)
        assert_clean_text(v.source)
        assert_clean_text(v.summary, one_line=False)
        for name in (*v.authors, *v.tags):
            assert_clean_text(name)
        assert v.slug and v.slug not in (".", "..") and not set(v.slug) & set("/\\\x00")
        for moment in (v.published_at, v.updated_at):
            assert moment is None or moment.tzinfo is not None
        if v.body_html is not None:
            assert clean.is_xml_safe(v.body_html), repr(v.body_html[:200])
            check_safe_html(v.body_html)
        urls = [v.url, v.image and v.image.url, v.video and v.video.url]
        urls.append(v.video and v.video.thumbnail_url)
        for u in urls:
            if u:
                check_safe_url(u)
                assert clean.is_xml_safe(u) and not any(c.isspace() for c in u), u
        if v.image:
            assert_clean_text(v.image.caption)
            assert_clean_text(v.image.credit)


@examples(PARSE_EXAMPLES)
@given(st.one_of(gen.story, gen.breaking))
def test_ingest_rejects_with_the_field_or_yields_clean_values(obj: dict[str, Any]) -> None:
    answer = parse(obj, SETTINGS)
    event("rejected" if isinstance(answer, RecordError) else "accepted")
    if not isinstance(answer, RecordError):
        assert_clean_record(answer)


@examples(PARSE_EXAMPLES)
@given(st.one_of(gen.broken_story, gen.broken_breaking))
def test_a_broken_field_is_rejected_by_name(broken: tuple[dict[str, Any], str]) -> None:
    obj, where = broken
    answer = parse(obj, SETTINGS)
    assert isinstance(answer, RecordError), f"accepted with a bad {where}: {obj.get(where)!r}"
    fields = [f for f, _ in answer.problems]
    assert any(f == where or f.startswith((f"{where}.", f"{where}[")) for f in fields), (
        where,
        fields,
    )


def numbered(objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Distinct ids, so each object in a batch is its own record."""
    # a broken story may have broken its `type` too (a number, a list, none): its text
    return [{**obj, "id": f"{str(obj.get('type'))[:2]}-{i}"} for i, obj in enumerate(objs)]


# mostly valid stories, some breaking items, now and then one that must be refused
batches = st.lists(
    st.one_of(gen.story, gen.story, gen.story, gen.breaking, gen.broken_story.map(lambda b: b[0])),
    min_size=1,
    max_size=4,
)


def written(result_paths: list[str], out: Path) -> Iterator[tuple[str, bytes]]:
    for rel in result_paths:
        yield rel, (out / rel).read_bytes()


@examples(RENDER_EXAMPLES)
@given(batches.map(numbered))
def test_accepted_input_renders_valid_feeds_and_sitemaps(
    template: Path, objs: list[dict[str, Any]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        store = fresh_store(template, tmp)
        try:
            records = [r for r in (parse(o, store.settings) for o in objs) if isinstance(r, Record)]
            with store.session() as s, s.begin():
                for record in records:
                    store.writes.apply(s, record, gen.NOW)
            result = publish(store, gen.NOW.isoformat())
        finally:
            store.engine.dispose()
        assert result.failed == []
        out = tmp / "out"
        sitemap_locs: dict[str, set[str]] = {lang: set() for lang in gen.LANGS}
        for rel, data in written(result.written, out):
            lang, ext = rel.split("/")[0], rel.rsplit(".", 1)[-1]
            if ext in CHECKS:
                CHECKS[ext](data, lang)
            elif ext in ("xml", "opml", "xsl"):
                news = rel.endswith("/sitemaps/news.xml")
                root = (
                    check_sitemap(data, empty_ok=news) if ext == "xml" else etree.fromstring(data)
                )
                if ext == "xml" and lang in sitemap_locs:
                    sitemap_locs[lang] |= {u.findtext(f"{SM}loc") for u in root.iter(f"{SM}url")}
        for lang in gen.LANGS:
            feed = json.loads((out / lang / "feeds" / "all.json").read_bytes())
            shown = {item["_syndicate"]["story_id"]: item for item in feed["items"]}
            for record in records:
                if not isinstance(record, StoryIn):
                    continue
                for v in record.variants:
                    if v.lang != lang:
                        continue
                    live = v.status in VISIBLE and v.published_at and v.published_at <= gen.NOW
                    if not live:
                        assert record.id not in shown
                        continue
                    assert record.id in shown, f"{record.id} ({lang}) is live but not in the feed"
                    assert shown[record.id]["title"] == v.title
                    assert shown[record.id]["url"] in sitemap_locs[lang]
