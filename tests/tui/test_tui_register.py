"""The register screen: loading, type-to-filter, select filters, sorting, refresh, help, palette."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from contract_tracker.services import ContractFields, register_contract
from contract_tracker.tui.widgets.register_table import RegisterTable

pytestmark = pytest.mark.asyncio
SIZE = (120, 40)


def shown(app) -> list[str]:
    return [row.reference for row in app.screen.query_one(RegisterTable).shown]


async def test_register_lists_every_contract_soonest_deadline_first(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        references = shown(demo_app)
        assert len(references) == 10
        assert references[0] == "DEMO-HST-2023"  # contract ends in 8 days
        table = demo_app.screen.query_one(RegisterTable)
        row = table.cell_texts("WCC-SEND-MED-2025")
        assert (row["current_end"], row["next_deadline"], row["days_left"]) == (
            "2028-08-31", "2028-03-01 Extension decision due: option 1", "465")


async def test_typing_filters_the_register(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(demo_app.focused, Input)  # type straight away
        await pilot.press(*"mediation")
        assert sorted(shown(demo_app)) == [
            "WCC-SEND-MED-2014-A", "WCC-SEND-MED-2014-B", "WCC-SEND-MED-2014-C", "WCC-SEND-MED-2025",
            "WSCC-SEND-MDR-2020",
        ]
        await pilot.press(*" provider b")
        assert shown(demo_app) == ["WCC-SEND-MED-2014-B"]
        await pilot.press("down", "escape")  # to the table, then clear the filter
        assert len(shown(demo_app)) == 10


async def test_status_and_owner_filters(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        demo_app.screen.query_one("#filter-status", Select).value = "expired"
        await pilot.pause()
        assert sorted(shown(demo_app)) == ["WCC-SEND-MED-2014-A", "WCC-SEND-MED-2014-B", "WCC-SEND-MED-2014-C"]
        demo_app.screen.query_one("#filter-status", Select).clear()
        demo_app.screen.query_one("#filter-owner", Select).value = "Head of Libraries"
        await pilot.pause()
        assert shown(demo_app) == ["DEMO-LIB-2022"]


async def test_sort_by_reference_and_reverse(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = demo_app.screen.query_one(RegisterTable)
        table.focus()
        table.sort_on("reference")
        assert shown(demo_app) == sorted(shown(demo_app))
        await pilot.press("S")
        assert shown(demo_app) == sorted(shown(demo_app), reverse=True)
        await pilot.click("#register-table", offset=(25, 0))  # the Title heading
        titles = [table.cell_texts(reference)["title"] for reference in shown(demo_app)]
        assert titles == sorted(titles, key=str.lower)


async def test_refresh_shows_changes_made_by_someone_else(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with demo_store.session() as session:  # another officer, another process
            register_contract(session, ContractFields(reference="OTHER-1", title="Added elsewhere",
                                                      status="planned"), actor="someone else")
        assert "OTHER-1" not in shown(demo_app)
        await pilot.press("f5")
        await settle(pilot)
        assert "OTHER-1" in shown(demo_app)


async def test_palette_offers_main_actions(demo_app, settle):
    from contract_tracker.tui.commands import TrackerCommands

    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = TrackerCommands(demo_app.screen)
        names = [hit.display for hit in [h async for h in provider.discover()]]
        assert {"Register", "Agenda", "Refresh", "Help", "New contract", "Export to .ics"} <= set(names)


async def test_every_binding_has_a_description_and_an_id():
    from contract_tracker.tui.app import ContractTrackerApp
    from contract_tracker.tui.screens import (
        agenda,
        confirm,
        contract,
        contract_form,
        date_reason,
        export_ics,
        form,
        help,
        milestone_form,
        option_decision,
        register,
        reprocure,
        schedule_apply,
        stale_edit,
    )

    for owner in (ContractTrackerApp, register.RegisterScreen, contract.ContractScreen, agenda.AgendaScreen,
                  RegisterTable, form.FormScreen, confirm.ConfirmScreen, help.HelpScreen, stale_edit.StaleEditScreen,
                  contract_form.ContractFormScreen, milestone_form.MilestoneFormScreen, date_reason.MarkMetScreen,
                  date_reason.TerminateScreen, option_decision.ExerciseScreen, option_decision.DeclineScreen,
                  export_ics.ExportScreen, schedule_apply.ScheduleApplyScreen, reprocure.ReprocureScreen):
        for binding in owner.BINDINGS:
            assert binding.description and binding.id, (owner.__name__, binding.key)


async def test_the_mouse_sorts_and_opens(demo_app, settle):
    from contract_tracker.tui.screens.contract import ContractScreen

    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#register-table", offset=(2, 0))  # the Reference heading
        assert shown(demo_app)[0] == "DEMO-CARERS-2021"
        await pilot.click("#register-table", offset=(2, 3))  # third row: select it ...
        assert demo_app.screen.query_one(RegisterTable).selected_reference == "DEMO-LIB-2022"
        await pilot.click("#register-table", offset=(2, 3))  # ... and click again to open it
        await settle(pilot)
        assert isinstance(demo_app.screen, ContractScreen) and demo_app.screen.reference == "DEMO-LIB-2022"


async def test_keys_scroll_a_long_register_and_keep_the_cursor_in_view(demo_app, settle):
    from contract_tracker.read.views import RegisterRow

    rows = [RegisterRow(reference=f"R-{n:04d}", title=f"Contract {n}", suppliers="", status="planned",
                        owner_role="", service_area="", current_end=None, next_deadline=None,
                        next_deadline_title=None, days_left=None, overdue=0) for n in range(300)]
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = demo_app.screen.query_one(RegisterTable)
        table.load(rows)
        table.sort_on("reference", reverse=False)
        table.focus()
        await pilot.press("end")
        assert table.selected_reference == "R-0299" and table.scroll_offset.y > 0
        assert "R-0299" in table.render_line(table.size.height - 1).text
        await pilot.press("pageup", "up", "home")
        assert table.selected_reference == "R-0000" and table.scroll_offset.y == 0


async def test_the_next_deadline_is_coloured_by_its_own_date_not_the_contracts_overdue_ones(demo_app, settle):
    """DEMO-CARERS-2021 has an overdue re-procurement start, but its next deadline (the contract's
    end in 129 days) is months away: that cell is not red; the "!" column counts the overdue one."""
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = demo_app.screen.query_one(RegisterTable)
        index = shown(demo_app).index("DEMO-CARERS-2021")
        assert index != table.cursor_row
        texts = table.cell_texts("DEMO-CARERS-2021")
        assert (texts["days_left"], texts["overdue"]) == ("129", "1")
        def colour_of(line: int, text: str) -> str:
            """The colour of the cell on `line` whose text is `text` (or begins it, when cut short)."""
            cells = [s for s in table.render_line(line + 1) if s.text.strip()]  # line 0: the headings
            (cell,) = [s for s in cells if s.text.strip() == text or (
                s.text.strip().endswith("…") and text.startswith(s.text.strip()[:-1]))]
            return cell.style.color.name if cell.style and cell.style.color else ""
        assert colour_of(index, texts["next_deadline"]) not in ("red", "yellow", "dark_orange")
        assert colour_of(index, "129") not in ("red", "yellow", "dark_orange")
        assert colour_of(index, "1") == "red"
        lib = shown(demo_app).index("DEMO-LIB-2022")  # 54 days away, one overdue: coming, not overdue
        assert colour_of(lib, table.cell_texts("DEMO-LIB-2022")["next_deadline"]) == "yellow"
        assert colour_of(lib, "1") == "red"


@pytest.mark.asyncio
async def test_the_register_says_which_of_the_authoritys_notices_are_late(demo_app, settle):
    from textual.widgets import Static

    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = demo_app.screen.query_one("#register-notices", Static)
        assert line.display
        assert str(line.render()).startswith("Authority's notices: 2 overdue (UK8 2026/27-H1, s.70 2026/27-Q2)")


@pytest.mark.asyncio
async def test_a_register_that_calls_for_no_notice_has_no_notices_line(store, make_app, settle):
    from textual.widgets import Static

    app = make_app(store)  # no PA 2023 contract: no notice, no line
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#register-notices", Static).display


@pytest.mark.asyncio
async def test_down_from_the_filter_lands_on_the_first_row(demo_app, settle):
    """Down then Enter opens the first contract listed (the key used to move the cursor as well)."""
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = demo_app.screen.query_one(RegisterTable)
        await pilot.press("down")
        assert demo_app.focused is table and table.cursor_row == 0
