"""Financial years and Decimal money arithmetic (pure)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_tracker.domain.finance import (
    FinancialYear,
    SpendBasis,
    YearFigures,
    financial_year_of,
    parse_financial_year,
    percent_change,
    pounds,
    saving_achieved,
    savings_target,
    totals,
    unit_cost,
    variance,
    years_between,
)
from contract_tracker.errors import InvalidInput


@pytest.mark.parametrize("day, label", [
    (date(2025, 3, 31), "2024/25"),  # the last day of a year
    (date(2025, 4, 1), "2025/26"),  # the first day of the next
    (date(2024, 2, 29), "2023/24"),  # leap day belongs to the year that began the April before
    (date(2024, 3, 31), "2023/24"),
    (date(2024, 4, 1), "2024/25"),
    (date(2000, 2, 29), "1999/00"),  # century leap year; the label wraps to 00
    (date(2099, 12, 31), "2099/00"),
    (date(2026, 1, 1), "2025/26"),
])
def test_financial_year_of_a_day(day, label):
    assert financial_year_of(day).label == label


def test_a_financial_year_runs_from_1_april_to_31_march():
    year = FinancialYear(2023)
    assert (year.start, year.end) == (date(2023, 4, 1), date(2024, 3, 31))
    # 2023/24 holds 29 February 2024, so it is 366 days long; 2024/25 is 365.
    assert (year.end - year.start).days + 1 == 366
    assert (FinancialYear(2024).end - FinancialYear(2024).start).days + 1 == 365
    assert year.contains(date(2024, 2, 29)) and not year.contains(date(2024, 4, 1))
    assert year.next() == FinancialYear(2024)
    assert [y.label for y in years_between(FinancialYear(2021), FinancialYear(2024))] == [
        "2021/22", "2022/23", "2023/24", "2024/25"]


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2998, 12, 31)))
def test_every_day_lies_in_its_financial_year_and_the_next_day_in_the_same_or_the_next(day):
    year = financial_year_of(day)
    assert year.start <= day <= year.end
    following = financial_year_of(day + timedelta(days=1))
    assert following in (year, year.next())
    assert (following == year.next()) == (day == year.end)


@pytest.mark.parametrize("text", ["2024/25", "2024-25", "2024/2025", "FY2024/25", " fy 2024 - 25 "])
def test_parse_financial_year_forms(text):
    assert parse_financial_year(text) == FinancialYear(2024)


def test_parse_financial_year_across_a_century():
    assert parse_financial_year("1999/00") == FinancialYear(1999)
    assert parse_financial_year("1999/2000") == FinancialYear(1999)


@pytest.mark.parametrize("text", ["2024/26", "2024", "24/25", "2024/2026", "next year", ""])
def test_parse_financial_year_refuses_nonsense(text):
    with pytest.raises(InvalidInput, match="financial year"):
        parse_financial_year(text)


def test_label_round_trips():
    for start in (1999, 2009, 2024, 2099):
        assert parse_financial_year(FinancialYear(start).label) == FinancialYear(start)


def test_variance_is_spend_less_budget():
    assert variance(Decimal("300000"), Decimal("335400")) == Decimal("35400.00")  # overspend
    assert variance(Decimal("250000"), Decimal("249999.99")) == Decimal("-0.01")  # underspend
    assert variance(None, Decimal("1")) is None and variance(Decimal("1"), None) is None


def test_unit_cost_is_exact_decimal_rounded_half_up_to_the_penny():
    cost = unit_cost(Decimal("174129"), 111)
    assert isinstance(cost, Decimal) and cost == Decimal("1568.73")  # 1568.7297...
    assert unit_cost(Decimal("335400"), 330) == Decimal("1016.36")  # 1016.3636...
    assert unit_cost(Decimal("0.05"), 2) == Decimal("0.03")  # half a penny rounds up, not to even
    assert unit_cost(Decimal("10"), 0) is None and unit_cost(None, 3) is None


def test_decimal_sums_do_not_drift_as_floats_would():
    # 0.1 + 0.2 is not 0.3 in binary floating point; in pounds it must be.
    figures = [YearFigures(FinancialYear(2020 + i), spend=Decimal("0.10"), basis=SpendBasis.ACTUAL) for i in range(3)]
    assert totals(figures).spend == Decimal("0.30")
    assert sum(0.1 for _ in range(3)) != 0.3


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        pounds(0.1)


def test_savings_target_and_achieved():
    assert savings_target(Decimal("300000"), Decimal("250000")) == Decimal("50000.00")
    assert saving_achieved(Decimal("300000"), Decimal("335400")) == Decimal("-35400.00")
    assert savings_target(None, Decimal("1")) is None


def test_percent_change():
    assert percent_change(Decimal("1568.73"), Decimal("1016.36")) == Decimal("-35.2")
    assert percent_change(Decimal("0"), Decimal("1")) is None


def test_a_year_is_forecast_or_actual():
    forecast = YearFigures(FinancialYear(2024), budget=Decimal("300000"), spend=Decimal("335400"),
                           basis=SpendBasis.FORECAST, volume=330, volume_unit="families")
    assert forecast.forecast == Decimal("335400") and forecast.actual is None
    assert forecast.variance == Decimal("35400.00") and forecast.unit_cost == Decimal("1016.36")
    actual = YearFigures(FinancialYear(2023), spend=Decimal("355166"), basis=SpendBasis.ACTUAL)
    assert actual.actual == Decimal("355166") and actual.forecast is None


def test_totals_count_variance_only_where_both_figures_exist_and_volume_only_of_one_unit():
    years = [
        YearFigures(FinancialYear(2021), spend=Decimal("174129"), basis=SpendBasis.ACTUAL, volume=111,
                    volume_unit="families"),
        YearFigures(FinancialYear(2024), budget=Decimal("300000"), spend=Decimal("335400"),
                    basis=SpendBasis.FORECAST, volume=330, volume_unit="families"),
        YearFigures(FinancialYear(2025), budget=Decimal("250000")),
    ]
    summed = totals(years)
    assert summed.budget == Decimal("550000.00")
    assert (summed.actual, summed.forecast, summed.spend) == (
        Decimal("174129.00"), Decimal("335400.00"), Decimal("509529.00"))
    assert summed.variance == Decimal("35400.00")
    assert summed.volume == 441 and summed.unit_cost == Decimal("1155.39")
    mixed = [*years, YearFigures(FinancialYear(2026), spend=Decimal("1"), basis=SpendBasis.ACTUAL, volume=3,
                                 volume_unit="cases")]
    assert totals(mixed).volume is None and totals(mixed).unit_cost is None
    assert totals([]).spend is None
