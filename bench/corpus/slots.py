"""The slot values of a story: drawn once, then written in each language.

A draw holds indexes and numbers only (which country, which official, how many
killed), so every variant of a story says the same thing; `mapping` writes them
in one language, with its numerals, plural forms and capitals.
"""

from __future__ import annotations

from typing import Any

from bench.corpus.clock import DAY, date
from bench.corpus.data import AR, EN, ES
from bench.corpus.stream import Stream
from bench.corpus.words import (
    ANALYSTS,
    ARTS,
    COMPETITIONS,
    COUNTS,
    DISEASES,
    ECON_ITEMS,
    NAMES_CAP,
    OFFICIALS_CAP,
    ORG_GENDER,
    ORG_NAMES,
    ORG_NAMES_CAP,
    ORGS_BY_GROUP,
    PEOPLE,
    SECTORS,
    WEEKDAYS,
    C,
)


def draw(
    s: Stream, group: str, regions: list[str], lead: int | None, epoch: int, offset: tuple[int, str]
) -> dict[str, Any]:
    """Language-independent slot values shared by all variants of a story."""
    rnd, pick = s.rnd, s.pick
    if lead is not None:
        c1 = lead
    elif regions:
        c1 = pick(C.by_region[regions[0]])
    else:
        c1 = int(rnd() * len(C.gender))
    pool = C.by_region[regions[1]] if len(regions) > 1 else None
    if pool is None:
        home = C.by_region[C.regions[c1][0]]
        pool = home if len(home) > 1 and rnd() < 0.6 else C.by_region["mena"]
    c2 = pick(pool)
    while c2 == c1:
        c2 = int(rnd() * len(C.gender))
    roles = C.roles_by_group.get(group) or C.roles_by_group["pol"]
    org = pick(ORGS_BY_GROUP.get(group) or ORGS_BY_GROUP["pol"])
    s2 = int(rnd() * 3)
    day = (epoch + offset[0]) // DAY
    return {
        "c1": c1,
        "c2": c2,
        "city": int(rnd() * len(C.cities[EN][c1])),
        "city2": int(rnd() * len(C.cities[EN][c2])),
        "role1": pick(roles),
        "role2": pick(roles),
        "org": org,
        "nk": 3 + int(rnd() * rnd() * 90),
        "ni": 5 + int(rnd() * 140),
        "nd": 3 + int(rnd() * 40),
        "ndays": 3 + int(rnd() * 25),
        "ncases": 12 + int(rnd() * 900),
        "nartists": 8 + int(rnd() * 120),
        "big": (5 + int(rnd() * rnd() * 900)) * 100,
        "pct": 0.5 + int(rnd() * rnd() * 200) / 10,
        "money": 0.1 + int(rnd() * rnd() * 300) / 10,
        "mag": 4.0 + int(rnd() * 36) / 10,
        "temp": 41 + int(rnd() * 10),
        "wd": (day + 3) % 7,  # 1 January 1970 was a Thursday
        "nextyear": int(date(day)[:4]) + 1,
        "person": int(rnd() * len(PEOPLE)),
        "analyst": int(rnd() * len(ANALYSTS)),
        "s1": s2 + 1 + int(rnd() * 3),
        "s2": s2,
        "eitem": int(rnd() * len(ECON_ITEMS)),
        "sector": int(rnd() * len(SECTORS)),
        "disease": int(rnd() * len(DISEASES)),
        "art": int(rnd() * len(ARTS)),
        "comp": int(rnd() * len(COMPETITIONS)),
        # Arabic agreement: the grammatical gender of each possible subject.
        "genders": {None: 0, "c1": C.gender[c1], "c2": C.gender[c2], "org": ORG_GENDER[org]},
    }


def _numbers(d: dict[str, Any], li: int) -> tuple[str, str, str, str]:
    """Percentage, magnitude, large count and money of draw `d`, as language `li` writes them."""
    pct, mag, big, bn = d["pct"], d["mag"], d["big"], d["money"]
    if li == EN:
        pct_s, mag_s, big_s = f"{pct:.1f}", f"{mag:.1f}", f"{big:,}"
        money = f"${int(bn * 1000)} million" if bn < 1 else f"${bn:.1f} billion"
    elif li == ES:
        pct_s, mag_s = f"{pct:.1f}".replace(".", ","), f"{mag:.1f}".replace(".", ",")
        big_s = f"{big:,}".replace(",", ".")
        money = f"{int(bn * 1000):,} millones de dólares".replace(",", ".")
    else:
        pct_s, mag_s, big_s = f"{pct:.1f}", f"{mag:.1f}", str(big)
        money = f"{int(bn * 1000)} مليون دولار" if bn < 1 else f"{bn:.1f} مليار دولار"
    return pct_s, mag_s, big_s, money


def mapping(d: dict[str, Any], li: int) -> dict[str, Any]:
    """The slot values of draw `d`, written in language `li`."""
    c1, c2 = d["c1"], d["c2"]
    names = C.names[li]
    pct_s, mag_s, big_s, money = _numbers(d, li)
    disease = DISEASES[d["disease"]]
    city = C.cities[li][c1][d["city"]]
    values = {
        "c1": names[c1],
        "c2": names[c2],
        "city": city,
        "city2": C.cities[li][c2][d["city2"]],
        "off1": C.officials[li][d["role1"]][c1],
        "off2": C.officials[li][d["role2"]][c2],
        "org": ORG_NAMES[li][d["org"]],
        "nk": d["nk"],
        "ni": d["ni"],
        "nd": d["nd"],
        "killed": COUNTS["killed"][li][d["nk"]],
        "injured": COUNTS["injured"][li][d["ni"]],
        "detainees": COUNTS["detainees"][li][d["nd"]],
        "days": COUNTS["days"][li][d["ndays"]],
        "cases": COUNTS["cases"][li][d["ncases"]],
        "artists": COUNTS["artists"][li][d["nartists"]],
        "big": big_s,
        "pct": pct_s,
        "mag": mag_s,
        "temp": d["temp"],
        "money": money,
        "wd": WEEKDAYS[li][d["wd"]],
        "nextyear": d["nextyear"],
        "person": PEOPLE[d["person"]][li],
        "analyst": ANALYSTS[d["analyst"]][li],
        "s1": d["s1"],
        "s2": d["s2"],
        "eitem": ECON_ITEMS[d["eitem"]][li],
        "sector": SECTORS[d["sector"]][li],
        "disease": disease[li],
        "disease_bare": disease[3] if li == ES else disease[li],
        "art": ARTS[d["art"]][li],
        "comp": COMPETITIONS[d["comp"]][li],
    }
    if li != AR:
        values["c1_cap"] = NAMES_CAP[li][c1]
        values["c2_cap"] = NAMES_CAP[li][c2]
        values["off1_cap"] = OFFICIALS_CAP[li][d["role1"]][c1]
        values["off2_cap"] = OFFICIALS_CAP[li][d["role2"]][c2]
        values["org_cap"] = ORG_NAMES_CAP[li][d["org"]]
        values["city_up"] = city.upper()
    return values
