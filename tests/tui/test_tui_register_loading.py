"""A large register: its first rows show at once, the rest arrive later and take their place,
keeping the filter, the sort and the selected contract. Here the demo register stands in for a
large one, with a first page of three rows and the whole register held back until released."""

from __future__ import annotations

import asyncio
import threading

import pytest
from textual.widgets import Input, Static

from contract_tracker.tui.screens.register import RegisterScreen
from contract_tracker.tui.widgets.register_table import RegisterTable
from tui_helpers import notifications, text_of

pytestmark = pytest.mark.asyncio
SIZE = (120, 40)
SOONEST = "DEMO-HST-2023"  # the contract ending in 8 days


@pytest.fixture
def held_app(demo_app, monkeypatch):
    """The demo app with a first page of 3 rows; the whole register waits for `release`."""
    monkeypatch.setattr(RegisterScreen, "PAGE_ROWS", 3)
    release = threading.Event()
    whole = demo_app.backend.register

    def held_register():
        assert release.wait(timeout=30), "the test never released the register"
        return whole()

    monkeypatch.setattr(demo_app.backend, "register", held_register)
    demo_app.release = release
    return demo_app


async def _until(pilot, condition) -> None:
    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.01)
        await pilot.pause()
    raise AssertionError("timed out waiting for the register")


async def test_first_rows_show_before_the_whole_register(held_app, settle):
    async with held_app.run_test(size=SIZE) as pilot:
        try:
            table = held_app.screen.query_one(RegisterTable)
            await _until(pilot, lambda: table.total == 3)
            assert table.shown[0].reference == SOONEST
            count = text_of(held_app.screen.query_one("#register-count", Static))
            assert "Loading 10 contracts" in count and "3 of the first 3 shown" in count
            table.focus()
            await pilot.press("down")  # input works while the rest loads
            selected = table.selected_reference
            assert selected == table.shown[1].reference
            await pilot.press("i")  # exporting "every contract" would be wrong with three shown
            assert any("still loading" in note for note in notifications(held_app))
        finally:
            held_app.release.set()
        await settle(pilot)
        assert table.total == 10 and len(table.shown) == 10
        assert table.selected_reference == selected and table.cursor_row == 1  # the same row, still selected
        count = text_of(held_app.screen.query_one("#register-count", Static))
        assert count.startswith("10 of 10 contracts") and "Loading" not in count


async def test_filter_and_sort_typed_while_loading_apply_to_the_whole_register(held_app, settle):
    async with held_app.run_test(size=SIZE) as pilot:
        try:
            table = held_app.screen.query_one(RegisterTable)
            await _until(pilot, lambda: table.total == 3)
            assert isinstance(held_app.focused, Input)
            await pilot.press(*"mediation")
            table.sort_on("reference")
            page_shown = [row.reference for row in table.shown]
            assert len(page_shown) < 5  # only the page's mediation contracts so far
        finally:
            held_app.release.set()
        await settle(pilot)
        assert [row.reference for row in table.shown] == [
            "WCC-SEND-MED-2014-A", "WCC-SEND-MED-2014-B", "WCC-SEND-MED-2014-C", "WCC-SEND-MED-2025",
            "WSCC-SEND-MDR-2020",
        ]
        assert table.sort_key == "reference"


async def test_a_small_register_is_read_once(demo_app, settle, monkeypatch):
    """The first page holds every contract: the whole register is not read again."""
    def never():
        raise AssertionError("the whole register was read")

    monkeypatch.setattr(demo_app.backend, "register", never)
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = demo_app.screen.query_one(RegisterTable)
        assert table.total == 10
        assert text_of(demo_app.screen.query_one("#register-count", Static)).startswith("10 of 10 contracts")


async def test_quitting_does_not_wait_for_the_whole_register(held_app):
    """The whole register is read in a daemon thread, which the process does not wait for when it
    exits (asyncio joins a thread worker's thread, seconds at national scale)."""
    async with held_app.run_test(size=SIZE) as pilot:
        table = held_app.screen.query_one(RegisterTable)
        await _until(pilot, lambda: table.total == 3)
        await _until(pilot, lambda: _reader() is not None)
        await pilot.press("ctrl+q")
    try:
        assert held_app.return_code == 0
        reader = _reader()
        assert reader is not None and reader.daemon  # still reading, and not holding the process open
    finally:
        held_app.release.set()


def _reader() -> threading.Thread | None:
    return next((thread for thread in threading.enumerate()
                 if thread.name == "read register" and thread.is_alive()), None)
