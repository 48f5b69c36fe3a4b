"""A large register: its first rows show at once, the rest arrive later and take their place,
keeping the filter, the sort and the selected contract. Here the demo register stands in for a
large one, with a first page of three rows and the whole register held back until released."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import Input, Static

from contract_tracker.tui import backend as backend_module
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


@pytest.fixture
def slow_app(demo_app, monkeypatch):
    """The demo app with a first page of 3 rows, whose whole-register read runs a database
    statement that takes half a minute or more unless it is interrupted. `outcome` says how the read ended."""
    monkeypatch.setattr(RegisterScreen, "PAGE_ROWS", 3)
    demo_app.reading, demo_app.outcome = threading.Event(), []

    def slow_register_rows(session, *, as_of):
        demo_app.reading.set()
        slow = ("SELECT pg_sleep(30)" if session.get_bind().dialect.name == "postgresql" else
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000000) "
                "SELECT count(*) FROM n")
        try:
            session.exec(text(slow)).all()
        except Exception as error:
            demo_app.outcome.append(error)
            raise
        demo_app.outcome.append("finished")
        return []

    monkeypatch.setattr(backend_module, "register_rows", slow_register_rows)
    return demo_app


async def test_quitting_stops_the_whole_register_read(slow_app):
    """A thread worker's thread is waited for when the app exits: quitting while the whole register
    is read (seconds at national scale) interrupts the database statement, so the app exits now."""
    async with slow_app.run_test(size=SIZE) as pilot:
        table = slow_app.screen.query_one(RegisterTable)
        await _until(pilot, lambda: table.total == 3 and slow_app.reading.is_set())
        await pilot.press("ctrl+q")
    assert slow_app.return_code == 0
    for _ in range(500):  # the read's thread ends once the statement is interrupted
        if slow_app.outcome:
            break
        await asyncio.sleep(0.01)
    assert slow_app.outcome and slow_app.outcome[0] != "finished", slow_app.outcome


async def test_a_refresh_while_loading_replaces_the_read_in_flight(slow_app):
    async with slow_app.run_test(size=SIZE) as pilot:
        table = slow_app.screen.query_one(RegisterTable)
        await _until(pilot, lambda: table.total == 3 and slow_app.reading.is_set())
        slow_app.reading.clear()
        await pilot.press("f5")
        await _until(pilot, lambda: bool(slow_app.outcome) and slow_app.reading.is_set())
        assert slow_app.outcome[0] != "finished"  # the first read was stopped; the second is under way
        assert table.total == 3  # the page stays until the whole register is in
        await pilot.press("ctrl+q")


async def test_no_screen_switches_the_garbage_collector():
    """The collector is paused by the core's loading code (views.register_rows), not by a screen."""
    import contract_tracker.tui as tui

    for path in Path(tui.__file__).parent.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "gc_pause" not in source and "import gc" not in source, path


async def test_the_whole_register_is_read_with_the_collector_paused(demo_store, today, monkeypatch):
    import gc

    from contract_tracker.read import views

    seen = []
    inner = views._register

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return inner(*args, **kwargs)

    monkeypatch.setattr(views, "_register", watching)
    assert gc.isenabled()
    with demo_store.session() as session:
        assert len(views.register_rows(session, as_of=today)) == 10
    assert seen == [False] and gc.isenabled()
