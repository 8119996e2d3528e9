"""bench/corpus/: reproducible, shaped as FORMAT.md says, varied, and streamed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import tracemalloc
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest import ROOT

if str(ROOT) not in sys.path:  # bench/ is a tool next to the package, not part of it
    sys.path.insert(0, str(ROOT))

from bench import corpus
from bench.corpus import data, generator, slots
from bench.corpus.templates import (
    BREAKING,
    BULLETS,
    CAPTIONS,
    CLOSINGS,
    HEADLINES,
    LEADS,
    PARAGRAPHS,
    QUOTES,
    SUMMARIES,
)

END = corpus.DEFAULT_END
TAXONOMY = tomllib.loads((ROOT / "config" / "taxonomy.toml").read_text(encoding="utf-8"))
ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
ARABIC_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")

STORY_FIELDS = {"type", "id", "section", "regions", "coverage", "variants"}
VARIANT_FIELDS = {
    "title",
    "slug",
    "summary",
    "body_html",
    "authors",
    "source",
    "status",
    "published_at",
    "updated_at",
    "tags",
    "image",
    "video",
    "url",
}
IMAGE_FIELDS = {"url", "caption", "credit", "width", "height", "mime"}
VIDEO_FIELDS = {"url", "thumbnail_url", "duration_s", "mime"}
BREAKING_FIELDS = {
    "type",
    "id",
    "lang",
    "text",
    "published_at",
    "expires_at",
    "story_id",
    "withdrawn",
}
STATUSES = {"published", "draft", "scheduled", "retracted"}


def timestamp(value: Any) -> datetime:
    assert isinstance(value, str) and RFC3339.fullmatch(value), value
    moment = datetime.fromisoformat(value)
    assert moment.utcoffset() is not None
    return moment


def is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def check_variant(v: dict[str, Any]) -> None:
    assert set(v) <= VARIANT_FIELDS, set(v) - VARIANT_FIELDS
    assert isinstance(v["title"], str) and v["title"].strip()
    assert isinstance(v["slug"], str) and v["slug"] and "/" not in v["slug"]
    for field in ("summary", "body_html", "source"):
        assert isinstance(v.get(field, ""), str)
    for field in ("authors", "tags"):
        assert field not in v or is_str_list(v[field])
    status = v.get("status", "published")
    assert status in STATUSES
    if status != "draft" or "published_at" in v:
        timestamp(v["published_at"])
    if "updated_at" in v:
        assert timestamp(v["updated_at"]) >= timestamp(v["published_at"])
    if "image" in v:
        image = v["image"]
        assert set(image) <= IMAGE_FIELDS and urlparse(image["url"]).scheme == "https"
        assert all(isinstance(image.get(k, 1), int) for k in ("width", "height"))
    if "video" in v:
        video = v["video"]
        assert set(video) <= VIDEO_FIELDS and urlparse(video["url"]).scheme == "https"
        assert isinstance(video.get("duration_s", 0), int | float)
    if "url" in v:
        url = urlparse(v["url"])
        assert url.scheme == "https" and url.netloc


def check_object(obj: dict[str, Any]) -> None:
    """The FORMAT.md contract, field by field."""
    assert ID.fullmatch(obj["id"]), obj["id"]
    if obj.get("type", "story") == "story":
        assert set(obj) <= STORY_FIELDS, set(obj) - STORY_FIELDS
        assert obj["section"] in TAXONOMY["sections"]
        assert set(obj.get("regions", [])) <= set(TAXONOMY["regions"])
        assert "coverage" not in obj or is_str_list(obj["coverage"])
        assert isinstance(obj["variants"], dict) and obj["variants"]
        for lang, variant in obj["variants"].items():
            assert LANG.fullmatch(lang)
            check_variant(variant)
    else:
        assert obj["type"] == "breaking"
        assert set(obj) <= BREAKING_FIELDS, set(obj) - BREAKING_FIELDS
        assert LANG.fullmatch(obj["lang"])
        assert isinstance(obj["text"], str) and obj["text"].strip()
        published = timestamp(obj["published_at"])
        if "expires_at" in obj:
            assert timestamp(obj["expires_at"]) > published
        assert isinstance(obj.get("story_id", ""), str)
        assert isinstance(obj.get("withdrawn", False), bool)


@pytest.fixture(scope="module")
def objects() -> list[dict[str, Any]]:
    return list(corpus.generate(2000, seed=11))


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.ndjson", tmp_path / "b.ndjson", tmp_path / "c.ndjson"
    assert corpus.write(a, corpus.generate(300, seed=7)) == 300 + 15
    corpus.write(b, corpus.generate(300, seed=7))
    corpus.write(c, corpus.generate(300, seed=8))
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_processes_do_not_change_the_output(tmp_path: Path) -> None:
    one, two = tmp_path / "one.ndjson", tmp_path / "two.ndjson"
    count = corpus.write(one, corpus.generate(2100, seed=3))  # three chunks
    assert corpus.write_corpus(two, 2100, seed=3, jobs=2) == count
    assert one.read_bytes() == two.read_bytes()


def test_cli_writes_ndjson_to_stdout() -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.corpus",
            "--stories",
            "40",
            "--breaking",
            "5",
            "--seed",
            "2",
            "--out",
            "-",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    lines = out.decode("utf-8").splitlines()
    assert len(lines) == 45
    kinds = Counter(json.loads(line).get("type", "story") for line in lines)
    assert kinds == {"story": 40, "breaking": 5}


def test_every_object_follows_the_format(objects: list[dict[str, Any]]) -> None:
    for obj in objects:
        check_object(obj)
    ids = [obj["id"] for obj in objects]
    assert len(ids) == len(set(ids))
    assert sum(obj.get("type") == "breaking" for obj in objects) == 100


def test_the_committed_sample_is_the_generated_one(tmp_path: Path) -> None:
    sample = ROOT / "samples" / "stories.ndjson"
    fresh = tmp_path / "sample.ndjson"
    corpus.write(fresh, corpus.generate(200, sample=True))
    assert sample.read_bytes() == fresh.read_bytes(), (
        "regenerate: python -m bench.corpus --sample --stories 200 --out samples/stories.ndjson"
    )
    for line in sample.read_text(encoding="utf-8").splitlines():
        check_object(json.loads(line))


def test_statuses_and_partial_translations_are_all_there(objects: list[dict[str, Any]]) -> None:
    stories = [o for o in objects if o.get("type", "story") == "story"]
    statuses: Counter[str] = Counter()
    for story in stories:
        for v in story["variants"].values():
            status = v.get("status", "published")
            statuses[status] += 1
            if status == "scheduled":
                assert timestamp(v["published_at"]) > END  # an embargo still running
            elif "published_at" in v and status != "draft":
                assert timestamp(v["published_at"]) <= END
    variants = sum(statuses.values())
    assert statuses["published"] / variants > 0.9
    assert statuses["draft"] and statuses["scheduled"] and statuses["retracted"]
    assert any(v.get("status") == "published" for s in stories for v in s["variants"].values())
    assert any(
        v.get("status") == "draft" and "published_at" not in v
        for s in stories
        for v in s["variants"].values()
    )

    langsets = Counter(tuple(sorted(s["variants"])) for s in stories)
    for only in (("ar",), ("en",), ("es",), ("ar", "en", "es")):
        assert langsets[only] > 0, only
    share = {
        lang: sum(lang in s["variants"] for s in stories) / len(stories)
        for lang in ("en", "ar", "es")
    }
    assert 0.8 < share["en"] < 0.9 and 0.65 < share["ar"] < 0.75 and 0.4 < share["es"] < 0.5


def test_arabic_variants_have_arabic_slugs(objects: list[dict[str, Any]]) -> None:
    arabic = [s["variants"]["ar"] for s in objects if "ar" in s.get("variants", {})]
    assert len(arabic) > 1000
    for v in arabic:
        words = v["slug"].split("-")
        assert all(word and word.isalnum() for word in words), v["slug"]
        assert re.search("[\u0621-\u064a]", v["slug"]) and not ARABIC_DIACRITICS.search(v["slug"])
    assert corpus.slugify("نساء يُعدن بناء حلب حجراً حجراً!", "ar") == "نساء-يعدن-بناء-حلب-حجرا-حجرا"
    assert (
        corpus.slugify("¿Qué quiere Irán de Túnez? — análisis", "es")
        == "que-quiere-iran-de-tunez-analisis"
    )


def test_the_awkward_cases_are_there(objects: list[dict[str, Any]]) -> None:
    variants = [v for s in objects if "variants" in s for v in s["variants"].values()]
    bodies = "\n".join(v.get("body_html", "") for v in variants)
    assert "youtube.com/embed/" in bodies and "<blockquote>" in bodies and "<ul>" in bodies
    assert "alert(1)" in bodies  # hostile markup the service must sanitize
    assert any(
        re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", v["title"] + v.get("summary", ""))
        for v in variants
    )
    assert any("&" in v["title"] or "<" in v["title"] for v in variants)
    assert any("url" in v for v in variants)
    assert any("coverage" in s for s in objects)
    assert any("video" in v for v in variants) and any("image" in v for v in variants)
    ids = {s["id"] for s in objects}
    breaking = [o for o in objects if o.get("type") == "breaking"]
    assert any("expires_at" in b for b in breaking)
    assert any(b.get("withdrawn") for b in breaking)
    linked = [b["story_id"] for b in breaking if "story_id" in b]
    assert linked and set(linked) <= ids


def test_dates_favour_recent_stories(objects: list[dict[str, Any]]) -> None:
    first = []
    for story in objects:
        dated = [
            v["published_at"] for v in story.get("variants", {}).values() if "published_at" in v
        ]
        if not dated:
            continue
        earliest = min(timestamp(t) for t in dated)
        if earliest <= END:
            first.append(earliest)
        if len(dated) == len(story["variants"]):
            # st-YYYY-MM-DD-n: the local date of the first publication
            assert story["id"][3:13] in {t[:10] for t in dated if timestamp(t) == earliest}
    recent = sum(END - t < timedelta(days=30) for t in first) / len(first)
    assert 0.08 < recent < 0.2
    assert min(first) > END - timedelta(days=3653)


def test_templates_render_in_every_language_and_gender() -> None:
    gen = generator.make(10, 1, END, None, None, False)
    gen.stream.reseed("test")
    draw = slots.draw(gen.stream, "pol", ["mena"], None, gen.window.end, (0, "+00:00"))
    every = (
        HEADLINES,
        SUMMARIES,
        LEADS,
        PARAGRAPHS,
        {"closing": CLOSINGS},
        {"caption": CAPTIONS},
        {"bullet": BULLETS},
        {"quote": QUOTES},
        {"breaking": BREAKING},
    )
    for table in every:
        for templates in table.values():
            for template in templates:
                for li in range(3):
                    mapping = slots.mapping(draw, li)
                    for gender in (0, 1):
                        text = template[1][li][gender].format_map(mapping)
                        assert "{" not in text and "|" not in text, text
                        if li == data.AR:
                            assert re.search("[\u0621-\u064a]", text), text


def memory_peak(stories: int) -> int:
    tracemalloc.start()
    try:
        for _ in corpus.generate(stories, seed=5):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_corpus() -> None:
    small, large = memory_peak(1000), memory_peak(5000)
    # Only the day-name cache and the recent-story window may still grow a little.
    assert large < small + 1_000_000, (small, large)
