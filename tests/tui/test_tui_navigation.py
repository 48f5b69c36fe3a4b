"""One way to navigate: F2 and F3 go to the screen itself, the palette opens any contract from
anywhere, number keys switch the contract's tabs, and F1 lists the keys of the screen it is on."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, TabbedContent

from contract_tracker.tui.screens.agenda import AgendaScreen
from contract_tracker.tui.screens.contract import ContractScreen
from contract_tracker.tui.screens.help import HelpScreen
from contract_tracker.tui.screens.register import RegisterScreen
from contract_tracker.tui.widgets.register_table import RegisterTable
from tui_helpers import open_contract

pytestmark = pytest.mark.asyncio
SIZE = (120, 40)


async def test_f2_goes_to_the_register_from_a_contract_opened_on_the_agenda(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await open_contract(demo_app, pilot, settle, "DEMO-LIB-2022")  # on the register
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(demo_app.screen, AgendaScreen)
        demo_app.open_contract("DEMO-HST-2023")  # from the agenda
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(demo_app.screen, RegisterScreen)  # not back to DEMO-LIB-2022
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(demo_app.screen, AgendaScreen)  # the agenda itself, not DEMO-HST-2023
        assert [type(screen) for screen in demo_app.screen_stack] == [AgendaScreen]


async def test_f2_does_nothing_under_a_dialog(demo_app, settle):
    """A dialog holds what was typed: the screen keys wait until it is closed."""
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "DEMO-LIB-2022")
        await pilot.press("e")
        form = demo_app.screen
        await pilot.press("f2", "f3")
        assert demo_app.screen is form
        await pilot.press("escape")
        assert demo_app.screen is screen


async def _palette_open(app, pilot, settle, typed: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*typed)
    await settle(pilot)
    await pilot.pause(0.3)  # the palette searches after a short debounce
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("where", ["contract", "agenda"])
async def test_the_palette_opens_any_contract_from_every_screen(demo_app, settle, where):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"mediation")  # the register's filter leaves DEMO-LIB-2022 out
        assert "DEMO-LIB-2022" not in [row.reference for row in demo_app.screen.query_one(RegisterTable).shown]
        if where == "contract":
            await open_contract(demo_app, pilot, settle, "WCC-SEND-MED-2025")
        else:
            await pilot.press("f3")
            await settle(pilot)
        await _palette_open(demo_app, pilot, settle, "open demo-lib")
        assert isinstance(demo_app.screen, ContractScreen) and demo_app.screen.reference == "DEMO-LIB-2022"


async def test_the_palette_lists_every_contract_by_reference_and_title(demo_app, settle):
    from contract_tracker.tui.commands import ContractCommands

    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = ContractCommands(demo_app.screen)
        await provider.startup()
        names = [hit.text for hit in [h async for h in provider.search("library")]]
        assert names == ["Open DEMO-LIB-2022"]  # found by its title
        assert len([h async for h in provider.discover()]) == 10


async def test_number_keys_switch_the_contract_tabs(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "WCC-SEND-MED-2025")
        tabs = screen.query_one("#contract-tabs", TabbedContent)
        for key, tab in (("2", "terms"), ("3", "deadlines"), ("4", "history"), ("5", "money"), ("1", "milestones"),
                         ("alt+4", "history"), ("alt+2", "terms")):
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == f"tab-{tab}", key


async def test_f1_lists_the_keys_of_the_screen_it_is_opened_on(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        register_keys = dict(demo_app.screen.rows())
        assert isinstance(demo_app.screen, HelpScreen)
        assert {"n": "New contract", "s": "Sort", "f5": "Refresh", "ctrl+p": "Search every action by name; "
                "open any contract"}.items() <= register_keys.items()
        assert "Exercise" not in register_keys.values()
        await pilot.press("escape")
        await open_contract(demo_app, pilot, settle, "WCC-SEND-MED-2025")
        await pilot.press("f1")
        contract_keys = dict(demo_app.screen.rows())
        assert {"x": "Exercise", "t": "Terminate", "2, alt+2": "Options & breaks tab"}.items() <= contract_keys.items()
        assert "New contract" not in contract_keys.values()
        await pilot.press("f1")  # F1 again closes it
        await pilot.press("t")  # and in a dialog, the dialog's keys
        await pilot.press("f1")
        dialog_keys = dict(demo_app.screen.rows())
        assert {"ctrl+s": "Terminate", "escape": "Cancel", "ctrl+q": "Quit"}.items() <= dialog_keys.items()
        assert "f2" not in dialog_keys  # not while a dialog is open
        await pilot.press("escape")
        assert demo_app.screen.query_one("#day", Input)  # back in the dialog


async def test_the_deadlines_tab_says_how_each_stands_today(demo_app, settle):
    """As contract show, the reports and the agenda say it: a re-procurement that should have begun
    on 1 Oct 2025 is overdue, not merely open."""
    from textual.widgets import DataTable

    async with demo_app.run_test(size=(120, 40)) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "DEMO-CARERS-2021")
        table = screen.query_one("#table-deadlines", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    assert ["2025-10-01", "Start re-procurement", "overdue"] in [[r[0], r[2], r[3]] for r in rows], rows


def _facts_text(screen) -> str:
    from rich.console import Console

    console = Console(width=300, color_system=None)
    with console.capture() as captured:
        console.print(screen.query_one("#facts").content)
    return " ".join(captured.get().split())


async def test_the_contract_screen_says_how_its_kpis_stand(demo_app, settle):
    async with demo_app.run_test(size=(120, 40)) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "DEMO-SL-2026")
        facts = _facts_text(screen)
        assert "KPIs 3 (not required) · approaching target 1, good 1, not rated 1" in facts, facts
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_contract(demo_app, pilot, settle, "DEMO-LIB-2022")
        assert "Regime" in _facts_text(screen) and "KPIs" not in _facts_text(screen)  # none, and none needed
