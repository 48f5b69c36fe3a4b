"""A date and, if asked, a reason: mark a milestone met, terminate a contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from contract_tracker.domain.dates import parse_date
from contract_tracker.errors import DomainError

from ..widgets.form_field import FormField
from .form import FormScreen


@dataclass(frozen=True)
class DateReason:
    on: date
    reason: str


class DateReasonScreen(FormScreen[DateReason]):
    """Asks for a day (default given, and focused first) and, when ASK_REASON, a reason that must
    not be empty. With `question`, asks to confirm first (the question may use {day})."""

    DIALOG_CLASSES = "form-dialog small"
    ASK_REASON = False

    def __init__(self, title: str, explanation: str, *, day: date, question: str | None = None, save=None) -> None:
        super().__init__(save=save)
        self.title, self.explanation, self.day = title, explanation, day
        self.ask_reason, self._question = self.ASK_REASON, question

    def title_text(self) -> str:
        return self.title

    def compose_fields(self) -> ComposeResult:
        yield Static(self.explanation, classes="dialog-text")
        yield FormField("Date", Input(self.day.isoformat(), id="day", compact=True),
                        words=("termination date", "future", "met"), id="field-day")
        if self.ask_reason:
            yield FormField("Reason", Input(placeholder="recorded in the audit trail", id="reason", compact=True),
                            id="field-reason")

    def on_mount(self) -> None:
        self.query_one("#day", Input).focus()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        self.next_or_submit(event)

    def value(self) -> DateReason | None:
        try:
            day = parse_date(self.query_one("#day", Input).value)
        except DomainError as error:
            self.show_error(str(error), self.query_one("#field-day", FormField))
            return None
        reason = self.query_one("#reason", Input).value.strip() if self.ask_reason else ""
        if self.ask_reason and not reason:
            self.show_error("give a reason: it is recorded in the audit trail",
                            self.query_one("#field-reason", FormField))
            return None
        return DateReason(day, reason)

    def question(self, value: DateReason) -> str | None:
        return self._question.format(day=f"{value.on:%A %-d %B %Y}") if self._question else None


class MarkMetScreen(DateReasonScreen):
    """The day a milestone was met (today by default)."""

    BINDINGS = [Binding("ctrl+s", "submit", "Mark met", id="form.save")]
    CONFIRM = "Mark met"


class TerminateScreen(DateReasonScreen):
    """The contract's last day and why; asks to confirm, naming the day."""

    BINDINGS = [Binding("ctrl+s", "submit", "Terminate", id="form.save")]
    CONFIRM = "Terminate"
    DANGER = True
    ASK_REASON = True
