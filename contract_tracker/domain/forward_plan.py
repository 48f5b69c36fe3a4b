"""The forward plan: every procurement that must start in the next 24 months, by financial year.

Pure, like the rest of the engine: it takes the re-procurement starts as the deadline stream holds
them, each with how it stands on `today` (stream.standing), and only selects, orders and groups
them. When a start falls due, and whether it is overdue, is the stream's answer, never worked out
here. The TUI's Plan screen draws what `forward_plan` returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..enums import Standing
from .durations import period_end
from .finance import FinancialYear, financial_year_of, years_between
from .thresholds import UK1_PIPELINE_OVER

HORIZON = "24m"  # how far ahead the plan looks for starts
GROUPINGS = ("service area", "owner")


@dataclass(frozen=True)
class StartRow:
    """A re-procurement start row of the stream, as read with its contract's whole-life value."""

    reference: str
    title: str
    service_area: str
    owner: str
    start: date  # the row's due date: the day the re-procurement must start by
    ends_on: date | None  # the contract end it prepares for
    standing: Standing  # as stream.standing says it stands on the plan's day
    whole_life_value: Decimal | None = None


@dataclass(frozen=True)
class PlanRow:
    """One procurement to start: its bar runs from `start` to `end` (the contract's end)."""

    reference: str
    title: str
    service_area: str
    owner: str
    start: date
    end: date
    days_left: int  # to the start; negative when overdue
    overdue: bool
    whole_life_value: Decimal | None
    uk1: bool  # whole-life value over £2m: belongs in the UK1 pipeline notice

    @property
    def financial_year(self) -> FinancialYear:
        """The financial year the procurement must start in."""
        return financial_year_of(self.start)


@dataclass(frozen=True)
class ForwardPlan:
    today: date
    until: date  # the last day a start may fall on to be in the plan
    rows: tuple[PlanRow, ...]  # soonest start first

    @property
    def years(self) -> list[FinancialYear]:
        """The financial years the chart spans: from the one holding today or the earliest start
        to the one holding the latest end (or the horizon, when there is nothing to show)."""
        first = min([self.today, *(row.start for row in self.rows)])
        last = max([self.until, *(row.end for row in self.rows)])
        return years_between(financial_year_of(first), financial_year_of(last))

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.rows)

    @property
    def uk1(self) -> int:
        return sum(row.uk1 for row in self.rows)

    def groups(self, by: str = "service area") -> list[tuple[str, list[PlanRow]]]:
        """Headings ("service area" or "owner"; blank ones last, as "No ...") and their rows,
        headings in alphabetical order, rows soonest start first."""
        if by not in GROUPINGS:
            raise ValueError(f"group by service area or owner, not {by!r}")
        groups: dict[str, list[PlanRow]] = {}
        for row in self.rows:
            groups.setdefault(row.service_area if by == "service area" else row.owner, []).append(row)
        ordered = sorted(groups.items(), key=lambda item: (item[0] == "", item[0].lower()))
        return [(heading or f"No {by}", rows) for heading, rows in ordered]


def horizon_end(today: date) -> date:
    """The last day of the plan's 24 months: 22 Nov 2026 looks to 21 Nov 2028 (the one month
    rule, as for report windows: from 29 Feb 2028 to 28 Feb 2030)."""
    return period_end(today, HORIZON)


def forward_plan(starts: Iterable[StartRow], today: date) -> ForwardPlan:
    """The starts still to be made (open or overdue on `today`) that fall due by `horizon_end`."""
    until = horizon_end(today)
    rows = [
        PlanRow(reference=s.reference, title=s.title, service_area=s.service_area, owner=s.owner,
                start=s.start, end=s.ends_on or s.start, days_left=(s.start - today).days,
                overdue=s.standing == Standing.OVERDUE, whole_life_value=s.whole_life_value,
                uk1=s.whole_life_value is not None and s.whole_life_value > UK1_PIPELINE_OVER)
        for s in starts if s.standing.is_open and s.start <= until
    ]
    rows.sort(key=lambda row: (row.start, row.reference))
    return ForwardPlan(today=today, until=until, rows=tuple(rows))


__all__ = ["GROUPINGS", "HORIZON", "ForwardPlan", "PlanRow", "StartRow", "forward_plan", "horizon_end"]
