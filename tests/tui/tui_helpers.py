"""Small helpers shared by the TUI follow-up tests."""

from __future__ import annotations

from contract_tracker.tui.screens.contract import ContractScreen


async def open_contract(app, pilot, settle, reference: str) -> ContractScreen:
    await settle(pilot)
    app.screen.open_contract(reference)
    await settle(pilot)
    assert isinstance(app.screen, ContractScreen)
    return app.screen


def notifications(app) -> list[str]:
    return [note.message for note in app._notifications]


def text_of(widget) -> str:
    return str(widget.render())
