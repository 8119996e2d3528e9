"""One story object: what its variants share, drawn once, then each variant in its language.

The order of the draws is part of the output: every function here takes its
`random()` values in the order the story is made (place, languages, status, slots,
text, tags, media, then each variant), so a corpus stays byte for byte the same.
"""

from __future__ import annotations

import unicodedata
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bench.corpus import body, mix, slots
from bench.corpus.clock import DAY, Window, date, rfc3339
from bench.corpus.data import AR, ES, LANGS
from bench.corpus.markup import CONTROL_CHARS, DECORATIONS, HOSTILE_FMT
from bench.corpus.slug import slugify
from bench.corpus.stream import Stream
from bench.corpus.templates import CAPTIONS, HEADLINES, SUMMARIES, Template, contract, render
from bench.corpus.words import (
    AUTHOR_CUM,
    AUTHORS,
    CREDITS,
    N_TOPIC_TAGS,
    SOURCES,
    TAG_CUM,
    TAGS,
    C,
)

# Recently published stories (id, languages, epoch), that breaking items link to.
Recent = deque[tuple[str, tuple[int, ...], int]]


@dataclass
class _Shared:
    """What every variant of one story shares: drawn once, written in each language."""

    index: int
    story_id: str
    section: str
    regions: list[str]
    coverage: list[str]
    langs: tuple[int, ...]
    status: str
    base: int
    end: int
    primary: int
    ordered: tuple[int, ...]
    offsets: dict[int, tuple[int, str]]
    draw: dict[str, Any]
    head: Template
    summary: Template
    caption: Template
    plan: dict[str, Any]
    decoration: int
    control: tuple[str, int, bool] | None
    nfd: bool
    override_url: bool
    tags: list[int]
    image: dict[str, Any] | None
    credit: int
    video: dict[str, Any] | None
    draft_translation: bool


def story(
    s: Stream, window: Window, index: int, base: int, forced: str | None, recent: Recent
) -> dict[str, Any]:
    """Story `index`, first published at `base` unless embargoed; `forced` is its sample kind."""
    shared = _draw(s, window, index, base, forced)
    variants = {LANGS[li]: _variant(s, shared, li) for li in shared.ordered}
    if shared.status == "published":
        recent.append((shared.story_id, shared.langs, shared.base))
    story: dict[str, Any] = {"type": "story"} if s.rnd() >= 0.03 else {}
    story["id"] = shared.story_id
    story["section"] = shared.section
    if shared.regions:
        story["regions"] = shared.regions
    if shared.coverage:
        story["coverage"] = shared.coverage
    story["variants"] = variants
    return story


def _draw(s: Stream, window: Window, index: int, base: int, forced: str | None) -> _Shared:
    """Everything the variants of story `index` share, in the order it is drawn."""
    rnd = s.rnd
    section, group, regions, coverage, lead = _place(s)
    langs, primary = _languages(s, forced)
    status, base = _status(s, window, forced, base)
    offsets = {li: mix.offset(s, li) for li in langs}
    story_id = f"st-{date((base + offsets[primary][0]) // DAY)}-{index + 1:06d}"
    d = slots.draw(s, group, regions, lead, base, offsets[primary])
    head = s.pick(HEADLINES[group])
    summary = s.pick(SUMMARIES.get(group) or SUMMARIES["pol"])
    caption = s.pick(CAPTIONS)
    plan = body.plan(s, group)
    if forced == "hostile":
        plan["hostile"] = HOSTILE_FMT[index % len(HOSTILE_FMT)]
    decoration = int(rnd() * len(DECORATIONS[0])) if rnd() < 0.03 else -1
    control = (s.pick(CONTROL_CHARS), s.pick(langs), rnd() < 0.5) if rnd() < 0.003 else None
    nfd = rnd() < 0.003
    override_url = rnd() < 0.01
    tags = _tags(s, d)
    image, credit, video = _media(s, section, story_id, base)
    return _Shared(
        index=index,
        story_id=story_id,
        section=section,
        regions=regions,
        coverage=coverage,
        langs=langs,
        status=status,
        base=base,
        end=window.end,
        primary=primary,
        ordered=mix.ORDERED[langs, primary],
        offsets=offsets,
        draw=d,
        head=head,
        summary=summary,
        caption=caption,
        plan=plan,
        decoration=decoration,
        control=control,
        nfd=nfd,
        override_url=override_url,
        tags=tags,
        image=image,
        credit=credit,
        video=video,
        draft_translation=status == "published" and len(langs) > 1 and rnd() < 0.015,
    )


