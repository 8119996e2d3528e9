"""The URL segment a CMS derives from a headline."""

from __future__ import annotations

import re
import unicodedata

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_FOREIGN = re.compile("[^\x00-\x7f\u0300-\u036f]")
_SLUG_MAX = 80


def slugify(title: str, lang: str) -> str:
    """The URL segment a CMS derives from a headline.

    English and Spanish: ASCII, lowercase, accents folded, words joined by `-`.
    Arabic: the words in Arabic script without diacritics or tatweel, joined by `-`.
    """
    if lang == "ar":
        words = _WORD.findall(_DIACRITICS.sub("", unicodedata.normalize("NFC", title)))
    else:
        if not title.isascii():
            # Punctuation outside ASCII (dashes, quotes) separates words; accents go.
            title = _FOREIGN.sub(" ", unicodedata.normalize("NFKD", title))
            title = title.encode("ascii", "ignore").decode()
        words = _ASCII_WORD.findall(title.lower())
    slug = "-".join(words)
    if len(slug) > _SLUG_MAX:
        cut = slug.rfind("-", 0, _SLUG_MAX + 1)
        slug = slug[:cut] if cut > 0 else slug[:_SLUG_MAX]
    return slug
