"""Procurement thresholds as data with their dates, and the check of a whole-life value against them.

Which threshold applies depends on the day the procurement starts, not on when the contract is
let or checked. Thresholds include VAT (since 1 January 2022), and a contract's estimated value
includes every extension option, so the value checked is the whole-life value.
Sources: the 2020-21 thresholds (net of VAT), PPN 10/21 (from 1 Jan 2022, including VAT),
PPN 11/23 (from 1 Jan 2024), and the thresholds set for 1 Jan 2026.
Thresholds before 2020 are not held: a check for an earlier day says so rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ..errors import InvalidInput
from .durations import Duration
from .finance import pounds


class Category(StrEnum):
    """What is being bought, as the thresholds distinguish it (for a sub-central authority)."""

    GOODS_AND_SERVICES = "goods and services"
    LIGHT_TOUCH = "light touch"
    WORKS = "works"


@dataclass(frozen=True)
class Threshold:
    category: Category
    amount: Decimal  # pounds, including VAT
    from_date: date
    until: date | None  # last day in force; None while current
    source: str
    includes_vat: bool = True  # thresholds include VAT from 1 January 2022; earlier ones did not

    def in_force_on(self, day: date) -> bool:
        return self.from_date <= day and (self.until is None or day <= self.until)


def _row(category: Category, amount: str, from_date: date, until: date | None, source: str) -> Threshold:
    return Threshold(category, Decimal(amount), from_date, until, source, includes_vat=from_date >= _2022)


_2020, _2022, _2024, _2026 = date(2020, 1, 1), date(2022, 1, 1), date(2024, 1, 1), date(2026, 1, 1)
_END_2021, _END_2023, _END_2025 = date(2021, 12, 31), date(2023, 12, 31), date(2025, 12, 31)

# PA 2023 s.93: a pipeline notice (UK1) lists the contracts over £2m expected to be advertised.
UK1_PIPELINE_OVER = Decimal("2000000")

# Sub-central authorities (councils). Add a row here when new thresholds are set.
THRESHOLDS: tuple[Threshold, ...] = (
    _row(Category.GOODS_AND_SERVICES, "189330", _2020, _END_2021, "thresholds for 2020 and 2021 (net of VAT)"),
    _row(Category.GOODS_AND_SERVICES, "213477", _2022, _END_2023, "PPN 10/21"),
    _row(Category.GOODS_AND_SERVICES, "214904", _2024, _END_2025, "PPN 11/23"),
    _row(Category.GOODS_AND_SERVICES, "207720", _2026, None, "thresholds from 1 January 2026"),
    _row(Category.LIGHT_TOUCH, "663540", _2020, _END_2021, "thresholds for 2020 and 2021 (net of VAT)"),
    _row(Category.LIGHT_TOUCH, "663540", _2022, None, "PPN 10/21 (now including VAT); unchanged since"),
    _row(Category.WORKS, "4733252", _2020, _END_2021, "thresholds for 2020 and 2021 (net of VAT)"),
    _row(Category.WORKS, "5336937", _2022, _END_2023, "PPN 10/21"),
    _row(Category.WORKS, "5372609", _2024, _END_2025, "PPN 11/23"),
    _row(Category.WORKS, "5193000", _2026, None, "thresholds from 1 January 2026"),
)


def parse_category(text: str | Category) -> Category:
    try:
        return Category(str(text).strip().lower().replace("-", " "))
    except ValueError:
        allowed = ", ".join(category.value for category in Category)
        raise InvalidInput(f"category: {text!r} is not one of: {allowed}") from None


def threshold_for(category: Category, on: date) -> Threshold | None:
    """The threshold in force for `category` on the day a procurement starts, or None if not held."""
    for threshold in THRESHOLDS:
        if threshold.category == category and threshold.in_force_on(on):
            return threshold
    return None


_DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12, for terms written in days or weeks


def months_in(periods: Iterable[Duration]) -> Decimal:
    """The length of consecutive periods in months, exactly for years and months (3y + 3y + 3y = 108)."""
    total = Decimal(0)
    for period in periods:
        if period.unit == "years":
            total += 12 * period.amount
        elif period.unit == "months":
            total += period.amount
        else:
            days = period.amount * (7 if period.unit == "weeks" else 1)
            total += Decimal(days) / _DAYS_PER_MONTH
    return total


def whole_life_estimate(annual_value: Decimal | None, periods: Iterable[Duration]) -> Decimal | None:
    """Annual value over the initial term and every extension option (the estimated contract value)."""
    months = months_in(periods)
    if annual_value is None or not months:
        return None
    return pounds(annual_value * months / 12)


@dataclass(frozen=True)
class ThresholdCheck:
    category: Category
    procurement_start: date
    value: Decimal | None  # the whole-life value checked
    threshold: Threshold | None

    @property
    def above(self) -> bool | None:
        """True when the value is at or above the threshold (the regulated regime applies); None if unknown."""
        if self.value is None or self.threshold is None:
            return None
        return self.value >= self.threshold.amount

    @property
    def verdict(self) -> str:
        if self.threshold is None:
            return f"no {self.category.value} threshold held for {self.procurement_start:%d %b %Y}"
        if self.value is None:
            return "no whole-life value recorded"
        verdict = "at or above threshold" if self.above else "below threshold"
        return verdict if self.threshold.includes_vat else verdict + " (threshold net of VAT)"


def check(category: Category, procurement_start: date, value: Decimal | None) -> ThresholdCheck:
    return ThresholdCheck(category, procurement_start, value, threshold_for(category, procurement_start))
