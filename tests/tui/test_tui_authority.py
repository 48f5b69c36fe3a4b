"""The authority in the app: its notices brought forward to the app's day, its settings in a dialog
(F6 and the palette), and its notices marked done from the agenda."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select
from textual.command import CommandPalette
from textual.widgets import Checkbox, DataTable, Input, Select

from contract_tracker.services import ContractFields, register_contract
from contract_tracker.services.authority import authority_settings, set_authority
from contract_tracker.services.demo import NOTICES_PUBLISHED_UNTIL
from contract_tracker.services.notices import notices_as_of
from contract_tracker.settings import resolve
from contract_tracker.store.models import AuditEvent, AuthorityNoticeDone
from contract_tracker.tui.app import create_app
from contract_tracker.tui.screens.agenda import AgendaScreen
from contract_tracker.tui.screens.authority import AuthorityScreen
from contract_tracker.tui.screens.help import HelpScreen
from contract_tracker.tui.screens.notice_done import NoticeDoneScreen
from tui_helpers import error_text, field_errors, notifications, text_of

pytestmark = pytest.mark.asyncio
SIZE = (120, 40)
UK8_H1 = "UK8 2026/27-H1"  # due 29 Oct 2026: overdue on the tests' day, 22 Nov 2026


async def to_agenda(app, pilot, settle) -> AgendaScreen:
    await settle(pilot)
    await pilot.press("f3")
    await settle(pilot)
    assert isinstance(app.screen, AgendaScreen)
    return app.screen


async def cursor_on(screen: AgendaScreen, pilot, notice: str) -> None:
    table = screen.query_one(DataTable)
    row = next(i for i in range(table.row_count)
               if screen.shown.get(str(table.coordinate_to_cell_key((i, 0)).row_key.value), None) is not None
               and screen.shown[str(table.coordinate_to_cell_key((i, 0)).row_key.value)].notice == notice)
    table.focus()
    table.move_cursor(row=row)
    await pilot.pause()


def notices_on_agenda(screen: AgendaScreen) -> list[str]:
    return [item.notice for item in screen.items if item.notice]


# Brought forward to the app's day ---------------------------------------------------------------
async def test_the_app_opened_on_a_later_day_shows_the_new_notice_in_the_agenda(store, settle):
    """Notices last worked out a year before (the command line not run since): the app's first
    read works them out as of its own day, and the agenda shows the year's new UK1 notice."""
    with store.session() as session:
        register_contract(session, ContractFields(
            reference="PA-1", title="Day services", start_date=date(2025, 10, 1), initial_term="5y",
            regime="PA2023", annual_value=Decimal("100000")), actor="officer")
        set_authority(session, actor="officer", today=date(2025, 3, 31), expected_spend="£150,000,000")
    app = create_app(store, resolve(None, "tui officer"), date(2026, 4, 1))
    async with app.run_test(size=SIZE) as pilot:
        agenda = await to_agenda(app, pilot, settle)
        assert "UK1 2026/27" in notices_on_agenda(agenda)
        table = agenda.query_one(DataTable)
        shown = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert "Publish the pipeline notice (UK1) for 2026/27" in shown
    with store.session() as session:
        assert notices_as_of(session) == date(2026, 4, 1)


async def test_the_demo_loaded_without_a_day_shows_the_authoritys_notices(demo_store, demo_app, settle):
    with demo_store.session() as session:  # as the demo council published them, not as of the app's day
        assert notices_as_of(session) == NOTICES_PUBLISHED_UNTIL
    async with demo_app.run_test(size=SIZE) as pilot:
        agenda = await to_agenda(demo_app, pilot, settle)
        assert UK8_H1 in notices_on_agenda(agenda)


# The settings dialog -----------------------------------------------------------------------------
async def test_f6_edits_the_authoritys_settings_and_its_notices_follow(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        agenda = await to_agenda(demo_app, pilot, settle)
        assert UK8_H1 in notices_on_agenda(agenda)
        await pilot.press("f6")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, AuthorityScreen)
        assert dialog.query_one("#name", Input).value == "" and dialog.query_one("#nation", Select).value == Select.NULL
        dialog.query_one("#name", Input).value = "Warwickshire County Council"
        dialog.query_one("#nation", Select).value = "ENG"
        dialog.query_one("#expected_spend", Input).value = "£120,000,000"
        boxes = {str(box.label): box for box in dialog.query(Checkbox)}
        boxes["UK8 payments compliance (s.69): schools, NI"].value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is agenda
        assert "UK8" not in " ".join(notices_on_agenda(agenda))  # opted out: gone from the agenda
        assert any("settings saved" in note for note in notifications(demo_app))
        await pilot.press("f6")  # opened again: as stored
        await settle(pilot)
        again = demo_app.screen
        assert again.query_one("#name", Input).value == "Warwickshire County Council"
        assert again.query_one("#expected_spend", Input).value == "£120,000,000.00"
        assert [str(box.label) for box in again.query(Checkbox) if box.value] == [
            "UK8 payments compliance (s.69): schools, NI"]
    with demo_store.session() as session:
        view = authority_settings(session)
        assert (view.name, view.nation, view.expected_spend, view.opt_outs) == (
            "Warwickshire County Council", "ENG", Decimal("120000000"), ("UK8 due",))
        audited = session.exec(select(AuditEvent.field).where(AuditEvent.entity == "authority")).all()
        assert set(audited) == {"name", "nation", "expected_spend", "opt_outs"}


