"""Checks of single values, and the markers a setting's type carries.

A field's type is ``Annotated[T, ...]``: :class:`Before` and :class:`After` convert and
check its raw value, :class:`Kind` names its type in words, :class:`Doc` says what it
means. A check raises ValueError saying what is wrong; the reader adds where (an
:class:`Invalid` names a part of the value, such as ``es.path``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints


class Invalid(ValueError):
    """A problem found by a check; ``where`` extends the setting it names (``es.path``)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(problem)
        self.where = where


@dataclass(frozen=True)
class Doc:
    """What a setting means, for docs/reference/settings.md. ``env`` names the
    variable that overrides it; ``default`` replaces a default the code computes."""

    meaning: str
    env: str | None = None
    default: str | None = None


@dataclass(frozen=True)
class Kind:
    """How a checked type reads in the reference ("duration", "positive integer")."""

    name: str


# --- checks of single values (a ValueError says what is wrong; the reader names where) ---


@dataclass(frozen=True)
class Before:
    """Converts and checks a raw value before its type is checked."""

    check: Callable[[Any], Any]


@dataclass(frozen=True)
class After(Before):
    """Checks (and may normalize) a value once its type is checked."""


def _positive_int(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"must be a positive integer, got {value!r}")
    return value


def at_most(limit: int, whose: str) -> After:
    def check(value: int) -> int:
        if value > limit:
            raise ValueError(f"may not exceed {limit} ({whose}), got {value}")
        return value

    return After(check)


def job_count(value: Any) -> int:
    if isinstance(value, str) and value.strip() in ("0", "auto"):
        return 0
    if value == 0 and not isinstance(value, bool):
        return 0
    try:
        return _positive_int(value)
    except ValueError:
        raise ValueError(
            f'must be 0 or "auto" (a process per core) or more, got {value!r}'
        ) from None


def hour(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 23:
        raise ValueError(f"must be 0-23, got {value!r}")
    return value


def _flag(value: Any) -> bool:
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        value = value.lower() in ("true", "1")
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {value!r}")
    return value


_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|[smhd]?)\s*$")
UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1, "": 1, "ms": 0.001}


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return timedelta(seconds=value)
    m = _DURATION_RE.match(value) if isinstance(value, str) else None
    if not m or float(m.group(1)) == 0:
        raise ValueError(
            f"must be a duration such as 90, '250ms', '90s', '30m', '6h' or '2d', got {value!r}"
        )
    return timedelta(seconds=float(m.group(1)) * UNITS[m.group(2)])


def blank_is_none(value: Any) -> Any:
    return None if value == "" else value


def matching(pattern: str, expected: str) -> After:
    """A string check: ``expected`` says in words what ``pattern`` accepts."""
    regex = re.compile(pattern)

    def check(value: str | None) -> str | None:
        if value is not None and not regex.match(value):
            raise ValueError(f"{expected}, got {value!r}")
        return value

    return After(check)


def relative_dir(path: str) -> str:
    path = path.strip("/")
    if not path or any(segment in ("", ".", "..") for segment in path.split("/")):
        raise ValueError(f"must be a relative directory, got {path!r}")
    return path


def stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


PositiveInt = Annotated[int, Before(_positive_int), Kind("positive integer")]
Duration = Annotated[timedelta, Before(_duration), Kind("duration")]
Flag = Annotated[bool, Before(_flag), Kind("boolean")]
OptionalText = Annotated[str | None, Before(blank_is_none), Kind("string")]
HttpUrl = Annotated[OptionalText, matching(r"^https?://", "must be an http(s) URL"), Kind("URL")]
HeaderValue = Annotated[
    str,
    Before(stripped),
    matching(r"^[\x20-\x7e]+$", "must be a non-empty header value (printable ASCII, one line)"),
]


# --- reading the markers off a type ---


@cache
def field_hints(cls: Any) -> dict[str, Any]:
    """A dataclass's field types with their checks and Docs (evaluated once: they are
    strings under ``from __future__ import annotations``)."""
    return get_type_hints(cls, include_extras=True)


def kind_of(hint: Any) -> str:
    """A type in words, as the reference and the messages name it."""
    kinds = [m.name for m in getattr(hint, "__metadata__", ()) if isinstance(m, Kind)]
    if kinds:
        return kinds[-1]
    hint = get_args(hint)[0] if hasattr(hint, "__metadata__") else hint
    args = [a for a in get_args(hint) if a is not type(None)]
    if type(None) in get_args(hint):
        return kind_of(args[0])
    if get_origin(hint) is Literal:
        return " or ".join(f'`"{a}"`' for a in args)
    if get_origin(hint) is tuple:
        return f"list of {kind_of(args[0])}".replace("of string", "of strings")
    if get_origin(hint) is Mapping:
        return "table"
    return {str: "string", Path: "path"}.get(hint, "boolean" if hint is bool else "")
