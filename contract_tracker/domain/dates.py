"""Reading dates and date spans as people write them in council papers.

Accepts ISO dates (2025-09-01), UK numeric dates (01/09/2025) and written dates (1 Sept 2025,
1st April 2025). A span such as "July/August 2025" or "September 2019" covers whole months.
Nothing here looks at the clock: relative words like "today" are resolved by the caller.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..errors import InvalidInput
from .memo import Memo

_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS["sept"] = 9

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_WRITTEN = re.compile(r"^(\d{1,2})\s*(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
_MONTH_SPAN = re.compile(r"^([a-z]+)(?:\s*(?:/|-|–|to|and)\s*([a-z]+))?\s+(\d{4})$")


@dataclass(frozen=True)
class Span:
    """An inclusive run of days; a single day has start == end."""

    start: date
    end: date

    @property
    def is_day(self) -> bool:
        return self.start == self.end


def _make(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(f"no such date: {text!r}") from None


def parse_date(text: str | date) -> date:
    """Parse one day; raise InvalidInput naming the text when it is not a real date."""
    if isinstance(text, date):
        return text
    cleaned = " ".join(str(text).strip().lower().split())
    if match := _ISO.match(cleaned):
        year, month, day = map(int, match.groups())
        return _make(year, month, day, text)
    if match := _UK_NUMERIC.match(cleaned):
        day, month, year = map(int, match.groups())
        return _make(year, month, day, text)
    if match := _WRITTEN.match(cleaned):
        written_month = _MONTHS.get(match.group(2))
        if written_month is not None:
            return _make(int(match.group(3)), written_month, int(match.group(1)), text)
    raise InvalidInput(
        f"not a date: {text!r} (write e.g. 2025-09-01, 01/09/2025 or 1 Sep 2025)"
    )


def parse_span(text: str | date) -> Span:
    """Parse a day, or whole months such as "July/August 2025" or "September 2019"."""
    if isinstance(text, date):
        return Span(text, text)
    cleaned = " ".join(str(text).strip().lower().split())
    if match := _MONTH_SPAN.match(cleaned):
        first, last, year = match.group(1), match.group(2) or match.group(1), int(match.group(3))
        if first in _MONTHS and last in _MONTHS:
            start_month, end_month = _MONTHS[first], _MONTHS[last]
            if end_month < start_month:
                raise InvalidInput(f"a span must run forwards: {text!r}")
            last_day = calendar.monthrange(year, end_month)[1]
            return Span(date(year, start_month, 1), date(year, end_month, last_day))
    if " to " in cleaned or " - " in cleaned:
        left, right = re.split(r" to | - ", cleaned, maxsplit=1)
        span = Span(parse_date(left), parse_date(right))
        if span.end < span.start:
            raise InvalidInput(f"a span must run forwards: {text!r}")
        return span
    day = parse_date(text)
    return Span(day, day)


# Each day's text, made once: strftime is slow, and deadline texts name a few thousand days over
# and over (a national load, millions of times).
_DAY_TEXTS: Memo[date, str] = Memo(lambda day: f"{day.day} {day:%b %Y}")


def describe_day(day: date) -> str:
    """"1 Sep 2025"."""
    return _DAY_TEXTS[day]


@lru_cache(maxsize=16384)  # deadline texts repeat the same spans
def describe_span(start: date | None, end: date) -> str:
    """"1 Sep 2025", or "Jul–Aug 2025" for whole months, or "3 Jul – 29 Aug 2025"."""
    if start is None or start == end:
        return _DAY_TEXTS[end]
    whole_months = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if whole_months and start.year == end.year:
        if start.month == end.month:
            return f"{end:%B %Y}"
        return f"{start:%b}–{end:%b %Y}"
    return f"{_DAY_TEXTS[start]} – {_DAY_TEXTS[end]}"
