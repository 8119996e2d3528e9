"""Dates, times and numbers as each language writes them, from CLDR (through Babel).

A :class:`DateStyle` is one language's way of writing a moment: its pattern (the
CLDR skeleton ``yMMMd`` for the date, ``hmv`` or ``Hmv`` for the time, as the
language's short time format prefers a 12- or 24-hour clock, joined by its medium
date-time pattern), its month names, its day periods, the name it gives UTC and
the digits of its default numbering system. The feed page's XSL stylesheet is
generated from it (browsers apply XSLT 1.0, which knows no locale), and the status
page formats its times with it, so both say the same thing the same way.

CLDR's default numbering system is followed: ``ar`` writes Latin digits (0-9;
``arab`` is its "native" system, the default only of some regions such as
``ar-EG``), ``fa`` writes Extended Arabic-Indic digits, ``hi`` Latin ones.
Babel knows which system a locale uses, not the digits of each system: those are
:data:`ZEROS` (CLDR's numberingSystems.xml, for every default system in Babel's data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import NamedTuple

from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import tokenize_pattern
from babel.numbers import format_decimal
from babel.units import format_unit

# The code point of the digit zero of each numeric numbering system a CLDR locale
# takes by default; a system's ten digits are consecutive code points.
ZEROS = {
    "latn": 0x30,
    "arab": 0x660,
    "arabext": 0x6F0,
    "adlm": 0x1E950,
    "beng": 0x9E6,
    "cakm": 0x11136,
    "deva": 0x966,
    "hmnp": 0x1E140,
    "mtei": 0xABF0,
    "mymr": 0x1040,
    "nkoo": 0x7C0,
    "olck": 0x1C50,
    "tibt": 0xF20,
}
LATIN_DIGITS = "0123456789"
# Pattern fields a DateStyle writes (CLDR/LDML letters); a pattern with any other
# field is refused when the style is made, so no language gets a half-written date.
FIELDS = frozenset("yMLdHhKkmsaBbvzVO")
ZONE_FIELDS = frozenset("vzVO")


class Part(NamedTuple):
    """A piece of a pattern: literal ``text`` (``letter`` empty), or a field, ``letter``
    written ``length`` times in the pattern (``MMM``: the abbreviated month)."""

    text: str
    letter: str = ""
    length: int = 0


class UnsupportedPattern(ValueError):
    """A CLDR pattern with a field a DateStyle does not write."""


@dataclass(frozen=True)
class DateStyle:
    lang: str
    pattern: str  # the LDML pattern, as CLDR's parts make it
    parts: tuple[Part, ...]  # the pattern, read
    abbreviated: tuple[str, ...]  # the months' names, January first: MMM
    wide: tuple[str, ...]  # MMMM
    am: str
    pm: str
    utc: str  # the name of a zero offset ("UTC")
    gmt: tuple[str, str]  # the text around any other offset ("GMT", "") -> GMT+03:00
    digits: str  # the ten digits, 0 to 9

    def month(self, number: int, count: int) -> str:
        """The name of month ``number`` as a field of ``count`` letters (3 or more) writes it."""
        return (self.abbreviated if count == 3 else self.wide)[number - 1]

    def localize_digits(self, text: str) -> str:
        return text.translate(str.maketrans(LATIN_DIGITS, self.digits))

    def zone(self, offset: timedelta) -> str:
        if not offset:
            return self.utc
        sign = "-" if offset < timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        before, after = self.gmt
        return f"{before}{sign}{minutes // 60:02d}:{minutes % 60:02d}{after}"

    def format(self, moment: datetime) -> str:
        """``moment`` written in this language, in its own offset, saying the offset."""
        out = []
        for text, letter, count in self.parts:
            if not letter:
                out.append(text)
            elif letter in ZONE_FIELDS:
                out.append(self.localize_digits(self.zone(moment.utcoffset() or timedelta(0))))
            elif letter in "aBb":
                out.append(self.am if moment.hour < 12 else self.pm)
            elif letter in "ML" and count >= 3:
                out.append(self.month(moment.month, count))
            else:
                number = _number_field(moment, letter, count)
                out.append(self.localize_digits(number))
        return "".join(out)


def _number_field(moment: datetime, letter: str, count: int) -> str:
    if letter == "y":
        return f"{moment.year % 100:02d}" if count == 2 else f"{moment.year:0{count}d}"
    value = {
        "M": moment.month,
        "L": moment.month,
        "d": moment.day,
        "H": moment.hour,
        "h": (moment.hour + 11) % 12 + 1,
        "K": moment.hour % 12,
        "k": moment.hour or 24,
        "m": moment.minute,
        "s": moment.second,
    }[letter]
    return f"{value:0{min(count, 2)}d}"


def locale(lang: str) -> Locale:
    return Locale.parse(lang, sep="-")


@cache
def date_style(lang: str, seconds: bool = False) -> DateStyle:
    """How ``lang`` writes a date and time, to the minute (or the second), with its zone."""
    loc = locale(lang)
    skeletons = loc.datetime_skeletons
    date = skeletons.get("yMMMd") or loc.date_formats["medium"]
    short = tokenize_pattern(loc.time_formats["short"].pattern)
    twelve = any(kind == "field" and value[0] in "hK" for kind, value in short)
    skeleton = ("h" if twelve else "H") + ("ms" if seconds else "m") + "v"
    time = skeletons.get(skeleton) or loc.time_formats["medium" if seconds else "short"]
    pattern = (
        str(loc.datetime_formats["medium"])
        .replace("{1}", date.pattern)
        .replace("{0}", time.pattern)
    )
    parts = tuple(
        Part(value) if isinstance(value, str) else Part("", *value)
        for _, value in tokenize_pattern(pattern)
    )
    for part in parts:
        if part.letter and part.letter not in FIELDS:
            raise UnsupportedPattern(f"{lang}: date pattern {pattern!r}: field {part.letter!r}")
    months = loc.months["format"]
    periods = loc.day_periods["format"]["abbreviated"]
    gmt = str(loc.zone_formats["gmt"])
    before, _, after = gmt.partition("%s")
    # CLDR's short name of Etc/UTC in this language ("UTC", "TU" in French)
    utc = babel_format_datetime(datetime(2000, 1, 1, tzinfo=UTC), "z", tzinfo=UTC, locale=loc)
    zero = ZEROS.get(loc.default_numbering_system or "latn", ZEROS["latn"])
    return DateStyle(
        lang=lang,
        pattern=pattern,
        parts=parts,
        abbreviated=_twelve(months["abbreviated"]),
        wide=_twelve(months["wide"]),
        am=str(periods["am"]),
        pm=str(periods["pm"]),
        utc=utc,
        gmt=(before, after),
        digits="".join(chr(zero + i) for i in range(10)),
    )


def _twelve(names: object) -> tuple[str, ...]:
    table: dict[int, str] = names  # type: ignore[assignment]
    return tuple(str(table[m]) for m in range(1, 13))


def number(lang: str, value: float, pattern: str | None = None) -> str:
    """A number as ``lang`` writes it: its separators and its digits (CLDR)."""
    loc = locale(lang)
    text = format_decimal(value, format=pattern, locale=loc, numbering_system="default")
    return date_style(lang).localize_digits(text)


def seconds(lang: str, value: float) -> str:
    """A duration in seconds, to a tenth, with the unit as ``lang`` writes it ("1.5 sec",
    "1.5 ث", "1,5 s")."""
    text = format_unit(
        round(value, 1),
        "duration-second",
        length="short",
        locale=locale(lang),
        numbering_system="default",
    )
    return date_style(lang).localize_digits(text)
