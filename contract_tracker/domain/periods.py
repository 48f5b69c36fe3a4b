"""Gaps between procurement steps: calendar days, working days, weeks or months.

A gap is counted the way procurement law counts: by default from the day *after* the earlier
step ("ITT 1 April, tenders by 12 May: 41 days"); `inclusive` gaps begin *with* the earlier
step's day (PA 2023 standstill: "8 working days beginning with the day the notice is published");
`roll` gaps that end on a non-working day run on to the next working day (PCR 2015 reg 87).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ..errors import InvalidInput
from .limits import MAX_PERIOD_YEARS
from .workdays import WorkingDays

_ONE = timedelta(days=1)
_UNITS = {
    "d": "days", "day": "days", "days": "days", "calendar days": "days",
    "wd": "working days", "working day": "working days", "working days": "working days",
    "w": "weeks", "week": "weeks", "weeks": "weeks",
    "m": "months", "month": "months", "months": "months",
}
_PATTERN = re.compile(r"^\s*(\d+)\s*([a-z ]+?)\s*$")
# The longest gap in each unit: as long as the longest contract period (limits.MAX_PERIOD_YEARS).
_LONGEST = {"days": round(MAX_PERIOD_YEARS * 365.25), "working days": MAX_PERIOD_YEARS * 261,
            "weeks": round(MAX_PERIOD_YEARS * 365.25 / 7), "months": MAX_PERIOD_YEARS * 12}


@dataclass(frozen=True)
class Gap:
    amount: int
    unit: str  # days, working days, weeks, months
    inclusive: bool = False
    roll: bool = False

    def __str__(self) -> str:
        short = {"days": "d", "working days": "wd", "weeks": "w", "months": "m"}[self.unit]
        return f"{self.amount}{short}"

    def describe(self) -> str:
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        text = f"{self.amount} {unit}"
        if self.inclusive:
            text += " beginning with the earlier day"
        if self.roll:
            text += ", running on to a working day"
        return text

    def end(self, start: date, calendar: WorkingDays) -> date:
        """The day this gap reaches from `start`."""
        if self.unit == "working days":
            if self.inclusive:
                return calendar.nth_beginning_with(start, self.amount)
            return calendar.add(start, self.amount)
        if self.unit == "months":
            day = start + relativedelta(months=self.amount)
        else:
            day = start + timedelta(days=self.amount * (7 if self.unit == "weeks" else 1))
        if self.inclusive:
            day -= _ONE
        return calendar.next_working_day(day) if self.roll else day

    def latest_start(self, end: date, calendar: WorkingDays) -> date:
        """The latest day from which this gap still reaches no later than `end` (planning backwards).

        `end()` never decreases as its start moves later, so start from an estimate and nudge,
        as durations.last_day_to_give_notice does for notice periods.
        """
        if self.unit == "working days":
            candidate = end - timedelta(days=self.amount * 7 // 5 + 1)
        elif self.unit == "months":
            candidate = end - relativedelta(months=self.amount)
        else:
            candidate = end - timedelta(days=self.amount * (7 if self.unit == "weeks" else 1))
        while self.end(candidate + _ONE, calendar) <= end:
            candidate += _ONE
        while self.end(candidate, calendar) > end:
            candidate -= _ONE
        return candidate

    def measure(self, start: date, end: date, calendar: WorkingDays) -> int:
        """How long the period from `start` to `end` is, in this gap's counting (days or working days)."""
        if self.unit == "working days":
            counted = calendar.count(start, end)
            return counted + (1 if self.inclusive and calendar.is_working_day(start) else 0)
        return (end - start).days + (1 if self.inclusive else 0)

    def measure_unit(self) -> str:
        return "working days" if self.unit == "working days" else "days"


def parse_gap(text: str | Gap, *, inclusive: bool = False, roll: bool = False) -> Gap:
    """Parse "25d", "8wd", "8 working days", "6w" or "2m"."""
    if isinstance(text, Gap):
        return text
    match = _PATTERN.match(str(text).lower())
    unit = _UNITS.get(match.group(2)) if match else None
    if match is None or unit is None:
        raise InvalidInput(f"not a period: {text!r} (write e.g. 25d, 8wd for working days, 6w or 2m)")
    digits = match.group(1).lstrip("0")
    amount = int(digits or "0") if len(digits) <= 6 else _LONGEST[unit] + 1  # int() refuses 4,300+ digits
    if amount > _LONGEST[unit]:
        raise InvalidInput(f"a period can be at most {MAX_PERIOD_YEARS} years ({_LONGEST[unit]:,} {unit}): "
                           f"{str(text)[:30]!r}")
    return Gap(amount, unit, inclusive=inclusive, roll=roll)
