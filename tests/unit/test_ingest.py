import json
from pathlib import Path

import pytest
from factories import breaking, story, variant

from syndicate.ingest import BreakingIn, RecordError, StoryIn, parse_object, read_ndjson

FORMAT_EXAMPLE = [
    {
        "type": "story",
        "id": "st-2022-03-26-0001",
        "section": "politics",
        "regions": ["africa", "mena"],
        "variants": {
            "en": {
                "title": "Morocco receives first Israeli occupation military delegation",
                "slug": "morocco-receives-first-israeli-occupation-military-delegation",
                "summary": "The Israeli occupation says Israeli and Moroccan commanders expressed a "
                'mutual desire to promote "extensive security cooperation."',
                "body_html": "<p>An Israeli occupation military delegation met with Moroccan officers "
                "in Rabat this week…</p>",
                "authors": ["Al Mayadeen Net"],
                "source": "Agencies",
                "published_at": "2022-03-26T00:10:00+03:00",
                "tags": ["Africa", "Israel", "Rabat", "Morocco"],
                "image": {
                    "url": "https://example.net/media/rabat.jpg",
                    "caption": "Head of Strategic Division of the IOF Planning Directorate",
                },
            }
        },
    },
    {
        "type": "breaking",
        "id": "br-0001",
        "lang": "en",
        "text": "Armenia says Azerbaijani forces open fire in border region",
        "published_at": "2023-10-02T09:41:00+03:00",
    },
]


def test_format_example_is_accepted(settings):
    s = parse_object(FORMAT_EXAMPLE[0], settings)
    assert isinstance(s, StoryIn)
    assert s.regions == ("africa", "mena")
    v = s.variants[0]
    assert v.lang == "en" and v.status == "published"
    assert v.published_at.utcoffset().total_seconds() == 3 * 3600
    assert v.updated_at == v.published_at  # defaults to published_at
    assert v.image.url == "https://example.net/media/rabat.jpg"
    b = parse_object(FORMAT_EXAMPLE[1], settings)
    assert isinstance(b, BreakingIn) and not b.withdrawn and b.expires_at is None


def every_field():
    """A story with every field FORMAT.md documents."""
    return story(
        "st-1",
        coverage=["morocco-libya-disasters"],
        regions=["mena"],
        variants={
            "ar": variant(
                "عنوان",
                slug="عنوان-الخبر",
                summary="ملخص",
                body_html="<p>نص</p>",
                authors=["مراسل"],
                source="وكالات",
                status="scheduled",
                updated_at="2026-11-21T10:00:00+03:00",
                tags=["المغرب"],
                image={
                    "url": "https://e.net/i.jpg",
                    "caption": "c",
                    "credit": "AFP",
                    "width": 800,
                    "height": 600,
                    "mime": "image/jpeg",
                },
                video={
                    "url": "https://e.net/v.mp4",
                    "thumbnail_url": "https://e.net/t.jpg",
                    "duration_s": 95,
                    "mime": "video/mp4",
                },
                url="https://arabic.example.net/news/عنوان",
            )
        },
    )


def test_every_field_of_format_md_is_read(settings):
    s = parse_object(every_field(), settings)
    v = s.variants[0]
    assert s.coverage == ("morocco-libya-disasters",)
    assert (v.slug, v.summary, v.body_html, v.authors, v.source, v.status, v.tags) == (
        "عنوان-الخبر",
        "ملخص",
        "<p>نص</p>",
        ("مراسل",),
        "وكالات",
        "scheduled",
        ("المغرب",),
    )
    assert v.image.credit == "AFP" and v.image.width == 800 and v.image.mime == "image/jpeg"
    assert v.video.duration_s == 95 and v.video.thumbnail_url == "https://e.net/t.jpg"
    assert v.url == "https://arabic.example.net/news/%D8%B9%D9%86%D9%88%D8%A7%D9%86"


def warnings_of(obj, settings):
    told: list[tuple[str, str]] = []
    record = parse_object(obj, settings, told)
    return record, told


