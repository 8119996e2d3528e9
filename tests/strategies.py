"""Hypothesis strategies for FORMAT.md objects: mostly valid, with hostile text and odd values.

Objects are built field by field from the FORMAT.md tables, so most examples
pass validation and reach the renderers; each field now and then takes a
value that must be rejected (a wrong type, an unknown key, an unusable
timestamp), so the error paths are exercised too.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

LANGS = ("en", "ar")  # the test site: one left-to-right language, one right-to-left
SECTIONS = ("politics", "opinion", "infographs")  # grouped, grouped, ungrouped
REGIONS = ("mena", "africa")
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)

# Characters that have broken feeds somewhere: XML-forbidden C0 controls and NUL,
# C1 controls, noncharacters, bidi and zero-width marks, combining marks with
# nothing to combine with, astral characters, markup and CDATA syntax.
NASTY = (
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x1f",
    "\x7f",
    "\x80",
    "\x85",
    "\x9f",
    "\ufffe",
    "\uffff",
    "\ufeff",
    "\u200b",
    "\u200f",
    "\u202e",
    "\u2066",
    "\u061c",
    "\u0301",
    "\u0651",
    "\u0640",
    "\U0001d518",
    "\U0001f600",
    "\U0010fffd",
    "\r\n",
    "\t",
    " ",
    "]]>",
    "<![CDATA[",
    "&",
    "&amp;",
    "&#1;",
    "&#x0;",
    "&lt;",
    "<",
    ">",
    '"',
    "'",
    "<script>alert(1)</script>",
    "</title>",
    "é",
    "خبر",
    "ñ",
)

# Any code point but surrogates (JSON text cannot hold them unpaired).
any_char = st.characters(exclude_categories=("Cs",))
fragment = st.one_of(
    st.text(any_char, max_size=12),
    st.sampled_from(NASTY),
    st.text(st.sampled_from("abc xyz-ABC"), min_size=1, max_size=12),
)
hostile_text = st.lists(fragment, max_size=6).map("".join)
# Mostly readable text with something nasty spliced in.
wordy = st.builds(
    lambda a, b, c: f"{a} {b} {c}",
    st.sampled_from(("Breaking", "Analysis:", "خبر عاجل", "Última hora", "x")),
    hostile_text,
    st.sampled_from(("news", "today", "اليوم", "")),
)
some_text = st.one_of(wordy, wordy, wordy, hostile_text)
huge = st.builds(
    lambda unit, n: unit * n,
    st.sampled_from(("a", "é ", "خ", "\U0001f600", "<b>", "]]>")),
    st.integers(20_000, 100_000),
)
long_text = st.one_of(some_text, some_text, some_text, huge)

# --- timestamps -------------------------------------------------------------

offsets = st.one_of(
    st.sampled_from((0, 180, -300, 330, 345, -570, 14 * 60, -12 * 60)),
    st.integers(-(23 * 60 + 59), 23 * 60 + 59),
)


def _format(moment: datetime, minutes: int, sep: str, zulu: bool) -> str:
    text = moment.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat(sep=sep)
    return text.replace("+00:00", "Z") if zulu else text


def _timestamps(moments: st.SearchStrategy[datetime]) -> st.SearchStrategy[str]:
    return st.builds(
        _format, moments, offsets, st.sampled_from(("T", "T", "t", " ")), st.booleans()
    )


recent = _timestamps(st.datetimes(datetime(2000, 1, 1), datetime(2026, 11, 20, 11)))
# Far past and future (years 1 to 9999, leap days, the ends of the calendar):
# accepted or refused with the field named, never a crash or a broken date.
extreme = _timestamps(
    st.one_of(
        st.datetimes(),
        st.sampled_from(
            (
                datetime(1, 1, 1),
                datetime(999, 12, 31, 23, 59, 59),
                datetime(1000, 1, 1, 0, 0, 1),
                datetime(1900, 1, 1),
                datetime(1970, 1, 1),
                datetime(2024, 2, 29, 12),
                datetime(2038, 1, 19, 3, 14, 8),
                datetime(9998, 12, 31, 12),
                datetime(9999, 12, 31, 23, 59, 59, 999999),
            )
        ),
    )
)
timestamp = st.one_of(recent, recent, recent, recent, recent, extreme)
bad_timestamp: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(
        (
            "2023-02-29T12:00:00+00:00",  # not a leap year
            "1900-02-29T12:00:00+00:00",
            "2026-11-20T10:00:00",  # naive
            "2026-11-20",
            "2026-11-20T24:00:00+00:00",
            "2016-12-31T23:59:60Z",  # a leap second
            "2026-11-20T10:00:00+24:00",
            "2026-11-20T10:00:00-99:99",
            "2026-13-01T00:00:00+00:00",
            "+12026-11-20T10:00:00+00:00",
            "2026-11-20T10:00:00\u202f+00:00",
            "٢٠٢٦-١١-٢٠T10:00:00+00:00",  # Arabic-Indic digits
            "0000-01-01T00:00:00+00:00",
            "0001-01-01T00:00:00+05:00",  # before year 1 in UTC
            "9999-12-31T23:00:00-05:00",  # after year 9999 in UTC
            "0999-06-01T00:00:00Z",  # a three-digit year in RSS and sitemaps
            "soon",
            "",
        )
    ),
    st.integers(-(2**40), 2**40),
)

# --- URLs and ids ----------------------------------------------------------

path_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=15)
url = st.builds(
    lambda host, path: f"https://{host}/{path}",
    st.sampled_from(("media.example.net", "EXAMPLE.org", "bücher.example", "127.0.0.1:8443")),
    path_text,
)
BAD_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/x.jpg",
    "/relative.jpg",
    "https://user:pw@example.net/a.jpg",
    "https://",
    "ftp://example.net/a.jpg",
    "https://exa mple.net/",
    "",
)
bad_url: st.SearchStrategy[Any] = st.one_of(st.sampled_from(BAD_URLS), st.integers())

story_id = st.from_regex(r"\A[A-Za-z0-9._:-]{1,40}\Z")
BAD_IDS = ("", "../etc/passwd", "a/b", "a\\b", "a\x00b", "x" * 129, "é", " a", "%2e%2e")
bad_id: st.SearchStrategy[Any] = st.one_of(st.sampled_from(BAD_IDS), st.integers())

slug = st.one_of(
    st.from_regex(r"\A[a-z0-9-]{1,40}\Z"),
    st.text(st.characters(categories=("L", "N", "Pd")), min_size=1, max_size=40),
    st.just("x" * 512),
)
BAD_SLUGS = ("..", ".", "a/b", "a\\b", "/etc", "a b", "a\x00b", "a?b", "a#b", "%2e%2e", "x" * 513)
bad_slug: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(BAD_SLUGS), st.sampled_from(("\x00", "\u200f", " ")), st.integers()
)

# --- objects ---------------------------------------------------------------


def _drop_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


image = st.fixed_dictionaries(
    {"url": url},
    optional={
        "caption": long_text,
        "credit": some_text,
        "width": st.integers(1, 2**31 - 1),
        "height": st.integers(1, 5000),
        "mime": st.sampled_from(("image/jpeg", "IMAGE/PNG", "image/webp")),
    },
)
video = st.fixed_dictionaries(
    {"url": url},
    optional={
        "thumbnail_url": url,
        "duration_s": st.one_of(st.integers(0, 40_000), st.just(2**31 - 1)),
        "mime": st.sampled_from(("video/mp4", "video/webm")),
    },
)
# Body HTML: allowed markup, markup the sanitizer must strip, and hostile text between.
html_piece = st.one_of(
    hostile_text,
    st.sampled_from(
        (
            "<p>",
            "</p>",
            "<b>bold</b>",
            '<a href="https://example.net/a?b=1&c=2">link</a>',
            '<a href="/relative">rel</a>',
            '<a href="javascript:alert(1)">js</a>',
            '<a href="&#106;avascript:alert(1)">js</a>',
            '<img src="https://example.net/i.jpg" alt="x" onerror="alert(1)">',
            "<script>alert(1)</script>",
            "<style>body{}</style>",
            '<iframe src="https://www.youtube.com/embed/x"></iframe>',
            '<iframe src="https://evil.example/"></iframe>',
            "<svg onload=alert(1)>",
            "<!-- comment -->",
            "<![CDATA[ x ]]>",
            "]]>",
            "&nbsp;&#1;&#xFFFE;&#0;&#x85;",
            "<table><tr><td>cell",
            "<div dir=rtl lang=ar>نص</div>",
            "<p>" + "<b>" * 300 + "deep" + "</b>" * 300,
        )
    ),
)
body_html = st.one_of(st.lists(html_piece, max_size=8).map("".join), huge)
status = st.sampled_from(("published", "published", "published", "draft", "scheduled", "retracted"))
names = st.lists(some_text, max_size=4)


def _variant(title: str, slug: str, published_at: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {"title": title, "slug": slug, "published_at": published_at, **extra}


variant = st.builds(
    _variant,
    title=st.one_of(wordy, wordy, wordy, wordy, hostile_text, huge),
    slug=slug,
    published_at=timestamp,
    extra=st.fixed_dictionaries(
        {},
        optional={
            "summary": long_text,
            "body_html": body_html,
            "authors": names,
            "source": some_text,
            "status": status,
            "updated_at": timestamp,
            "tags": names,
            "image": image,
            "video": video,
            "url": url,
        },
    ),
)
section = st.sampled_from(SECTIONS)
coverage = st.sampled_from(("morocco-libya-disasters", "gaza", "Elections-2026 "))


def _story(ident: str, section: str, variants: Any, regions: Any, coverage: Any) -> dict[str, Any]:
    return _drop_none(
        {
            "type": "story",
            "id": ident,
            "section": section,
            "variants": variants,
            "regions": regions,
            "coverage": coverage,
        }
    )


story = st.builds(
    _story,
    story_id,
    section,
    st.dictionaries(st.sampled_from(LANGS), variant, min_size=1, max_size=2),
    st.one_of(st.none(), st.lists(st.sampled_from(REGIONS), max_size=3)),
    st.one_of(st.none(), st.lists(coverage, max_size=2)),
)


def _breaking(ident: str, lang: str, text: str, published_at: str, extra: dict[str, Any]) -> Any:
    return {
        "type": "breaking",
        "id": ident,
        "lang": lang,
        "text": text,
        "published_at": published_at,
        **extra,
    }


breaking = st.builds(
    _breaking,
    story_id,
    st.sampled_from((*LANGS, "EN", "Ar")),
    long_text,
    timestamp,
    st.fixed_dictionaries(
        {},
        optional={"expires_at": timestamp, "story_id": story_id, "withdrawn": st.booleans()},
    ),
)

# --- breaking an object: one field set to a value FORMAT.md does not allow ---

# (where, bad value): "v." is the object's first variant, "v.image." its image.
_STORY_BREAKS: list[tuple[str, st.SearchStrategy[Any]]] = [
    ("id", bad_id),
    ("type", st.sampled_from(("Story", "article", 1))),
    ("section", st.sampled_from(("sports", "../x", "", "POLITICS", "politics/../x", 7))),
    ("regions", st.sampled_from((["mars"], ["../x"], "mena", [1]))),
    ("coverage", st.sampled_from((["../x"], ["a/b"], [""], ["x" * 70], "gaza", [None]))),
    ("variants", st.sampled_from(({}, [], "en", None))),
    ("v.title", st.sampled_from((None, "", " \t\n", "\x00\x01\ufffe", 1, ["t"]))),
    ("v.slug", bad_slug),
    ("v.published_at", bad_timestamp),
    ("v.updated_at", bad_timestamp),
    ("v.status", st.sampled_from(("PUBLISHED", "live", 1, ""))),
    ("v.url", bad_url),
    ("v.summary", st.integers()),
    ("v.body_html", st.sampled_from((1, ["<p>"], {"html": "x"}))),
    ("v.authors", st.sampled_from(("Jane Roe", [1], {"name": "x"}))),
    ("v.tags", st.sampled_from(("Rabat", [None], [["x"]]))),
    ("v.image", st.sampled_from(("https://example.net/i.jpg", [], 1))),
    ("v.image.url", bad_url),
    ("v.image.width", st.sampled_from((0, -1, 2**31, 2**70, "800", 1.5, True))),
    ("v.image.mime", st.sampled_from(("jpeg", "image/" + "x" * 200, "image/jpeg; q=1", ""))),
    ("v.video.url", bad_url),
    ("v.video.thumbnail_url", bad_url),
    ("v.video.duration_s", st.sampled_from((-1, 2**31, 2**70, "60", 2.5))),
]
_BREAKING_BREAKS: list[tuple[str, st.SearchStrategy[Any]]] = [
    ("id", bad_id),
    ("lang", st.sampled_from(("fr", "", "en_XX", None, 1))),
    ("text", st.sampled_from((None, "", "\x00", "\u0000\u0001", 1))),
    ("published_at", bad_timestamp),
    ("expires_at", bad_timestamp),
    ("story_id", bad_id),
    ("withdrawn", st.sampled_from(("yes", 1, "true", []))),
]


def _set(obj: dict[str, Any], where: str, value: Any) -> tuple[dict[str, Any], str]:
    """obj with one field replaced (None: removed), and the field's path in an error."""
    obj = json.loads(json.dumps(obj))
    target, path = obj, where
    if where.startswith("v."):
        lang = next(iter(obj["variants"]))
        target = obj["variants"][lang]
        path = f"variants.{lang}.{where[2:]}"
        where = where[2:]
        for media in ("image", "video"):
            if where.startswith(f"{media}."):
                target = target.setdefault(media, {"url": "https://example.net/m"})
                where = where[len(media) + 1 :]
    if value is None:
        target.pop(where, None)
    else:
        target[where] = value
    return obj, path


def _broken(
    objects: st.SearchStrategy[dict[str, Any]], breaks: list[tuple[str, st.SearchStrategy[Any]]]
) -> st.SearchStrategy[tuple[dict[str, Any], str]]:
    return st.one_of([st.builds(_set, objects, st.just(where), value) for where, value in breaks])


# (object, the path of the field that makes it invalid)
broken_story = _broken(story, _STORY_BREAKS)
broken_breaking = _broken(breaking, _BREAKING_BREAKS)
