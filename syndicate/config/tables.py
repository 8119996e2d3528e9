"""The file's tables in order, and each one's documented settings: what the reference
lists, and which environment variable overrides which setting."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import MISSING, fields, is_dataclass
from typing import Any, get_args

from syndicate.config.checks import Doc, field_hints
from syndicate.config.settings import Language, Settings, Taxonomy


def documented(cls: Any) -> Iterator[tuple[str, Any, Any, Doc]]:
    """(name, type, default, Doc) of each setting of a table: the fields with a Doc."""
    hints = field_hints(cls)
    for f in fields(cls):
        doc = [m for m in getattr(hints[f.name], "__metadata__", ()) if isinstance(m, Doc)]
        if doc:
            default = f.default_factory() if f.default_factory is not MISSING else f.default
            yield f.name, hints[f.name], default, doc[-1]


def tables() -> Iterator[tuple[str, str, Any]]:
    """(heading, name prefix, dataclass) of each table of the file, in order."""
    yield "Top level", "", Settings
    yield "`[languages.CODE]`: one table per language", "languages.CODE.", Language
    for name, hint, _, doc in documented(Settings):
        table = get_args(hint)[0]
        if is_dataclass(table) and table is not Taxonomy:
            yield f"`[{name}]`: {doc.meaning}", f"{name}.", table
    yield "The taxonomy file", "", Taxonomy


ENV_OVERRIDES = {
    doc.env: prefix + name
    for _, prefix, table in tables()
    for name, _, _, doc in documented(table)
    if doc.env
}
