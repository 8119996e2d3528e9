"""Time in a corpus: the window its stories spread over, and how dates are written."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from math import sqrt

DAY = 86400
# The default latest publication time: fixed, never the wall clock, so the same
# arguments give the same bytes.
DEFAULT_END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

_DATES: dict[int, str] = {}  # day number -> "YYYY-MM-DD"; one entry per day of the span


def date(day: int) -> str:
    """The UTC date of day number `day` since the epoch, "YYYY-MM-DD"."""
    found = _DATES.get(day)
    if found is None:
        t = time.gmtime(day * DAY)
        found = _DATES[day] = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
    return found


def rfc3339(epoch: int, offset: tuple[int, str]) -> str:
    """RFC 3339 local time with its offset, e.g. 2022-03-26T00:10:00+03:00."""
    day, secs = divmod(epoch + offset[0], DAY)
    return f"{date(day)}T{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}{offset[1]}"


def add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


class Window:
    """The `years` before `end` that first publications spread over, and the far future.

    88.6% of stories fall with a density that grows linearly towards the end, 11%
    spread over the last 30 days and 0.4% over the last 48 hours; so ~13% fall in
    the last 30 days and ~1% in the last 48 hours.
    """

    def __init__(self, end: datetime, years: float) -> None:
        self.end = int(end.timestamp()) // 60 * 60
        self.far = int(add_years(end, 10).timestamp()) // 60 * 60
        self.span = years * 365.25
        self.w30 = min(30.0, self.span)
        self.w2 = min(2.0, self.span)

    def inverse_cdf(self, u: float) -> float:
        """Days after the window start whose cumulative share of stories is `u`."""
        span, w30, w2 = self.span, self.w30, self.w2
        lin, p30, p2 = 0.886, 0.11, 0.004
        a = lin / (span * span)
        start30, start2 = span - w30, span - w2
        if u <= lin * (start30 / span) ** 2:
            return span * sqrt(u / lin)
        b = p30 / w30
        c = -p30 * start30 / w30
        if u > lin * (start2 / span) ** 2 + p30 * (start2 - start30) / w30:
            b += p2 / w2
            c -= p2 * start2 / w2
        # The root of a*s^2 + b*s + c = u, in the form that avoids cancellation.
        s = 2 * (u - c) / (b + sqrt(b * b + 4 * a * (u - c)))
        return min(max(s, 0.0), span)

    def epoch(self, days_after_start: float) -> int:
        """The whole minute, never after `end`, that lies `days_after_start` into the window."""
        seconds = (days_after_start - self.span) * DAY
        return min(self.end, int(self.end + seconds) // 60 * 60)
