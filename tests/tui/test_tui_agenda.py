"""The agenda screen, and the agenda read model it shows."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable

from contract_tracker.read.agenda import Urgency, agenda_items, group_agenda, urgency
from contract_tracker.tui.screens.agenda import AgendaScreen
from contract_tracker.tui.screens.contract import ContractScreen

SIZE = (120, 40)


def first_column(table: DataTable) -> list[str]:
    return [str(table.get_row_at(row)[0]).strip() for row in range(table.row_count)]


@pytest.mark.asyncio
async def test_agenda_shows_overdue_first_then_weeks_and_opens_a_contract(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(demo_app.screen, AgendaScreen)
        table = demo_app.screen.query_one(DataTable)
        rows = first_column(table)
        assert rows[0] == "Overdue"
        # The contracts' deadlines and the authority's own notices by date, a notice named where a
        # contract would be: the demo council published those due by 30 Sep 2026, not the two of 29 Oct.
        assert rows[1:7] == ["Wed 1 Oct 2025", "Mon 1 Dec 2025", "Mon 1 Jun 2026", "Wed 1 Jul 2026",
                             "Thu 29 Oct 2026", "Thu 29 Oct 2026"]
        assert rows[7] == "Week of 30 Nov 2026"
        assert [str(table.get_row_at(i)[2]) for i in range(1, 7)] == [
            "DEMO-CARERS-2021", "DEMO-HST-2023", "DEMO-HST-2023", "DEMO-LIB-2022", "UK8 2026/27-H1",
            "s.70 2026/27-Q2"]
        await pilot.press("g")
        assert "December 2026" not in first_column(table) and "November 2026" in first_column(table)
        await pilot.press("w")  # 26 weeks ahead
        await settle(pilot)
        assert "March 2027" in first_column(table)
        table.focus()
        table.move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, ContractScreen) and demo_app.screen.reference == "DEMO-CARERS-2021"


@pytest.mark.asyncio
async def test_agenda_reloads_after_a_change_elsewhere_in_the_app(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        decisions = [(i.reference, i.kind) for i in demo_app.screen.items]
        assert ("DEMO-HST-2023", "extension decision") in decisions
        await pilot.press("f2")
        demo_app.screen.open_contract("DEMO-HST-2023")
        await settle(pilot)
        await pilot.press("D", *"route review")  # a late decline: tick the box, then confirm
        demo_app.screen.query_one("#late").value = True
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert ("DEMO-HST-2023", "extension decision") not in [(i.reference, i.kind) for i in demo_app.screen.items]

def test_agenda_items_and_grouping(demo_store, today):
    with demo_store.session() as session:
        items = agenda_items(session, as_of=today, weeks=12)
    assert [item.overdue for item in items][:6] == [True] * 6
    assert not any(item.overdue for item in items[6:])
    assert all(item.due_date <= date(2027, 2, 14) for item in items)
    groups = group_agenda(items, "week")
    assert [heading for heading, _ in groups] == ["Overdue", "Week of 30 Nov 2026", "Week of 11 Jan 2027",
                                                  "Week of 25 Jan 2027"]
    assert [heading for heading, _ in group_agenda(items, "month")] == ["Overdue", "November 2026", "January 2027"]
    with pytest.raises(ValueError):
        group_agenda(items, "year")


@pytest.mark.parametrize(("days", "overdue", "expected"), [
    (None, 0, Urgency.NONE), (-1, 0, Urgency.OVERDUE), (400, 2, Urgency.OVERDUE), (0, 0, Urgency.SOON),
    (30, 0, Urgency.SOON), (31, 0, Urgency.COMING), (90, 0, Urgency.COMING), (91, 0, Urgency.LATER),
])
def test_urgency_bands(days, overdue, expected):
    assert urgency(days, overdue) == expected


@pytest.mark.asyncio
async def test_the_authoritys_own_notice_opens_no_contract(demo_store, make_app, today, settle):
    from contract_tracker.services.notices import keep_notices_current

    with demo_store.session() as session:
        keep_notices_current(session, today)  # as a report run that day would
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        row = next(i for i in range(table.row_count)
                   if str(table.get_row_at(i)[2]).startswith("UK8") and "UK8" in str(table.get_row_at(i)[3]))
        table.focus()
        table.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)  # stayed: no contract to open
