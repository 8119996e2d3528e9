"""FORMAT.md objects -> domain values; every error names the record and the field.

No I/O beyond reading the input. What comes out is clean: NFC text with no
XML-forbidden characters, sanitized HTML, aware timestamps, known taxonomy
keys, configured languages.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, TextIO

from syndicate import clean, plan
from syndicate.config import Settings

ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
COVERAGE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# a media type as the store keeps it (at most 100 characters)
MIME_RE = re.compile(r"^(?=.{3,100}$)[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$")
RFC3339_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII
)
# Timestamps outside these years are refused: RSS (RFC 822) and sitemap (W3C) dates
# have four-digit years, and the store's date arithmetic (lifetimes, sitemap periods,
# UTC conversion) must stay inside Python's years 1-9999.
EARLIEST = datetime(1000, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)
INT_MAX = 2**31 - 1  # the store's integer columns
STATUSES = ("published", "draft", "scheduled", "retracted")


@dataclass(frozen=True)
class ImageIn:
    url: str
    caption: str | None = None
    credit: str | None = None
    width: int | None = None
    height: int | None = None
    mime: str | None = None


@dataclass(frozen=True)
class VideoIn:
    url: str
    thumbnail_url: str | None = None
    duration_s: int | None = None
    mime: str | None = None


@dataclass(frozen=True)
class VariantIn:
    lang: str
    title: str
    slug: str
    status: str = "published"
    published_at: datetime | None = None
    updated_at: datetime | None = None
    summary: str | None = None
    body_html: str | None = None
    authors: tuple[str, ...] = ()
    source: str | None = None
    tags: tuple[str, ...] = ()
    image: ImageIn | None = None
    video: VideoIn | None = None
    url: str | None = None


@dataclass(frozen=True)
class StoryIn:
    id: str
    section: str
    variants: tuple[VariantIn, ...]
    regions: tuple[str, ...] = ()
    coverage: tuple[str, ...] = ()


@dataclass(frozen=True)
class BreakingIn:
    id: str
    lang: str
    text: str
    published_at: datetime
    expires_at: datetime | None = None
    story_id: str | None = None
    withdrawn: bool = False


Record = StoryIn | BreakingIn
Notes = list[tuple[str, str]]  # (field path, what is wrong with it or of it), in order

# The fields of each FORMAT.md object whose fields are fixed: the domain values' own,
# but for a variant's language (its key in `variants`) and with each record's `type`.
# Any other field is told as a warning, with the closest of these, and not read.
STORY_FIELDS = ("type", *(f.name for f in fields(StoryIn)))
VARIANT_FIELDS = tuple(f.name for f in fields(VariantIn) if f.name != "lang")
IMAGE_FIELDS = tuple(f.name for f in fields(ImageIn))
VIDEO_FIELDS = tuple(f.name for f in fields(VideoIn))
BREAKING_FIELDS = ("type", *(f.name for f in fields(BreakingIn)))


@dataclass
class RecordError(Exception):
    """A record that cannot be applied: every (field, reason) found in it."""

    record_id: str
    problems: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{f}: {r}" for f, r in self.problems)

    def lines(self, where: str) -> list[str]:
        """``FILE:LINE: id: field: reason`` lines, one per problem."""
        return [f"{where}: {self.record_id}: {f}: {r}" for f, r in self.problems]


@dataclass(frozen=True)
class Line:
    """One input line: its number and either a record or what was wrong with it; and the
    fields it has that the format does not, each with what it may have meant."""

    number: int
    record: Record | None
    error: RecordError | None
    warnings: tuple[tuple[str, str], ...] = ()

    @property
    def record_id(self) -> str:
        if self.record is not None:
            return self.record.id
        return self.error.record_id if self.error is not None else "-"


def read_ndjson(stream: TextIO | Iterable[str], settings: Settings) -> Iterator[Line]:
    """Parse NDJSON lines; blank lines are skipped, bad lines reported and passed over."""
    for number, raw in enumerate(stream, start=1):
        line = parse_line(number, raw, settings)
        if line is not None:
            yield line


def load_json(raw: str | bytes) -> Any:
    """``json.loads``, each way it can fail told as a ValueError that says why.

    Besides malformed text, Python's decoder raises RecursionError on deep
    nesting and ValueError on an integer of over 4300 digits, and accepts
    NaN and Infinity, which JSON (RFC 8259) does not have.
    """
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise ValueError(f"not valid JSON: {e.msg} (line {e.lineno} column {e.colno})") from None
    except UnicodeDecodeError:
        raise ValueError("not valid UTF-8") from None
    except RecursionError:
        raise ValueError("not valid JSON: nested too deeply") from None
    except ValueError as e:
        raise ValueError(f"not valid JSON: {e}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def parse_line(number: int, raw: str, settings: Settings) -> Line | None:
    """One NDJSON line: None when blank, else its record or what is wrong with it."""
    if not raw.strip():
        return None
    try:
        obj = load_json(raw)
    except ValueError as e:
        return Line(number, None, RecordError("-", [("json", str(e))]))
    warnings: Notes = []
    try:
        return Line(number, parse_object(obj, settings, warnings), None, tuple(warnings))
    except RecordError as e:
        return Line(number, None, e, tuple(warnings))


def parse_object(obj: Any, settings: Settings, warnings: Notes | None = None) -> Record:
    """Validate one FORMAT.md object. Raises RecordError listing every problem.

    Each field the format does not know, where its fields are fixed (a story, a variant,
    an image, a video, a breaking item), is added to ``warnings`` as (its path, "unknown
    field, ignored" and the closest known field): FORMAT.md allows extra fields, so the
    record is still applied, but a misspelt field would otherwise be lost without a word.
    """
    if not isinstance(obj, Mapping):
        raise RecordError("-", [("-", "each line must be a JSON object")])
    raw_id = obj.get("id")
    record_id = raw_id if isinstance(raw_id, str) and raw_id else "-"
    v = _Validator([] if warnings is None else warnings)
    kind = obj.get("type", "story")
    if kind == "story":
        story = _story(v, obj, settings)
        v.raise_if_any(record_id)
        assert story is not None
        return story
    if kind == "breaking":
        item = _breaking(v, obj, settings)
        v.raise_if_any(record_id)
        assert item is not None
        return item
    raise RecordError(record_id, [("type", f"must be 'story' or 'breaking', got {kind!r}")])


class _Validator:
    """Collects problems so one pass reports all of a record's errors, and warnings."""

    def __init__(self, warnings: Notes) -> None:
        self.problems: Notes = []
        self.warnings = warnings

    def fail(self, path: str, reason: str) -> None:
        self.problems.append((path, reason))

    def known(self, obj: Mapping[str, Any], names: tuple[str, ...], path: str = "") -> None:
        """Warn of each field of ``obj`` not in ``names``, naming the closest of them."""
        for key in obj:
            if key not in names:
                near = difflib.get_close_matches(key, names, n=1)
                hint = f" (did you mean `{near[0]}`?)" if near else ""
                where = f"{path}.{key}" if path else key
                self.warnings.append((where, "unknown field, ignored" + hint))

    def raise_if_any(self, record_id: str) -> None:
        if self.problems:
            raise RecordError(record_id, self.problems)

    def id(self, obj: Mapping[str, Any], key: str, *, required: bool = True) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(key, "required")
            return None
        if not isinstance(value, str) or not ID_RE.match(value):
            self.fail(key, "must be 1-128 characters of A-Z a-z 0-9 . _ : -")
            return None
        return value

    def string(
        self,
        obj: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        one_line: bool = True,
    ) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(path, "required")
            return None
        if not isinstance(value, str):
            self.fail(path, f"must be a string, got {type(value).__name__}")
            return None
        cleaned = clean.line(value) if one_line else clean.text(value).strip()
        if not cleaned:
            if required:
                self.fail(path, "must not be empty")
            return None
        return cleaned

    def strings(self, obj: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = obj.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(path, "must be a list of strings")
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{path}[{i}]", "must be a string")
                continue
            cleaned = clean.line(item)
            if cleaned and cleaned not in out:
                out.append(cleaned)
        return tuple(out)

    def timestamp(self, obj: Mapping[str, Any], key: str, path: str) -> datetime | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not RFC3339_RE.match(value):
            self.fail(
                path,
                f"must be an RFC 3339 timestamp with an offset, "
                f"e.g. 2022-03-26T00:10:00+03:00, got {value!r}",
            )
            return None
        try:
            moment = datetime.fromisoformat(value.upper())
        except ValueError as e:
            self.fail(path, f"not a valid date and time: {e}")
            return None
        try:
            in_range = EARLIEST <= moment.astimezone(UTC) <= LATEST
        except OverflowError:  # year 1 east of UTC, or year 9999 west of it
            in_range = False
        if not in_range:
            self.fail(
                path, f"must be between the years {EARLIEST.year} and {LATEST.year}, got {value!r}"
            )
            return None
        return moment

    def url(
        self, obj: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(path, "required")
            return None
        if not isinstance(value, str):
            self.fail(path, "must be a string")
            return None
        try:
            return clean.absolute_url(value)
        except ValueError as e:
            self.fail(path, str(e))
            return None

    def integer(self, obj: Mapping[str, Any], key: str, path: str, *, minimum: int) -> int | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= INT_MAX:
            self.fail(path, f"must be an integer >= {minimum} and <= {INT_MAX}, got {value!r}")
            return None
        return value

    def mime(self, obj: Mapping[str, Any], key: str, path: str) -> str | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not MIME_RE.match(value.lower()):
            self.fail(
                path,
                f"must be a media type such as image/jpeg (at most 100 characters), got {value!r}",
            )
            return None
        return value.lower()

    def table(self, obj: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any] | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.fail(path, "must be an object")
            return None
        return value


def _story(v: _Validator, obj: Mapping[str, Any], settings: Settings) -> StoryIn | None:
    v.known(obj, STORY_FIELDS)
    story_id = v.id(obj, "id")
    tax = settings.taxonomy
    section = obj.get("section")
    if section is None:
        v.fail("section", "required")
    elif not isinstance(section, str) or section not in tax.sections:
        v.fail("section", f"unknown section {section!r}")
    regions: list[str] = []
    raw_regions = obj.get("regions", [])
    if not isinstance(raw_regions, list):
        v.fail("regions", "must be a list of region keys")
    else:
        for i, r in enumerate(raw_regions):
            if not isinstance(r, str) or r not in tax.regions:
                v.fail(f"regions[{i}]", f"unknown region {r!r}")
            elif r not in regions:
                regions.append(r)
    coverage: list[str] = []
    raw_coverage = obj.get("coverage", [])
    if not isinstance(raw_coverage, list):
        v.fail("coverage", "must be a list of coverage keys")
    else:
        for i, c in enumerate(raw_coverage):
            key = c.strip().lower() if isinstance(c, str) else None
            if key is None or not COVERAGE_RE.match(key):
                v.fail(f"coverage[{i}]", f"must be a key of a-z, 0-9, '-' and '_', got {c!r}")
            elif key not in coverage:
                coverage.append(key)

    variants: list[VariantIn] = []
    raw_variants = obj.get("variants")
    if raw_variants is None:
        v.fail("variants", "required")
    elif not isinstance(raw_variants, Mapping) or not raw_variants:
        v.fail("variants", "must be an object with at least one language")
    else:
        seen: dict[str, str] = {}  # configured code -> the key it was given as
        for tag, raw in raw_variants.items():
            path = f"variants.{tag}"
            lang = settings.match_language(tag)
            if lang is None:
                v.fail(
                    path,
                    f"language {tag!r} is not configured "
                    f"(configured: {', '.join(settings.languages)})",
                )
                continue
            if lang in seen:  # "en" and "EN" name one variant: which would win is a guess
                v.fail(path, f"language {tag!r} is given twice (also as {seen[lang]!r})")
                continue
            seen[lang] = tag
            if not isinstance(raw, Mapping):
                v.fail(path, "must be an object")
                continue
            variant = _variant(v, raw, lang, path, settings, section)
            if variant is not None:
                variants.append(variant)
    if v.problems or story_id is None or not isinstance(section, str):
        return None
    return StoryIn(story_id, section, tuple(variants), tuple(regions), tuple(coverage))


def _variant(
    v: _Validator, obj: Mapping[str, Any], lang: str, path: str, settings: Settings, section: Any
) -> VariantIn | None:
    before = len(v.problems)
    v.known(obj, VARIANT_FIELDS, path)
    title = v.string(obj, "title", f"{path}.title", required=True)
    slug = _slug(v, obj, path)
    status = obj.get("status", "published")
    if status not in STATUSES:
        v.fail(f"{path}.status", f"must be one of {', '.join(STATUSES)}, got {status!r}")
    published_at = v.timestamp(obj, "published_at", f"{path}.published_at")
    if published_at is None and status != "draft" and "published_at" not in obj:
        v.fail(f"{path}.published_at", "required unless status is 'draft'")
    updated_at = v.timestamp(obj, "updated_at", f"{path}.updated_at")
    if published_at is not None and (updated_at is None or updated_at < published_at):
        updated_at = published_at
    url = v.url(obj, "url", f"{path}.url")
    body_html = None
    body = obj.get("body_html")
    if body is not None and not isinstance(body, str):
        v.fail(f"{path}.body_html", "must be a string")
    elif body is not None:
        base = _page_url(settings, lang, section, slug, url)
        body_html = clean.html(body, base_url=base, embed_hosts=settings.feeds.embed_hosts) or None
    image = _image(v, obj, f"{path}.image")
    video = _video(v, obj, f"{path}.video")
    variant = VariantIn(
        lang=lang,
        title=title or "",
        slug=slug or "",
        status=status if isinstance(status, str) else "",
        published_at=published_at,
        updated_at=updated_at,
        summary=v.string(obj, "summary", f"{path}.summary", one_line=False),
        body_html=body_html,
        authors=v.strings(obj, "authors", f"{path}.authors"),
        source=v.string(obj, "source", f"{path}.source"),
        tags=v.strings(obj, "tags", f"{path}.tags"),
        image=image,
        video=video,
        url=url,
    )
    return None if len(v.problems) > before else variant


def _slug(v: _Validator, obj: Mapping[str, Any], path: str) -> str | None:
    raw_slug = obj.get("slug")
    if raw_slug is None:
        v.fail(f"{path}.slug", "required")
    elif not isinstance(raw_slug, str):
        v.fail(f"{path}.slug", "must be a string")
    else:
        try:
            return clean.article_slug(raw_slug)
        except ValueError as e:
            v.fail(f"{path}.slug", str(e))
    return None


def _page_url(
    settings: Settings, lang: str, section: Any, slug: str | None, url: str | None
) -> str:
    """What relative links in a body are relative to: the article's page (its own URL, else
    the one its section and slug make), else the language's home."""
    if url:
        return url
    if slug and isinstance(section, str) and section in settings.taxonomy.sections:
        return plan.article_url(settings, lang, section, slug)
    return settings.language(lang).base_url


def _image(v: _Validator, obj: Mapping[str, Any], p: str) -> ImageIn | None:
    raw = v.table(obj, "image", p)
    if raw is None:
        return None
    v.known(raw, IMAGE_FIELDS, p)
    image_url = v.url(raw, "url", f"{p}.url", required=True)
    return ImageIn(
        url=image_url or "",
        caption=v.string(raw, "caption", f"{p}.caption"),
        credit=v.string(raw, "credit", f"{p}.credit"),
        width=v.integer(raw, "width", f"{p}.width", minimum=1),
        height=v.integer(raw, "height", f"{p}.height", minimum=1),
        mime=v.mime(raw, "mime", f"{p}.mime"),
    )


def _video(v: _Validator, obj: Mapping[str, Any], p: str) -> VideoIn | None:
    raw = v.table(obj, "video", p)
    if raw is None:
        return None
    v.known(raw, VIDEO_FIELDS, p)
    video_url = v.url(raw, "url", f"{p}.url", required=True)
    return VideoIn(
        url=video_url or "",
        thumbnail_url=v.url(raw, "thumbnail_url", f"{p}.thumbnail_url"),
        duration_s=v.integer(raw, "duration_s", f"{p}.duration_s", minimum=0),
        mime=v.mime(raw, "mime", f"{p}.mime"),
    )


def _breaking(v: _Validator, obj: Mapping[str, Any], settings: Settings) -> BreakingIn | None:
    v.known(obj, BREAKING_FIELDS)
    item_id = v.id(obj, "id")
    lang: str | None = None
    raw_lang = obj.get("lang")
    if raw_lang is None:
        v.fail("lang", "required")
    elif not isinstance(raw_lang, str) or (lang := settings.match_language(raw_lang)) is None:
        v.fail(
            "lang",
            f"language {raw_lang!r} is not configured "
            f"(configured: {', '.join(settings.languages)})",
        )
    text = v.string(obj, "text", "text", required=True)
    published_at = v.timestamp(obj, "published_at", "published_at")
    if published_at is None and "published_at" not in obj:
        v.fail("published_at", "required")
    expires_at = v.timestamp(obj, "expires_at", "expires_at")
    story_id = v.id(obj, "story_id", required=False)
    withdrawn = obj.get("withdrawn", False)
    if not isinstance(withdrawn, bool):
        v.fail("withdrawn", f"must be true or false, got {withdrawn!r}")
    if v.problems or item_id is None or lang is None or text is None or published_at is None:
        return None
    return BreakingIn(item_id, lang, text, published_at, expires_at, story_id, bool(withdrawn))