def _place(s: Stream) -> tuple[str, str, list[str], list[str], int | None]:
    """Section, template group, regions, coverage and lead country (a coverage topic's)."""
    rnd = s.rnd
    section, _, groups = mix.SECTIONS[s.weighted(mix.SECTION_CUM)]
    group = s.pick(groups)
    coverage: list[str] = []
    lead: int | None = None
    if rnd() < 0.08:
        key, _, regions_t, leads = mix.COVERAGE[s.weighted(mix.COVERAGE_CUM)]
        coverage = [key]
        regions = list(regions_t)
        lead = C.index[s.pick(leads)]
    else:
        r = rnd()
        count = 0 if r < 0.15 else 1 if r < 0.75 else 2
        regions = []
        while len(regions) < count:
            region = mix.REGIONS[s.weighted(mix.REGION_CUM)][0]
            if region not in regions:
                regions.append(region)
    return section, group, regions, coverage, lead


def _languages(s: Stream, forced: str | None) -> tuple[tuple[int, ...], int]:
    """The story's languages, and the one the newsroom wrote first."""
    if forced == "ar-only":
        langs: tuple[int, ...] = (AR,)
    elif forced == "es-only":
        langs = (ES,)
    else:
        langs = mix.LANGSETS[s.weighted(mix.LANGSET_CUM)][0]
    return langs, langs[s.weighted(mix.PRIMARY_CUM[langs])]


def _status(s: Stream, window: Window, forced: str | None, base: int) -> tuple[str, int]:
    """The story's status (a variant may still differ) and its first publication time.

    An embargoed (scheduled) story is first published after the window's end.
    """
    rnd = s.rnd
    r = rnd()
    if forced in ("draft", "retracted"):
        status = forced
    elif forced == "scheduled-far":
        status = "scheduled"
    elif r < 0.015:
        status = "draft"
    elif r < 0.025:
        status = "scheduled"
    elif r < 0.04:
        status = "retracted"
    else:
        status = "published"
    if status == "scheduled":
        if forced == "scheduled-far":
            base = window.far + int(rnd() * 72) * 3600
        else:
            base = window.end + (10 + int(rnd() * 14 * 24 * 60)) * 60
    return status, base


def _tags(s: Stream, d: dict[str, Any]) -> list[int]:
    """Tag indexes: the lead country, maybe the second, then popular topics."""
    rnd = s.rnd
    n_tags = 2 + int(rnd() * 4)
    tags = [N_TOPIC_TAGS + d["c1"]]
    if rnd() < 0.4:
        tags.append(N_TOPIC_TAGS + d["c2"])
    while len(tags) < n_tags:
        t = s.weighted(TAG_CUM)
        if t not in tags:
            tags.append(t)
    return tags


