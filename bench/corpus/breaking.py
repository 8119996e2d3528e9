"""Breaking news items: the ticker, some of them linked to the stories published last."""

from __future__ import annotations

from typing import Any

from bench.corpus import mix, slots
from bench.corpus.clock import DAY, Window, date, rfc3339
from bench.corpus.data import AR, EN, ES, LANGS
from bench.corpus.story import Recent
from bench.corpus.stream import Stream
from bench.corpus.templates import BREAKING, render


def roles(s: Stream, n: int, sample: bool) -> list[str]:
    """What each of `n` items is; sample mode fixes how many stay visible, expire or go."""
    if not sample:
        return ["regular"] * n
    demo = min(n, max(1, round(n / 3)))
    withdrawn = min(n - demo, 2)
    rest = n - demo - withdrawn
    kinds = (
        ["demo"] * demo
        + ["withdrawn"] * withdrawn
        + ["expired"] * (rest // 2)
        + ["regular"] * (rest - rest // 2)
    )
    for i in range(len(kinds) - 1, 0, -1):  # Fisher-Yates on random() only
        j = int(s.rnd() * (i + 1))
        kinds[i], kinds[j] = kinds[j], kinds[i]
    return kinds


def item(s: Stream, window: Window, recent: Recent, k: int, role: str) -> dict[str, Any]:
    """Breaking item `k` in its `role` (demo, withdrawn, expired or regular)."""
    rnd = s.rnd
    r = rnd()
    li = EN if r < 0.4 else AR if r < 0.8 else ES
    offset = mix.offset(s, li)
    # Mostly the last few days before `end`; some older.
    r = rnd()
    days = 3.0 if r < 0.6 else 30.0 if r < 0.85 else window.span
    if role == "demo":
        li = (EN, AR, ES)[k % 3]  # the kept-alive items speak every language
        offset = mix.OFFSETS[li][0][0]
        days = 1.0
    elif role == "expired":
        days = 7.0
    published = window.end - int(rnd() * min(days, window.span) * DAY) // 60 * 60
    if role == "expired":  # expires within hours, well before `end`
        published = min(published, window.end - DAY)
    story_id = None
    if recent and role != "expired" and rnd() < 0.3:
        for _ in range(8):
            sid, langs, epoch = recent[int(rnd() * len(recent))]
            if li in langs and (role != "demo" or epoch > window.end - DAY):
                # The ticker line comes first, the story minutes later.
                story_id = sid
                published = max(0, epoch - int(rnd() * 60) * 60)
                break
    d = slots.draw(s, "pol", [], None, published, offset)
    found: dict[str, Any] = {
        "type": "breaking",
        "id": f"br-{date((published + offset[0]) // DAY)}-{k + 1:06d}",
        "lang": LANGS[li],
        "text": render(s.pick(BREAKING), d["genders"], slots.mapping(d, li), li),
        "published_at": rfc3339(published, offset),
    }
    _expiry(s, window, found, role, published, offset)
    if story_id is not None:
        found["story_id"] = story_id
    if role == "withdrawn" or (role == "regular" and k % 50 == 17):  # 2%, spread out
        found["withdrawn"] = True
    return found


def _expiry(
    s: Stream,
    window: Window,
    found: dict[str, Any],
    role: str,
    published: int,
    offset: tuple[int, str],
) -> None:
    """When the item leaves the ticker, if it does."""
    rnd = s.rnd
    if role == "demo":
        # Kept alive for the demo: the sample is published long after `end`, and
        # its ticker should not be empty then.
        found["expires_at"] = rfc3339(window.far, offset)
    elif role == "expired":
        found["expires_at"] = rfc3339(published + (1 + int(rnd() * 12)) * 3600, offset)
    elif role == "regular" and rnd() < 0.4:
        found["expires_at"] = rfc3339(published + (2 + int(rnd() * 46)) * 3600, offset)
