"""The Plan screen (F4): the procurements to start in the next 24 months, as a Gantt by financial year."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable

from contract_tracker.domain.finance import FinancialYear
from contract_tracker.domain.forward_plan import PlanRow
from contract_tracker.tui.screens.contract import ContractScreen
from contract_tracker.tui.screens.plan import PlanScreen
from contract_tracker.tui.widgets.plan_chart import Scale, axis, bar

SIZE = (120, 40)


def first_column(table: DataTable) -> list[str]:
    return [str(table.get_row_at(row)[0]).strip() for row in range(table.row_count)]


async def open_plan(pilot, settle) -> PlanScreen:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PlanScreen)
    return pilot.app.screen


@pytest.mark.asyncio
async def test_f4_opens_the_plan_grouped_by_service_area(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot, settle)
        table = screen.query_one(DataTable)
        assert first_column(table) == ["Adult Social Care", "DEMO-CARERS-2021", "Communities", "DEMO-LIB-2022",
                                       "Education: Transport", "DEMO-HST-2023"]
        summary = str(screen.query_one("#plan-summary").render())
        assert "3 to start by 21 Nov 2028 · 3 overdue · 2 over £2m (UK1) · by service area" in summary
        carers = [str(cell) for cell in table.get_row_at(1)]
        assert carers[1:4] == ["01 Oct 2025", "-417", "£2m+"]
        assert [str(cell) for cell in table.get_row_at(3)][3] == ""  # the library system has no value
        assert table.cursor_row == 1  # on the first procurement, not its heading
        table.focus()
        await pilot.press("down", "down")  # to DEMO-LIB-2022, under Communities
        await pilot.press("o")
        assert first_column(table)[::2] == ["Commissioning Manager, Carers", "Head of Home to School Transport",
                                            "Head of Libraries"]
        assert first_column(table)[table.cursor_row] == "DEMO-LIB-2022"  # still on it, now the last row
        assert "by owner" in str(screen.query_one("#plan-summary").render())


@pytest.mark.asyncio
async def test_an_empty_register_says_there_is_nothing_to_start(store, make_app, settle):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot, settle)
        assert "No procurement must start by 21 Nov 2028" in str(screen.query_one("#plan-summary").render())
        assert screen.query_one(DataTable).row_count == 0


@pytest.mark.asyncio
async def test_enter_opens_the_contract_under_the_cursor(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot, settle)
        table = screen.query_one(DataTable)
        table.focus()
        await pilot.press("down", "down")  # past the Communities heading to the library system
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, ContractScreen)
        assert demo_app.screen.reference == "DEMO-LIB-2022"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, PlanScreen)


@pytest.mark.asyncio
async def test_enter_on_a_heading_opens_nothing(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot, settle)
        table = screen.query_one(DataTable)
        table.focus()
        await pilot.press("up", "enter")
        await settle(pilot)
        assert demo_app.screen is screen


@pytest.mark.asyncio
async def test_the_palette_opens_the_plan(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Plan")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, PlanScreen)


@pytest.mark.asyncio
async def test_the_chart_redraws_to_the_new_width(demo_app, settle):
    async with demo_app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot, settle)
        table = screen.query_one(DataTable)
        narrow = table.columns["chart"].width
        assert "Title" not in [str(column.label) for column in table.columns.values()]
        await pilot.resize_terminal(200, 50)
        await settle(pilot)
        assert table.columns["chart"].width > narrow
        assert "Title" in [str(column.label) for column in table.columns.values()]


def _row(start: date, end: date, overdue: bool, days_left: int) -> PlanRow:
    return PlanRow(reference="R", title="T", service_area="", owner="", start=start, end=end, days_left=days_left,
                   overdue=overdue, whole_life_value=None, uk1=False)


def style_at(text, offset: int) -> str:
    return " ".join(str(span.style) for span in text.spans if span.start <= offset < span.end)


def test_the_chart_marks_years_today_and_an_overdue_start():
    scale = Scale((FinancialYear(2026), FinancialYear(2027)), 73)  # 36 cells for 2026/27, 37 for 2027/28
    assert str(axis(scale)).startswith(" 2026/27") and str(axis(scale))[36:44] == "┊2027/28"
    # Each year begins a cell of its own: a bar to 31 March stops short of the next year's edge.
    assert (scale.column(date(2027, 3, 31)), scale.column(date(2027, 4, 1))) == (35, 36)
    assert str(bar(_row(date(2026, 4, 1), date(2027, 3, 31), False, 1), scale, date(2026, 4, 1)))[35:37] == "━┊"
    today = date(2026, 11, 22)
    late = bar(_row(date(2026, 7, 1), date(2027, 6, 30), True, -144), scale, today)
    left, now, right = scale.column(date(2026, 7, 1)), scale.column(today), scale.column(date(2027, 6, 30))
    assert str(late)[left] == "◆" and set(str(late)[left + 1:right + 1]) == {"━"}
    assert str(late)[:left].strip(" ┊") == "" and str(late)[right + 1:].strip(" ┊") == ""
    assert "red" in str(style_at(late, left + 1))  # the time lost is red
    assert "reverse" in str(style_at(late, now))  # today across the bar
    assert "red" not in str(style_at(late, now + 1))
    ahead = bar(_row(date(2027, 5, 1), date(2028, 3, 31), False, 160), scale, today)
    assert str(ahead)[now] == "┃" and "red" not in str(style_at(ahead, scale.column(date(2027, 5, 1))))
