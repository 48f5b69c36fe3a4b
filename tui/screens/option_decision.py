"""Exercise or decline an extension option: says what will follow, asks for a reason, confirms."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from ..backend import Decision


def _day(text: str) -> str:
    return f"{date.fromisoformat(text):%-d %b %Y}"


class OptionDecisionScreen(ModalScreen[Decision | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form.cancel")]

    def __init__(self, reference: str, option: dict, *, exercise: bool) -> None:
        super().__init__()
        self.reference, self.option, self.exercise = reference, option, exercise
        # Past its decide-by day but before the term it extends ends: it can be taken only late.
        self.late = option["recorded_status"] == "available" and option["status_as_of"] == "overdue"

    def compose(self) -> ComposeResult:
        o = self.option
        verb = "Exercise" if self.exercise else "Decline"
        if self.exercise:
            effect = (f"The contract will run on from {_day(o['period_start'])} to {_day(o['period_end'])} "
                      f"({o['length']}).")
        else:
            effect = "The contract will end at its current end; this option and every later one lapse."
        with Vertical(id="dialog", classes="form-dialog small"):
            yield Static(f"{verb} option {o['option']} of {self.reference}?", classes="dialog-title")
            yield Static(f"{effect}\nDecide and give notice by {_day(o['decide_by'])} ({o['notice']} notice).",
                         classes="dialog-text")
            if self.late:
                yield Static(f"The decision date passed on {_day(o['decide_by'])}. Recording it now needs a reason.",
                             classes="warning")
            yield Input(placeholder="Reason (recorded in the audit trail)", id="reason", compact=True)
            if self.late:
                yield Checkbox("Record this late decision", id="late", compact=True)
            yield Static("", id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(verb, variant="primary" if self.exercise else "error", id="confirm")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Button.Pressed, "#confirm")
    @on(Input.Submitted)
    def _confirm(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        error = self.query_one("#form-error", Static)
        if not reason:
            error.update("give a reason: it is recorded in the audit trail")
            return
        if self.late and not self.query_one("#late", Checkbox).value:
            error.update("tick the box to record a decision after its date")
            return
        self.dismiss(Decision(reason=reason, late=self.late))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
