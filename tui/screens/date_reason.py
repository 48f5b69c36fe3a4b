"""A confirmation that asks for a date and/or a reason: mark met, terminate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from contract_tracker.dates import parse_date
from contract_tracker.errors import DomainError


@dataclass(frozen=True)
class DateReason:
    on: date
    reason: str


class DateReasonScreen(ModalScreen[DateReason | None]):
    """Asks for a day (default given) and, when `ask_reason`, a reason that must not be empty."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form.cancel")]

    def __init__(self, title: str, explanation: str, *, day: date, confirm: str, ask_reason: bool,
                 danger: bool = False) -> None:
        super().__init__()
        self.title_text, self.explanation, self.day = title, explanation, day
        self.confirm, self.ask_reason, self.danger = confirm, ask_reason, danger

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog small"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.explanation, classes="dialog-text")
            with Grid(classes="form-grid"):
                yield Label("Date")
                yield Input(self.day.isoformat(), id="day", compact=True)
                if self.ask_reason:
                    yield Label("Reason")
                    yield Input(placeholder="recorded in the audit trail", id="reason", compact=True)
            yield Static("", id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm, variant="error" if self.danger else "primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#reason" if self.ask_reason else "#day", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        reason = self.query_one("#reason", Input).value.strip() if self.ask_reason else ""
        try:
            day = parse_date(self.query_one("#day", Input).value)
            if self.ask_reason and not reason:
                raise DomainError("give a reason: it is recorded in the audit trail")
        except DomainError as error:
            self.query_one("#form-error", Static).update(str(error))
            return
        self.dismiss(DateReason(day, reason))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
