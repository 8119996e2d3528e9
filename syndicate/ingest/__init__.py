"""Ingest: documents in, clean domain values out, never a store.

format.py reads FORMAT.md objects (every error names the record and the field, and
every field the format does not know is a warning naming the closest known one);
stream.py applies a stream of them through a caller's apply step, for
`syndicate import` and `POST /api/import` alike; visibility.py says whether a record
accepted shows now (live, scheduled, expired...), for their answers.
"""

from syndicate.ingest.format import (
    RFC3339_RE,
    BreakingIn,
    ImageIn,
    Line,
    Notes,
    Record,
    RecordError,
    StoryIn,
    VariantIn,
    VideoIn,
    load_json,
    parse_line,
    parse_object,
    read_ndjson,
)

__all__ = [
    "RFC3339_RE",
    "BreakingIn",
    "ImageIn",
    "Line",
    "Notes",
    "Record",
    "RecordError",
    "StoryIn",
    "VariantIn",
    "VideoIn",
    "load_json",
    "parse_line",
    "parse_object",
    "read_ndjson",
]
