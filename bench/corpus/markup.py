"""The markup of story bodies and titles (markup.toml), and what stresses the renderers.

A small share of objects is deliberately awkward, because the service must cope
with what a newsroom system really sends: raw `&` and `<` in titles, emoji,
XML-forbidden control characters and hostile HTML.
"""

from __future__ import annotations

from bench.corpus.data import load, per_lang

_DATA = load("markup")

# Title decorations: [prefix, suffix] per language, the same index in every language.
DECORATIONS = per_lang(_DATA["decorations"])
LINK_TEXT = per_lang(_DATA["link_text"])
KEY_POINTS = per_lang(_DATA["key_points"])
DATELINES = per_lang(_DATA["datelines"])
QUOTE_MARKS = per_lang(_DATA["quote_marks"])
# Hostile HTML, its braces doubled: it goes into a body that is one format string.
HOSTILE_FMT = tuple(h.replace("{", "{{").replace("}", "}}") for h in _DATA["stress"]["hostile"])
CONTROL_CHARS: list[str] = _DATA["stress"]["control_chars"]
YOUTUBE_ALPHABET: str = _DATA["youtube"]["alphabet"]
YOUTUBE_EMBED = (
    '<iframe width="560" height="315" '
    'src="https://www.youtube.com/embed/%s" '
    'title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; '
    'clipboard-write; encrypted-media; gyroscope; picture-in-picture" '
    "allowfullscreen></iframe>"
)
