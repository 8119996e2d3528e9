"""Story bodies: which paragraphs and extras a body has, then its HTML in each language.

The plan is drawn once per story, so every translation has the same paragraphs,
quote, bullets and embeds in the same places; `body` writes the whole body as one
format string and fills its slots once.
"""

from __future__ import annotations

from typing import Any

from bench.corpus.markup import (
    DATELINES,
    HOSTILE_FMT,
    KEY_POINTS,
    LINK_TEXT,
    QUOTE_MARKS,
    YOUTUBE_ALPHABET,
    YOUTUBE_EMBED,
)
from bench.corpus.mix import BORROWED
from bench.corpus.stream import Stream
from bench.corpus.templates import BULLETS, CLOSINGS, LEADS, PARAGRAPHS, QUOTES, Template, form


def plan(s: Stream, group: str) -> dict[str, Any]:
    """Which paragraphs and extras a body has; shared by all its translations."""
    rnd, pick = s.rnd, s.pick
    lead = pick(LEADS.get(BORROWED.get(group, group)) or LEADS["pol"])
    pool = PARAGRAPHS.get(BORROWED.get(group, group), []) + PARAGRAPHS["general"]
    count = 2 + int(rnd() * 5)  # plus the lead: 3-7 paragraphs
    chosen: list[Template] = []
    while len(chosen) < count:
        t = pick(pool)
        if t not in chosen:
            chosen.append(t)
    return {
        "lead": lead,
        "paragraphs": chosen,
        "closing": rnd() < 0.15,
        "dateline": ("&nbsp;" if rnd() < 0.5 else " ") if rnd() < 0.25 else None,
        "strong": 3 + int(rnd() * 4) if rnd() < 0.2 else 0,
        "quote": pick(QUOTES) if rnd() < 0.15 else None,
        "bullets": s.distinct(3, len(BULLETS)) if rnd() < 0.08 else None,
        "link": (
            f"https://docs.example.org/reports/{int(rnd() * 10**6):06d}" if rnd() < 0.12 else None
        ),
        "youtube": "".join(pick(YOUTUBE_ALPHABET) for _ in range(11)) if rnd() < 0.02 else None,
        "hostile": pick(HOSTILE_FMT) if rnd() < 0.005 else None,
        "at": rnd(),
    }


def _paragraphs(plan: dict[str, Any], genders: dict[str | None, int], li: int) -> list[str]:
    """The lead (after its dateline, if any) and the paragraphs, the first words of one bold."""
    opening = "<p>" if plan["dateline"] is None else DATELINES[li] % plan["dateline"]
    chunks = [opening + form(plan["lead"], genders, li) + "</p>"]
    strong = plan["strong"]
    for t in plan["paragraphs"]:
        fmt = form(t, genders, li)
        if strong:
            words = fmt.split(" ")
            if strong < len(words):
                fmt = f"<strong>{' '.join(words[:strong])}</strong> {' '.join(words[strong:])}"
            strong = 0
        chunks.append("<p>" + fmt + "</p>")
    return chunks


def body(plan: dict[str, Any], genders: dict[str | None, int], mp: dict[str, Any], li: int) -> str:
    """The body in language `li`: one format string for all of it, filled once."""
    chunks = _paragraphs(plan, genders, li)
    at = 1 + int(plan["at"] * (len(chunks) - 1))
    if plan["quote"] is not None:
        opening_mark, closing_mark = QUOTE_MARKS[li]
        chunks.insert(
            at,
            f"<blockquote><p>{opening_mark}{form(plan['quote'], genders, li)}"
            f"{closing_mark}</p><p>— {{person}}</p></blockquote>",
        )
    if plan["bullets"] is not None:
        items = "".join(f"<li>{form(BULLETS[b], genders, li)}</li>" for b in plan["bullets"])
        chunks.insert(at, f"<p>{KEY_POINTS[li]}</p><ul>{items}</ul>")
    if plan["youtube"] is not None:
        chunks.insert(at, YOUTUBE_EMBED % plan["youtube"])
    if plan["hostile"] is not None:
        chunks.insert(at, plan["hostile"])
    if plan["link"] is not None:
        chunks.append(LINK_TEXT[li] % plan["link"])
    if plan["closing"]:
        chunks.append(f"<p><em>{CLOSINGS[0][1][li][0]}</em></p>")
    return "".join(chunks).format_map(mp)