def test_unknown_fields_are_warnings_naming_the_closest_field_and_the_record_is_applied(
    settings,
):
    """A misspelt field (issue 17: "regon", "imgae") is told, not dropped without a word;
    FORMAT.md allows extra fields, so the record is still read, without it."""
    obj = story(
        "st-1",
        regon=["mena"],
        variants={
            "en": variant(
                "T",
                imgae={"url": "https://e.net/i.jpg"},
                image={"url": "https://e.net/j.jpg", "captoin": "c", "Width": 8},
                video={"url": "https://e.net/v.mp4", "thumbnail": "https://e.net/t.jpg"},
                author=["A"],
                cms_revision=7,
            )
        },
    )
    record, told = warnings_of(obj, settings)
    assert told == [
        ("regon", "unknown field, ignored (did you mean `regions`?)"),
        ("variants.en.imgae", "unknown field, ignored (did you mean `image`?)"),
        ("variants.en.author", "unknown field, ignored (did you mean `authors`?)"),
        ("variants.en.cms_revision", "unknown field, ignored"),
        ("variants.en.image.captoin", "unknown field, ignored (did you mean `caption`?)"),
        ("variants.en.image.Width", "unknown field, ignored (did you mean `width`?)"),
        ("variants.en.video.thumbnail", "unknown field, ignored (did you mean `thumbnail_url`?)"),
    ]
    assert record.regions == () and record.variants[0].image.url == "https://e.net/j.jpg"
    assert record.variants[0].image.caption is None and record.variants[0].authors == ()
    _, told = warnings_of(
        breaking("br-1", expires="2026-11-21T00:00:00Z", storyid="st-1"), settings
    )
    assert told == [
        ("expires", "unknown field, ignored (did you mean `expires_at`?)"),
        ("storyid", "unknown field, ignored (did you mean `story_id`?)"),
    ]


def test_every_field_format_md_names_is_known(settings):
    """The format's own example and every field it documents raise no warning."""
    for obj in FORMAT_EXAMPLE:
        assert warnings_of(obj, settings)[1] == []
    assert warnings_of(every_field(), settings)[1] == []
    item = breaking("br-1", expires_at="2026-11-21T00:00:00Z", story_id="st-1", withdrawn=False)
    assert warnings_of(item, settings)[1] == []


def test_a_rejected_record_keeps_its_warnings(settings):
    """A misspelt required field is often why a record is refused: the line says both."""
    obj = story("st-1", variants={"en": {"titel": "T", "slug": "t", "published_at": NOW_TEXT}})
    [line] = read_ndjson([json.dumps(obj) + "\n"], settings)
    assert line.error.problems == [("variants.en.title", "required")]
    assert line.warnings == (
        ("variants.en.titel", "unknown field, ignored (did you mean `title`?)"),
    )
    assert line.record_id == "st-1"


NOW_TEXT = "2026-11-20T10:00:00Z"


def test_missing_type_means_story_and_draft_needs_no_date(settings):
    obj = story("st-2", variants={"en": {"title": "T", "slug": "t", "status": "draft"}})
    del obj["type"]
    assert isinstance(parse_object(obj, settings), StoryIn)


def problems(obj, settings):
    with pytest.raises(RecordError) as e:
        parse_object(obj, settings)
    return e.value.record_id, dict(e.value.problems)


def test_rejections_name_the_record_and_every_field(settings):
    rid, p = problems(
        story(
            "st-bad",
            section="weather",
            regions=["mars"],
            variants={
                "en": {
                    "title": "",
                    "slug": "a/b",
                    "published_at": "2026-11-20 10:00",
                    "status": "live",
                    "image": {"caption": "no url"},
                    "video": {"url": "ftp://x/v", "duration_s": -1},
                },
                "fr": variant("Titre"),
            },
        ),
        settings,
    )
    assert rid == "st-bad"
    assert p["section"] == "unknown section 'weather'"
    assert p["regions[0]"] == "unknown region 'mars'"
    assert "must not be empty" in p["variants.en.title"]
    assert "'/'" in p["variants.en.slug"]
    assert "RFC 3339" in p["variants.en.published_at"]
    assert "must be one of" in p["variants.en.status"]
    assert p["variants.en.image.url"] == "required"
    assert "http(s)" in p["variants.en.video.url"]
    assert ">= 0" in p["variants.en.video.duration_s"]
    assert "not configured" in p["variants.fr"]


@pytest.mark.parametrize(
    "obj, field",
    [
        ({"type": "story", "section": "politics", "variants": {"en": variant()}}, "id"),
        (story("has space"), "id"),
        (story("x" * 129), "id"),
        (story("st-3", variants={}), "variants"),
        (story("st-3", variants={"en": {"title": "T", "slug": "t"}}), "variants.en.published_at"),
        (
            story("st-3", variants={"en": variant(published_at="2026-11-20T10:00:00")}),
            "variants.en.published_at",
        ),
        (story("st-3", variants={"en": variant(tags="Morocco")}), "variants.en.tags"),
        (story("st-3", coverage=["Gaza War!"]), "coverage[0]"),
        ({"type": "podcast", "id": "p1"}, "type"),
        (breaking("br-1", lang="de"), "lang"),
        (breaking("br-1", withdrawn="yes"), "withdrawn"),
        (
            {
                "type": "breaking",
                "id": "br-1",
                "lang": "en",
                "published_at": "2026-11-20T10:00:00Z",
            },
            "text",
        ),
    ],
)
def test_each_rule_is_enforced(settings, obj, field):
    _rid, p = problems(obj, settings)
    assert field in p, p


