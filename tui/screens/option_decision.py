"""Exercise or decline an extension option: says what will follow, asks for a reason, confirms."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, Input, Static

from contract_tracker.enums import OptionStatus

from ..backend import Decision, OptionView
from ..widgets.form_field import FormField
from .form import FormScreen


class OptionDecisionScreen(FormScreen[Decision]):
    """Exercise (`exercise=True`) or decline the option. Declining asks to confirm: it ends the
    contract at its current end and every later option lapses with it."""

    DIALOG_CLASSES = "form-dialog small"

    def __init__(self, reference: str, option: OptionView, *, exercise: bool, save=None) -> None:
        super().__init__(save=save)
        self.reference, self.option, self.exercise = reference, option, exercise
        # Past its decide-by day but before the term it extends ends: it can be taken only late.
        self.late = option.recorded_status == OptionStatus.AVAILABLE and option.status_as_of == OptionStatus.OVERDUE
        self.CONFIRM = "Exercise" if exercise else "Decline"
        self.DANGER = not exercise

    def title_text(self) -> str:
        return f"{self.CONFIRM} option {self.option.option} of {self.reference}?"

    def effect(self) -> str:
        o = self.option
        if self.exercise:
            return (f"The contract will run on from {o.period_start:%-d %b %Y} to {o.period_end:%-d %b %Y} "
                    f"({o.length}).")
        return "The contract will end at its current end; this option and every later one lapse."

    def compose_fields(self) -> ComposeResult:
        o = self.option
        yield Static(f"{self.effect()}\nDecide and give notice by {o.decide_by:%-d %b %Y} ({o.notice} notice).",
                     classes="dialog-text")
        if self.late:
            yield Static(f"The decision date passed on {o.decide_by:%-d %b %Y}. Recording it now needs a reason.",
                         classes="warning")
        yield FormField("Reason", Input(placeholder="recorded in the audit trail", id="reason", compact=True),
                        words=("note", "force"), id="field-reason")
        if self.late:
            yield FormField("Late decision", Checkbox("Record this late decision", id="late", compact=True),
                            words=("decision date", "after its date"), id="field-late")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        self.next_or_submit(event)

    def value(self) -> Decision | None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.show_error("give a reason: it is recorded in the audit trail",
                            self.query_one("#field-reason", FormField))
            return None
        if self.late and not self.query_one("#late", Checkbox).value:
            self.show_error("tick the box to record a decision after its date",
                            self.query_one("#field-late", FormField))
            return None
        return Decision(reason=reason, late=self.late)

    def question(self, value: Decision) -> str | None:
        if self.exercise:
            return None
        return (f"Decline option {self.option.option} of {self.reference}? {self.effect()} "
                f"Reason: {value.reason}")


class ExerciseScreen(OptionDecisionScreen):
    BINDINGS = [Binding("ctrl+s", "submit", "Exercise", id="form.save")]

    def __init__(self, reference: str, option: OptionView, save=None) -> None:
        super().__init__(reference, option, exercise=True, save=save)


class DeclineScreen(OptionDecisionScreen):
    BINDINGS = [Binding("ctrl+s", "submit", "Decline", id="form.save")]

    def __init__(self, reference: str, option: OptionView, save=None) -> None:
        super().__init__(reference, option, exercise=False, save=save)
