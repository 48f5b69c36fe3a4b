"""Bringing one incoming contract into the register through the services, changing only what differs.

Both importers (OCDS and Transparency Code CSV) turn their input into `Incoming` records and hand
them to `apply_incoming`. It registers a new contract, or edits the fields that changed, adds
missing options, milestones and recorded decisions. Nothing is written (and so nothing audited)
for a record that already matches the register: importing the same file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from sqlmodel import Session, select

from ..dates import Span
from ..enums import ContractStatus, OptionStatus
from ..models import Contract
from ..services import (
    ContractFields,
    add_milestone,
    add_option,
    decline_option,
    edit_contract,
    edit_milestone,
    exercise_option,
    milestones_of,
    options_of,
    register_contract,
    suppliers_of,
    terminate,
)
from ..services.audit import record
from ..services.contracts import EDITABLE


@dataclass(frozen=True)
class IncomingMilestone:
    kind: str
    name: str
    due: Span
    status: str = "planned"
    met_on: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class OptionDecision:
    ordinal: int
    status: str  # exercised or declined
    on: date


@dataclass
class Incoming:
    """One contract as a source describes it. `provided` names the contract fields the source
    carries; the others are left as the register has them."""

    fields: ContractFields
    provided: frozenset[str]
    source: str  # where it came from, for messages and the audit trail ("line 12", an ocid)
    milestones: list[IncomingMilestone] = field(default_factory=list)
    decisions: list[OptionDecision] = field(default_factory=list)
    terminated: tuple[date, str] | None = None
    provides_suppliers: bool = True
    provides_options: bool = True


@dataclass
class ImportResult:
    """What an import did (or, on a dry run, would do)."""

    source: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # one line per change, for --dry-run
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        noun = "contract" if self.total == 1 else "contracts"
        return (f"{verb} {self.total} {noun} from {self.source}: {len(self.created)} new, "
                f"{len(self.updated)} updated, {len(self.unchanged)} unchanged")

    def as_dict(self) -> dict:
        return {
            "source": self.source, "dry_run": self.dry_run, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "changes": self.changes, "warnings": self.warnings,
        }


def _field_changes(contract: Contract, incoming: Incoming) -> dict:
    wanted = {f.name: getattr(incoming.fields, f.name) for f in fields(incoming.fields)}
    changes = {}
    for name in EDITABLE:
        if name not in incoming.provided:
            continue
        if name == "status" and ContractStatus.TERMINATED in (contract.status, wanted[name]):
            continue  # termination is its own action, with a date and a reason
        if getattr(contract, name) != wanted[name]:
            changes[name] = wanted[name]
    return changes


def apply_incoming(session: Session, incoming: Incoming, *, actor: str, reason: str, result: ImportResult) -> None:
    """Create or update one contract so that it matches `incoming`; note what changed in `result`."""
    reference = incoming.fields.reference
    contract = session.exec(select(Contract).where(Contract.reference == reference)).first()
    notes: list[str] = []
    if contract is None:
        contract = register_contract(session, incoming.fields, actor=actor)
        notes.append("new contract")
        created = True
    else:
        created = False
        changes = _field_changes(contract, incoming)
        current_suppliers = suppliers_of(session, contract)
        wanted_suppliers = [s.strip() for s in incoming.fields.suppliers if s and s.strip()]
        new_suppliers = (wanted_suppliers if incoming.provides_suppliers and current_suppliers != wanted_suppliers
                         else None)
        if changes or new_suppliers is not None:
            edit_contract(session, reference, changes, suppliers=new_suppliers, actor=actor)
            notes.extend(f"{name}: {getattr_text(value)}" for name, value in changes.items())
            if new_suppliers is not None:
                notes.append(f"suppliers: {'; '.join(new_suppliers)}")
        if incoming.provides_options:
            notes.extend(_sync_options(session, contract, incoming, actor=actor, result=result))
    notes.extend(_sync_decisions(session, contract, incoming, actor=actor))
    notes.extend(_sync_milestones(session, contract, incoming, actor=actor))
    if incoming.terminated and contract.status != ContractStatus.TERMINATED:
        on, why = incoming.terminated
        terminate(session, reference, on=on, reason=why, actor=actor)
        notes.append(f"terminated on {on.isoformat()}")
    if created:
        result.created.append(reference)
    elif notes:
        result.updated.append(reference)
    else:
        result.unchanged.append(reference)
        return
    record(session, actor=actor, contract=contract, entity="contract", entity_id=contract.id,
           action="imported", reason=reason)
    where = "" if reference in incoming.source else f" ({incoming.source})"
    result.changes.append(f"{reference}{where}: {'; '.join(notes)}")


def getattr_text(value) -> str:
    return "" if value is None else str(value)


def _sync_options(session: Session, contract: Contract, incoming: Incoming, *, actor: str,
                  result: ImportResult) -> list[str]:
    current = [o.length for o in options_of(session, contract)]
    wanted = list(incoming.fields.options)
    if current == wanted:
        return []
    if current == wanted[: len(current)]:
        for length in wanted[len(current):]:
            add_option(session, contract, length=length, actor=actor)
        return [f"options: {'; '.join(wanted)}"]
    result.warnings.append(
        f"{contract.reference} ({incoming.source}): the register has options {', '.join(current) or 'none'} "
        f"but the file has {', '.join(wanted) or 'none'}; options left as they are"
    )
    return []


def _sync_decisions(session: Session, contract: Contract, incoming: Incoming, *, actor: str) -> list[str]:
    notes = []
    for decision in sorted(incoming.decisions, key=lambda d: d.ordinal):
        option = next((o for o in options_of(session, contract) if o.ordinal == decision.ordinal), None)
        if option is None or option.status != OptionStatus.AVAILABLE:
            continue
        act = exercise_option if decision.status == OptionStatus.EXERCISED else decline_option
        # A decision copied from another register is a fact already taken: record it as of its
        # own date, with a reason, even when that date is past the decision window.
        act(session, contract.reference, decision.ordinal, today=decision.on, on=decision.on, actor=actor,
            force_reason=f"recorded by import ({incoming.source})")
        notes.append(f"option {decision.ordinal} {decision.status} on {decision.on.isoformat()}")
    return notes


def _sync_milestones(session: Session, contract: Contract, incoming: Incoming, *, actor: str) -> list[str]:
    if not incoming.milestones:
        return []
    existing = {(m.kind, m.name): m for m in milestones_of(session, contract.id)}
    notes = []
    for wanted in incoming.milestones:
        current = existing.get((wanted.kind, wanted.name))
        if current is None:
            add_milestone(session, contract.reference, kind=wanted.kind, name=wanted.name, due=wanted.due,
                          status=wanted.status, met_on=wanted.met_on, notes=wanted.notes, actor=actor)
            notes.append(f"milestone {wanted.name}: {wanted.due.end.isoformat()}")
            continue
        changes = {}
        start = None if wanted.due.is_day else wanted.due.start
        if current.due_date != wanted.due.end or current.start_date != start:
            changes["due"] = wanted.due
        if current.status != wanted.status:
            changes["status"] = wanted.status
        if wanted.met_on is not None and current.met_on != wanted.met_on:
            changes["met_on"] = wanted.met_on
        if changes:
            edit_milestone(session, contract.reference, current.id, changes, actor=actor)
            notes.append(f"milestone {wanted.name}: {wanted.due.end.isoformat()} {wanted.status}")
    return notes