def test_text_is_cleaned_on_the_way_in(settings):
    s = parse_object(
        story(
            "st-4",
            variants={
                "en": variant(
                    "Bad\x01 title\x0b here",
                    slug="bad-title-here",
                    summary="e\u0301t\u00e9",
                    body_html="<p>x</p><script>y</script>",
                    tags=["Morocco", "Morocco", " "],
                )
            },
        ),
        settings,
    )
    v = s.variants[0]
    assert v.title == "Bad title here"
    assert v.summary == "été"
    assert v.body_html == "<p>x</p>"
    assert v.tags == ("Morocco",)


def test_a_slug_with_a_control_character_is_refused_not_rewritten(settings):
    """Text fields lose what XML forbids; a slug is the CMS's URL: 'a\\x00b' is not 'ab'.
    (Found by the long property run: NUL was dropped and the story accepted as 'ab'.)"""
    for slug in ("a\x00b", "a\x01b", "a\ufffeb"):
        with pytest.raises(RecordError) as e:
            parse_object(story("st-6", variants={"en": variant("T", slug=slug)}), settings)
        assert e.value.problems[0][0] == "variants.en.slug", e.value.problems
    # and text stays NFC when a dropped character sat between a letter and its accent
    s = parse_object(
        story("st-7", variants={"en": variant("T", summary="Breaking A\x00\u0300 news")}),
        settings,
    )
    assert s.variants[0].summary == "Breaking \u00c0 news"


def test_language_codes_match_case_insensitively(settings):
    s = parse_object(story("st-5", variants={"EN": variant()}), settings)
    assert s.variants[0].lang == "en"


def test_ndjson_reader_skips_blank_lines_and_numbers_lines(settings, tmp_path: Path):
    lines = [
        "",
        json.dumps(FORMAT_EXAMPLE[0]),
        "   ",
        "{not json",
        json.dumps([1, 2]),
        json.dumps(FORMAT_EXAMPLE[1]),
    ]
    got = list(read_ndjson([line + "\n" for line in lines], settings))
    assert [g.number for g in got] == [2, 4, 5, 6]
    assert got[0].record is not None and got[3].record is not None
    assert got[1].error.lines("f.ndjson:4")[0].startswith("f.ndjson:4: -: json: not valid JSON")
    assert got[2].error is not None


def test_parsing_in_helper_processes_gives_the_same_lines_in_order(settings):
    """A big import parses and sanitizes in other processes: the same records and the same
    rejections (record, field, reason), numbered as in the file, in the file's order."""
    from datetime import UTC, datetime

    from bench.corpus import generate
    from syndicate.ingest import stream

    good = [
        json.dumps(o, ensure_ascii=False)
        for o in generate(600, seed=2, end=datetime(2026, 11, 20, tzinfo=UTC))
    ]
    bad = [
        "{not json",
        json.dumps(story("st-bad", section="weather")),
        json.dumps({"type": "breaking", "id": "br-x", "lang": "en", "text": ""}),
        "[1, 2]",
        json.dumps(story("st-typo", regon=["mena"])),
    ]
    lines = []
    for i, text in enumerate(good):
        lines.append(text + "\n")
        if i % 97 == 0:
            lines.append(bad[i % len(bad)] + "\n")
        if i % 151 == 0:
            lines.append("\n")  # blank lines count in the numbering
    here = list(read_ndjson(lines, settings))
    aside = list(stream.parse_aside(iter(lines), settings, helpers=2))
    assert len(here) == len(aside) > 600
    assert sum(1 for line in aside if line.error) >= 6
    for a, b in zip(here, aside, strict=True):
        assert a.number == b.number and a.record == b.record
        assert (a.error and a.error.lines("f:1")) == (b.error and b.error.lines("f:1"))
        assert a.warnings == b.warnings
    assert [line.warnings for line in aside if line.warnings] == [
        (("regon", "unknown field, ignored (did you mean `regions`?)"),)
    ] * sum(1 for line in lines if "st-typo" in line)
