"""What one contract looks like to a reader: typed read models, with dates as dates, money as
Decimal and states as enums. `views.contract_detail` builds them; the TUI uses their attributes;
`as_dict()` is the one place they become JSON-ready values (`contract show --format json`, the
exporters' inputs), ISO dates and money with two decimals, as the command line has always printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ..domain.durations import Duration
from ..enums import (
    ContractStatus,
    ContractType,
    DeadlineKind,
    DeadlineState,
    LifecycleStatus,
    MilestoneKind,
    MilestoneStatus,
    OptionStatus,
    Procedure,
    Regime,
    Standing,
)


def iso(day: date | None) -> str | None:
    """A day as JSON shows it (2025-09-01), or None."""
    return day.isoformat() if day else None


def money_text(value: Decimal | None) -> str | None:
    """A sum as JSON shows it (1250000.00), or None."""
    return None if value is None else f"{value:.2f}"


@dataclass(frozen=True)
class NextDecision:
    """The next option awaiting a decision whose date has not passed."""

    option: int  # the option's ordinal
    decide_by: date

    def as_dict(self) -> dict:
        return {"option": self.option, "decide_by": iso(self.decide_by)}


@dataclass(frozen=True)
class OptionView:
    """One extension option: when it would run, by when to decide, and how it stands."""

    option: int  # its ordinal: option 1, 2, ...
    length: str  # as recorded, e.g. "12m"
    notice: Duration  # the notice to give by `decide_by`
    period_start: date  # first day of the extension if exercised
    period_end: date  # last day of the extension if exercised
    window_opens: date  # first day of the term the option extends
    decide_by: date
    recorded_status: OptionStatus  # as the register records it
    status_as_of: OptionStatus  # as it stands on the detail's day (OVERDUE or LAPSED as time runs out)
    decided_on: date | None
    decided_by: str
    note: str

    def as_dict(self) -> dict:
        return {
            "option": self.option, "length": self.length, "notice": str(self.notice),
            "period_start": iso(self.period_start), "period_end": iso(self.period_end),
            "window_opens": iso(self.window_opens), "decide_by": iso(self.decide_by),
            "recorded_status": self.recorded_status.value, "status_as_of": self.status_as_of.value,
            "decided_on": iso(self.decided_on), "decided_by": self.decided_by, "note": self.note,
        }


@dataclass(frozen=True)
class BreakView:
    """One break clause: the contract's last day if it is used, and by when to serve notice."""

    break_date: date
    serve_notice_by: date
    notice: Duration

    def as_dict(self) -> dict:
        return {"break_date": iso(self.break_date), "serve_notice_by": iso(self.serve_notice_by),
                "notice": str(self.notice)}


@dataclass(frozen=True)
class MilestoneView:
    """One milestone: a day (`start_date` None) or a span of days ending on `due_date`."""

    id: int
    kind: MilestoneKind
    name: str
    start_date: date | None
    due_date: date
    status: MilestoneStatus
    met_on: date | None
    owner: str
    notes: str

    def as_dict(self) -> dict:
        return {
            "id": self.id, "kind": self.kind.value, "name": self.name, "start_date": iso(self.start_date),
            "due_date": iso(self.due_date), "status": self.status.value, "met_on": iso(self.met_on),
            "owner": self.owner, "notes": self.notes,
        }


@dataclass(frozen=True)
class DeadlineView:
    """One deadline of the stream: `state` is what the facts record, `standing` how it stands on
    the day it was read (stream.standing), `days_left` counted from that day."""

    kind: DeadlineKind
    ordinal: int
    start_date: date | None
    due_date: date
    state: DeadlineState
    standing: Standing
    days_left: int
    title: str
    action: str
    owner: str

    @property
    def overdue(self) -> bool:
        return self.standing == Standing.OVERDUE

    def as_dict(self) -> dict:
        return {
            "kind": self.kind.value, "ordinal": self.ordinal, "start_date": iso(self.start_date),
            "due_date": iso(self.due_date), "state": self.state.value, "standing": self.standing.value,
            "overdue": self.overdue, "days_left": self.days_left, "title": self.title, "action": self.action,
            "owner": self.owner,
        }


