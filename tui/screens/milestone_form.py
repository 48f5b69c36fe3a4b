"""Add or edit a milestone; returns a MilestoneInput (or None when cancelled)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from contract_tracker.dates import parse_span
from contract_tracker.enums import MilestoneKind, MilestoneStatus
from contract_tracker.errors import DomainError

from ..backend import MilestoneInput


class MilestoneFormScreen(ModalScreen[MilestoneInput | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save"),
    ]

    def __init__(self, milestone: dict | None = None, *, error: str | None = None,
                 draft: MilestoneInput | None = None) -> None:
        super().__init__()
        self.milestone = milestone  # a views.milestone_row when editing
        self.draft = draft
        self.error = error

    def _value(self, name: str, default: str = "") -> str:
        if self.draft is not None:
            if name == "due":
                span = self.draft.due
                return span.end.isoformat() if span.is_day else f"{span.start:%B}/{span.end:%B %Y}"
            return getattr(self.draft, name) or default
        if self.milestone is None:
            return default
        if name == "due":
            start, due = self.milestone["start_date"], self.milestone["due_date"]
            return f"{start} to {due}" if start else due
        return self.milestone[name] or default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog small"):
            yield Static("Edit milestone" if self.milestone else "New milestone", classes="dialog-title")
            with Grid(classes="form-grid"):
                yield Label("Kind")
                yield Select([(k.value, k.value) for k in MilestoneKind], value=self._value("kind", "other"),
                             allow_blank=False, id="kind", compact=True)
                yield Label("Name")
                yield Input(self._value("name"), placeholder="e.g. Publish the tender notice", id="name", compact=True)
                yield Label("Due")
                yield Input(self._value("due"), placeholder="a day (2027-03-01) or months (July/August 2027)",
                            id="due", compact=True)
                yield Label("Owner")
                yield Input(self._value("owner"), placeholder="a role", id="owner", compact=True)
                yield Label("Notes")
                yield Input(self._value("notes"), id="notes", compact=True)
                if self.milestone:
                    yield Label("Status")
                    yield Select([(s.value, s.value) for s in MilestoneStatus], value=self.milestone["status"],
                                 allow_blank=False, id="status", compact=True)
            yield Static(self.error or "", id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def _due(self):
        return parse_span(self.query_one("#due", Input).value)

    @on(Input.Blurred, "#due")
    def _check_due(self) -> None:
        try:
            self._due()
        except DomainError as error:
            self.query_one("#form-error", Static).update(str(error))
        else:
            self.query_one("#form-error", Static).update("")

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        try:
            if not name:
                raise DomainError("a milestone needs a name")
            due = self._due()
        except DomainError as error:
            self.query_one("#form-error", Static).update(str(error))
            return
        status = self.query_one("#status", Select).value if self.milestone else None
        self.dismiss(MilestoneInput(
            kind=self.query_one("#kind", Select).value, name=name, due=due,
            owner=self.query_one("#owner", Input).value.strip(), notes=self.query_one("#notes", Input).value.strip(),
            status=status,
        ))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
