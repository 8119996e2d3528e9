"""The words slots are filled with (words.toml): places, officials, organisations, people.

Everything is indexed the same way in every language, so a story draws indexes
once (slots.py) and each variant looks its words up in its own language.
"""

from __future__ import annotations

from typing import Any

from bench.corpus.data import AR, EN, ES, LANGS, load, per_lang
from bench.corpus.stream import cumulative
from bench.corpus.templates import upper_first

_DATA = load("words")


class Countries:
    """Country names, Arabic genders, regions, cities and officials, by index."""

    def __init__(self, countries: list[dict[str, Any]], roles: list[dict[str, Any]]) -> None:
        self.names = tuple([country[lang] for country in countries] for lang in LANGS)
        self.gender = [1 if country["gender"] == "f" else 0 for country in countries]
        self.regions = [tuple(country["regions"]) for country in countries]
        self.cities = tuple(
            [[city[li] for city in country["cities"]] for country in countries] for li in range(3)
        )
        self.index = {name: i for i, name in enumerate(self.names[EN])}
        self.by_region: dict[str, list[int]] = {}
        for i, regions in enumerate(self.regions):
            for region in regions:
                self.by_region.setdefault(region, []).append(i)
        # officials[li][role][country]: "Morocco's foreign minister", "وزير خارجية المغرب"...
        self.officials: tuple[list[list[str]], ...] = ([], [], [])
        for role in roles:
            per_country = [
                self._official(roles, role, c, country) for c, country in enumerate(countries)
            ]
            for li in range(3):
                self.officials[li].append([titles[li] for titles in per_country])
        self.roles_by_group: dict[str, list[int]] = {}
        for ri, role in enumerate(roles):
            for group in role["groups"]:
                self.roles_by_group.setdefault(group, []).append(ri)

    def _official(
        self, roles: list[dict[str, Any]], role: dict[str, Any], c: int, country: dict[str, Any]
    ) -> tuple[str, str, str]:
        """The holder of `role` in country `c`, titled in en, ar and es.

        A country without the office (the UK has no president, the US no prime
        minister) gets the other head of government, or its foreign minister.
        """
        fallback = {
            "president": ("p", "prime minister", "m"),
            "prime minister": ("m", "president", "p"),
        }
        heads = country["heads"]
        if role["en"] in fallback and fallback[role["en"]][0] not in heads:
            _, other, needed = fallback[role["en"]]
            wanted = other if needed in heads else "foreign minister"
            role = next(r for r in roles if r["en"] == wanted)
        en = self.names[EN][c]
        return (
            f"{en} {role['en']}" if en.startswith("the ") else f"{en}'s {role['en']}",
            f"{role['ar']} {self.names[AR][c]}",
            f"{role['es']} {self.names[ES][c]}",
        )


C = Countries(_DATA["countries"], _DATA["roles"])
_ORGS = _DATA["orgs"]
ORG_NAMES = tuple([org[lang] for org in _ORGS] for lang in LANGS)
ORG_GENDER = [1 if org["gender"] == "f" else 0 for org in _ORGS]
ORGS_BY_GROUP: dict[str, list[int]] = {}
for _i, _org in enumerate(_ORGS):
    for _group in _org["groups"]:
        ORGS_BY_GROUP.setdefault(_group, []).append(_i)
# Capitalised forms, for templates that open with the slot ("{org_cap} warns...").
NAMES_CAP = tuple([upper_first(name) for name in C.names[li]] for li in range(3))
OFFICIALS_CAP = tuple(
    [[upper_first(o) for o in role] for role in C.officials[li]] for li in range(3)
)
ORG_NAMES_CAP = tuple([upper_first(name) for name in ORG_NAMES[li]] for li in range(3))

_FILLERS = _DATA["fillers"]
ECON_ITEMS: list[list[str]] = _FILLERS["econ_items"]
SECTORS: list[list[str]] = _FILLERS["sectors"]
DISEASES: list[list[str]] = _FILLERS["diseases"]
ARTS: list[list[str]] = _FILLERS["arts"]
COMPETITIONS: list[list[str]] = _FILLERS["competitions"]
PEOPLE: list[list[str]] = _FILLERS["people"]
ANALYSTS: list[list[str]] = _FILLERS["analysts"]
WEEKDAYS = per_lang(_DATA["weekdays"])

# Tags per language: topics first (most common first), then countries.
_TOPIC_TAGS: list[list[str]] = _DATA["tags"]["topics"]
TAGS = tuple(
    [row[li] for row in _TOPIC_TAGS]
    + [upper_first(name.removeprefix("el ").removeprefix("the ")) for name in C.names[li]]
    for li in range(3)
)
N_TOPIC_TAGS = len(_TOPIC_TAGS)
AUTHORS = per_lang(_DATA["authors"])
SOURCES = per_lang(_DATA["sources"])
CREDITS = per_lang(_DATA["credits"])
# Zipf-like popularity of topic tags (rank r has weight 1/r) and of bylines.
TAG_CUM = cumulative(1.0 / (r + 1) for r in range(N_TOPIC_TAGS))
AUTHOR_CUM = cumulative(1.0 / (r + 1) ** 0.8 for r in range(len(AUTHORS[0])))

_COUNTED: dict[str, tuple[list[str], ...]] = {
    noun: per_lang(forms) for noun, forms in _DATA["counted"].items()
}
_MAX_COUNT = 1000


def _count_phrase(li: int, noun: str, n: int) -> str:
    """ "3 killed", "3 قتلى", "3 muertos": Arabic has a dual and two plurals."""
    forms = _COUNTED[noun][li]
    if li == AR:
        rest = n % 100
        if n == 1:
            return forms[0]
        if n == 2:
            return forms[1]
        if 3 <= rest <= 10:
            return f"{n} {forms[2]}"
        if 11 <= rest <= 99:
            return f"{n} {forms[3]}"
        return f"{n} {forms[0]}"
    return f"{n} {forms[0] if n == 1 else forms[1]}"


# COUNTS[noun][li][n]: the phrase for n of the noun in language li.
COUNTS = {
    noun: tuple([_count_phrase(li, noun, n) for n in range(_MAX_COUNT)] for li in range(3))
    for noun in _COUNTED
}
