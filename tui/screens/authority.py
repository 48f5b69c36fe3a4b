"""The authority's settings: its name, nation, expected spend and the notices it opts out of.

What `contract-tracker authority show|set` shows and edits. Saving goes through the same service
(audited, only what changed), which works the authority's own notices out again; a refusal keeps
the dialog open with everything entered and the reason beside its field.
"""

from __future__ import annotations

from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Select, Static

from contract_tracker.domain.money import format_money, parse_money
from contract_tracker.domain.workdays import NATION_NAMES
from contract_tracker.errors import DomainError

from ..backend import OPT_OUT_KINDS, AuthorityInput
from ..widgets.form_field import FormField
from .form import FormScreen

# What each notice an authority may opt out of is, for its box.
OPT_OUT_LABELS = {
    "UK8 due": "UK8 payments compliance (s.69): schools, NI",
    "payments over 30k due": "payments over £30,000 (s.70)",
    "UK9 due": "UK9 KPI assessments (s.71)",
    "UK1 due": "UK1 pipeline notice (s.93)",
}


class AuthorityScreen(FormScreen[AuthorityInput]):
    """Opened with the settings as stored (Backend.authority); returns them as entered."""

    BINDINGS = [Binding("ctrl+s", "submit", "Save", id="form.save")]

    def __init__(self, current: dict, *, save=None) -> None:
        super().__init__(save=save)
        self.current = current

    def title_text(self) -> str:
        return "The authority's settings"

    def compose_fields(self) -> ComposeResult:
        now = self.current
        yield Static("The authority's own notices (UK8, payments over £30,000, UK9, UK1) are worked out from "
                     "the register and these settings.", classes="dialog-text")
        yield FormField("Name", Input(now["name"], placeholder="e.g. Warwickshire County Council", id="name",
                                      compact=True, select_on_focus=False), id="field-name")
        yield FormField("Nation", Select([(f"{name} ({code})", code) for code, name in NATION_NAMES.items()],
                                         value=now["nation"] or Select.NULL, allow_blank=True, prompt="not set",
                                         id="nation", compact=True), id="field-nation")
        spend = now["expected_spend"]
        yield FormField("Expected spend £", Input(format_money(Decimal(spend)) if spend else "", id="expected_spend",
                                                  placeholder="coming financial year; over £100m: UK1 due",
                                                  compact=True, select_on_focus=False),
                        words=("expected spend", "spend"), id="field-expected_spend")
        chosen = set(now["opt_outs"])
        boxes = [Checkbox(OPT_OUT_LABELS.get(kind, kind), kind in chosen, id=f"opt-{index}", compact=True)
                 for index, kind in enumerate(OPT_OUT_KINDS)]
        yield FormField("Opts out of", Vertical(*boxes, id="opt_outs"), words=("opt-out",), id="field-opt_outs")
        yield Static("Opting out: the authority is not subject to that notice (e.g. a school, a transferred "
                     "Northern Ireland authority for UK8).", classes="dialog-text")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        self.next_or_submit(event)

    @on(Input.Blurred, "#expected_spend")
    def _check_spend(self, event: Input.Blurred) -> None:
        field = self.query_one("#field-expected_spend", FormField)
        try:
            parse_money(event.value, field="expected spend")
        except DomainError as error:
            field.show_error(str(error))
        else:
            field.clear_error()

    def value(self) -> AuthorityInput | None:
        spend = self.query_one("#expected_spend", Input).value.strip()
        try:
            parse_money(spend, field="expected spend")
        except DomainError as error:
            self.show_error(str(error), self.query_one("#field-expected_spend", FormField))
            return None
        nation = self.query_one("#nation", Select).value
        opt_outs = tuple(kind for index, kind in enumerate(OPT_OUT_KINDS)
                         if self.query_one(f"#opt-{index}", Checkbox).value)
        return AuthorityInput(name=self.query_one("#name", Input).value.strip(),
                              nation="" if nation is Select.NULL else str(nation),
                              expected_spend=spend, opt_outs=opt_outs)
