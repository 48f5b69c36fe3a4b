"""Use cases for procurement schedules: apply a template to a contract, check a contract.

Applying is idempotent: each milestone it makes carries Milestone.template_key
("<template>:<step>"), so applying again updates those milestones instead of adding more, adopts a
hand-entered milestone of the same kind rather than duplicating it, and never changes a milestone
that is already met (or that someone has cancelled or marked missed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from ..domain.dates import Span
from ..domain.periods import Gap
from ..domain.planning import Plan, plan
from ..domain.schedule_check import Finding, check
from ..domain.templates import Template, get_template, template_for
from ..domain.workdays import WorkingDays
from ..enums import MilestoneStatus
from ..store.concurrency import check_version
from ..store.models import Milestone
from .audit import record
from .kpis import kpi_standing
from .lookup import get_contract, lock_contract
from .milestones import add_milestone, edit_milestone, milestones_of
from .sync import load_snapshot


@dataclass
class ApplyResult:
    plan: Plan
    created: list[Milestone] = field(default_factory=list)
    updated: list[Milestone] = field(default_factory=list)
    kept: list[Milestone] = field(default_factory=list)  # met, missed or cancelled: left as they are
    unchanged: list[Milestone] = field(default_factory=list)


def _span(planned) -> Span:
    return Span(planned.start or planned.due, planned.due)


def apply_schedule(session: Session, reference: str, template_key: str, *, anchor: str, anchor_date: date,
                   calendar: WorkingDays, actor: str, periods: dict[str, Gap] | None = None,
                   expected_version: int | None = None) -> ApplyResult:
    """Plan `template_key` around `anchor` = `anchor_date` and write its milestones on the contract.

    With `expected_version` (the contract version the caller read) a plan made from a stale copy is refused."""
    contract = lock_contract(session, reference)
    check_version(session, contract, expected_version)
    template = get_template(template_key)
    result = ApplyResult(plan=plan(template, anchor, anchor_date, calendar, periods))
    existing = milestones_of(session, contract.id)
    by_key = {m.template_key: m for m in existing if m.template_key}
    for planned in sorted(result.plan.steps, key=lambda p: template.steps.index(p.step)):
        step = planned.step
        key = template.milestone_key(step)
        milestone = by_key.get(key) or next(
            (m for m in existing if m.template_key is None and m.kind == step.kind.value), None)
        if milestone is None:
            result.created.append(add_milestone(
                session, reference, kind=step.kind.value, name=step.name, due=_span(planned), actor=actor,
                owner=step.owner, notes=step.note, template_key=key))
            continue
        if milestone.template_key is None:  # adopt a hand-entered milestone of the same kind
            record(session, actor=actor, contract=contract, entity="milestone", entity_id=milestone.id,
                   action="edited", field="template_key", old=None, new=key)
            milestone.template_key = key
            session.add(milestone)
        if milestone.status != MilestoneStatus.PLANNED:
            result.kept.append(milestone)
            continue
        changes = {"due": _span(planned)}
        if not milestone.owner and step.owner:
            changes["owner"] = step.owner
        before = milestone.version
        edit_milestone(session, reference, milestone.id, changes, actor=actor)
        (result.updated if milestone.version != before else result.unchanged).append(milestone)
    record(session, actor=actor, contract=contract, entity="contract", entity_id=contract.id,
           action="schedule applied", field="template", new=template.key,
           reason=f"{result.plan.anchor} on {anchor_date.isoformat()}")
    return result


def resolve_template(session: Session, reference: str, template_key: str | None) -> Template | None:
    """The template given, else the one the contract's milestones were applied from, else the best fit."""
    if template_key:
        return get_template(template_key)
    contract = get_contract(session, reference)
    applied = [m.template_key.split(":", 1)[0] for m in milestones_of(session, contract.id) if m.template_key]
    if applied:
        return get_template(max(set(applied), key=applied.count))
    return template_for(contract.regime, contract.procedure, contract.light_touch)


def check_schedule(session: Session, reference: str, *, as_of: date,
                   template_key: str | None = None) -> tuple[Template | None, list[Finding]]:
    """Check a contract's milestones against statute and its template (reads only)."""
    contract = get_contract(session, reference)
    template = resolve_template(session, reference, template_key)
    return template, check(load_snapshot(session, contract), template, as_of, kpis=kpi_standing(session, contract))
