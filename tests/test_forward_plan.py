"""The forward plan: which re-procurement starts it holds, in what order and groups, over which years."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contract_tracker.domain.finance import FinancialYear
from contract_tracker.domain.forward_plan import StartRow, forward_plan, horizon_end
from contract_tracker.enums import Standing
from contract_tracker.read.views import reprocurement_starts

TODAY = date(2026, 11, 22)


def start(reference: str, due: date, ends: date, standing: Standing = Standing.OPEN, *, area: str = "Libraries",
          owner: str = "Head of Libraries", value: str | None = None) -> StartRow:
    return StartRow(reference=reference, title=f"{reference} title", service_area=area, owner=owner, start=due,
                    ends_on=ends, standing=standing, whole_life_value=Decimal(value) if value else None)


def test_an_overdue_start_is_kept_and_marked_as_the_stream_says():
    late = start("LATE", date(2026, 7, 1), date(2027, 6, 30), Standing.OVERDUE)
    plan = forward_plan([late], TODAY)
    (row,) = plan.rows
    assert row.overdue and row.days_left == -144
    assert (row.start, row.end) == (date(2026, 7, 1), date(2027, 6, 30))
    assert plan.overdue == 1


def test_overdue_is_the_streams_word_not_a_date_comparison():
    # A start dated before today that the stream calls open (as a reader must trust) is not overdue.
    row = forward_plan([start("ODD", date(2026, 11, 1), date(2027, 11, 1), Standing.OPEN)], TODAY).rows[0]
    assert not row.overdue


def test_starts_beyond_24_months_are_left_out_and_the_last_day_is_in():
    until = horizon_end(TODAY)
    assert until == date(2028, 11, 21)
    plan = forward_plan([start("IN", until, date(2029, 11, 21)),
                         start("OUT", date(2028, 11, 22), date(2029, 11, 22))], TODAY)
    assert [row.reference for row in plan.rows] == ["IN"]


@pytest.mark.parametrize("standing", [Standing.PENDING, Standing.DONE, Standing.MISSED, Standing.LAPSED,
                                      Standing.CANCELLED, Standing.SUPERSEDED])
def test_only_starts_still_to_be_made_are_in_the_plan(standing):
    assert forward_plan([start("X", date(2027, 1, 1), date(2028, 1, 1), standing)], TODAY).rows == ()


def test_rows_run_soonest_start_first():
    plan = forward_plan([start("B", date(2027, 5, 1), date(2028, 5, 1)),
                         start("A", date(2027, 5, 1), date(2028, 5, 1)),
                         start("C", date(2026, 12, 1), date(2027, 12, 1), Standing.OPEN)], TODAY)
    assert [row.reference for row in plan.rows] == ["C", "A", "B"]


def test_financial_years_turn_on_1_april():
    plan = forward_plan([start("MAR", date(2027, 3, 31), date(2028, 3, 31)),
                         start("APR", date(2027, 4, 1), date(2028, 4, 1))], TODAY)
    assert [str(row.financial_year) for row in plan.rows] == ["2026/27", "2027/28"]


def test_the_years_span_today_the_earliest_start_and_the_latest_end():
    plan = forward_plan([start("LATE", date(2025, 3, 31), date(2031, 4, 1), Standing.OVERDUE)], TODAY)
    assert plan.years[0] == FinancialYear(2024) and plan.years[-1] == FinancialYear(2031)
    empty = forward_plan([], TODAY)  # today to the horizon: 2026/27 to 2028/29
    assert empty.years == [FinancialYear(2026), FinancialYear(2027), FinancialYear(2028)]


def test_29_february_looks_24_months_ahead_to_28_february():
    leap = date(2028, 2, 29)
    assert horizon_end(leap) == date(2030, 2, 28)
    plan = forward_plan([start("LEAP", leap, date(2029, 2, 28)), start("EDGE", date(2030, 2, 28), date(2031, 2, 28)),
                         start("PAST", date(2030, 3, 1), date(2031, 3, 1))], leap)
    assert [(row.reference, row.days_left, str(row.financial_year)) for row in plan.rows] == [
        ("LEAP", 0, "2027/28"), ("EDGE", 730, "2029/30")]


def test_the_uk1_band_is_over_two_million():
    plan = forward_plan([start("AT", date(2027, 1, 1), date(2028, 1, 1), value="2000000"),
                         start("OVER", date(2027, 1, 2), date(2028, 1, 2), value="2000000.01"),
                         start("NONE", date(2027, 1, 3), date(2028, 1, 3))], TODAY)
    assert [(row.reference, row.uk1) for row in plan.rows] == [("AT", False), ("OVER", True), ("NONE", False)]
    assert plan.uk1 == 1


def test_groups_by_service_area_or_owner_blank_last():
    plan = forward_plan([start("A", date(2027, 1, 1), date(2028, 1, 1), area="Waste", owner="Ann"),
                         start("B", date(2027, 2, 1), date(2028, 2, 1), area="", owner="Bob"),
                         start("C", date(2027, 3, 1), date(2028, 3, 1), area="adults", owner="")], TODAY)
    assert [(h, [r.reference for r in rows]) for h, rows in plan.groups()] == [
        ("adults", ["C"]), ("Waste", ["A"]), ("No service area", ["B"])]
    assert [h for h, _ in plan.groups("owner")] == ["Ann", "Bob", "No owner"]
    with pytest.raises(ValueError):
        plan.groups("supplier")


def test_the_demo_registers_plan_reads_the_streams_starts(demo_store):
    with demo_store.session() as session:
        starts = reprocurement_starts(session, as_of=TODAY, until=horizon_end(TODAY))
    plan = forward_plan(starts, TODAY)
    assert [(r.reference, r.start, r.end, r.overdue, r.uk1) for r in plan.rows] == [
        ("DEMO-CARERS-2021", date(2025, 10, 1), date(2027, 3, 31), True, True),
        ("DEMO-HST-2023", date(2025, 12, 1), date(2026, 11, 30), True, True),
        ("DEMO-LIB-2022", date(2026, 7, 1), date(2027, 6, 30), True, False),
    ]
    assert [h for h, _ in plan.groups()] == ["Adult Social Care", "Communities", "Education: Transport"]
