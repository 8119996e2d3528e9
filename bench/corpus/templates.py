"""Story templates (templates.toml): compiled once at import, rendered per language.

A record gives one sentence in en, ar and es with slots in braces; every variant of
a story renders the same template with the same slot values, so translations share
their meaning. In Arabic, "{masc|fem}" picks the verb form by the grammatical gender
of the record's `subject` slot, so each template compiles to a masculine and a
feminine form per language (the same text twice outside Arabic).
"""

from __future__ import annotations

import re
from typing import Any

from bench.corpus.data import ES, LANGS, load

# A compiled template: (subject slot, ((en_m, en_f), (ar_m, ar_f), (es_m, es_f))).
Template = tuple[str | None, tuple[tuple[str, str], ...]]

_AGREEMENT = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")
_LEADING_SLOT = re.compile(r"^([¿¡«“\"']*)\{(\w+)\}")
# Slots whose values start in lower case ("the UN", "el canciller de..."): a
# template that opens with one reads "{org_cap}" instead, filled with a capital.
_CAP_SLOTS = ("off1", "off2", "org", "c1", "c2")
_LOWER_SLOTS = ("eitem", "sector", "disease", "disease_bare", "art", "comp")


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def contract(text: str) -> str:
    """Spanish contractions: de + el = del, a + el = al."""
    return text.replace(" de el ", " del ").replace(" a el ", " al ")


def _capitalized(text: str) -> str:
    match = _LEADING_SLOT.match(text)
    if match is None:
        return text
    if match.group(2) in _LOWER_SLOTS:
        raise ValueError(f"template starts with a lower-case slot: {text!r}")
    if match.group(2) in _CAP_SLOTS:
        return f"{text[: match.end(2)]}_cap{text[match.end(2) :]}"
    return text


def _template(record: dict[str, str]) -> Template:
    if sorted(record.keys() - {"subject"}) != sorted(LANGS):
        raise ValueError(f"record {record} lacks a language")
    en, es, ar = _capitalized(record["en"]), _capitalized(record["es"]), record["ar"]
    forms = ((en, en), (_AGREEMENT.sub(r"\1", ar), _AGREEMENT.sub(r"\2", ar)), (es, es))
    return (record.get("subject"), forms)


def _compile(records_by_group: dict[str, list[dict[str, str]]]) -> dict[str, list[Template]]:
    return {group: [_template(r) for r in records] for group, records in records_by_group.items()}


_DATA = load("templates")
HEADLINES = _compile(_DATA["headlines"])
SUMMARIES = _compile(_DATA["summaries"])
LEADS = _compile(_DATA["leads"])
PARAGRAPHS = _compile(_DATA["paragraphs"])
CLOSINGS = _compile(_DATA["closings"])["general"]
CAPTIONS = _compile(_DATA["captions"])["general"]
BULLETS = _compile(_DATA["bullets"])["general"]
QUOTES = _compile(_DATA["quotes"])["general"]
BREAKING = _compile(_DATA["breaking"])["general"]


def form(t: Template, genders: dict[str | None, int], li: int) -> str:
    """The format string of template `t` in language `li`, agreeing with its subject."""
    return t[1][li][genders[t[0]]]


def render(t: Template, genders: dict[str | None, int], mapping: dict[str, Any], li: int) -> str:
    """One template in language `li`, its Arabic verbs agreeing with its subject."""
    text: str = form(t, genders, li).format_map(mapping)
    return contract(text) if li == ES else text