async def test_the_palette_opens_the_settings(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(demo_app.screen, CommandPalette)
        await pilot.press(*"authority settings")
        await pilot.pause(0.3)  # the palette searches after a short debounce
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, AuthorityScreen)


async def test_refused_settings_keep_the_dialog_open_with_what_was_entered(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        dialog = demo_app.screen
        dialog.query_one("#name", Input).value = "Warwickshire County Council"
        dialog.query_one("#expected_spend", Input).value = "lots"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is dialog
        assert "expected spend" in field_errors(dialog)["expected_spend"]
        assert dialog.query_one("#name", Input).value == "Warwickshire County Council"
        # Refused by the register itself (a name longer than it keeps): beside the name, all kept.
        dialog.query_one("#expected_spend", Input).value = "£90,000,000"
        dialog.query_one("#name", Input).value = "W" * 201
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is dialog
        assert "name" in field_errors(dialog) and "Not saved" in error_text(dialog)
        assert dialog.query_one("#expected_spend", Input).value == "£90,000,000"
        assert dialog.query_one("#name", Input).value == "W" * 201
        await pilot.press("escape")
    with demo_store.session() as session:
        assert authority_settings(session).name == ""  # nothing written


@pytest.mark.parametrize("height", [24, 16])
async def test_the_settings_dialog_fits_80_columns_and_scrolls_when_short(demo_app, settle, height):
    """The buttons and the error line always in view; the fields scroll to the last opt-out."""
    async with demo_app.run_test(size=(80, height)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        dialog = demo_app.screen
        for selector in ("#confirm", "#cancel", "#form-error"):
            region = dialog.query_one(selector).region
            assert region.bottom <= height and region.right <= 80, selector
        body = dialog.query_one(".form-body")
        last = list(dialog.query(Checkbox))[-1]
        if height == 24:
            assert body.max_scroll_y == 0 and last.region.bottom <= body.region.bottom  # all of it shows
        else:
            assert body.max_scroll_y > 0
            body.scroll_end(animate=False)
            await pilot.pause()
            assert body.region.y <= last.region.y and last.region.bottom <= body.region.bottom


# Marked done from the agenda ---------------------------------------------------------------------
async def test_d_marks_the_authoritys_notice_done_with_a_date_and_a_note(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        agenda = await to_agenda(demo_app, pilot, settle)
        await cursor_on(agenda, pilot, UK8_H1)
        await pilot.press("d")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, NoticeDoneScreen) and UK8_H1 in dialog.title_text()
        assert dialog.query_one("#day", Input).value == "2026-11-22"
        dialog.query_one("#day", Input).value = "2026-10-27"
        dialog.query_one("#note", Input).value = "Published on Find a Tender"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is agenda
        assert UK8_H1 not in notices_on_agenda(agenda)
        assert any(f"{UK8_H1} published 27 Oct 2026" in note for note in notifications(demo_app))
    with demo_store.session() as session:
        record = session.exec(select(AuthorityNoticeDone).where(AuthorityNoticeDone.key == UK8_H1)).one()
        assert (record.done_on, record.note, record.recorded_by) == (
            date(2026, 10, 27), "Published on Find a Tender", "tui officer")


async def test_a_refused_day_keeps_the_dialog_open_with_the_note(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        agenda = await to_agenda(demo_app, pilot, settle)
        await cursor_on(agenda, pilot, UK8_H1)
        await pilot.press("d")
        await settle(pilot)
        dialog = demo_app.screen
        dialog.query_one("#day", Input).value = "2026-12-01"  # after today
        dialog.query_one("#note", Input).value = "Find a Tender"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is dialog
        assert "in the future" in field_errors(dialog)["day"]
        assert dialog.query_one("#note", Input).value == "Find a Tender"
        dialog.query_one("#day", Input).value = "29 Feb 2026"
        await pilot.press("ctrl+s")
        assert demo_app.screen is dialog and field_errors(dialog)["day"]
        await pilot.press("escape")
        await settle(pilot)
        assert demo_app.screen is agenda and UK8_H1 in notices_on_agenda(agenda)
    with demo_store.session() as session:
        assert session.exec(select(AuthorityNoticeDone).where(AuthorityNoticeDone.key == UK8_H1)).all() == []


async def test_d_on_a_contracts_deadline_says_where_to_go(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        agenda = await to_agenda(demo_app, pilot, settle)
        table = agenda.query_one(DataTable)
        row = next(i for i in range(table.row_count) if str(table.get_row_at(i)[2]) == "DEMO-HST-2023")
        table.focus()
        table.move_cursor(row=row)
        await pilot.press("d")
        await settle(pilot)
        assert demo_app.screen is agenda
        assert any("met on its own screen" in note for note in notifications(demo_app))


async def test_f1_lists_the_new_keys(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await to_agenda(demo_app, pilot, settle)
        await pilot.press("f1")
        assert isinstance(demo_app.screen, HelpScreen)
        keys = dict(demo_app.screen.rows())
        assert {"d": "Notice done", "f6": "Authority settings"}.items() <= keys.items()
        assert "F6" in text_of(demo_app.screen.query_one(".help-intro"))
