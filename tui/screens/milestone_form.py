"""Add or edit a milestone; returns a MilestoneInput (or None when cancelled)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select

from contract_tracker.domain.dates import Span, parse_span
from contract_tracker.enums import MilestoneKind, MilestoneStatus
from contract_tracker.errors import DomainError

from ..backend import MilestoneInput, MilestoneView
from ..widgets.form_field import FormField
from .form import FormScreen


def input_from_milestone(milestone: MilestoneView) -> MilestoneInput:
    """What the edit form starts from, to save only what is changed."""
    return MilestoneInput.spanning(Span(milestone.start_date or milestone.due_date, milestone.due_date),
                                   kind=milestone.kind.value, name=milestone.name, owner=milestone.owner,
                                   notes=milestone.notes, status=milestone.status.value)


class MilestoneFormScreen(FormScreen[MilestoneInput]):
    DIALOG_CLASSES = "form-dialog small"

    def __init__(self, milestone: MilestoneView | None = None, *, error: str | None = None,
                 draft: MilestoneInput | None = None, save=None) -> None:
        super().__init__(save=save, error=error)
        self.milestone = milestone  # the milestone being edited, if any
        self.draft = draft

    def title_text(self) -> str:
        return "Edit milestone" if self.milestone else "New milestone"

    def _value(self, name: str, default: str = "") -> str:
        if self.draft is not None:
            if name == "due":
                span = self.draft.due
                return span.end.isoformat() if span.is_day else f"{span.start:%B}/{span.end:%B %Y}"
            return getattr(self.draft, name) or default
        if self.milestone is None:
            return default
        if name == "due":
            start, due = self.milestone.start_date, self.milestone.due_date
            return f"{start} to {due}" if start else due.isoformat()
        return str(getattr(self.milestone, name)) or default

    def compose_fields(self) -> ComposeResult:
        yield FormField("Kind", Select([(k.value, k.value) for k in MilestoneKind], value=self._value("kind", "other"),
                                       allow_blank=False, id="kind", compact=True), id="field-kind")
        yield FormField("Name", Input(self._value("name"), placeholder="e.g. Publish the tender notice", id="name",
                                      compact=True, select_on_focus=False), id="field-name")
        yield FormField("Due", Input(self._value("due"), placeholder="a day (2027-03-01) or months (July/August 2027)",
                                     id="due", compact=True), words=("date", "month"), id="field-due")
        yield FormField("Owner", Input(self._value("owner"), placeholder="a role", id="owner", compact=True),
                        id="field-owner")
        yield FormField("Notes", Input(self._value("notes"), id="notes", compact=True), id="field-notes")
        if self.milestone:
            yield FormField("Status", Select([(s.value, s.value) for s in MilestoneStatus],
                                             value=self.milestone.status.value, allow_blank=False, id="status",
                                             compact=True), id="field-status")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def _due(self):
        return parse_span(self.query_one("#due", Input).value)

    @on(Input.Blurred, "#due")
    def _check_due(self) -> None:
        field = self.query_one("#field-due", FormField)
        try:
            self._due()
        except DomainError as error:
            field.show_error(str(error))
        else:
            field.clear_error()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        self.next_or_submit(event)

    def value(self) -> MilestoneInput | None:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.show_error("a milestone needs a name", self.query_one("#field-name", FormField))
            return None
        try:
            due = self._due()
        except DomainError as error:
            self.show_error(str(error), self.query_one("#field-due", FormField))
            return None
        status = self.query_one("#status", Select).value if self.milestone else None
        return MilestoneInput.spanning(
            due, kind=self.query_one("#kind", Select).value, name=name,
            owner=self.query_one("#owner", Input).value.strip(), notes=self.query_one("#notes", Input).value.strip(),
            status=status,
        )
