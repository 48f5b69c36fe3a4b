"""Every dialog: fits 80x24 with its error line and buttons in view, says Ctrl+S in its footer and
submits on it; risky ones ask first; a refused one stays open with what was typed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from textual.widgets import Button, Footer, Input

from contract_tracker.store.models import AuditEvent, Contract, Milestone
from contract_tracker.tui.screens.confirm import ConfirmScreen
from contract_tracker.tui.screens.contract import ContractScreen
from contract_tracker.tui.screens.form import FormScreen
from tui_helpers import error_text, field_errors, open_contract, text_of

pytestmark = pytest.mark.asyncio
SMALL = (80, 24)
REF = "WCC-SEND-MED-2025"

# (name, the contract to open (None: stay on the register), keys that open the dialog)
DIALOGS = [
    ("new contract", None, ["down", "n"]),
    ("edit contract", REF, ["e"]),
    ("new milestone", REF, ["m"]),
    ("edit milestone", REF, ["u"]),
    ("mark met", REF, ["d"]),
    ("exercise", REF, ["x"]),
    ("decline", REF, ["D"]),
    ("terminate", REF, ["t"]),
    ("schedule", REF, ["a"]),
    ("export", REF, ["i"]),
]


def audit(store, reference: str, action: str) -> list[AuditEvent]:
    with store.session() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.contract_reference == reference,
                                                          AuditEvent.action == action)))


async def open_dialog(app, pilot, settle, reference, keys) -> FormScreen:
    await settle(pilot)
    if reference:
        await open_contract(app, pilot, settle, reference)
    await pilot.press(*keys)
    await settle(pilot)
    assert isinstance(app.screen, FormScreen)
    return app.screen


def inside(widget, size) -> bool:
    region = widget.region
    return region.width > 0 and region.height > 0 and region.right <= size[0] and region.bottom <= size[1] - 1


@pytest.mark.parametrize(("name", "reference", "keys"), DIALOGS, ids=[d[0] for d in DIALOGS])
async def test_every_dialog_fits_80x24_with_its_buttons_error_line_and_ctrl_s_in_view(
        demo_app, settle, name, reference, keys):
    async with demo_app.run_test(size=SMALL) as pilot:
        dialog = await open_dialog(demo_app, pilot, settle, reference, keys)
        dialog.show_error("a long reason to check the error line stays in view however much the form holds")
        await pilot.pause()
        for widget in (dialog.query_one("#confirm", Button), dialog.query_one("#cancel", Button),
                       dialog.query_one("#form-error")):
            assert inside(widget, SMALL), (name, widget, widget.region)
        footer = dialog.query_one(Footer)
        assert inside(footer, (SMALL[0], SMALL[1] + 1))
        shown = {key: binding.description for key, (_, binding, enabled, _) in dialog.active_bindings.items()
                 if binding.show and enabled}
        assert shown["ctrl+s"] == str(dialog.query_one("#confirm", Button).label)


async def test_the_last_field_of_the_contract_form_scrolls_into_view_at_80x24(demo_app, settle):
    async with demo_app.run_test(size=SMALL) as pilot:
        dialog = await open_dialog(demo_app, pilot, settle, REF, ["e"])
        body = dialog.query_one(".form-body")
        assert body.max_scroll_y > 0  # more fields than fit: they scroll
        last = dialog.query_one("#light_touch")
        last.focus()
        await pilot.pause()
        assert inside(last, SMALL) and inside(dialog.query_one("#confirm"), SMALL)


async def test_ctrl_s_marks_a_milestone_met(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SMALL) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "DEMO-SL-2026")
        await pilot.press("m")
        demo_app.screen.query_one("#name", Input).value = "Review"
        demo_app.screen.query_one("#due", Input).value = "2026-11-30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("d", "ctrl+s")
        await settle(pilot)
        assert demo_app.screen is screen
    with demo_store.session() as session:
        milestone = session.exec(select(Milestone).where(Milestone.name == "Review")).one()
    assert (milestone.status, milestone.met_on) == ("met", date(2026, 11, 22))


async def test_ctrl_s_exercises_an_option(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SMALL) as pilot:
        await open_contract(demo_app, pilot, settle, REF)
        await pilot.press("x", *"cabinet decision", "ctrl+s")
        await settle(pilot)
    assert audit(demo_store, REF, "exercised")[0].reason == "cabinet decision"


async def test_ctrl_s_declines_an_option_after_asking(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SMALL) as pilot:
        await open_contract(demo_app, pilot, settle, REF)
        await pilot.press("D", *"re-procure instead", "ctrl+s")
        question = demo_app.screen
        assert isinstance(question, ConfirmScreen)
        assert "Decline option 1 of WCC-SEND-MED-2025?" in text_of(question.query_one("#question"))
        assert question.focused is question.query_one("#no")  # Enter alone goes back
        await pilot.press("enter")
        await settle(pilot)
        assert not audit(demo_store, REF, "declined")
        assert demo_app.screen.query_one("#reason", Input).value == "re-procure instead"  # still there
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot)
    assert audit(demo_store, REF, "declined")[0].reason == "re-procure instead"


async def test_ctrl_s_exports(demo_app, settle, tmp_path):
    async with demo_app.run_test(size=SMALL) as pilot:
        await open_contract(demo_app, pilot, settle, REF)
        await pilot.press("i")
        demo_app.screen.query_one("#path", Input).value = str(tmp_path / "out.ics")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, ContractScreen)
    assert (tmp_path / "out.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


async def test_terminate_starts_on_the_date_and_one_enter_never_terminates(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SMALL) as pilot:
        await open_contract(demo_app, pilot, settle, "DEMO-SL-2026")
        await pilot.press("t")
        dialog = demo_app.screen
        assert dialog.focused is dialog.query_one("#day", Input)
        await pilot.press("enter")  # on to the reason
        assert dialog.focused is dialog.query_one("#reason", Input)
        await pilot.press(*"provider failure", "enter")  # asks first, "Go back" focused
        assert isinstance(demo_app.screen, ConfirmScreen)
        assert "Sunday 22 November 2026 as its last day" in text_of(demo_app.screen.query_one("#question"))
        await pilot.press("enter")
        await settle(pilot)
        assert demo_app.screen is dialog
    assert not audit(demo_store, "DEMO-SL-2026", "terminated")


async def test_a_refused_termination_stays_open_with_the_reason_beside_the_date(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SMALL) as pilot:
        await open_contract(demo_app, pilot, settle, "DEMO-SL-2026")
        await pilot.press("t")
        dialog = demo_app.screen
        dialog.query_one("#day", Input).value = "2020-01-01"
        dialog.query_one("#reason", Input).value = "provider failure"
        await pilot.press("ctrl+s", "ctrl+s")  # submit, then go ahead
        await settle(pilot)
        assert demo_app.screen is dialog
        assert "before the contract starts" in field_errors(dialog)["day"]
        assert dialog.query_one("#reason", Input).value == "provider failure"
        assert "Not saved" in error_text(dialog)
        dialog.query_one("#day", Input).value = "2027-06-30"  # put right and saved from the same dialog
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, ContractScreen)
    with demo_store.session() as session:
        contract = session.exec(select(Contract).where(Contract.reference == "DEMO-SL-2026")).one()
    assert (contract.terminated_on, contract.termination_reason) == (date(2027, 6, 30), "provider failure")


async def test_a_refused_milestone_stays_open_with_what_was_typed(demo_app, settle):
    async with demo_app.run_test(size=SMALL) as pilot:
        await open_contract(demo_app, pilot, settle, REF)
        await pilot.press("d")  # mark the selected milestone met ... tomorrow
        dialog = demo_app.screen
        dialog.query_one("#day", Input).value = "2026-11-23"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is dialog
        assert "cannot be met in the future" in field_errors(dialog)["day"]
        assert dialog.query_one("#day", Input).value == "2026-11-23"


async def test_marking_an_award_step_met_warns_when_the_contract_is_short_of_kpis(store, make_app, settle):
    """As the command line does (kpi_cmds): the signature stands, and the notice says what is missing."""
    from decimal import Decimal

    from contract_tracker.domain.dates import Span
    from contract_tracker.services import ContractFields, register_contract
    from contract_tracker.services.kpis import add_kpi
    from contract_tracker.services.milestones import add_milestone
    from tui_helpers import notifications

    with store.session() as session:
        register_contract(session, ContractFields(
            reference="HWY-1", title="Highways maintenance", status="planned", regime="PA2023", procedure="open",
            whole_life_value=Decimal("6000000")), actor="tester")
        add_kpi(session, "HWY-1", name="Potholes", target="fixed within 28 days", actor="tester")
        add_milestone(session, "HWY-1", kind="signature", name="Contract signed",
                      due=Span(date(2026, 11, 20), date(2026, 11, 20)), actor="tester")
    app = make_app(store)
    async with app.run_test(size=SMALL) as pilot:
        await open_contract(app, pilot, settle, "HWY-1")
        await pilot.press("d", "ctrl+s")
        await settle(pilot)
    said = [note for note in notifications(app) if note.startswith("Marked met: Contract signed")]
    assert said and "Warning:" in said[0] and "awarded with 1 KPI" in said[0], notifications(app)
    with store.session() as session:
        assert session.exec(select(Milestone).where(Milestone.name == "Contract signed")).one().status == "met"
