"""Small helpers shared by the TUI tests."""

from __future__ import annotations

import contextlib

from textual.worker import WorkerCancelled

from contract_tracker.tui.screens.contract import ContractScreen
from contract_tracker.tui.widgets.form_field import FormField


async def workers_done(app) -> None:
    """Wait for every worker the app has started. A read replaced by a newer one (an exclusive
    worker group) ends cancelled, which is how the app means it to end, not a failure; a worker
    that raised still fails the test."""
    for worker in list(app.workers):
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()


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


def field_errors(screen) -> dict[str, str]:
    """The reasons shown beside a form's fields, by the id of the field's control."""
    return {field.control.id: field.error for field in screen.query(FormField) if field.error}


def error_text(screen) -> str:
    """Every error a form shows: its error line and those beside its fields."""
    return " | ".join([text_of(screen.query_one("#form-error")), *field_errors(screen).values()])
