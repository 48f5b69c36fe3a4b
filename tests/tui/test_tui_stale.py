"""Team use: an edit made from a copy someone changed since is refused, and the app offers to reload."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from textual.widgets import Input

from contract_tracker import services
from contract_tracker.store.models import AuditEvent, Contract
from contract_tracker.tui.screens.stale_edit import StaleEditScreen
from tui_helpers import open_contract, text_of

pytestmark = pytest.mark.asyncio
SIZE = (120, 40)
REF = "DEMO-LIB-2022"


def contract(store) -> Contract:
    with store.session() as session:
        return session.exec(select(Contract).where(Contract.reference == REF)).one()


def bob_changes_the_owner(store) -> None:
    with store.session() as session:
        services.edit_contract(session, REF, {"owner_role": "Head of Culture"}, actor="bob")


async def test_a_stale_edit_is_refused_then_saved_on_top_after_reload(demo_store, demo_app, settle):
    """The form stays open with what was typed; after Reload, Ctrl+S saves only the fields changed
    in the form, on top of the other person's change (which is not put back)."""
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, REF)
        read = screen.detail.version
        bob_changes_the_owner(demo_store)  # someone else, while the screen is open
        await pilot.press("e")
        form = demo_app.screen
        form.query_one("#title", Input).value = "Libraries IT"
        await pilot.press("ctrl+s")
        await settle(pilot)
        offer = demo_app.screen
        assert isinstance(offer, StaleEditScreen)
        message = text_of(offer.query_one("#stale-message"))
        assert f"your copy is version {read}, now {read + 1}" in message
        assert "bob at" in message and "changed owner_role from 'Head of Libraries' to 'Head of Culture'" in message
        assert contract(demo_store).title != "Libraries IT"  # nothing of ours was written
        await pilot.press("r")  # reload
        await settle(pilot)
        assert demo_app.screen is form and form.query_one("#title", Input).value == "Libraries IT"
        assert form.query_one("#owner_role", Input).value == "Head of Libraries"  # as the form was opened
        assert screen.detail.version == read + 1 and screen.detail.owner_role == "Head of Culture"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is screen
    saved = contract(demo_store)
    assert (saved.title, saved.owner_role, saved.version) == ("Libraries IT", "Head of Culture", read + 2)
    with demo_store.session() as session:
        ours = session.exec(select(AuditEvent).where(AuditEvent.contract_reference == REF,
                                                      AuditEvent.actor == "tui officer")).all()
    assert [(e.field, e.new_value) for e in ours] == [("title", "Libraries IT")]


async def test_not_now_keeps_the_screen_and_a_decision_is_refused_too(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "DEMO-SL-2026")
        read = screen.detail.version
        with demo_store.session() as session:
            services.terminate(session, "DEMO-SL-2026", on=date(2027, 3, 31), reason="provider exit", actor="bob")
        await pilot.press("x", *"extend", "enter")
        await settle(pilot)
        offer = demo_app.screen
        assert isinstance(offer, StaleEditScreen)
        assert "terminated" in text_of(offer.query_one("#stale-message"))
        await pilot.press("escape")  # not now: back to the dialog, as it was
        await settle(pilot)
        assert demo_app.screen.query_one("#reason", Input).value == "extend"
        assert screen.detail.version == read  # still the old copy
        await pilot.press("escape")
        assert demo_app.screen is screen
    with demo_store.session() as session:
        assert not session.exec(select(AuditEvent).where(AuditEvent.contract_reference == "DEMO-SL-2026",
                                                          AuditEvent.action == "exercised")).all()
