"""Flows that change the register: each goes through a service (so it is audited) and shows on screen."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input

from contract_tracker.store.models import AuditEvent, Contract, ExtensionOption, Milestone
from contract_tracker.tui.screens.confirm import ConfirmScreen
from contract_tracker.tui.screens.contract_form import ContractFormScreen
from contract_tracker.tui.screens.option_decision import OptionDecisionScreen
from contract_tracker.tui.widgets.register_table import RegisterTable
from tui_helpers import error_text, field_errors, open_contract

pytestmark = pytest.mark.asyncio
SIZE = (120, 40)


def fill(screen, **values) -> None:
    for field_id, value in values.items():
        screen.query_one(f"#{field_id}", Input).value = value


def audit(store, reference: str, action: str) -> list[AuditEvent]:
    with store.session() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.contract_reference == reference,
                                                          AuditEvent.action == action,
                                                          AuditEvent.actor == "tui officer")))


async def test_add_a_contract(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "n")
        form = demo_app.screen
        assert isinstance(form, ContractFormScreen)
        await pilot.press(*"WCC-ADV-2027")
        fill(form, title="Independent advocacy", suppliers="Advocacy First; Voice CIC", start_date="1 Apr 2027",
             initial_term="2y", options="1y, 1y", owner_role="Head of Commissioning", annual_value="120,000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(demo_app.screen, ContractFormScreen)
        with demo_store.session() as session:
            contract = session.exec(select(Contract).where(Contract.reference == "WCC-ADV-2027")).one()
            options = session.exec(select(ExtensionOption).where(ExtensionOption.contract_id == contract.id)).all()
        assert contract.start_date == date(2027, 4, 1) and contract.initial_term == "2y"
        assert [o.length for o in options] == ["1y", "1y"]
        assert audit(demo_store, "WCC-ADV-2027", "created")[0].actor == "tui officer"
        row = demo_app.screen.query_one(RegisterTable).cell_texts("WCC-ADV-2027")
        assert (row["title"], row["suppliers"], row["current_end"]) == (
            "Independent advocacy", "Advocacy First; Voice CIC", "2029-03-31")


async def test_bad_input_is_shown_in_the_form_and_nothing_is_saved(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "n")
        form = demo_app.screen
        fill(form, reference="BAD-1", title="Bad dates", annual_value="lots")
        form.query_one("#annual_value", Input).focus()
        await pilot.press("tab")  # leaving a field checks it
        assert "annual value" in field_errors(form)["annual_value"]
        fill(form, annual_value="", start_date="31 Feb 2027", initial_term="2y")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert demo_app.screen is form
        assert "no such date" in field_errors(form)["start_date"]
        assert form.query_one("#field-start_date").has_class("-invalid")
        fill(form, start_date="2027-02-01", initial_term="two years")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert demo_app.screen is form and list(field_errors(form)) == ["initial_term"]
    with demo_store.session() as session:
        assert session.exec(select(Contract).where(Contract.reference == "BAD-1")).first() is None


async def test_a_refused_change_keeps_the_form_open_with_the_reason_beside_the_field(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "n")
        form = demo_app.screen
        fill(form, reference="WCC-SEND-MED-2025", title="A duplicate", start_date="2027-01-01", initial_term="1y")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is form  # the same dialog, never closed
        assert "already exists" in field_errors(form)["reference"]
        assert form.query_one("#title", Input).value == "A duplicate"  # what was typed is kept
        assert form.query_one("#start_date", Input).value == "2027-01-01"
        fill(form, reference="WCC-SEND-MED-2027")  # put right, saved from the same dialog
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is not form
    with demo_store.session() as session:
        assert session.exec(select(Contract).where(Contract.reference == "WCC-SEND-MED-2027")).one().title == \
            "A duplicate"


async def test_edit_a_contract(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await open_contract(demo_app, pilot, settle, "DEMO-LIB-2022")
        await pilot.press("e")
        form = demo_app.screen
        assert form.query_one("#reference", Input).disabled
        fill(form, owner_role="Head of Culture")
        await pilot.press("ctrl+s")
        await settle(pilot)
        events = audit(demo_store, "DEMO-LIB-2022", "edited")
        assert [(e.field, e.old_value, e.new_value) for e in events] == [
            ("owner_role", "Head of Libraries", "Head of Culture")]
        assert demo_app.screen.detail.owner_role == "Head of Culture"  # the screen reloaded


async def test_exercise_an_option_with_a_reason(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "WCC-SEND-MED-2025")
        await pilot.press("x")
        dialog = demo_app.screen
        assert isinstance(dialog, OptionDecisionScreen)
        await pilot.press("enter")  # no reason yet
        assert demo_app.screen is dialog and "reason" in error_text(dialog)
        await pilot.press(*"Cabinet approved the extension", "enter")
        await settle(pilot)
        assert demo_app.screen is screen
        assert screen.detail.current_end == date(2031, 8, 31)
        events = audit(demo_store, "WCC-SEND-MED-2025", "exercised")
        assert events[0].reason == "Cabinet approved the extension"
        terms = screen.query_one("#table-terms", DataTable)
        assert str(terms.get_row("option-1")[3]) == "exercised"
        await pilot.press("escape")
        await settle(pilot)
        assert demo_app.screen.query_one(RegisterTable).cell_texts("WCC-SEND-MED-2025")["current_end"] == "2031-08-31"


async def test_decline_an_option_can_be_cancelled_then_done(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "WCC-SEND-MED-2025")
        await pilot.press("D")
        await pilot.press("escape")  # changed my mind
        await settle(pilot)
        assert not audit(demo_store, "WCC-SEND-MED-2025", "declined")
        await pilot.press("D", *"re-procure instead", "enter")
        assert isinstance(demo_app.screen, ConfirmScreen)  # declining asks first
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [o.status_as_of for o in screen.detail.options] == ["declined", "lapsed"]
        assert len(audit(demo_store, "WCC-SEND-MED-2025", "lapsed")) == 1


async def test_a_late_decision_needs_the_box_ticked(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "DEMO-HST-2023")  # decision date passed
        await pilot.press("x", *"decided at committee", "enter")
        dialog = demo_app.screen
        assert "tick the box" in field_errors(dialog)["late"]
        dialog.query_one("#late").value = True
        await pilot.click("#confirm")
        await settle(pilot)
        assert audit(demo_store, "DEMO-HST-2023", "exercised")[0].reason == "decided at committee"
        assert screen.detail.options[0].status_as_of == "exercised"


async def test_add_edit_and_mark_a_milestone_met(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "DEMO-SL-2026")
        await pilot.press("m")
        fill(demo_app.screen, name="Contract review", due="March/April 2027")
        await pilot.press("ctrl+s")
        await settle(pilot)
        added = next(m for m in screen.detail.milestones if m.name == "Contract review")
        assert (added.start_date, added.due_date) == (date(2027, 3, 1), date(2027, 4, 30))
        table = screen.query_one("#table-milestones", DataTable)
        table.move_cursor(row=table.get_row_index(str(added.id)))
        await pilot.press("u")
        fill(demo_app.screen, name="Annual contract review", due="2026-11-20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        table.move_cursor(row=table.get_row_index(str(added.id)))
        await pilot.press("d")
        assert demo_app.screen.query_one("#day", Input).value == "2026-11-22"  # today by default
        fill(demo_app.screen, day="2026-11-21")
        await pilot.press("enter")
        await settle(pilot)
    with demo_store.session() as session:
        milestone = session.get(Milestone, added.id)
    assert (milestone.name, milestone.status, milestone.met_on) == ("Annual contract review", "met", date(2026, 11, 21))
    assert str(table.get_row(str(added.id))[3]) == "met"


async def test_terminate_needs_a_reason_and_a_confirmation(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "DEMO-SL-2026")
        await pilot.press("t")
        dialog = demo_app.screen
        fill(dialog, day="2027-06-30")
        await pilot.press("enter", "enter")  # Enter on the date moves on to the reason, which is empty
        assert "reason" in field_errors(dialog)["reason"]
        await pilot.press(*"provider failure")
        await pilot.click("#confirm")
        question = demo_app.screen
        assert isinstance(question, ConfirmScreen)
        assert "Wednesday 30 June 2027 as its last day" in str(question.query_one("#question").render())
        await pilot.click("#yes")
        await settle(pilot)
        assert screen.detail.terminated_on == date(2027, 6, 30)
        assert audit(demo_store, "DEMO-SL-2026", "terminated")[0].reason == "provider failure"
