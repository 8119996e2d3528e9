"""Ingest: documents in, clean domain values out, never a store.

format.py reads FORMAT.md objects (every error names the record and the field);
stream.py applies a stream of them through a caller's apply step, for
`syndicate import` and `POST /api/import` alike.
"""

from syndicate.ingest.format import (
    RFC3339_RE,
    BreakingIn,
    ImageIn,
    Line,
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
