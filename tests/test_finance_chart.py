"""The text charts the contract screen will show: spend against budget, and the unit-cost trend."""

from __future__ import annotations

from decimal import Decimal

from contract_tracker.domain.finance import FinancialYear, SpendBasis, YearFigures
from contract_tracker.read.finance_chart import short_money, sparkline, spend_chart, unit_cost_chart

A, F = SpendBasis.ACTUAL, SpendBasis.FORECAST

TABLE_ONE = [
    YearFigures(FinancialYear(2021), spend=Decimal("174129"), basis=A, volume=111, volume_unit="families"),
    YearFigures(FinancialYear(2022), spend=Decimal("274121"), basis=A),
    YearFigures(FinancialYear(2023), spend=Decimal("355166"), basis=A),
    YearFigures(FinancialYear(2024), budget=Decimal("300000"), spend=Decimal("335400"), basis=F, volume=330,
                volume_unit="families"),
    YearFigures(FinancialYear(2025), budget=Decimal("250000"), baseline=Decimal("300000")),
]


def test_spend_chart_of_table_one():
    assert spend_chart(TABLE_ONE, width=20) == [
        "Spend by financial year against budget (█ actual, ░ forecast, │ budget)",
        "2021/22 ██████████           £174,129 actual",
        "2022/23 ███████████████      £274,121 actual",
        "2023/24 ████████████████████ £355,166 actual",
        "2024/25 ░░░░░░░░░░░░░░░░│░░  £335,400 forecast  budget £300,000",
        "2025/26              │       no spend           budget £250,000",
    ]


def test_the_largest_figure_fills_the_width_and_forecast_is_shaded():
    lines = spend_chart(TABLE_ONE, width=40)
    assert lines[3].count("█") == 40  # 2023/24, the largest spend
    # 335,400 / 355,166 of 40 cells is 37.8, so 38 cells, one of them the budget line at 300,000 (34th).
    assert "█" not in lines[4] and lines[4].count("░") == 37 and lines[4].index("│") == len("2024/25 ") + 33


def test_a_budget_larger_than_any_spend_sets_the_scale():
    lines = spend_chart([YearFigures(FinancialYear(2025), budget=Decimal("100"), spend=Decimal("50"), basis=A)],
                        width=10)
    assert lines[1] == "2025/26 █████    │ £50 actual  budget £100"


def test_empty_chart_says_so():
    assert spend_chart([], width=10)[1] == "no spend or budget recorded"
    assert unit_cost_chart([])[1] == "no spend with a volume recorded"


def test_unit_cost_chart_and_trend():
    assert unit_cost_chart(TABLE_ONE, width=10) == [
        "Unit cost (per family) by financial year",
        "2021/22 ██████████ £1,568.73",
        "2024/25 ██████     £1,016.36 forecast",
        "trend █▁ -35.2% from 2021/22 to 2024/25",
    ]


def test_sparkline_and_short_money():
    assert sparkline([Decimal(1), Decimal(5), Decimal(9)]) == "▁▅█"
    assert sparkline([Decimal(2), Decimal(2)]) == "██"
    assert sparkline([]) == ""
    assert short_money(Decimal("174129.00")) == "£174,129"
    assert short_money(Decimal("1016.36")) == "£1,016.36"
    assert short_money(None) == "—"
