"""The register's status filter offers "needs review": contracts whose extension wording an import
could not read (kept, and no options taken from it)."""

from __future__ import annotations

import pytest
from textual.widgets import Select
from textual.widgets.select import InvalidSelectValueError

from contract_tracker.services import edit_contract
from contract_tracker.tui.widgets.register_table import RegisterTable

pytestmark = pytest.mark.asyncio
SIZE = (120, 40)


def shown(app) -> list[str]:
    return [row.reference for row in app.screen.query_one(RegisterTable).shown]


async def test_the_register_filters_contracts_whose_wording_needs_review(demo_store, make_app, settle):
    with demo_store.session() as session:  # a demo contract with no options, and wording nobody could read
        edit_contract(session, "WSCC-SEND-MDR-2020", {"extension_wording": "renewed at the council's discretion"},
                      actor="importer")
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = app.screen.query_one("#filter-status", Select)
        status.value = "needs review"  # a choice the select offers (else it refuses the value)
        await pilot.pause()
        assert shown(app) == ["WSCC-SEND-MDR-2020"]
        status.clear()
        await pilot.pause()
        assert len(shown(app)) == 10


async def test_no_needs_review_choice_when_nothing_needs_review(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = demo_app.screen.query_one("#filter-status", Select)
        with pytest.raises(InvalidSelectValueError):
            status.value = "needs review"
