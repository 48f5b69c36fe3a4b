"""Apply a schedule template to a contract: pick the template and anchor, preview, then confirm.

The preview is the service's own answer (applied in a transaction that is rolled back, in a thread
worker), so what it shows as created, updated or kept is what Apply does.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from contract_tracker.dates import parse_date
from contract_tracker.errors import DomainError
from contract_tracker.templates import load_templates, template_for

from ..backend import ScheduleChoice, SchedulePreview
from ..messages import DataLoaded, LoadFailed

ANCHORS = [("service start (plan backwards)", "service start"), ("ITT publication (plan forwards)", "itt publication")]
EFFECT_STYLE = {"create": "green", "update": "yellow", "unchanged": "dim", "keep": "dim"}
EFFECT_TEXT = {"create": "new", "update": "moves", "unchanged": "unchanged", "keep": "kept as recorded"}


class ScheduleApplyScreen(ModalScreen[ScheduleChoice | None]):
    """Returns the previewed choice to apply, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="schedule.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="schedule.apply"),
    ]

    def __init__(self, detail: dict) -> None:
        super().__init__()
        self.reference = detail["reference"]
        self.start = detail["start_date"] or ""
        self.templates = load_templates()
        best = template_for(detail["regime"], detail["procedure"], detail["light_touch"])
        self.initial = best.key if best else next(iter(self.templates))
        self.preview: SchedulePreview | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog wide"):
            yield Static(f"Apply a schedule template to {self.reference}", classes="dialog-title")
            with Grid(classes="form-grid"):
                yield Label("Template")
                yield Select([(f"{t.name} ({key})", key) for key, t in self.templates.items()],
                             value=self.initial, allow_blank=False, id="template", compact=True)
                yield Label("Fixed date")
                yield Select(ANCHORS, value="service start", allow_blank=False, id="anchor", compact=True)
                yield Label("On")
                yield Input(self.start, placeholder="e.g. 2025-09-01 or 1 Sep 2025", id="anchor-date", compact=True)
            yield DataTable(id="schedule-preview", cursor_type="row", zebra_stripes=True)
            yield Static("", id="schedule-summary", classes="dialog-text")
            yield Static("", id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="confirm", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Date", "On the contract", "Length", "Rule", "Milestone")
        self.query_one("#anchor-date", Input).focus()
        self._refresh()

    def _choice(self) -> ScheduleChoice:
        text = self.query_one("#anchor-date", Input).value.strip()
        if not text:
            raise DomainError("give the date the plan is fixed on")
        return ScheduleChoice(self.query_one("#template", Select).value, self.query_one("#anchor", Select).value,
                              parse_date(text))

    @on(Select.Changed)
    @on(Input.Changed)
    def _refresh(self) -> None:
        self.preview = None
        self.query_one("#confirm", Button).disabled = True
        try:
            choice = self._choice()
        except DomainError as error:
            self.query_one("#form-error", Static).update(str(error))
            return
        self.query_one("#form-error", Static).update("")
        self._load(choice)

    @work(thread=True, exclusive=True, group="schedule-preview")
    def _load(self, choice: ScheduleChoice) -> None:
        try:
            self.post_message(DataLoaded("schedule", self.app.backend.preview_schedule(self.reference, choice)))
        except Exception as error:
            self.post_message(LoadFailed("schedule", str(error)))

    def on_load_failed(self, message: LoadFailed) -> None:
        self.query_one("#form-error", Static).update(message.error)

    def on_data_loaded(self, message: DataLoaded) -> None:
        preview: SchedulePreview = message.payload
        try:
            if preview.choice != self._choice():
                return  # an older answer: the user has changed the choice since
        except DomainError:
            return
        self.preview = preview
        table = self.query_one(DataTable)
        table.clear()
        for row in preview.rows:
            when = f"{row.start:%-d %b} – {row.due:%-d %b %Y}" if row.start else f"{row.due:%a %-d %b %Y}"
            rule = Text("ok", style="green") if row.ok else Text("BREAKS", style="bold red")
            effect = Text(EFFECT_TEXT.get(row.effect, row.effect), style=EFFECT_STYLE.get(row.effect, ""))
            table.add_row(when, effect, row.length, rule, row.name, key=row.step)
        effects = (("create", "new"), ("update", "to move"), ("unchanged", "unchanged"), ("keep", "kept as recorded"))
        counts = ", ".join(f"{preview.count(e)} {w}" for e, w in effects)
        warning = "" if preview.ok else " · a period breaks its minimum or maximum"
        self.query_one("#schedule-summary", Static).update(f"Milestones: {counts}{warning}")
        self.query_one("#confirm", Button).disabled = False

    @on(Button.Pressed, "#confirm")
    def action_apply(self) -> None:
        if self.preview is not None:
            self.dismiss(self.preview.choice)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
