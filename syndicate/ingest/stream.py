"""The ingest stream: NDJSON lines in, records applied a batch at a time, rejections reported.

One function serves `syndicate import` and `POST /api/import`, so both accept,
count and report exactly alike. What applies a batch (a store, a transaction,
what to do when the database refuses a record) and where a rejection is told
(stderr, a JSON answer) are the caller's: this layer reads and validates, and
imports no store. So are where a line's warnings are told (fields the format does not
know, found by ingest.format) and how a record's state is judged (live, scheduled...:
ingest.visibility), which the tally counts.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import BinaryIO

from syndicate.config import Settings
from syndicate.ingest.format import BreakingIn, Line, Record, RecordError, parse_line, read_ndjson

BATCH = 500  # records per apply step (on import, per transaction)
PARALLEL_PARSE_BYTES = 4 << 20  # smaller imports parse in this process (no start-up cost)
PARSE_CHUNK = 250  # lines per parsing task

Numbered = tuple[int, Record]  # a record and the number of its line
Outcome = bool | RecordError  # changed, unchanged, or refused by the store (and why)
Apply = Callable[[list[Numbered]], list[Outcome]]  # an outcome per record, in order
Report = Callable[[int, RecordError], None]  # a rejected line: its number, what was wrong
Warn = Callable[[Line], None]  # a line with warnings (Line.warnings), rejected or not
Judge = Callable[[Record], str]  # an applied record's state: live, scheduled...
# a line parsed in a helper process, as plain tuples (a dataclass exception does not
# survive pickling): its number, its record, or its error's id and problems; its warnings
Parsed = tuple[
    int, Record | None, tuple[str, list[tuple[str, str]]] | None, tuple[tuple[str, str], ...]
]


@dataclass
class Tally:
    """What an ingest did: records changed and unchanged by kind, lines rejected."""

    changed_ids: set[str] = field(default_factory=set)
    stories_changed: int = 0
    stories_unchanged: int = 0
    breaking_changed: int = 0
    breaking_unchanged: int = 0
    rejected: int = 0
    warnings: int = 0  # fields the format does not know, told and ignored
    states: Counter[str] = field(default_factory=Counter)  # applied records by state

    @property
    def changed(self) -> int:
        return self.stories_changed + self.breaking_changed

    @property
    def unchanged(self) -> int:
        return self.stories_unchanged + self.breaking_unchanged

    def count(self, record: Record, changed: bool) -> None:
        breaking = isinstance(record, BreakingIn)
        if changed:
            self.changed_ids.add(record.id)
            if breaking:
                self.breaking_changed += 1
            else:
                self.stories_changed += 1
        elif breaking:
            self.breaking_unchanged += 1
        else:
            self.stories_unchanged += 1

    def add(self, other: Tally) -> None:
        self.changed_ids |= other.changed_ids
        self.stories_changed += other.stories_changed
        self.stories_unchanged += other.stories_unchanged
        self.breaking_changed += other.breaking_changed
        self.breaking_unchanged += other.breaking_unchanged
        self.rejected += other.rejected
        self.warnings += other.warnings
        self.states.update(other.states)


def ingest(
    lines: Iterable[Line],
    apply: Apply,
    report: Report,
    *,
    batch: int = BATCH,
    warn: Warn | None = None,
    judge: Judge | None = None,
) -> Tally:
    """Apply every record of `lines` in order, `batch` records to a call of `apply`.

    Valid records are applied even when others are rejected: a line that is not
    a record is reported at once, a record the apply step refused when its batch
    has been applied; each counts as one rejection however many problems it has.
    A line's warnings are told to `warn` as it is read (before its problems, if
    any); each record applied is counted by its state, as `judge` says.
    """
    tally = Tally()

    def reject(number: int, error: RecordError) -> None:
        tally.rejected += 1
        report(number, error)

    def settle(records: list[Numbered]) -> None:
        for (number, record), outcome in zip(records, apply(records), strict=True):
            if isinstance(outcome, RecordError):
                reject(number, outcome)
            else:
                tally.count(record, outcome)
                if judge is not None:
                    tally.states[judge(record)] += 1

    pending: list[Numbered] = []
    for line in lines:
        if line.warnings:
            tally.warnings += len(line.warnings)
            if warn is not None:
                warn(line)
        if line.error is not None:
            reject(line.number, line.error)
            continue
        assert line.record is not None
        pending.append((line.number, line.record))
        if len(pending) >= batch:
            settle(pending)
            pending = []
    if pending:
        settle(pending)
    return tally


def read_lines(stream: BinaryIO, settings: Settings, size: int | None) -> Iterator[Line]:
    """A binary NDJSON stream's lines, parsed: in helper processes when it is big (or of
    unknown size, as stdin is) and the settings allow more than one process.

    Each line is decoded on its own, so one bad byte costs one line, reported with
    its number (told before the next parsed line, as the helpers read ahead).
    """
    undecodable: list[Line] = []
    text = _decoded(stream, undecodable)
    helpers = settings.publish.processes - 1
    if helpers >= 1 and (size is None or size >= PARALLEL_PARSE_BYTES):
        parsed = parse_aside(text, settings, helpers)
    else:
        parsed = read_ndjson(text, settings)
    for line in parsed:
        yield from _taken(undecodable)
        yield line
    yield from _taken(undecodable)


def _decoded(stream: Iterable[bytes], undecodable: list[Line]) -> Iterator[str]:
    for number, raw in enumerate(stream, start=1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as e:
            error = RecordError("-", [("json", f"not valid UTF-8 ({e.reason})")])
            undecodable.append(Line(number, None, error))
            yield "\n"  # keeps the numbering of later lines


def _taken(lines: list[Line]) -> list[Line]:
    """The lines, leaving the list empty."""
    taken = lines[:]
    lines.clear()
    return taken


def parse_aside(lines: Iterable[str], settings: Settings, helpers: int) -> Iterator[Line]:
    """Parse and sanitize lines in helper processes, in order, while this one stores them.

    At most two chunks per helper are in flight, so memory stays bounded.
    """
    with ProcessPoolExecutor(
        helpers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_parser,
        initargs=(settings,),
    ) as pool:
        pending: deque[Future[list[Parsed]]] = deque()
        chunk: list[tuple[int, str]] = []
        for number, raw in enumerate(lines, start=1):
            chunk.append((number, raw))
            if len(chunk) >= PARSE_CHUNK:
                pending.append(pool.submit(parse_chunk, chunk))
                chunk = []
                if len(pending) > 2 * helpers:
                    yield from map(from_parsed, pending.popleft().result())
        if chunk:
            pending.append(pool.submit(parse_chunk, chunk))
        while pending:
            yield from map(from_parsed, pending.popleft().result())


_parse_settings: Settings | None = None  # a helper process's, given once (init_parser)


def init_parser(settings: Settings) -> None:
    global _parse_settings
    _parse_settings = settings


def parse_chunk(chunk: list[tuple[int, str]]) -> list[Parsed]:
    assert _parse_settings is not None, "init_parser runs first"
    out: list[Parsed] = []
    for number, raw in chunk:
        line = parse_line(number, raw, _parse_settings)
        if line is not None:
            err = line.error
            told = (err.record_id, err.problems) if err else None
            out.append((number, line.record, told, line.warnings))
    return out


def from_parsed(parsed: Parsed) -> Line:
    number, record, err, warnings = parsed
    return Line(number, record, RecordError(err[0], err[1]) if err else None, warnings)
