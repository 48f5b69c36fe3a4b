"""Contract periods such as "3y", "6m", "12w" or "90d": parsing, adding and counting back.

Periods are kept as short text in the store so that they read well in SQL and JSON, and are
turned into `relativedelta`s here. A term of N years from a start date ends the day before the
Nth anniversary, so every end date is `start + period - 1 day`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from ..errors import InvalidInput
from .limits import MAX_PERIOD_YEARS

_UNITS = {
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "week": "weeks", "weeks": "weeks",
    "m": "months", "mo": "months", "month": "months", "months": "months",
    "y": "years", "yr": "years", "year": "years", "years": "years",
}
_PATTERN = re.compile(r"^\s*(\d+)\s*([a-z]+)\s*$")
_SHORT = {"days": "d", "weeks": "w", "months": "m", "years": "y"}

ONE_DAY = timedelta(days=1)
# The longest period in each unit: MAX_PERIOD_YEARS however it is written (years of 365.25 days).
_MAX_AMOUNT = {"years": MAX_PERIOD_YEARS, "months": MAX_PERIOD_YEARS * 12,
               "weeks": round(MAX_PERIOD_YEARS * 365.25 / 7), "days": round(MAX_PERIOD_YEARS * 365.25)}


@dataclass(frozen=True, order=True)
class Duration:
    """A whole number of days, weeks, months or years."""

    amount: int
    unit: str  # one of days, weeks, months, years

    def delta(self) -> relativedelta:
        match self.unit:
            case "days":
                return relativedelta(days=self.amount)
            case "weeks":
                return relativedelta(weeks=self.amount)
            case "months":
                return relativedelta(months=self.amount)
            case "years":
                return relativedelta(years=self.amount)
        raise ValueError(f"unknown unit {self.unit!r}")

    def __str__(self) -> str:
        return f"{self.amount}{_SHORT[self.unit]}"

    def describe(self) -> str:
        singular = self.unit[:-1]
        return f"{self.amount} {singular if self.amount == 1 else self.unit}"

    def in_months(self) -> float:
        """Approximate length in months, for sorting and sums of terms."""
        match self.unit:  # only the unit's own sum (every contract is checked with it)
            case "days":
                return self.amount / 30.4375
            case "weeks":
                return self.amount * 7 / 30.4375
            case "months":
                return float(self.amount)
        return self.amount * 12.0


def parse_duration(text: str | Duration) -> Duration:
    """Parse "3y", "36 months", "12w" or "90d"; raise InvalidInput with an example otherwise."""
    if isinstance(text, Duration):  # the engine's usual case: before the cache, which would hash it
        return text
    return _parse(text)


@lru_cache(maxsize=1024)  # a register uses a handful of periods, parsed millions of times in a bulk load
def _parse(text: str) -> Duration:
    match = _PATTERN.match(str(text).lower())
    if not match or match.group(2) not in _UNITS:
        raise InvalidInput(
            f"not a period: {_shown(text)} (write a whole number and a unit, e.g. 3y, 6m, 12w or 90d)"
        )
    unit = _UNITS[match.group(2)]
    digits = match.group(1).lstrip("0")
    # Checked as text first: int() of thousands of digits is refused by Python itself.
    amount = int(digits or "0") if len(digits) <= 6 else _MAX_AMOUNT[unit] + 1
    if amount <= 0:
        raise InvalidInput(f"a period must be longer than zero: {text!r}")
    if amount > _MAX_AMOUNT[unit]:
        written = "" if unit == "years" else f" ({_MAX_AMOUNT[unit]:,} {unit})"
        raise InvalidInput(f"a period can be at most {MAX_PERIOD_YEARS} years{written}: {_shown(text)}")
    return Duration(amount, unit)


def _shown(text: object) -> str:
    shown = repr(str(text))
    return shown if len(shown) <= 40 else shown[:37] + "...'"


def normalise_duration(text: str) -> str:
    """The canonical short form of a period, for storing."""
    return str(parse_duration(text))


def _shift(day: date, period: Duration, sign: int) -> date:
    """`day` plus (sign 1) or minus (sign -1) `period`; the same answer as `relativedelta`,
    computed directly because this is the engine's innermost step (100,000-contract loads)."""
    if period.unit == "days":
        return day + timedelta(days=sign * period.amount)
    if period.unit == "weeks":
        return day + timedelta(weeks=sign * period.amount)
    months = sign * period.amount * (12 if period.unit == "years" else 1)
    carry, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + carry, month0 + 1
    if day.day <= 28:  # every month has the day; no clamping needed
        return date(year, month, day.day)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add(day: date, period: Duration | str) -> date:
    """The date `period` after `day` (month ends clamp: 31 Jan + 1m = 28/29 Feb)."""
    return _shift(day, parse_duration(period), 1)


def subtract(day: date, period: Duration | str) -> date:
    """The date `period` before `day` (month ends clamp: 31 Mar - 1m = 28/29 Feb), as `day - relativedelta`."""
    return _shift(day, parse_duration(period), -1)


def period_end(start: date, period: Duration | str) -> date:
    """The last day of a period beginning on `start` (the one month rule, for terms, options,
    notice periods, breaks and report windows alike).

    A period of N months (or years) ends the day before the start's corresponding date N months
    later; where that month has no such day, it ends on that month's last day. So 1 Sep 2025 + 3y
    ends 31 Aug 2028, 29 Feb 2024 + 1y ends 28 Feb 2025, 31 Jan 2025 + 3m ends 30 Apr 2025 and
    1 Mar 2025 + 1m ends 31 Mar 2025. Days and weeks simply count: 1 Sep + 90d ends 29 Nov.
    """
    period = parse_duration(period)
    if period.unit in ("days", "weeks"):
        return _shift(start, period, 1) - ONE_DAY
    months = period.amount * (12 if period.unit == "years" else 1)
    carry, month0 = divmod(start.month - 1 + months, 12)
    year, month = start.year + carry, month0 + 1
    if start.day <= 28:  # every month has the day (most starts): no month length to look up
        return date(year, month, start.day) - ONE_DAY
    last = calendar.monthrange(year, month)[1]
    if start.day > last:  # no corresponding date (31 Jan -> April): the month's last day
        return date(year, month, last)
    return date(year, month, start.day) - ONE_DAY


def last_day_to_give_notice(end: date, notice: Duration | str) -> date:
    """The latest day on which notice of `notice` can be given so that it has run by `end`.

    Notice given on day D runs to period_end(D, notice); the answer is the latest D with
    period_end(D, notice) <= end. Month arithmetic clamps at month ends, so counting back is
    not the exact inverse of counting forward; the candidate is nudged until it is.
    """
    notice = parse_duration(notice)
    candidate = _shift(end + ONE_DAY, notice, -1)
    while period_end(candidate + ONE_DAY, notice) <= end:
        candidate += ONE_DAY
    while period_end(candidate, notice) > end:
        candidate -= ONE_DAY
    return candidate
