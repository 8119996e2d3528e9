"""Whether what a write accepted shows now: live, scheduled (and from when), already
expired, withdrawn, retracted or a draft, with a sentence saying so.

The API's answer and `syndicate import`'s summary tell the writer this, so that an
accepted object that shows nowhere (a breaking item dated more than its lifetime ago, an
embargoed variant) is no surprise. The rules are the outputs': a variant is live once its
status is one plan shows (``plan.VISIBLE``) and its ``published_at`` has passed; a
breaking item is on its ticker from its ``published_at`` until ``plan.breaking_end``,
unless withdrawn. It describes the record as sent, not the rest of what is stored (the
variants a story object leaves out keep their own state).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from syndicate import plan
from syndicate.config import Settings
from syndicate.ingest.format import BreakingIn, Record, StoryIn, VariantIn

State = Literal["live", "scheduled", "expired", "withdrawn", "retracted", "draft"]
# a story's state is its most visible variant's: live somewhere is live
PRECEDENCE: tuple[State, ...] = ("live", "scheduled", "draft", "retracted")


@dataclass(frozen=True)
class Visibility:
    """What a reader sees of an accepted record, now."""

    state: State
    note: str  # one sentence for the writer
    live_at: datetime | None = None  # scheduled: when it goes live
    expires_at: datetime | None = None  # a breaking item: when it leaves the ticker
    variants: Mapping[str, Visibility] = field(default_factory=dict)  # a story's, by language


def of_record(record: Record, settings: Settings, now: datetime) -> Visibility:
    if isinstance(record, StoryIn):
        return of_story(record, now)
    return of_breaking(record, settings, now)


def judge(settings: Settings, now: datetime) -> Callable[[Record], State]:
    """Each record's state at ``now``: what an import counts."""
    return lambda record: of_record(record, settings, now).state


def of_story(story: StoryIn, now: datetime) -> Visibility:
    """The story's state is its most visible variant's (scheduled: its earliest); its note
    says each language's."""
    variants = {v.lang: of_variant(v, now) for v in story.variants}
    ordered = sorted(
        variants.items(), key=lambda lv: (PRECEDENCE.index(lv[1].state), lv[1].live_at or now)
    )
    groups: dict[tuple[State, datetime | None], list[str]] = {}
    for lang, v in ordered:
        groups.setdefault((v.state, v.live_at), []).append(lang)
    note = "; ".join(_say(state, langs, at) for (state, at), langs in groups.items())
    first = ordered[0][1]
    return Visibility(first.state, note, first.live_at, variants=variants)


def of_variant(variant: VariantIn, now: datetime) -> Visibility:
    at = None
    if variant.status not in plan.VISIBLE or variant.published_at is None:
        state: State = "retracted" if variant.status == "retracted" else "draft"
    elif variant.published_at > now:
        state, at = "scheduled", variant.published_at
    else:
        state = "live"
    return Visibility(state, _say(state, [variant.lang], at), at)


SAYS: Mapping[State, str] = {
    "live": "live now in {langs}",
    "scheduled": "scheduled in {langs}: live at {at}",
    "draft": "a draft in {langs}: it shows in no output until sent as published",
    "retracted": "retracted in {langs}: it shows in no output",
}


def _say(state: State, langs: list[str], at: datetime | None) -> str:
    return SAYS[state].format(langs=", ".join(langs), at=moment(at) if at else "")


def of_breaking(item: BreakingIn, settings: Settings, now: datetime) -> Visibility:
    ends = plan.breaking_end(settings, item.published_at, item.expires_at)
    ticker = f"the {item.lang} ticker"
    if item.withdrawn:
        return withdrawn_item()
    if ends <= item.published_at:
        note = (
            f"already expired: it expires at {moment(ends)}, before it is published at "
            f"{moment(item.published_at)}, so it never shows"
        )
        return Visibility("expired", note, expires_at=ends)
    if ends <= now and item.expires_at is not None:
        note = f"already expired: its expires_at, {moment(ends)}, has passed; it shows on no ticker"
        return Visibility("expired", note, expires_at=ends)
    if ends <= now:
        note = (
            f"already expired: without expires_at it left {ticker} at {moment(ends)}, "
            "breaking.lifetime after its published_at; send an expires_at to come to show it"
        )
        return Visibility("expired", note, expires_at=ends)
    if item.published_at > now:
        note = f"scheduled: on {ticker} from {moment(item.published_at)} until {moment(ends)}"
        return Visibility("scheduled", note, item.published_at, ends)
    return Visibility("live", f"live now on {ticker} until {moment(ends)}", expires_at=ends)


def retracted_story() -> Visibility:
    """A story retracted in every language (``DELETE /api/stories/{id}``)."""
    return Visibility("retracted", "retracted in every language: it shows in no output")


def withdrawn_item() -> Visibility:
    """A breaking item withdrawn (``DELETE /api/breaking/{id}``)."""
    return Visibility("withdrawn", "withdrawn: it shows on no ticker")


def moment(when: datetime) -> str:
    """A time as the note shows it: UTC, to the second, ``2026-12-01T09:00:00Z``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
