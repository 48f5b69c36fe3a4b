"""Re-procuring from the contract screen: the dialog plans the successor through the backend."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select
from textual.widgets import Input, Select

from contract_tracker.store.models import Contract
from contract_tracker.tui.screens.reprocure import ReprocureScreen
from tui_helpers import error_text, field_errors, notifications, open_contract

pytestmark = pytest.mark.asyncio
SIZE = (120, 40)
REF = "DEMO-LIB-2022"


def contracts(store) -> dict[str, Contract]:
    with store.session() as session:
        return {c.reference: c for c in session.exec(select(Contract))}


async def test_r_plans_the_successor_from_the_day_after_the_latest_end(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, REF)
        await pilot.press("R")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, ReprocureScreen)
        assert dialog.query_one("#template", Select).value == "pa2023-call-off"
        assert "1 Jul 2027" in dialog.query_one("#start", Input).placeholder
        dialog.query_one("#successor", Input).value = "DEMO-LIB-2027"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is screen
        assert screen.detail.successor == "DEMO-LIB-2027"  # the screen reloaded
        assert any("Planned DEMO-LIB-2027 from 1 Jul 2027" in note for note in notifications(demo_app))
    stored = contracts(demo_store)
    successor = stored["DEMO-LIB-2027"]
    assert (successor.status, successor.start_date) == ("planned", date(2027, 7, 1))
    assert stored[REF].successor_id == successor.id


async def test_a_refused_successor_keeps_the_dialog_open_and_writes_nothing(demo_store, demo_app, settle):
    before = len(contracts(demo_store))
    async with demo_app.run_test(size=SIZE) as pilot:
        await open_contract(demo_app, pilot, settle, REF)
        await pilot.press("R")
        await settle(pilot)
        dialog = demo_app.screen
        dialog.query_one("#successor", Input).value = "DEMO-HST-2023"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is dialog
        assert "already exists" in field_errors(dialog)["successor"]
        dialog.query_one("#successor", Input).value = "DEMO-LIB-2027"
        dialog.query_one("#start", Input).value = "31 Feb 2027"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "no such date" in error_text(dialog)
        await pilot.press("escape")
        await settle(pilot)
    with demo_store.session() as session:
        assert session.exec(select(func.count()).select_from(Contract)).one() == before
