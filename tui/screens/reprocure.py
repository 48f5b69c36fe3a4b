"""Re-procure a contract: the successor's reference, its schedule template and, if need be, its start.

The register plans it (`contract reprocure`): a planned contract starting the day after this one's
latest end still possible, its milestones planned back from that start, this contract's annual value
carried over as a first estimate and its re-procurement marked in hand.
"""

from __future__ import annotations

from datetime import timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Select, Static

from contract_tracker.domain.dates import parse_date
from contract_tracker.domain.templates import load_templates, template_for
from contract_tracker.errors import DomainError

from ..backend import ContractDetail, Reprocurement
from ..widgets.form_field import FormField
from .form import FormScreen


class ReprocureScreen(FormScreen[Reprocurement]):
    """Returns the successor planned, or None when cancelled."""

    BINDINGS = [Binding("ctrl+s", "submit", "Plan successor", id="form.save")]
    CONFIRM = "Plan successor"

    def __init__(self, detail: ContractDetail, save=None) -> None:
        super().__init__(save=save)
        self.reference = detail.reference
        end = detail.final_possible_end
        self.follows = end + timedelta(days=1) if end else None
        self.templates = load_templates()
        # The successor is procured under the Act now in force, by the contract's own procedure if it can be.
        best = template_for("PA2023", detail.procedure, detail.light_touch)
        self.initial = best.key if best else next(iter(self.templates))
        self.title = detail.title

    def title_text(self) -> str:
        return f"Re-procure {self.reference}"

    def compose_fields(self) -> ComposeResult:
        start = (f"Blank: {self.follows:%-d %b %Y}, the day after the latest end still possible"
                 if self.follows else "This contract has no end: give the successor's start")
        yield Static(f"A planned successor replacing {self.reference}, with its milestones planned back "
                     "from its start and this contract's annual value carried over as a first estimate.",
                     classes="dialog-text")
        yield FormField("New reference", Input(placeholder="e.g. DEMO-LIB-2027", id="successor", compact=True),
                        words=("reference", "already exists", "replace itself"), id="field-successor")
        yield FormField("Template", Select([(f"{t.name} ({key})", key) for key, t in self.templates.items()],
                                           value=self.initial, allow_blank=False, id="template", compact=True),
                        words=("template",), id="field-template")
        yield FormField("Start", Input(placeholder=start, id="start", compact=True),
                        words=("start", "no end date"), id="field-start")
        yield FormField("Title", Input(self.title, id="title", compact=True), words=("title",), id="field-title")

    def on_mount(self) -> None:
        self.query_one("#successor", Input).focus()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        self.next_or_submit(event)

    def value(self) -> Reprocurement | None:
        reference = self.query_one("#successor", Input).value.strip()
        if not reference:
            self.show_error("give the successor's reference", self.query_one("#field-successor", FormField))
            return None
        text = self.query_one("#start", Input).value.strip()
        try:
            start = parse_date(text) if text else None
        except DomainError as error:
            self.show_error(str(error), self.query_one("#field-start", FormField))
            return None
        title = self.query_one("#title", Input).value.strip()
        return Reprocurement(reference, str(self.query_one("#template", Select).value), start,
                             "" if title == self.title else title)
