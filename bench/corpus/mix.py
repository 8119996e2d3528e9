"""The newsroom's mix (mix.toml): how often each section, region, coverage and language occurs.

The tables keep the order of the file, since a weighted draw depends on it; each
comes with the running totals that `Stream.weighted` draws from.
"""

from __future__ import annotations

from bench.corpus.data import AR, ES, LANGS, load, per_lang
from bench.corpus.stream import Stream, cumulative

_DATA = load("mix")

# Sections: (key, weight, template groups their stories draw from).
SECTIONS = tuple(
    (key, section["weight"], tuple(section["groups"])) for key, section in _DATA["sections"].items()
)
VIDEO_SECTIONS = frozenset(_DATA["media"]["video_sections"])
PICTURE_SECTIONS = frozenset(_DATA["media"]["picture_sections"])
# Groups without opening and further paragraphs of their own borrow these.
BORROWED: dict[str, str] = _DATA["borrowed_paragraphs"]
REGIONS = tuple(_DATA["regions"].items())
# Coverage collections: (key, weight, regions, lead countries' en names).
COVERAGE = tuple(
    (key, topic["weight"], tuple(topic["regions"]), tuple(topic["leads"]))
    for key, topic in _DATA["coverage"].items()
)
LANGSETS = tuple(
    (tuple(LANGS.index(lang) for lang in entry["langs"]), entry["weight"])
    for entry in _DATA["languages"]["sets"]
)
# Offsets per language: ((seconds, text), weight).
OFFSETS = tuple(
    tuple(((o["seconds"], o["text"]), o["weight"]) for o in table)
    for table in per_lang(_DATA["languages"]["offsets"])
)
IMAGE_SIZES = tuple(tuple(size) for size in _DATA["images"]["sizes"])

SECTION_CUM = cumulative(w for _, w, _ in SECTIONS)
REGION_CUM = cumulative(w for _, w in REGIONS)
COVERAGE_CUM = cumulative(w for _, w, _, _ in COVERAGE)
LANGSET_CUM = cumulative(w for _, w in LANGSETS)
OFFSET_CUM = tuple(cumulative(w for _, w in table) for table in OFFSETS)
# Which variant a newsroom writes first, by language set.
_PRIMARY_WEIGHT = per_lang(_DATA["languages"]["primary"])
PRIMARY_CUM: dict[tuple[int, ...], list[float]] = {
    langs: cumulative(_PRIMARY_WEIGHT[li] for li in langs)
    for langs in [*(s for s, _ in LANGSETS), (AR,), (ES,)]
}
# Variant order in a story: the original first, then the translations.
ORDERED: dict[tuple[tuple[int, ...], int], tuple[int, ...]] = {
    (langs, primary): (primary, *(li for li in langs if li != primary))
    for langs in PRIMARY_CUM
    for primary in langs
}


def offset(s: Stream, li: int) -> tuple[int, str]:
    """The UTC offset a desk writing in language `li` publishes with: (seconds, text)."""
    return OFFSETS[li][s.weighted(OFFSET_CUM[li])][0]
