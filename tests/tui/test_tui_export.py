"""Export the current view to .ics: the register (as filtered), a contract, the agenda."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from sqlmodel import select
from textual.widgets import Input

from contract_tracker.read.stream import standing_of
from contract_tracker.store.models import Deadline
from contract_tracker.tui.screens.export_ics import ExportScreen
from tui_helpers import error_text, field_errors, notifications, open_contract, text_of

pytestmark = pytest.mark.asyncio
SIZE = (120, 40)


def events(path) -> list:
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


async def export_to(app, pilot, settle, path) -> ExportScreen:
    await pilot.press("i")
    dialog = app.screen
    assert isinstance(dialog, ExportScreen)
    dialog.query_one("#path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    assert app.screen is not dialog
    return dialog


async def test_register_exports_the_contracts_shown(demo_store, demo_app, settle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"WCC-SEND", "down", "i")
        dialog = demo_app.screen
        assert dialog.query_one("#path", Input).value == str(tmp_path / "contract-deadlines.ics")  # default here
        assert "the 4 contracts shown" in text_of(dialog.query_one("#export-what"))
        await pilot.press("enter")
        await settle(pilot)
        written = events(tmp_path / "contract-deadlines.ics")
        assert f"{len(written)} events written to {tmp_path / 'contract-deadlines.ics'}" in notifications(demo_app)
    with demo_store.session() as session:
        wcc = session.exec(select(Deadline).where(Deadline.contract_reference.startswith("WCC-SEND")))
        # Rows not yet applying on the day are in no calendar.
        expected = [row for row in wcc if standing_of(row, demo_app.backend.today) != "pending"]
    assert len(written) == len(expected) > 0
    assert {str(e["DESCRIPTION"]).split("Contract: ")[1].split()[0].rstrip(",") for e in written} == {
        d.contract_reference for d in expected} == {"WCC-SEND-MED-2025", "WCC-SEND-MED-2014-A",
                                                    "WCC-SEND-MED-2014-B", "WCC-SEND-MED-2014-C"}


async def test_contract_screen_exports_its_deadlines(demo_store, demo_app, settle, tmp_path):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "DEMO-HST-2023")
        await export_to(demo_app, pilot, settle, tmp_path / "hst.ics")
        written = events(tmp_path / "hst.ics")
        # What the screen shows, but for deadlines that stopped applying long ago (HST's option 2 lapsed
        # when option 1 passed undecided on 1 Jun 2026): calendars drop those after 90 days.
        assert len(written) == len([d for d in screen.detail.deadlines if d.standing != "lapsed"]) == 3
        assert f"{len(written)} events written to {tmp_path / 'hst.ics'}" in notifications(demo_app)
    assert any("Extension decision" in str(e["SUMMARY"]) for e in written)


async def test_agenda_exports_exactly_what_it_shows(demo_store, demo_app, settle, tmp_path):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        agenda = demo_app.screen
        await export_to(demo_app, pilot, settle, tmp_path / "agenda.ics")
        written = events(tmp_path / "agenda.ics")
        # An event starts on the first day of its span (the authority's notices have one), else on its day.
        shown = sorted((item.start_date or item.due_date, f"{item.title}, {item.contract_title}")
                       for item in agenda.items)
        assert sorted((e.decoded("DTSTART"), str(e["SUMMARY"])) for e in written) == shown
        # the contracts' 6 deadlines and the authority's own 3 notices (the two late of 29 Oct, s.70 of 29 Jan)
        assert len(shown) == 9 and f"9 events written to {tmp_path / 'agenda.ics'}" in notifications(demo_app)


async def test_a_missing_folder_is_refused_in_the_dialog(demo_app, settle, tmp_path):
    async with demo_app.run_test(size=SIZE) as pilot:
        await open_contract(demo_app, pilot, settle, "DEMO-HST-2023")
        await pilot.press("i")
        dialog = demo_app.screen
        dialog.query_one("#path", Input).value = str(tmp_path / "nowhere" / "x.ics")
        await pilot.press("enter")
        assert demo_app.screen is dialog and "no such folder" in field_errors(dialog)["path"]
        await pilot.press("escape")
    assert not list(tmp_path.glob("**/*.ics*"))


async def test_a_file_that_cannot_be_written_keeps_the_dialog_open(demo_app, settle, tmp_path):
    """The file is written while the dialog waits: if that fails, it says why and keeps the path."""
    # 250 characters pass the dialog's checks; the scratch file written beside it (".NAME.partial")
    # is longer than a file system allows, so the write itself fails.
    too_long = str(tmp_path / ("x" * 246 + ".ics"))
    async with demo_app.run_test(size=SIZE) as pilot:
        await open_contract(demo_app, pilot, settle, "DEMO-HST-2023")
        await pilot.press("i")
        dialog = demo_app.screen
        dialog.query_one("#path", Input).value = too_long
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is dialog
        assert "too long" in field_errors(dialog)["path"]
        assert dialog.query_one("#path", Input).value == too_long
    assert not list(tmp_path.glob("*.ics*")) and not list(tmp_path.glob(".*partial"))


async def test_a_name_too_long_to_check_is_refused_in_the_dialog(demo_app, settle, tmp_path):
    async with demo_app.run_test(size=SIZE) as pilot:
        await open_contract(demo_app, pilot, settle, "DEMO-HST-2023")
        await pilot.press("i")
        dialog = demo_app.screen
        dialog.query_one("#path", Input).value = str(tmp_path / ("x" * 300 + ".ics"))
        await pilot.press("ctrl+s")
        assert demo_app.screen is dialog and "too long" in error_text(dialog)
