"""Record one of the authority's own notices as published: the day (today unless changed) and a note."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from contract_tracker.domain.dates import parse_date
from contract_tracker.errors import DomainError

from ..backend import NoticeDone
from ..widgets.form_field import FormField
from .form import FormScreen


class NoticeDoneScreen(FormScreen[NoticeDone]):
    """Returns the notice, the day it was published and the note, or None when cancelled."""

    BINDINGS = [Binding("ctrl+s", "submit", "Mark done", id="form.save")]
    CONFIRM = "Mark done"
    DIALOG_CLASSES = "form-dialog small"

    def __init__(self, key: str, title: str, *, day: date, save=None) -> None:
        super().__init__(save=save)
        self.key, self.title, self.day = key, title, day

    def title_text(self) -> str:
        return f"Mark done: {self.key}"

    def compose_fields(self) -> ComposeResult:
        yield Static(f"{self.title}: published on the day below.", classes="dialog-text")
        yield FormField("Published on", Input(self.day.isoformat(), id="day", compact=True),
                        words=("published", "future", "date"), id="field-day")
        yield FormField("Note", Input(placeholder="e.g. where it was published (optional)", id="note",
                                      compact=True), words=("note",), id="field-note")

    def on_mount(self) -> None:
        self.query_one("#day", Input).focus()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        self.next_or_submit(event)

    def value(self) -> NoticeDone | None:
        try:
            day = parse_date(self.query_one("#day", Input).value)
        except DomainError as error:
            self.show_error(str(error), self.query_one("#field-day", FormField))
            return None
        return NoticeDone(self.key, day, self.query_one("#note", Input).value.strip())