@dataclass(frozen=True)
class ChangeView:
    """One audit event of a contract's history; `at` is UTC, without a time zone."""

    at: datetime
    actor: str
    entity: str
    entity_id: int | None
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None
    reason: str | None
    contract_version: int | None

    def as_dict(self) -> dict:
        return {
            "at": self.at.isoformat(timespec="seconds") + "Z", "actor": self.actor, "entity": self.entity,
            "entity_id": self.entity_id, "action": self.action, "field": self.field,
            "old_value": self.old_value, "new_value": self.new_value, "reason": self.reason,
            "contract_version": self.contract_version,
        }


@dataclass(frozen=True)
class ContractDetail:
    """Every fact of one contract and the dates derived from them, as of one day (`as_of`).

    The dates are the register's own answers (lifecycle's rules, and the stream for the latest end
    still open and the re-procurement start); a reader formats them, it never works one out."""

    reference: str
    title: str
    description: str
    buyer: str
    service_area: str
    owner_role: str
    owner_contact: str
    suppliers: tuple[str, ...]
    supplier_identifiers: tuple[str, ...]  # one per supplier, "" where none is recorded
    status: ContractStatus  # as recorded
    status_as_of: LifecycleStatus  # as the dates make it on `as_of`
    as_of: date
    regime: Regime
    procedure: Procedure
    light_touch: bool
    contract_type: ContractType  # a public contract, a concession, a framework or a call-off
    start_date: date | None
    initial_term: str | None  # as recorded, e.g. "3y"
    initial_end: date | None
    current_end: date | None
    final_possible_end: date | None  # the latest end still open on `as_of`
    maximum_extent: date | None  # the end with every option taken
    reprocurement_start: date | None  # when to begin re-procuring for `final_possible_end`
    decision_notice: str
    reprocurement_lead: str
    currency: str
    annual_value: Decimal | None
    whole_life_value: Decimal | None
    terminated_on: date | None
    termination_reason: str | None
    replaces: tuple[str, ...]  # references of the contracts this one replaces, sorted
    successor: str | None  # reference of the contract replacing this one
    next_decision: NextDecision | None
    options: tuple[OptionView, ...]
    extension_wording: str
    needs_review: bool  # wording kept but not read: a person must add the options
    breaks: tuple[BreakView, ...]
    milestones: tuple[MilestoneView, ...]
    deadlines: tuple[DeadlineView, ...]  # shown on `as_of`: neither pending nor superseded
    version: int

    def regime_parts(self) -> list[str]:
        """How the contract was procured, as the screens show it: regime, procedure, and what sets
        it apart (light-touch; a type other than a plain public contract)."""
        parts = [self.regime.value, self.procedure.value]
        if self.light_touch:
            parts.append("light-touch")
        if self.contract_type != ContractType.PUBLIC_CONTRACT:
            parts.append(self.contract_type.value)
        return parts

    def as_dict(self) -> dict:
        """JSON-ready values, in the order and the form `contract show --format json` prints."""
        return {
            "reference": self.reference, "title": self.title, "description": self.description,
            "buyer": self.buyer, "service_area": self.service_area, "owner_role": self.owner_role,
            "owner_contact": self.owner_contact, "suppliers": list(self.suppliers),
            "supplier_identifiers": list(self.supplier_identifiers), "status": self.status.value,
            "status_as_of": self.status_as_of.value, "as_of": iso(self.as_of), "regime": self.regime.value,
            "procedure": self.procedure.value, "light_touch": self.light_touch,
            "contract_type": self.contract_type.value,
            "start_date": iso(self.start_date), "initial_term": self.initial_term,
            "initial_end": iso(self.initial_end), "current_end": iso(self.current_end),
            "final_possible_end": iso(self.final_possible_end), "maximum_extent": iso(self.maximum_extent),
            "reprocurement_start": iso(self.reprocurement_start), "decision_notice": self.decision_notice,
            "reprocurement_lead": self.reprocurement_lead, "currency": self.currency,
            "annual_value": money_text(self.annual_value), "whole_life_value": money_text(self.whole_life_value),
            "terminated_on": iso(self.terminated_on), "termination_reason": self.termination_reason,
            "replaces": list(self.replaces), "successor": self.successor,
            "next_decision": self.next_decision.as_dict() if self.next_decision else None,
            "options": [option.as_dict() for option in self.options],
            "extension_wording": self.extension_wording, "needs_review": self.needs_review,
            "breaks": [point.as_dict() for point in self.breaks],
            "milestones": [milestone.as_dict() for milestone in self.milestones],
            "deadlines": [deadline.as_dict() for deadline in self.deadlines],
            "version": self.version,
        }
