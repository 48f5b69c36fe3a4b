"""Re-procurement in one step: a planned successor that replaces one or more contracts.

`reprocure` registers the successor as a planned contract starting the day after the latest final
possible end among its predecessors (or on a day given), plans a schedule template backwards from
that start, carries the predecessors' annual values over as a first estimate, links each
predecessor to it (which the deadline engine reads as its re-procurement being in hand) and checks
the plan against statute, all in the caller's one transaction: any refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from ..domain.durations import ONE_DAY
from ..domain.schedule_check import Finding
from ..domain.templates import Template, get_template
from ..domain.workdays import WorkingDays
from ..enums import ContractStatus, ContractType, MilestoneKind, Procedure
from ..errors import InvalidInput, RuleViolation
from ..read.final_end import final_end_of
from ..store.models import Contract
from .audit import record
from .contracts import ContractFields, register_contract
from .lookup import lock_contract
from .schedules import ApplyResult, apply_schedule, check_schedule
from .sync import load_snapshot

# The step every template plans backwards from (each shipped template has one).
SERVICE_START = MilestoneKind.SERVICE_START.value


@dataclass
class Predecessor:
    reference: str
    final_end: date | None
    annual_value: Decimal | None


@dataclass
class ReprocureResult:
    successor: Contract
    template: Template
    start: date
    start_given: bool  # True: the start was given; False: the day after the latest final end
    predecessors: list[Predecessor]
    follows: Predecessor  # the one that ends last: the successor starts with its title, owner and term
    annual_value: Decimal | None  # the predecessors' annual values summed (None: none recorded)
    applied: ApplyResult
    findings: list[Finding] = field(default_factory=list)


def reprocure(session: Session, references: list[str], *, reference: str, template_key: str, as_of: date,
              calendar: WorkingDays, actor: str, start: date | None = None, title: str | None = None,
              initial_term: str | None = None) -> ReprocureResult:
    """Create `reference` as the planned successor of `references` (see the module docstring).

    Refused, with nothing written: no predecessor, an unknown template or reference, a reference
    already taken, a predecessor already replaced, or no end to start after and no `start`."""
    wanted = sorted({ref.strip() for ref in references if ref.strip()})
    if not wanted:
        raise InvalidInput("name at least one contract to re-procure")
    template = get_template(template_key)
    if not any(step.kind.value == SERVICE_START for step in template.steps):
        raise InvalidInput(f"template {template.key} has no service start step to plan back from")
    if reference.strip() in wanted:
        raise InvalidInput(f"{reference.strip()} cannot replace itself")
    rows = [lock_contract(session, ref) for ref in wanted]  # one order, as every writer locks (lock_contract)
    predecessors = []
    for row in rows:
        if row.successor_id is not None:
            successor = session.get(Contract, row.successor_id)
            raise RuleViolation(f"{row.reference} is already replaced by {successor.reference if successor else '?'}")
        end = final_end_of(session, row, load_snapshot(session, row).terms, as_of=as_of).ends_on
        predecessors.append(Predecessor(row.reference, end, row.annual_value))
    if start is None:
        endless = [p.reference for p in predecessors if p.final_end is None]
        if endless:
            raise InvalidInput(f"{', '.join(endless)} has no end date to start after: give the successor's start")
    ends = [p.final_end for p in predecessors if p.final_end is not None]
    # The facts carried over come from the contract that runs longest: the one the successor follows on from.
    follows = max(predecessors, key=lambda p: (p.final_end or date.min, p.reference))
    lead = next(row for row in rows if row.reference == follows.reference)
    begins = start if start is not None else max(ends) + ONE_DAY
    values = [p.annual_value for p in predecessors if p.annual_value is not None]
    annual_value = sum(values, Decimal(0)) if values else None
    term = initial_term or lead.initial_term
    if term is None:
        raise InvalidInput(f"{lead.reference} has no initial term to carry over: give the successor's term")
    successor = register_contract(session, ContractFields(
        contract_type=_successor_type(lead.contract_type, template),
        reference=reference, title=title or lead.title, status=ContractStatus.PLANNED.value,
        start_date=begins, initial_term=term, description=f"Re-procurement of {', '.join(wanted)}.",
        buyer=lead.buyer, service_area=lead.service_area, owner_role=lead.owner_role,
        owner_contact=lead.owner_contact, regime=template.regime.value, procedure=template.procedure.value,
        light_touch=template.light_touch, annual_value=annual_value, decision_notice=lead.decision_notice,
        reprocurement_lead=lead.reprocurement_lead, replaces=wanted,
    ), actor=actor)
    record(session, actor=actor, contract=successor, entity="contract", entity_id=successor.id,
           action="reprocurement planned", field="replaces", new=wanted,
           reason=(f"starts {begins.isoformat()}" + (" (as given)" if start is not None else
                                                      " (the day after the latest final possible end)")
                   + (f"; annual value {annual_value} carried over as a first estimate (the predecessors' summed)"
                      if annual_value is not None else "")))
    applied = apply_schedule(session, successor.reference, template.key, anchor=SERVICE_START, anchor_date=begins,
                             calendar=calendar, actor=actor)
    _, findings = check_schedule(session, successor.reference, as_of=as_of, template_key=template.key)
    return ReprocureResult(successor=successor, template=template, start=begins, start_given=start is not None,
                           predecessors=predecessors, follows=follows, annual_value=annual_value,
                           applied=applied, findings=findings)


def _successor_type(kind: str, template: Template) -> str:
    """The successor's type: a call-off when the template awards one under a framework; else the
    type of the contract it follows on from (a concession re-procured is a concession, a framework a
    framework), except that a call-off re-procured by its own procedure is a public contract."""
    if template.procedure == Procedure.CALL_OFF:
        return ContractType.CALL_OFF.value
    return ContractType.PUBLIC_CONTRACT.value if kind == ContractType.CALL_OFF.value else kind


__all__ = ["Predecessor", "ReprocureResult", "reprocure"]
