"""UK working days: weekends, bank holidays (from the `holidays` package) and extra closure days.

The Procurement Act 2023 (s.123) and the Public Contracts Regulations 2015 count a working day as
any day but a Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday in *any part* of
the UK. `holidays` without a subdivision returns only the holidays common to every nation, so the
UK-wide calendar is the union of England, Wales, Scotland and Northern Ireland, built here.

A calendar may instead follow one nation's holidays, and may add a council's own closure days
(e.g. a Christmas shutdown) for planning. Statutory periods always use `statutory_calendar()`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from ..errors import InvalidInput
from .dates import parse_date
from .limits import MAX_PERIOD_YEARS

NATIONS = ("ENG", "WLS", "SCT", "NIR")
NATION_NAMES = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}
CLOSURES_ENV = "CONTRACT_TRACKER_CLOSURES"
NATIONS_ENV = "CONTRACT_TRACKER_NATIONS"
CONFIG_FILE = "workdays.toml"
LONGEST_SPAN_DAYS = round(MAX_PERIOD_YEARS * 365.25)

_ONE = timedelta(days=1)


@lru_cache(maxsize=256)
def _bank_holidays(nation: str, year: int) -> dict[date, str]:
    import holidays  # on first use: most commands never count working days

    return dict(holidays.country_holidays("GB", subdiv=nation, years=year).items())


@lru_cache(maxsize=256)
def _holidays_in_any(nations: tuple[str, ...], year: int) -> frozenset[date]:
    """The year's bank holidays of any of `nations`: one look-up per day counted, not one per
    nation (a bulk load counts standstill periods for every contract)."""
    return frozenset().union(*(_bank_holidays(nation, year) for nation in nations))


@dataclass(frozen=True)
class WorkingDays:
    """A working-day calendar: Monday to Friday, less the chosen nations' bank holidays and closures."""

    nations: tuple[str, ...] = NATIONS
    closures: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        nations = tuple(dict.fromkeys(n.strip().upper() for n in self.nations))
        unknown = [n for n in nations if n not in NATIONS]
        if unknown or not nations:
            raise InvalidInput(f"nations: {', '.join(unknown) or 'none given'}: choose from {', '.join(NATIONS)}")
        object.__setattr__(self, "nations", nations)
        object.__setattr__(self, "closures", frozenset(self.closures))

    def holiday_name(self, day: date) -> str | None:
        """Why `day` is not a working day, other than a weekend (None when it is not a holiday)."""
        where: dict[str, list[str]] = {}
        for nation in self.nations:
            if name := _bank_holidays(nation, day.year).get(day):
                where.setdefault(name, []).append(NATION_NAMES[nation])
        names = [
            name if len(nations) == len(self.nations) else f"{name} ({', '.join(nations)})"
            for name, nations in where.items()
        ]
        if day in self.closures:
            names.append("closure day")
        return "; ".join(names) or None

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.closures:
            return False
        return day not in _holidays_in_any(self.nations, day.year)

    def holidays_between(self, first: date, last: date) -> dict[date, str]:
        """Bank holidays and closures from `first` to `last` inclusive, weekdays and weekends alike."""
        _check_span(first, last)
        out: dict[date, str] = {}
        for year in range(first.year, last.year + 1):
            for nation in self.nations:
                for day in _bank_holidays(nation, year):
                    if first <= day <= last:
                        out[day] = self.holiday_name(day) or ""
        for day in self.closures:
            if first <= day <= last:
                out[day] = self.holiday_name(day) or "closure day"
        return dict(sorted(out.items()))

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE
        return day

    def previous_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the last working day before it."""
        while not self.is_working_day(day):
            day -= _ONE
        return day

    def add(self, day: date, count: int) -> date:
        """The `count`th working day after `day` (not counting `day`); negative counts go back."""
        step = _ONE if count >= 0 else -_ONE
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def nth_beginning_with(self, day: date, count: int) -> date:
        """The last day of a period of `count` working days beginning with `day` (as the Act counts
        standstill): `day` is the first of them when it is a working day."""
        if count < 1:
            raise InvalidInput("a period of working days must be at least one day long")
        return self.add(day - _ONE, count)

    def count(self, after: date, through: date) -> int:
        """Working days after `after` up to and including `through` (negative when reversed)."""
        if through < after:
            return -self.count(through, after)
        _check_span(after, through)
        total, day = 0, after
        while day < through:
            day += _ONE
            total += self.is_working_day(day)
        return total


def _check_span(first: date, last: date) -> None:
    """Working days are counted one by one: a span of millennia would run for minutes."""
    if (last - first).days > LONGEST_SPAN_DAYS:
        raise InvalidInput(f"{first.isoformat()} to {last.isoformat()} is more than {MAX_PERIOD_YEARS} years; "
                           "count working days over a shorter span")


def statutory_calendar() -> WorkingDays:
    """The calendar of the Act and the Regulations: UK-wide bank holidays, no local closures."""
    return _STATUTORY


_STATUTORY = WorkingDays()


def parse_closures(items: Iterable[str]) -> frozenset[date]:
    """Closure days written as dates ("2025-12-29") or inclusive ranges ("2025-12-29..2025-12-31")."""
    days: set[date] = set()
    for item in items:
        if not isinstance(item, str):
            raise InvalidInput(f"closure day: {item!r:.40} is not a date written as text (e.g. \"2025-12-29\")")
        text = item.strip()
        if not text:
            raise InvalidInput("closure day: empty (write a date or a range such as 2025-12-29..2025-12-31)")
        first_text, _, last_text = text.partition("..")
        first = parse_date(first_text.strip())
        last = parse_date(last_text.strip()) if last_text else first
        if last < first:
            raise InvalidInput(f"closure range runs backwards: {text!r}")
        _check_span(first, last)
        while first <= last:
            days.add(first)
            first += _ONE
    return frozenset(days)


def parse_nations(text: str | Iterable[str]) -> tuple[str, ...]:
    """ "UK" (or "all") for every nation, or a list such as "ENG,WLS"."""
    if not isinstance(text, (str, list, tuple)) or not all(isinstance(item, str) for item in text):
        raise InvalidInput(f"nations: {text!r:.40} is not a list of nations (e.g. \"UK\" or [\"ENG\", \"WLS\"])")
    items = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    if len(items) == 1 and items[0].strip().upper() in ("UK", "ALL"):
        return NATIONS
    return WorkingDays(nations=tuple(items)).nations


def configured_calendar(config_dir: Path | None = None, *, nations: str | None = None,
                        closures: Iterable[str] = ()) -> WorkingDays:
    """The calendar for planning: `workdays.toml` in the config folder, then the environment, then
    what the caller gives (the command line). The file looks like::

        nations = ["ENG", "WLS", "SCT", "NIR"]   # or one nation
        closures = ["2025-12-29..2025-12-31"]      # the council's Christmas shutdown
    """
    chosen: tuple[str, ...] = NATIONS
    closed: set[date] = set()
    if config_dir is not None and (path := config_dir / CONFIG_FILE).is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise InvalidInput(f"{path}: not valid TOML ({error})") from None
        try:
            if "nations" in data:
                chosen = parse_nations(data["nations"])
            listed = data.get("closures", [])
            if not isinstance(listed, list):
                raise InvalidInput(f"closures: {listed!r:.40} is not a list of dates")
            closed |= parse_closures(listed)
        except InvalidInput as error:
            raise InvalidInput(f"{path}: {error}") from None
    if env_nations := os.environ.get(NATIONS_ENV):
        chosen = parse_nations(env_nations)
    if env_closures := os.environ.get(CLOSURES_ENV):
        closed |= parse_closures(item for item in env_closures.split(",") if item.strip())
    if nations:
        chosen = parse_nations(nations)
    closed |= parse_closures(closures)
    return WorkingDays(nations=chosen, closures=frozenset(closed))
