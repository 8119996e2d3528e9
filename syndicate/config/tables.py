"""The file's tables in order, and each one's documented settings: what the reference
lists, and which environment variable overrides which setting; and the other
``SYNDICATE_`` variables something reads, so that any other one is an error."""

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

# The SYNDICATE_ variables that are not settings, and what reads each. With
# ENV_OVERRIDES they are every SYNDICATE_ variable anything reads: any other one in
# the environment stops every command (a misspelt override would be ignored).
ENV_OTHERS = {
    "SYNDICATE_CONFIG": "the settings file, when `--config` is not given (the CLI, the workers)",
    "SYNDICATE_LOG_FORMAT": "the CLI's log lines, `text` or `json`, when `--log-format` is not given",
    "SYNDICATE_TRANSLATIONS": "another folder of gettext catalogs than `translations/`",
    "SYNDICATE_TEST_POSTGRES_URL": (
        "tests and benchmarks: the PostgreSQL server they create their own databases on"
    ),
    "SYNDICATE_TEST_REDIS_URL": "tests: the Redis server the workers' tests use",
    "SYNDICATE_TEST_AMQP_URL": "tests: the RabbitMQ server the workers' tests use",
    "SYNDICATE_CHAOS_KILLS": "tests: how many processes the chaos soak test kills (12)",
    "SYNDICATE_CHAOS_SEED": "tests: the chaos soak test's random seed (7)",
    "SYNDICATE_HYPOTHESIS_PROFILE": "tests: the property tests' hypothesis profile, `ci` or `long`",
}
