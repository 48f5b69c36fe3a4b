"""Use cases on milestones: add, edit, mark met."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from ..domain.dates import Span
from ..domain.limits import clean_text, column_length, computed_dates
from ..domain.quick_init import quick_init
from ..enums import MilestoneStatus
from ..errors import InvalidInput
from ..store.concurrency import check_version
from ..store.models import Milestone
from .audit import apply_changes, record, utcnow
from .lookup import get_milestone, lock_contract
from .sync import refresh_deadlines
from .validation import milestone_kind, milestone_status


@quick_init  # a national load's worker processes unpack a million of these
@dataclass(frozen=True)
class MilestoneInput:
    """A milestone as every way in gives it (the app's form, the bulk path, imports): one day
    (start_date None) or a span ending on due_date. A status of None means planned when adding
    and unchanged when editing."""

    kind: str
    name: str
    due_date: date
    start_date: date | None = None
    status: str | None = None
    met_on: date | None = None
    owner: str = ""
    notes: str = ""

    @classmethod
    def spanning(cls, due: Span, **fields) -> MilestoneInput:
        return cls(due_date=due.end, start_date=None if due.is_day else due.start, **fields)

    @property
    def due(self) -> Span:
        return Span(self.start_date or self.due_date, self.due_date)

def _touch(session: Session, contract) -> None:
    contract.updated_at = utcnow()
    contract.version += 1
    session.add(contract)


def add_milestone(session: Session, reference: str, *, kind: str, name: str, due: Span, actor: str,
                  owner: str = "", notes: str = "", status: str = MilestoneStatus.PLANNED.value,
                  met_on: date | None = None, template_key: str | None = None) -> Milestone:
    contract = lock_contract(session, reference)
    name = clean_text(name, field="milestone name", max_length=column_length(Milestone, "name"))
    if not name:
        raise InvalidInput("a milestone needs a name")
    owner = clean_text(owner, field="milestone owner", max_length=column_length(Milestone, "owner"))
    notes = clean_text(notes, field="milestone notes", multiline=True)
    status = milestone_status(status)
    if status == MilestoneStatus.MET and met_on is None:
        met_on = due.end
    milestone = Milestone(
        contract_id=contract.id, kind=milestone_kind(kind), name=name.strip(),
        start_date=None if due.is_day else due.start, due_date=due.end,
        status=status, met_on=met_on, owner=owner, notes=notes, template_key=template_key,
    )
    session.add(milestone)
    session.flush()
    record(session, actor=actor, contract=contract, entity="milestone", entity_id=milestone.id,
           action="created", field=milestone.name, new=due.end)
    _touch(session, contract)
    with computed_dates(contract.reference):
        refresh_deadlines(session, contract)
    return milestone


EDITABLE = ("kind", "name", "due", "status", "met_on", "owner", "notes")


def edit_milestone(session: Session, reference: str, milestone_id: int, changes: dict, *, actor: str,
                   expected_version: int | None = None) -> Milestone:
    """Change a milestone; `expected_version` is the contract version the editor read."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"cannot edit: {', '.join(sorted(unknown))}")
    contract = lock_contract(session, reference)
    check_version(session, contract, expected_version)
    milestone = get_milestone(session, contract, milestone_id)
    values = dict(changes)
    if "due" in values:
        due: Span = values.pop("due")
        values["start_date"] = None if due.is_day else due.start
        values["due_date"] = due.end
        # A step recorded as met on its planned day: moving the day corrects when it happened too
        # (periods run from the day it was met). Met on another day, the two stay apart.
        if (milestone.status == MilestoneStatus.MET and "met_on" not in values
                and milestone.met_on == milestone.due_date):
            values["met_on"] = due.end
    if "kind" in values:
        values["kind"] = milestone_kind(values["kind"])
    if "status" in values:
        values["status"] = milestone_status(values["status"])
    for name, multiline in (("name", False), ("owner", False), ("notes", True)):
        if name in values:
            values[name] = clean_text(values[name], field=f"milestone {name}", multiline=multiline,
                                      max_length=column_length(Milestone, name))
    if "name" in values and not values["name"]:
        raise InvalidInput("a milestone needs a name")
    now = utcnow()
    changed = apply_changes(session, actor=actor, contract=contract, entity="milestone", target=milestone,
                            values=values, at=now)
    if changed:
        milestone.version += 1
        session.add(milestone)
        _touch(session, contract)
        with computed_dates(contract.reference):
            refresh_deadlines(session, contract)
    return milestone


def complete_milestone(session: Session, reference: str, milestone_id: int, *, met_on: date, today: date,
                       actor: str, expected_version: int | None = None) -> Milestone:
    """Mark a milestone met on `met_on` (not later than today)."""
    if met_on > today:
        raise InvalidInput(f"a milestone cannot be met in the future ({met_on}; today is {today})")
    return edit_milestone(session, reference, milestone_id,
                          {"status": MilestoneStatus.MET.value, "met_on": met_on}, actor=actor,
                          expected_version=expected_version)


def milestones_of(session: Session, contract_id: int) -> list[Milestone]:
    return list(session.exec(
        select(Milestone).where(Milestone.contract_id == contract_id).order_by(Milestone.due_date, Milestone.id)
    ))
