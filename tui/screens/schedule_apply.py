"""Apply a schedule template to a contract: pick the template and anchor, preview, then confirm.

The preview is the service's own answer (applied in a transaction that is rolled back, in a thread
worker), so what it shows as created, moved or kept is what Apply does. It starts from the
contract's next service start, not its first one, so re-opening it does not offer to move a
plan back to the contract's beginning.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Select, Static
from textual.worker import get_current_worker

from contract_tracker.domain.dates import parse_date
from contract_tracker.domain.templates import load_templates, template_for
from contract_tracker.errors import DomainError

from ..backend import ContractDetail, PreviewRow, ScheduleChoice, SchedulePreview, next_service_start
from ..widgets.form_field import FormField
from .form import FormScreen

ANCHORS = [("service start (plan backwards)", "service start"), ("ITT publication (plan forwards)", "itt publication")]
EFFECT_STYLE = {"create": "green", "update": "yellow", "unchanged": "dim", "keep": "dim"}
EFFECT_TEXT = {"create": "new", "update": "moves", "unchanged": "unchanged", "keep": "kept as recorded"}


def _when(start: date | None, due: date) -> str:
    return f"{start:%-d %b} – {due:%-d %b %Y}" if start else f"{due:%a %-d %b %Y}"


def when_text(row: PreviewRow) -> str:
    """The step's date; for a milestone that moves, its date before → after."""
    new = _when(row.start, row.due)
    if row.effect == "update" and row.was_due is not None:
        return f"{_when(row.was_start, row.was_due)} → {new}"
    return new


class ScheduleApplyScreen(FormScreen[ScheduleChoice]):
    """Returns the previewed choice once applied, or None when cancelled."""

    BINDINGS = [Binding("ctrl+s", "submit", "Apply", id="form.save")]
    CONFIRM = "Apply"
    DIALOG_CLASSES = "form-dialog wide"

    class PreviewRead(Message):
        """What applying `choice` would do (or why it cannot be worked out)."""

        def __init__(self, choice: ScheduleChoice, preview: SchedulePreview | None, error: str | None = None) -> None:
            self.choice, self.preview, self.error = choice, preview, error
            super().__init__()

    def __init__(self, detail: ContractDetail, save=None) -> None:
        super().__init__(save=save)
        self.reference = detail.reference
        anchor = next_service_start(detail)
        self.anchor_date = anchor.isoformat() if anchor else ""
        self.templates = load_templates()
        best = template_for(detail.regime, detail.procedure, detail.light_touch)
        self.initial = best.key if best else next(iter(self.templates))
        self.preview: SchedulePreview | None = None

    def title_text(self) -> str:
        return f"Apply a schedule template to {self.reference}"

    def compose_fields(self) -> ComposeResult:
        yield FormField("Template", Select([(f"{t.name} ({key})", key) for key, t in self.templates.items()],
                                           value=self.initial, allow_blank=False, id="template", compact=True),
                        id="field-template")
        yield FormField("Fixed date", Select(ANCHORS, value="service start", allow_blank=False, id="anchor",
                                             compact=True), id="field-anchor")
        yield FormField("On", Input(self.anchor_date, placeholder="e.g. 2028-09-01 or 1 Sep 2028", id="anchor-date",
                                    compact=True), words=("date",), id="field-anchor-date")
        yield Static("Working out the plan…", id="schedule-summary")
        yield DataTable(id="schedule-preview", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#anchor-date", Input).focus()
        self._refresh()

    def _columns(self, table: DataTable) -> None:
        """The milestone's name gets what the date, the effect, the rule and the length leave; on a
        narrow screen what the date and the effect leave (the rest is a scroll to the right)."""
        table.clear(columns=True)
        width = table.size.width
        name = width - 65 if width - 65 >= 30 else max(24, width - 43)
        table.add_column("Date")
        table.add_column("Milestone", width=name)
        table.add_columns("On the contract", "Rule", "Length")

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
        field = self.query_one("#field-anchor-date", FormField)
        try:
            choice = self._choice()
        except DomainError as error:
            field.show_error(str(error))
            return
        field.clear_error()
        self._read(choice)

    @work(thread=True, exclusive=True, group="schedule-preview")
    def _read(self, choice: ScheduleChoice) -> None:
        try:
            message = self.PreviewRead(choice, self.app.backend.preview_schedule(self.reference, choice))
        except Exception as error:
            message = self.PreviewRead(choice, None, str(error))
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_schedule_apply_screen_preview_read(self, message: PreviewRead) -> None:
        try:
            if message.choice != self._choice():
                return  # an older answer: the choice has changed since
        except DomainError:
            return
        if message.error is not None:
            self.refused(message.error)
            return
        preview = self.preview = message.preview
        table = self.query_one(DataTable)
        self._columns(table)
        for row in preview.rows:
            rule = Text("ok", style="green") if row.ok else Text("BREAKS", style="bold red")
            effect = Text(EFFECT_TEXT.get(row.effect, row.effect), style=EFFECT_STYLE.get(row.effect, ""))
            table.add_row(when_text(row), row.name, effect, rule, row.length, key=row.step)
        effects = (("create", "new"), ("update", "to move"), ("unchanged", "unchanged"), ("keep", "kept as recorded"))
        counts = ", ".join(f"{preview.count(e)} {w}" for e, w in effects)
        warning = "" if preview.ok else " · a period breaks its minimum or maximum"
        self.query_one("#schedule-summary", Static).update(f"Milestones: {counts}{warning}")
        self.query_one("#confirm", Button).disabled = self._saving is not None

    def value(self) -> ScheduleChoice | None:
        if self.preview is None:
            return None  # nothing previewed (yet): nothing to apply
        return self.preview.choice
