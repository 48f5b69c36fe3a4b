"""Money by UK financial year: pure functions on dates and Decimal pounds (never float).

A UK public-sector financial year runs from 1 April to 31 March and is written "2024/25".
Variance is spend minus budget, so a positive variance is an overspend and a negative one an
underspend, as council budget monitoring reports show it. A savings target is the baseline
budget less the new budget; the saving achieved is the baseline less what was (or is forecast
to be) spent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from ..errors import InvalidInput
from .money import PENNY

_FY_PATTERN = re.compile(r"^\s*(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$", re.IGNORECASE)


class SpendBasis(StrEnum):
    """Whether a year's spend is what was spent or what is expected to be spent."""

    FORECAST = "forecast"
    ACTUAL = "actual"


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The financial year beginning on 1 April of `start_year`."""

    start_year: int

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)

    def __str__(self) -> str:
        return self.label


def financial_year_of(day: date) -> FinancialYear:
    """The financial year a day falls in: 31 March 2025 is in 2024/25, 1 April 2025 in 2025/26."""
    return FinancialYear(day.year if day.month >= 4 else day.year - 1)


def parse_financial_year(text: str | FinancialYear) -> FinancialYear:
    """Parse "2024/25", "2024-25", "2024/2025" or "FY2024/25"; the second year must follow the first."""
    if isinstance(text, FinancialYear):
        return text
    match = _FY_PATTERN.match(str(text))
    if not match:
        raise InvalidInput(f"not a financial year: {text!r} (write it as 2024/25)")
    first, second = int(match.group(1)), match.group(2)
    expected = first + 1
    if (len(second) == 2 and int(second) != expected % 100) or (len(second) == 4 and int(second) != expected):
        raise InvalidInput(f"not a financial year: {text!r} (the second year must follow the first, e.g. 2024/25)")
    return FinancialYear(first)


def years_between(first: FinancialYear, last: FinancialYear) -> list[FinancialYear]:
    """Every financial year from `first` to `last`, both included."""
    return [FinancialYear(year) for year in range(first.start_year, last.start_year + 1)]


def pounds(value: Decimal | int | str) -> Decimal:
    """A Decimal amount rounded to the penny, half up (the way invoices round)."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def variance(budget: Decimal | None, spend: Decimal | None) -> Decimal | None:
    """Spend minus budget: positive is an overspend, negative an underspend; None without both."""
    if budget is None or spend is None:
        return None
    return pounds(spend - budget)


def unit_cost(spend: Decimal | None, volume: int | None) -> Decimal | None:
    """Spend per unit of activity (a family, a case), to the penny; None without both or with no activity."""
    if spend is None or not volume:
        return None
    return pounds(spend / Decimal(volume))


def savings_target(baseline: Decimal | None, budget: Decimal | None) -> Decimal | None:
    """How much less than the baseline the budget allows: baseline 300,000, budget 250,000 gives 50,000."""
    if baseline is None or budget is None:
        return None
    return pounds(baseline - budget)


def saving_achieved(baseline: Decimal | None, spend: Decimal | None) -> Decimal | None:
    """How much less than the baseline was spent (negative when spending rose above it)."""
    if baseline is None or spend is None:
        return None
    return pounds(baseline - spend)


def percent_change(before: Decimal | None, after: Decimal | None) -> Decimal | None:
    """The change from `before` to `after` in percent, to one decimal place."""
    if before is None or after is None or before == 0:
        return None
    return ((after - before) * 100 / before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class YearFigures:
    """One contract's figures for one financial year. A year's spend is forecast or actual, never both."""

    year: FinancialYear
    budget: Decimal | None = None
    baseline: Decimal | None = None  # the budget a savings target is measured against
    spend: Decimal | None = None
    basis: SpendBasis | None = None  # set whenever spend is
    volume: int | None = None
    volume_unit: str = ""
    note: str = ""

    @property
    def forecast(self) -> Decimal | None:
        return self.spend if self.basis == SpendBasis.FORECAST else None

    @property
    def actual(self) -> Decimal | None:
        return self.spend if self.basis == SpendBasis.ACTUAL else None

    @property
    def variance(self) -> Decimal | None:
        return variance(self.budget, self.spend)

    @property
    def unit_cost(self) -> Decimal | None:
        return unit_cost(self.spend, self.volume)

    @property
    def savings_target(self) -> Decimal | None:
        return savings_target(self.baseline, self.budget)

    @property
    def saving_achieved(self) -> Decimal | None:
        return saving_achieved(self.baseline, self.spend)


@dataclass(frozen=True)
class Totals:
    """Sums over several years (or contracts); variance only over years that have both figures."""

    budget: Decimal | None
    forecast: Decimal | None
    actual: Decimal | None
    spend: Decimal | None
    variance: Decimal | None
    volume: int | None  # None when the years count different things (families, cases)
    unit_cost: Decimal | None  # spend over volume, for the years that have both


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    return pounds(sum(present, Decimal(0))) if present else None


def totals(figures: list[YearFigures]) -> Totals:
    counted = [(f, f.volume) for f in figures if f.volume is not None]
    comparable = len({f.volume_unit for f, _ in counted}) <= 1
    volume = sum(v for _, v in counted) if counted and comparable else None
    costed = [(f.spend, v) for f, v in counted if f.spend is not None]
    cost = None
    if comparable and costed:
        cost = unit_cost(sum((s for s, _ in costed), Decimal(0)), sum(v for _, v in costed))
    return Totals(
        budget=_sum(f.budget for f in figures),
        forecast=_sum(f.forecast for f in figures),
        actual=_sum(f.actual for f in figures),
        spend=_sum(f.spend for f in figures),
        variance=_sum(f.variance for f in figures),
        volume=volume,
        unit_cost=cost,
    )
