"""Whether an accepted record shows now: the state the API answers and the import counts,
and the sentence that says it (issue 17: a breaking item dated in the past without
expires_at was accepted with `changed: true` and never showed, with no hint why)."""

from datetime import UTC, datetime, timedelta

import pytest
from factories import breaking, story, variant

from syndicate.ingest import parse_object
from syndicate.ingest.visibility import of_record, retracted_story, withdrawn_item

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def at(hours: float) -> str:
    """NOW moved by ``hours``, as FORMAT.md writes times."""
    return (NOW + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def shown(obj, settings):
    return of_record(parse_object(obj, settings), settings, NOW)


@pytest.mark.parametrize(
    "fields, state, note, live_at, expires_at",
    [
        (
            {"published_at": at(-1)},
            "live",
            "live now on the en ticker until 2026-11-20T17:00:00Z",
            None,
            at(5),
        ),
        (
            {"published_at": at(-1), "expires_at": at(1)},
            "live",
            "live now on the en ticker until 2026-11-20T13:00:00Z",
            None,
            at(1),
        ),
        (
            {"published_at": at(2)},
            "scheduled",
            "scheduled: on the en ticker from 2026-11-20T14:00:00Z until 2026-11-20T20:00:00Z",
            at(2),
            at(8),
        ),
        (
            {"published_at": at(-7)},
            "expired",
            "already expired: without expires_at it left the en ticker at "
            "2026-11-20T11:00:00Z, breaking.lifetime after its published_at; send an "
            "expires_at to come to show it",
            None,
            at(-1),
        ),
        (
            {"published_at": at(-2), "expires_at": at(-1)},
            "expired",
            "already expired: its expires_at, 2026-11-20T11:00:00Z, has passed; it shows on "
            "no ticker",
            None,
            at(-1),
        ),
        (
            {"published_at": at(3), "expires_at": at(2)},
            "expired",
            "already expired: it expires at 2026-11-20T14:00:00Z, before it is published at "
            "2026-11-20T15:00:00Z, so it never shows",
            None,
            at(2),
        ),
        (
            {"published_at": at(-1), "withdrawn": True},
            "withdrawn",
            "withdrawn: it shows on no ticker",
            None,
            None,
        ),
    ],
)
def test_a_breaking_item_is_live_scheduled_expired_or_withdrawn(
    settings, fields, state, note, live_at, expires_at
):
    """On its ticker from published_at until expires_at, else breaking.lifetime (6 h) after."""
    v = shown(breaking("br-1", **fields), settings)
    stamp = lambda d: d and d.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    assert (v.state, v.note, stamp(v.live_at), stamp(v.expires_at)) == (
        state,
        note,
        live_at,
        expires_at,
    )


def test_a_breaking_item_ends_exactly_at_its_end(settings):
    """The ticker's own rule (store.feeds): shown while published_at <= now < end."""
    assert shown(breaking("br-1", published_at=at(-6)), settings).state == "expired"
    assert shown(breaking("br-1", published_at=at(0)), settings).state == "live"
    assert shown(breaking("br-1", published_at=at(-1), expires_at=at(0)), settings).state == (
        "expired"
    )


def test_a_story_is_as_visible_as_its_most_visible_variant(settings):
    v = shown(
        story(
            "st-1",
            variants={
                "en": variant("A", published_at=at(-1)),
                "ar": variant("B", slug="b", published_at=at(-3), status="scheduled"),
                "es": variant("C", published_at=at(4)),
            },
        ),
        settings,
    )
    assert (v.state, v.live_at) == ("live", None)
    assert v.note == "live now in en, ar; scheduled in es: live at 2026-11-20T16:00:00Z"
    assert {lang: (x.state, x.live_at) for lang, x in v.variants.items()} == {
        "en": ("live", None),
        "ar": ("live", None),
        "es": ("scheduled", NOW + timedelta(hours=4)),
    }


def test_a_story_scheduled_in_every_language_goes_live_at_its_earliest(settings):
    v = shown(
        story(
            "st-1",
            variants={
                "en": variant("A", published_at=at(5)),
                "ar": variant("B", slug="b", published_at=at(2)),
                "es": variant("C", published_at=at(5)),
            },
        ),
        settings,
    )
    assert (v.state, v.live_at) == ("scheduled", NOW + timedelta(hours=2))
    assert v.note == (
        "scheduled in ar: live at 2026-11-20T14:00:00Z; "
        "scheduled in en, es: live at 2026-11-20T17:00:00Z"
    )


def test_drafts_and_retracted_variants_show_nowhere(settings):
    v = shown(
        story(
            "st-1",
            variants={
                "en": {"title": "A", "slug": "a", "status": "draft"},
                "es": variant("C", status="retracted"),
            },
        ),
        settings,
    )
    assert v.state == "draft"
    assert v.note == (
        "a draft in en: it shows in no output until sent as published; "
        "retracted in es: it shows in no output"
    )
    gone = shown(story("st-2", variants={"es": variant("C", status="retracted")}), settings)
    assert (gone.state, gone.note) == ("retracted", "retracted in es: it shows in no output")


def test_deletes_say_what_they_did():
    assert (retracted_story().state, retracted_story().note) == (
        "retracted",
        "retracted in every language: it shows in no output",
    )
    assert (withdrawn_item().state, withdrawn_item().note) == (
        "withdrawn",
        "withdrawn: it shows on no ticker",
    )
