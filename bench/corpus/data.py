"""The corpus's data files and the languages they are keyed by.

Word lists, templates and weights are data, not code: they live in TOML files
beside these modules (TOML because it holds Arabic and Spanish text as it reads,
with comments, and Python reads it without a dependency). bench/ is not an
installed package, so the files are found from this module's own directory.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

LANGS = ("en", "ar", "es")
EN, AR, ES = 0, 1, 2

_HERE = Path(__file__).resolve().parent


def load(name: str) -> dict[str, Any]:
    """The data file `name`.toml, parsed."""
    with open(_HERE / f"{name}.toml", "rb") as f:
        return tomllib.load(f)


def per_lang(table: dict[str, Any]) -> tuple[Any, ...]:
    """An `{en = ..., ar = ..., es = ...}` table as a tuple indexed by EN, AR and ES."""
    return tuple(table[lang] for lang in LANGS)
