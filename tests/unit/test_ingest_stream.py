"""The ingest stream on its own (batches, counts, rejections in line order), the reading
of a binary NDJSON stream, and the import's apply step when the database refuses a record."""

import io
import json
from datetime import UTC, datetime

from factories import breaking, story
from sqlalchemy import select

from syndicate import cli
from syndicate.ingest import RecordError, read_ndjson
from syndicate.ingest.stream import ingest, read_lines
from syndicate.model import Story

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def lines(*objs):
    return [(o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objs]


def test_records_go_a_batch_at_a_time_and_rejections_are_told_with_their_lines(settings):
    given = lines(
        story("st-1"),
        "{broken",
        story("st-2"),
        breaking("br-1"),
        story("st-3", section="weather"),
        story("st-4"),
    )
    batches, told = [], []

    def apply(batch):
        batches.append([n for n, _r in batch])
        return [
            RecordError(r.id, [("-", "refused")]) if r.id == "st-4" else r.id != "st-2"
            for _n, r in batch
        ]

    tally = ingest(
        read_ndjson(given, settings), apply, lambda n, e: told.append((n, e.record_id)), batch=2
    )
    assert batches == [[1, 3], [4, 6]]
    assert told == [(2, "-"), (5, "st-3"), (6, "st-4")]
    assert (tally.stories_changed, tally.stories_unchanged) == (1, 1)
    assert (tally.breaking_changed, tally.breaking_unchanged) == (1, 0)
    assert (tally.changed, tally.unchanged, tally.rejected) == (2, 1, 3)
    assert tally.changed_ids == {"st-1", "br-1"}


def test_warnings_are_told_as_lines_are_read_and_applied_records_counted_by_state(settings):
    """One stream for the CLI and the API: a line's unknown fields go to `warn` (a rejected
    line's too, before its rejection), and each applied record is counted by `judge`."""
    from syndicate.ingest.visibility import judge

    given = lines(
        story("st-1", regon=["mena"]),
        story("st-2", section="weather", imgae={}),
        breaking("br-1", published_at="2026-11-24T00:00:00Z"),
        breaking("br-2", published_at="2026-11-26T00:00:00Z"),
        story("st-3"),
    )
    events = []
    tally = ingest(
        read_ndjson(given, settings),
        lambda batch: [True] * len(batch),
        lambda n, e: events.append(("rejected", n, e.record_id)),
        warn=lambda line: events.append(("warned", line.number, line.record_id, line.warnings)),
        judge=judge(settings, NOW),
    )
    assert events == [
        ("warned", 1, "st-1", (("regon", "unknown field, ignored (did you mean `regions`?)"),)),
        ("warned", 2, "st-2", (("imgae", "unknown field, ignored"),)),
        ("rejected", 2, "st-2"),
    ]
    assert tally.warnings == 2 and tally.rejected == 1
    assert tally.states == {"live": 2, "expired": 1, "scheduled": 1}


def test_an_undecodable_line_costs_that_line_only_and_keeps_the_numbering(settings):
    data = "".join(lines(story("st-1"))).encode() + b'{"id": "\xff"}\n' + b"\n"
    data += "".join(lines(story("st-2"))).encode()
    read = list(read_lines(io.BytesIO(data), settings, len(data)))
    assert [(line.number, line.record and line.record.id) for line in read] == [
        (1, "st-1"),
        (2, None),
        (4, "st-2"),
    ]
    assert read[1].error is not None
    assert read[1].error.lines("in.ndjson:2") == [
        "in.ndjson:2: -: json: not valid UTF-8 (invalid start byte)"
    ]


def test_the_import_applies_one_by_one_when_the_database_refuses_a_batch(sqlite_store, monkeypatch):
    store = sqlite_store
    applied = store.writes.apply

    def refuse_batch(*_args):
        raise RuntimeError("the batch is refused")

    def refuse_st_2(session, record, now):
        if record.id == "st-2":
            raise RuntimeError("st-2 is refused")
        return applied(session, record, now)

    monkeypatch.setattr(store.writes, "apply_many", refuse_batch)
    monkeypatch.setattr(store.writes, "apply", refuse_st_2)
    told = []
    with cli._applying(store, NOW) as apply:
        tally = ingest(
            read_ndjson(lines(story("st-1"), story("st-2"), story("st-3")), store.settings),
            apply,
            lambda n, e: told.extend(e.lines(f"in.ndjson:{n}")),
        )
    assert told == ["in.ndjson:2: st-2: -: not stored: st-2 is refused"]
    assert (tally.stories_changed, tally.rejected) == (2, 1)
    with store.session() as s:
        assert sorted(s.scalars(select(Story.id))) == ["st-1", "st-3"]
