"""Drafts, embargoes, retractions and the breaking ticker, as time passes."""

import json
from pathlib import Path

from conftest import load, publish
from factories import breaking, story, variant
from feedcheck import parse_ok


def every_output(store) -> bytes:
    root = Path(store.settings.output_dir)
    entries = json.loads((root / "manifest.json").read_text())["outputs"]
    return b"".join((root / e["path"]).read_bytes() for e in entries)


def titles(store, rel):
    return [e.title for e in parse_ok((Path(store.settings.output_dir) / rel).read_bytes()).entries]


def test_drafts_never_appear(store):
    load(
        store,
        [
            story(
                "st-d",
                variants={
                    "en": {
                        "title": "Secret draft",
                        "slug": "secret",
                        "status": "draft",
                        "tags": ["a"] * 1,
                    },
                    "ar": variant("مسودة سرية", slug="مسودة", status="draft"),
                },
            )
        ],
    )
    publish(store, full=True)
    assert b"Secret draft" not in every_output(store)
    assert "مسودة سرية".encode() not in every_output(store)


def test_embargo_lifts_at_its_time_without_another_write(store):
    load(
        store,
        [
            story(
                "st-e",
                section="economy",
                variants={
                    "en": variant(
                        "Embargoed", status="scheduled", published_at="2026-11-20T15:00:00Z"
                    )
                },
            )
        ],
        now="2026-11-20T12:00:00Z",
    )
    publish(store, "2026-11-20T12:00:00Z", full=True)
    assert "Embargoed" not in titles(store, "en/feeds/section/economy.rss")
    publish(store, "2026-11-20T14:59:59Z")
    assert "Embargoed" not in titles(store, "en/feeds/all.rss")
    result = publish(store, "2026-11-20T15:00:00Z")  # incremental: found by time alone
    assert "Embargoed" in titles(store, "en/feeds/all.rss")
    assert "Embargoed" in titles(store, "en/feeds/section/economy.atom")
    assert "en/feeds/section/economy.rss" in result.written
    assert "en/feeds/section/politics.rss" not in result.written


def test_retraction_disappears_from_every_output_at_the_next_publish(store):
    objs = [
        story(
            f"st-{i}",
            variants={"en": variant(f"Story {i}", tags=["Morocco"], authors=["Jane Roe"])},
        )
        for i in range(4)
    ]
    load(store, objs)
    publish(store, full=True)
    assert b"Story 0" in every_output(store)
    retracted = story(
        "st-0",
        variants={
            "en": variant("Story 0", status="retracted", tags=["Morocco"], authors=["Jane Roe"])
        },
    )
    load(store, [retracted])
    publish(store)  # incremental
    assert b"Story 0" not in every_output(store)
    assert titles(store, "en/feeds/tag/morocco.rss") == ["Story 3", "Story 2", "Story 1"]


def test_retracting_a_translation_removes_it_from_its_siblings_entries(store):
    load(
        store,
        [
            story(
                "st-1",
                variants={"en": variant("English"), "es": variant("Español", slug="espanol")},
            )
        ],
    )
    publish(store, full=True)
    root = Path(store.settings.output_dir)
    assert b"/es/politics/espanol" in (root / "en/feeds/all.atom").read_bytes()
    load(
        store,
        [story("st-1", variants={"es": variant("Español", slug="espanol", status="retracted")})],
    )
    publish(store)
    assert b"/es/politics/espanol" not in every_output(store)


def test_breaking_items_expire_and_withdraw(store):
    load(
        store,
        [
            breaking(
                "br-1",
                text="Expires at eleven",
                published_at="2026-11-20T10:00:00Z",
                expires_at="2026-11-20T11:00:00Z",
            ),
            breaking("br-2", text="Default lifetime", published_at="2026-11-20T09:00:00Z"),
            breaking("br-3", text="Pulled", published_at="2026-11-20T10:30:00Z"),
        ],
    )
    publish(store, "2026-11-20T10:45:00Z", full=True)
    assert titles(store, "en/feeds/breaking.rss") == [
        "Pulled",
        "Expires at eleven",
        "Default lifetime",
    ]
    publish(store, "2026-11-20T11:00:00Z")
    assert titles(store, "en/feeds/breaking.rss") == ["Pulled", "Default lifetime"]
    load(
        store,
        [breaking("br-3", text="Pulled", published_at="2026-11-20T10:30:00Z", withdrawn=True)],
    )
    publish(store, "2026-11-20T11:00:01Z")
    assert titles(store, "en/feeds/breaking.rss") == ["Default lifetime"]
    publish(store, "2026-11-20T15:00:00Z")  # six hours after nine
    assert titles(store, "en/feeds/breaking.atom") == []
