"""Applying a schedule template from the contract screen: the preview says what Apply then does."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, Select

from contract_tracker.store.models import AuditEvent, Contract, Milestone
from contract_tracker.tui.screens.schedule_apply import ScheduleApplyScreen
from tui_helpers import field_errors, open_contract, text_of

pytestmark = pytest.mark.asyncio
SIZE = (120, 40)
REF = "WCC-SEND-MED-2025"


def milestones(store) -> list[Milestone]:
    with store.session() as session:
        contract = session.exec(select(Contract).where(Contract.reference == REF)).one()
        return list(session.exec(select(Milestone).where(Milestone.contract_id == contract.id)))


async def test_preview_then_apply(demo_store, demo_app, settle):
    before = milestones(demo_store)
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, REF)
        await pilot.press("a")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, ScheduleApplyScreen)
        # best fit for a light-touch PA 2023 contract, planned back from the next service start: the day
        # after the latest end still possible (31 Aug 2034), not the contract's own start in 2025
        assert dialog.query_one("#template", Select).value == "pa2023-light-touch"
        assert dialog.query_one("#anchor-date", Input).value == "2034-09-01"
        dialog.query_one("#anchor-date", Input).value = "2025-09-01"
        await settle(pilot)
        table = dialog.query_one("#schedule-preview", DataTable)
        assert table.row_count == 13
        assert str(table.get_row("service-start")[0]) == "Mon 1 Sep 2025"
        summary = text_of(dialog.query_one("#schedule-summary"))
        assert "5 new, 0 to move, 0 unchanged, 8 kept as recorded" in summary
        assert len(milestones(demo_store)) == len(before)  # the preview wrote nothing

        dialog.query_one("#anchor", Select).value = "itt publication"  # plan forwards instead
        dialog.query_one("#anchor-date", Input).value = "2027-01-04"
        await settle(pilot)
        assert str(table.get_row("itt")[0]) == "Mon 4 Jan 2027"
        dialog.query_one("#anchor", Select).value = "service start"
        dialog.query_one("#anchor-date", Input).value = "1 Sep 2025"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is screen
    after = milestones(demo_store)
    keyed = [m for m in after if m.template_key and m.template_key.startswith("pa2023-light-touch:")]
    assert len(after) == len(before) + 5 and len(keyed) == 13
    with demo_store.session() as session:
        applied = session.exec(select(AuditEvent).where(AuditEvent.contract_reference == REF,
                                                         AuditEvent.action == "schedule applied")).one()
    assert (applied.actor, applied.new_value, applied.reason) == (
        "tui officer", "pa2023-light-touch", "service-start on 2025-09-01")
    assert len(screen.detail.milestones) == len(after)  # the screen reloaded


async def test_a_bad_date_disables_apply_and_cancel_changes_nothing(demo_store, demo_app, settle):
    before = milestones(demo_store)
    async with demo_app.run_test(size=SIZE) as pilot:
        await open_contract(demo_app, pilot, settle, REF)
        await pilot.press("a")
        await settle(pilot)
        dialog = demo_app.screen
        dialog.query_one("#anchor-date", Input).value = "31 Feb 2026"
        await settle(pilot)
        assert dialog.query_one("#confirm").disabled
        assert "no such date" in field_errors(dialog)["anchor-date"]
        await pilot.press("ctrl+s")  # nothing to apply
        assert demo_app.screen is dialog
        await pilot.press("escape")
        await settle(pilot)
    assert len(milestones(demo_store)) == len(before)


async def test_reopening_starts_from_the_plan_and_shows_old_and_new_dates(demo_store, demo_app, settle):
    """Applied once for the next procurement, the dialog opens on that plan's service start (nothing
    to change), and a new date shows each milestone's move as old → new."""
    async with demo_app.run_test(size=SIZE) as pilot:
        await open_contract(demo_app, pilot, settle, "DEMO-SL-2026")
        await pilot.press("a")
        await settle(pilot)
        dialog = demo_app.screen
        # the day after the latest end still possible (31 Mar 2030); not 1 Apr 2026, its start
        assert dialog.query_one("#anchor-date", Input).value == "2030-04-01"
        assert "13 new" in text_of(dialog.query_one("#schedule-summary"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        dialog = demo_app.screen
        assert dialog.query_one("#anchor-date", Input).value == "2030-04-01"  # the planned service start
        assert "0 new, 0 to move, 13 unchanged" in text_of(dialog.query_one("#schedule-summary"))
        dialog.query_one("#anchor-date", Input).value = "2030-10-01"
        await settle(pilot)
        assert "0 new, 13 to move, 0 unchanged" in text_of(dialog.query_one("#schedule-summary"))
        table = dialog.query_one("#schedule-preview", DataTable)
        assert str(table.get_row("service-start")[0]) == "Mon 1 Apr 2030 → Tue 1 Oct 2030"
        assert str(table.get_row("service-start")[2]) == "moves"
        await pilot.press("escape")
