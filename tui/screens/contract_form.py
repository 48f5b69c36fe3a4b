"""Add or edit a contract: a form that checks each field as it is left and returns ContractFields.

The form only parses (dates, periods, money) with the core's own parsers; the service then
checks the rules. If the service refuses, the caller reopens the form with the draft and the error.
"""

from __future__ import annotations

from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select

from contract_tracker.domain.dates import parse_date
from contract_tracker.domain.durations import parse_duration
from contract_tracker.domain.money import parse_money
from contract_tracker.enums import ContractStatus, Procedure, Regime
from contract_tracker.errors import DomainError

from ..backend import ContractDetail, ContractFields
from ..widgets.form_field import FormField
from .form import FormScreen

TEXT_FIELDS = [  # (id, label, placeholder)
    ("reference", "Reference", "e.g. WCC-SEND-MED-2025 (no spaces)"),
    ("title", "Title", "What the contract is for"),
    ("suppliers", "Suppliers", "Names separated by ;"),
    ("start_date", "Start date", "e.g. 2025-09-01 or 1 Sep 2025 (blank if planned)"),
    ("initial_term", "Initial term", "e.g. 3y, 36m"),
    ("options", "Extension options", "lengths in order, e.g. 3y, 3y"),
    ("service_area", "Service area", "e.g. Education: SEND"),
    ("owner_role", "Owner (role)", "e.g. Head of Commissioning"),
    ("buyer", "Buyer", "The contracting authority"),
    ("annual_value", "Annual value £", "e.g. 250000"),
    ("decision_notice", "Decision notice", "notice before an extension, e.g. 6m"),
    ("reprocurement_lead", "Re-procurement lead", "e.g. 12m"),
]


# How the register's refusals name each field (besides its label), so they land beside it.
WORDS = {
    "start_date": ("start", "starts", "live contract"),
    "initial_term": ("initial term", "term", "end"),
    "annual_value": ("annual value", "annual_value"),
    "decision_notice": ("decision notice", "notice"),
    "reprocurement_lead": ("re-procurement", "reprocurement"),
    "owner_role": ("owner",),
    "service_area": ("service area",),
}


def _parse(field_id: str, text: str):
    """The field's value, or raise DomainError with a message for a person."""
    text = text.strip()
    if field_id in ("reference", "title") and not text:
        raise DomainError(f"{field_id} must not be empty")
    if field_id == "reference" and any(ch.isspace() for ch in text):
        raise DomainError("the reference must not contain spaces")
    if field_id == "start_date":
        return parse_date(text) if text else None
    if field_id in ("initial_term", "decision_notice", "reprocurement_lead"):
        return str(parse_duration(text)) if text else None
    if field_id == "options":
        return [str(parse_duration(part)) for part in text.replace(";", ",").split(",") if part.strip()]
    if field_id == "suppliers":
        return [name.strip() for name in text.split(";") if name.strip()]
    if field_id == "annual_value":
        return parse_money(text, field="annual value") if text else None
    return text


def draft_from_detail(d: ContractDetail) -> ContractFields:
    """The form's starting values from a contract's detail (views.contract_detail)."""
    return ContractFields(
        reference=d.reference, title=d.title, description=d.description, buyer=d.buyer,
        service_area=d.service_area, owner_role=d.owner_role, owner_contact=d.owner_contact,
        status=d.status.value, regime=d.regime.value, procedure=d.procedure.value, light_touch=d.light_touch,
        start_date=d.start_date, initial_term=d.initial_term, decision_notice=d.decision_notice,
        reprocurement_lead=d.reprocurement_lead, suppliers=list(d.suppliers),
        annual_value=d.annual_value, whole_life_value=d.whole_life_value,
    )


class ContractFormScreen(FormScreen[ContractFields]):
    """Returns the filled ContractFields, or None when cancelled."""

    def __init__(self, draft: ContractFields | None = None, *, editing: bool = False, error: str | None = None,
                 save=None) -> None:
        super().__init__(save=save, error=error)
        self.draft = draft
        self.editing = editing

    def title_text(self) -> str:
        return "Edit contract" if self.editing else "New contract"

    def _initial(self, field_id: str) -> str:
        draft = self.draft
        if draft is None:
            return ""
        value = getattr(draft, field_id)
        if isinstance(value, list):
            return (", " if field_id == "options" else "; ").join(value)
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        return "" if value is None else str(value)

    def compose_fields(self) -> ComposeResult:
        draft = self.draft or ContractFields(reference="", title="")
        for field_id, label, placeholder in TEXT_FIELDS:
            if field_id == "options" and self.editing:
                continue  # options are decided on the contract screen, not rewritten here
            yield FormField(label, Input(self._initial(field_id), placeholder=placeholder, id=field_id, compact=True,
                                         select_on_focus=False,
                                         disabled=self.editing and field_id == "reference"),
                            words=WORDS.get(field_id, ()), id=f"field-{field_id}")
        for field_id, label, enum in (("status", "Status", ContractStatus), ("regime", "Regime", Regime),
                                      ("procedure", "Procedure", Procedure)):
            # A blank regime is assumed from the start date (PCR 2015 before 24 Feb 2025), as on the command line.
            blank = field_id == "regime"
            yield FormField(label, Select([(e.value, e.value) for e in enum],
                                          value=getattr(draft, field_id) or Select.NULL, allow_blank=blank,
                                          prompt="by start date" if blank else "Select", id=field_id, compact=True),
                            id=f"field-{field_id}")
        yield FormField("Light-touch", Checkbox("social, health or education services", draft.light_touch,
                                                id="light_touch", compact=True), id="field-light_touch")

    def on_mount(self) -> None:
        next(widget for widget in self.query(Input) if not widget.disabled).focus()
        if self._error:  # reopened with a refusal: beside its field too
            self.refused(self._error)

    @on(Input.Blurred)
    def _check_field(self, event: Input.Blurred) -> None:
        """Each field is checked as it is left."""
        field = self.query_one(f"#field-{event.input.id}", FormField)
        try:
            _parse(event.input.id, event.value)
        except DomainError as error:
            field.show_error(str(error))
        else:
            field.clear_error()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        self.next_or_submit(event)

    def value(self) -> ContractFields | None:
        """The fields as ContractFields, or None after showing the first bad one beside it."""
        values = {}
        for field_id, _, _ in TEXT_FIELDS:
            inputs = self.query(f"#{field_id}")
            if not inputs:
                continue
            widget = inputs.first(Input)
            try:
                values[field_id] = _parse(field_id, widget.value)
            except DomainError as error:
                self.show_error(str(error), self.query_one(f"#field-{field_id}", FormField))
                return None
        if self.editing and self.draft is not None:
            values["reference"] = self.draft.reference
        for name in ("decision_notice", "reprocurement_lead"):
            values[name] = values.get(name) or getattr(ContractFields, name)
        for select_id in ("status", "regime", "procedure"):
            chosen = self.query_one(f"#{select_id}", Select).value
            values[select_id] = None if chosen is Select.NULL else chosen
        values["light_touch"] = self.query_one("#light_touch", Checkbox).value
        if self.editing and self.draft is not None:
            values["options"] = self.draft.options  # not on the form when editing: as they were
        values.setdefault("options", [])
        if self.draft is not None:  # keep what the form does not show (e.g. description)
            values["description"] = self.draft.description
            values["owner_contact"] = self.draft.owner_contact
            values["whole_life_value"] = self.draft.whole_life_value
        return ContractFields(**values)
