"""Validating: each value by its type and checks, then what no single value shows.

:func:`build` walks a dataclass's fields by their types (``checks`` reads the markers
off them); :func:`contradictions` then looks at the built settings for what no single
value shows (two languages in one directory, a section in an unknown group). A
problem is a :class:`Problem` naming the setting by its dotted name; the reader turns
it into a message naming the file.

(pydantic, through FastAPI, could read these tables, but importing it and building
its schema took a command's start from about 0.2 to 0.6 s on a loaded machine, and
the errors needed rewording anyway; a reader of these few types is about 70 lines.)
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_origin
from urllib.parse import unquote, urlsplit

from syndicate.config.checks import After, Before, field_hints, kind_of
from syndicate.config.settings import Language, Settings, Taxonomy


class Problem(Exception):
    """A setting is wrong: ``where`` is its dotted name, the message what is wrong."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(problem)
        self.where = where


def build(cls: Any, table: Mapping[str, Any], where: str) -> Any:
    """A dataclass from a TOML table: each field converted by its type, the defaults for
    those left out. An unknown key is a problem, named with the closest field."""
    hints = field_hints(cls)
    names = [f.name for f in fields(cls) if f.init]
    for key in table:
        if key not in names:
            near = closest(key, names)
            hint = f" (did you mean {near!r}?)" if near else ""
            raise Problem(_join(where, key), "unknown setting" + hint)
    values = {}
    for f in fields(cls):
        if f.name in table:
            values[f.name] = _convert(hints[f.name], table[f.name], _join(where, f.name))
        elif f.default is MISSING and f.default_factory is MISSING:
            raise Problem(_join(where, f.name), "required setting is missing")
    return cls(**values)


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known name ``word`` most likely misspells, if any is close enough."""
    near = difflib.get_close_matches(word, list(known), n=1)
    return near[0] if near else None


def _convert(hint: Any, value: Any, where: str) -> Any:
    """``value`` as ``hint`` says: its Before checks, its type, its After checks."""
    checks = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Before)]
    hint = get_args(hint)[0] if hasattr(hint, "__metadata__") else hint
    for check in checks:
        if not isinstance(check, After):
            value = _checked(check.check, value, where)
    value = _typed(hint, value, where)
    for check in checks:
        if isinstance(check, After):
            value = _checked(check.check, value, where)
    return value


def _checked(check: Callable[[Any], Any], value: Any, where: str) -> Any:
    try:
        return check(value)
    except ValueError as e:
        raise Problem(_join(where, getattr(e, "where", "")), str(e)) from None


def _typed(hint: Any, value: Any, where: str) -> Any:
    """``value`` checked against a type: lists, tables and dataclasses recursively."""
    origin, args = get_origin(hint), get_args(hint)
    if type(None) in args:
        return None if value is None else _typed(args[0], value, where)
    if origin is Literal and value in args:
        return value
    if origin is Literal:
        choices = " or ".join([", ".join(map(repr, args[:-1])), repr(args[-1])])
        raise Problem(where, f"must be {choices}, got {value!r}")
    if origin is tuple and isinstance(value, list | tuple):
        return tuple(_convert(args[0], v, f"{where}.{i}") for i, v in enumerate(value))
    if origin is Mapping and isinstance(value, Mapping):
        return {k: _convert(args[1], v, _join(where, k)) for k, v in value.items()}
    if is_dataclass(hint) and isinstance(value, Mapping):
        return build(hint, value, where)
    if hint is Path and isinstance(value, str):
        return Path(value)
    if origin is None and isinstance(value, hint) and (hint is bool or type(value) is not bool):
        return value
    raise Problem(where, f"must be a {kind_of(hint) or 'table'}, got {value!r}")


def _join(where: str, more: str) -> str:
    return f"{where}.{more}" if where and more else where or more


def contradictions(s: Settings) -> Iterator[tuple[str, str]]:
    """What no single value shows: settings that contradict each other."""
    yield from _language_contradictions(s.languages)
    yield from _taxonomy_contradictions(s.taxonomy, s.languages)
    x_default = s.sitemaps.x_default
    if x_default and x_default not in s.languages:
        problem = f'{x_default!r} is not a configured language (use "" for none)'
        yield "sitemaps.x_default", problem
    if s.notify.indexnow_endpoint and not s.notify.indexnow_key:
        yield "notify.indexnow_key", "required with indexnow_endpoint"


def _language_contradictions(languages: Mapping[str, Language]) -> Iterator[tuple[str, str]]:
    """Each language's directory maps onto its URL, and no two share one."""
    paths: dict[str, str] = {}
    hosts: dict[str, str] = {}
    for code, lang in languages.items():
        where = f"languages.{code}.path"
        if paths.setdefault(lang.path, code) != code:
            yield where, f"{lang.path!r} is used by another language"
        url_path = [unquote(s) for s in urlsplit(lang.base_url).path.split("/") if s]
        if url_path and lang.path.split("/")[-len(url_path) :] != url_path:
            yield (
                where,
                (
                    f"must end with the base URL's path {'/'.join(url_path)!r}, "
                    f"so that the directory maps onto the URL; got {lang.path!r}"
                ),
            )
        netloc = urlsplit(lang.base_url).netloc
        other = hosts.setdefault(netloc, lang.host_dir)
        if other != lang.host_dir:
            yield (
                where,
                (
                    f"languages on {netloc} must share one host directory ({other!r}), "
                    f"got {lang.host_dir!r}"
                ),
            )
    if len(set(hosts.values())) != len(hosts):
        yield "languages", "two hosts share one host directory"


def _taxonomy_contradictions(
    taxonomy: Taxonomy, languages: Mapping[str, Language]
) -> Iterator[tuple[str, str]]:
    """Every table labels every language (a coverage topic may have no table: it shows its
    key, and the publisher warns); a section's group must exist."""
    if not taxonomy.sections:
        yield "taxonomy.sections", "the taxonomy needs at least one section"
    for kind in ("groups", "sections", "regions", "coverage"):
        for term in getattr(taxonomy, kind).values():
            for lang in languages.keys() - term.labels.keys():
                yield f"taxonomy.{kind}.{term.key}", f"no label for language '{lang}'"
    for section in taxonomy.sections.values():
        if section.group is not None and section.group not in taxonomy.groups:
            yield f"taxonomy.sections.{section.key}.group", f"unknown group '{section.group}'"