def _media(
    s: Stream, section: str, story_id: str, base: int
) -> tuple[dict[str, Any] | None, int, dict[str, Any] | None]:
    """The story's image (and the index of its credit) and video, if it has them."""
    rnd = s.rnd
    folder = date(base // DAY)[:7].replace("-", "/")
    image: dict[str, Any] | None = None
    credit = 0
    if section in mix.PICTURE_SECTIONS or rnd() < 0.73:
        width, height = s.pick(mix.IMAGE_SIZES)
        image = {
            "url": f"https://media.example.net/images/{folder}/{story_id}.jpg",
            "width": width,
            "height": height,
            "mime": "image/jpeg",
        }
        credit = int(rnd() * len(CREDITS[0]))
    video: dict[str, Any] | None = None
    if rnd() < (0.55 if section in mix.VIDEO_SECTIONS else 0.025):
        long_form = section in ("tv", "digital-series", "video-features")
        video = {
            "url": f"https://media.example.net/video/{folder}/{story_id}.mp4",
            "thumbnail_url": f"https://media.example.net/video/{folder}/{story_id}.jpg",
            "duration_s": (300 + int(rnd() * 3000)) if long_form else (20 + int(rnd() * 280)),
            "mime": "video/mp4",
        }
    return image, credit, video


def _variant(s: Stream, shared: _Shared, li: int) -> dict[str, Any]:
    """The variant in language `li`; its fields in the order FORMAT.md lists them."""
    mp = slots.mapping(shared.draw, li)
    v = _text(s, shared, mp, li)
    _byline(s, v, li)
    _dates(s, shared, v, li)
    _attachments(s, shared, v, mp, li)
    _stress(s, shared, v, li)
    return v


def _text(s: Stream, shared: _Shared, mp: dict[str, Any], li: int) -> dict[str, Any]:
    """Title (decorated, if the story is), slug, and usually a summary and a body."""
    rnd = s.rnd
    genders = shared.draw["genders"]
    title = render(shared.head, genders, mp, li)
    summary = render(shared.summary, genders, mp, li)
    body_html = body.body(shared.plan, genders, mp, li)
    if li == ES:
        body_html = contract(body_html)
    if shared.decoration >= 0:
        prefix, suffix = DECORATIONS[li][shared.decoration]
        title = prefix + title + suffix
    v: dict[str, Any] = {"title": title, "slug": f"{slugify(title, LANGS[li])}-{shared.index + 1}"}
    if rnd() < 0.97:
        v["summary"] = summary
    if rnd() < 0.98:
        v["body_html"] = body_html
    return v


def _byline(s: Stream, v: dict[str, Any], li: int) -> None:
    """Usually one or two authors (popular ones more often) and a source."""
    rnd = s.rnd
    if rnd() < 0.96:
        first = s.weighted(AUTHOR_CUM)
        authors = [AUTHORS[li][first]]
        if rnd() < 0.25:
            second = s.weighted(AUTHOR_CUM)
            if second != first:
                authors.append(AUTHORS[li][second])
        v["authors"] = authors
    r = rnd()
    if r < 0.75:
        v["source"] = SOURCES[li][0 if r < 0.55 else 1 + int((r - 0.55) * 20)]


def _dates(s: Stream, shared: _Shared, v: dict[str, Any], li: int) -> None:
    """Status and dates: translations follow the original, the last may be a draft still."""
    rnd = s.rnd
    vstatus = shared.status
    if shared.draft_translation and li == shared.ordered[-1]:
        vstatus = "draft"
    base = published = shared.base
    if li != shared.primary and shared.status != "scheduled":
        published = min(base + int(rnd() * rnd() * 240) * 60, max(base, shared.end))
    if vstatus != "published":
        v["status"] = vstatus
    elif rnd() < 0.1:
        v["status"] = "published"
    if vstatus != "draft" or rnd() < 0.5:
        v["published_at"] = rfc3339(published, shared.offsets[li])
    if vstatus == "retracted" or (vstatus == "published" and rnd() < 0.2):
        updated = min(published + (30 + int(rnd() * 690)) * 60, shared.end)
        if updated - published >= 600:
            v["updated_at"] = rfc3339(updated, shared.offsets[li])


def _attachments(
    s: Stream, shared: _Shared, v: dict[str, Any], mp: dict[str, Any], li: int
) -> None:
    """Tags, image (captioned in the variant's language), video and an overriding URL."""
    if s.rnd() < 0.97:
        v["tags"] = [TAGS[li][t] for t in shared.tags]
    image = shared.image
    if image is not None:
        v["image"] = {
            "url": image["url"],
            "caption": render(shared.caption, shared.draw["genders"], mp, li),
            "credit": CREDITS[li][shared.credit],
            "width": image["width"],
            "height": image["height"],
            "mime": "image/jpeg",
        }
    if shared.video is not None:
        v["video"] = dict(shared.video)
    if shared.override_url:
        v["url"] = f"https://live.example.net/{LANGS[li]}/{quote(shared.story_id)}"


def _stress(s: Stream, shared: _Shared, v: dict[str, Any], li: int) -> None:
    """Decomposed accents, as some editors paste them, and a character XML forbids."""
    if shared.nfd and li == ES:
        v["title"] = unicodedata.normalize("NFD", v["title"])
        if "summary" in v:
            v["summary"] = unicodedata.normalize("NFD", v["summary"])
    control = shared.control
    if control is not None and control[1] == li:
        field = "title" if control[2] or "summary" not in v else "summary"
        words = v[field].split(" ")
        at = 1 + int(s.rnd() * max(1, len(words) - 1))
        v[field] = " ".join(words[:at]) + control[0] + " " + " ".join(words[at:])
