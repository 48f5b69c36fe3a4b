"""Bringing incoming contracts into the register: new ones through the bulk path, changed ones
through the services, nothing written for those that already match.

Both importers (OCDS and Transparency Code CSV) turn their input into `Incoming` records, check
each with the shared validation (naming the row), and hand them all to `import_contracts`, in
the caller's one transaction (the whole file or nothing):

- what the register already holds for them is read with a few queries, not one per contract;
- a contract not yet in the register is checked and written by `bulk.load_within` (one audit
  event, "created", naming the file), far faster than a service call each;
- a contract that differs is planned (`plan_changes`, pure: which fields, suppliers, options,
  milestones, decisions) and the plan carried out through the services, so every change is
  audited, bumps the contract's version and rewrites its deadlines, and an "imported" event
  names the file;
- a contract that matches is left alone: importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Row
from sqlalchemy import select as core_select
from sqlmodel import Session

from ...domain.dates import Span
from ...domain.supplier_ids import SupplierMatcher
from ...enums import ContractStatus, OptionStatus
from ...errors import DomainError, InvalidInput
from ...services import (
    ContractFields,
    add_milestone,
    add_option,
    decline_option,
    edit_contract,
    edit_milestone,
    exercise_option,
    get_contract,
    terminate,
)
from ...services.audit import record, utcnow
from ...services.bulk_edit import NO_DEADLINE_DEPENDS_ON, FieldEdit, edit_fields
from ...services.bulk_load import defer_deadline_indexes, load_within, restore_indexes
from ...services.bulk_rows import BulkContract, CheckedContract, check_contract
from ...services.contracts import EDITABLE, KEPT_UNLESS_NAMED
from ...services.milestones import MilestoneInput
from ...services.validation import supplier_pairs
from ...store.models import Contract, ContractSupplier, ExtensionOption, Milestone

Progress = Callable[[int, int], None]  # (contracts done, contracts in all)
_IN_CHUNK = 900  # ids or references per IN (...) list: within every database's limit on parameters
_DEFER_INDEXES_FROM = 1000  # new contracts; fewer are written as quickly with the indexes in place


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
    # The source has extension wording this tool could not read: no options are taken from it,
    # and the contract is listed for review.
    unread_wording: str = ""
    checked: CheckedContract | None = None  # set by check_incoming


@dataclass
class ImportResult:
    """What an import did (or, on a dry run, would do)."""

    source: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # one line per change, for --dry-run
    warnings: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)  # extension wording not read: needs a person
    skipped: list[str] = field(default_factory=list)  # rows left out (the import's skip option)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        noun = "contract" if self.total == 1 else "contracts"
        lines = [f"{verb} {self.total} {noun} from {self.source}: {len(self.created)} new, "
                 f"{len(self.updated)} updated, {len(self.unchanged)} unchanged"]
        if self.total and not self.created and not self.updated:
            lines[0] += " (nothing changed: the register already matches the file)"
        if self.skipped:
            lines.append(f"{len(self.skipped)} {'row' if len(self.skipped) == 1 else 'rows'} skipped "
                         "(see the warnings)")
        if self.review:
            count = len(self.review)
            lines.append(f"{count} {'contract has' if count == 1 else 'contracts have'} extension wording that "
                         "could not be read: imported without options, for review (contract list --needs-review)")
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {
            "source": self.source, "dry_run": self.dry_run, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "changes": self.changes, "warnings": self.warnings,
            "needs_review": self.review, "skipped": self.skipped,
        }


def check_incoming(incoming: Incoming) -> None:
    """Every rule a new contract must pass (the shared validation); InvalidInput names the first
    broken one. Run on every row before anything is written; the rows it builds are kept for the
    bulk path."""
    incoming.checked = check_contract(incoming.fields, utcnow())


# ---------------------------------------------------------------------------------------------
# What the register holds, read in bulk


@dataclass
class Existing:
    """One contract as the register holds it, as far as an import compares it."""

    id: int
    version: int
    values: dict  # EDITABLE and KEPT_UNLESS_NAMED fields, and status, terminated_on
    suppliers: list[tuple[str, str]] = field(default_factory=list)
    options: list[tuple[int, str, str]] = field(default_factory=list)  # (ordinal, length, status)
    milestones: dict[tuple[str, str], Row] = field(default_factory=dict)  # (kind, name) -> row


def _chunks(values: list, size: int = _IN_CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def read_existing(session: Session, references: list[str]) -> dict[str, Existing]:
    """The contracts among `references` the register holds, with their suppliers, options and
    milestones: a handful of queries however many there are."""
    table = Contract.__table__
    wanted = [table.c.id, table.c.reference, table.c.status, table.c.terminated_on, table.c.version,
              *(table.c[name] for name in (*EDITABLE, *KEPT_UNLESS_NAMED) if name != "status")]
    found: dict[str, Existing] = {}
    names = [column.name for column in wanted]
    for part in _chunks(references):
        for row in session.execute(core_select(*wanted).where(table.c.reference.in_(part))):
            values = dict(zip(names, row, strict=True))
            found[values.pop("reference")] = Existing(id=values.pop("id"), version=values.pop("version"),
                                                      values=values)
    by_id = {existing.id: existing for existing in found.values()}
    ids = list(by_id)
    supplier, option, milestone = ContractSupplier.__table__, ExtensionOption.__table__, Milestone.__table__
    for part in _chunks(ids):
        for contract_id, name, identifier in session.execute(
                core_select(supplier.c.contract_id, supplier.c.name, supplier.c.identifier)
                .where(supplier.c.contract_id.in_(part)).order_by(supplier.c.contract_id, supplier.c.position)):
            by_id[contract_id].suppliers.append((name, identifier))
        for contract_id, ordinal, length, status in session.execute(
                core_select(option.c.contract_id, option.c.ordinal, option.c.length, option.c.status)
                .where(option.c.contract_id.in_(part)).order_by(option.c.contract_id, option.c.ordinal)):
            by_id[contract_id].options.append((ordinal, length, status))
        for row in session.execute(
                core_select(milestone.c.contract_id, milestone.c.id, milestone.c.kind, milestone.c.name,
                            milestone.c.start_date, milestone.c.due_date, milestone.c.status, milestone.c.met_on)
                .where(milestone.c.contract_id.in_(part)).order_by(milestone.c.contract_id, milestone.c.id)):
            by_id[row.contract_id].milestones.setdefault((row.kind, row.name), row)
    return found


def known_supplier_identifiers(session: Session) -> list[tuple[str, str]]:
    """Every (name, identifier) the register holds with an identifier: for matching suppliers."""
    supplier = ContractSupplier.__table__
    return [tuple(row) for row in session.execute(
        core_select(supplier.c.name, supplier.c.identifier).where(supplier.c.identifier != "").distinct())]


def match_suppliers(session: Session, incoming: list[Incoming]) -> None:
    """Give each supplier without an identifier the one that another row of the file, or the
    register, gives the same supplier (its name compared loosely: "Grit & Salt Ltd" and "GRIT AND
    SALT LIMITED"). A name that goes with two identifiers is left without one."""
    matcher = SupplierMatcher(known_supplier_identifiers(session))
    for item in incoming:
        for name, identifier in zip(item.fields.suppliers, item.fields.supplier_identifiers, strict=False):
            matcher.learn(name, identifier)
    for item in incoming:
        names = item.fields.suppliers
        given = list(item.fields.supplier_identifiers) + [""] * (len(names) - len(item.fields.supplier_identifiers))
        filled = [matcher.identifier_for(name, identifier) for name, identifier in zip(names, given, strict=True)]
        item.fields.supplier_identifiers = filled if any(filled) else []


# ---------------------------------------------------------------------------------------------
# Planning the changes to one contract (pure)


@dataclass
class Plan:
    """What to change so that a contract matches its incoming record; empty when it does."""

    fields: dict = field(default_factory=dict)
    suppliers: tuple[list[str], list[str]] | None = None
    add_options: list[str] = field(default_factory=list)
    decisions: list[OptionDecision] = field(default_factory=list)
    add_milestones: list[IncomingMilestone] = field(default_factory=list)
    edit_milestones: list[tuple[int, dict, IncomingMilestone]] = field(default_factory=list)
    terminate: tuple[date, str] | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.suppliers is not None or self.add_options or self.decisions
                    or self.add_milestones or self.edit_milestones or self.terminate)

    def touches_no_deadline(self) -> bool:
        """Only fields no deadline depends on, and suppliers: `bulk_edit` can write it."""
        return (set(self.fields) <= NO_DEADLINE_DEPENDS_ON and not self.add_options and not self.decisions
                and not self.add_milestones and not self.edit_milestones and not self.terminate)


def _text(value) -> str:
    return "" if value is None else str(value)


def _same_value(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (old is None) == (new is None) and (old is None or Decimal(old) == Decimal(new))
    return old == new


_COMPARED = (*EDITABLE, *KEPT_UNLESS_NAMED)


def decisions_to_record(statuses: dict[int, str], decisions: list[OptionDecision]) -> list[OptionDecision]:
    """The decisions a file records that the register can still take, in order: each on an option
    still available (`statuses`: ordinal -> status), a declined one lapsing those after it."""
    statuses = dict(statuses)
    taken = []
    for decision in sorted(decisions, key=lambda d: d.ordinal):
        if statuses.get(decision.ordinal) != OptionStatus.AVAILABLE:
            continue
        taken.append(decision)
        statuses[decision.ordinal] = decision.status
        if decision.status == OptionStatus.DECLINED:
            statuses.update({n: OptionStatus.LAPSED.value for n in statuses if n > decision.ordinal})
    return taken


def plan_changes(existing: Existing, incoming: Incoming, reference: str) -> Plan:
    """The changes that make `existing` match `incoming`, as `import_contracts` carries them out."""
    plan = Plan()
    current = existing.values
    status = current["status"]
    for name in incoming.provided:
        if name not in _COMPARED:
            continue
        wanted = getattr(incoming.fields, name)
        if name == "status" and ContractStatus.TERMINATED in (status, wanted):
            continue  # termination is its own action, with a date and a reason
        if not _same_value(current.get(name), wanted):
            plan.fields[name] = wanted
    plan.fields = {name: plan.fields[name] for name in _COMPARED if name in plan.fields}  # in a steady order
    plan.notes.extend(f"{name}: {_text(value)}" for name, value in plan.fields.items())
    if incoming.provides_suppliers:
        # A supplier the file gives no identifier for keeps the one the register has.
        recorded = dict(existing.suppliers)
        given = supplier_pairs(incoming.fields.suppliers, incoming.fields.supplier_identifiers)
        pairs = [(name, identifier or recorded.get(name, "")) for name, identifier in given]
        if pairs != existing.suppliers:
            plan.suppliers = ([name for name, _ in pairs], [identifier for _, identifier in pairs])
            plan.notes.append(f"suppliers: {'; '.join(name for name, _ in pairs)}")
    statuses = {ordinal: option_status for ordinal, _, option_status in existing.options}
    if incoming.provides_options:
        have = [length for _, length, _ in existing.options]
        want = list(incoming.fields.options)
        if have != want:
            if have == want[:len(have)]:
                plan.add_options = want[len(have):]
                plan.notes.append(f"options: {'; '.join(want)}")
                statuses.update(dict.fromkeys(range(len(have) + 1, len(want) + 1), OptionStatus.AVAILABLE.value))
            else:
                plan.warnings.append(
                    f"{reference} ({incoming.source}): the register has options {', '.join(have) or 'none'} "
                    f"but the file has {', '.join(want) or 'none'}; options left as they are")
    if status != ContractStatus.TERMINATED:
        plan.decisions = decisions_to_record(statuses, incoming.decisions)
        plan.notes.extend(f"option {d.ordinal} {d.status} on {d.on.isoformat()}" for d in plan.decisions)
    for milestone in incoming.milestones:
        row = existing.milestones.get((milestone.kind, milestone.name))
        if row is None:
            plan.add_milestones.append(milestone)
            plan.notes.append(f"milestone {milestone.name}: {milestone.due.end.isoformat()}")
            continue
        changes = {}
        start = None if milestone.due.is_day else milestone.due.start
        if row.due_date != milestone.due.end or row.start_date != start:
            changes["due"] = milestone.due
        if row.status != milestone.status:
            changes["status"] = milestone.status
        if milestone.met_on is not None and row.met_on != milestone.met_on:
            changes["met_on"] = milestone.met_on
        if changes:
            plan.edit_milestones.append((row.id, changes, milestone))
            plan.notes.append(f"milestone {milestone.name}: {milestone.due.end.isoformat()} {milestone.status}")
    if incoming.terminated and status != ContractStatus.TERMINATED:
        plan.terminate = incoming.terminated
        plan.notes.append(f"terminated on {incoming.terminated[0].isoformat()}")
    return plan


def carry_out(session: Session, reference: str, plan: Plan, incoming: Incoming, *, actor: str) -> Contract:
    """Make the planned changes through the services (each audited, each bumping the version)."""
    if plan.fields or plan.suppliers is not None:
        names, identifiers = plan.suppliers if plan.suppliers is not None else (None, None)
        contract = edit_contract(session, reference, plan.fields, suppliers=names, supplier_identifiers=identifiers,
                                 actor=actor)
    else:
        contract = get_contract(session, reference)
    if plan.add_options:
        for length in plan.add_options:
            add_option(session, contract, length=length, actor=actor)
    for decision in plan.decisions:
        act = exercise_option if decision.status == OptionStatus.EXERCISED else decline_option
        # A decision copied from another register is a fact already taken: record it as of its
        # own date, with a reason, even when that date is past the decision window.
        act(session, reference, decision.ordinal, today=decision.on, on=decision.on, actor=actor,
            force_reason=f"recorded by import ({incoming.source})")
    for milestone in plan.add_milestones:
        add_milestone(session, reference, kind=milestone.kind, name=milestone.name, due=milestone.due,
                      status=milestone.status, met_on=milestone.met_on, notes=milestone.notes, actor=actor)
    for milestone_id, changes, _ in plan.edit_milestones:
        edit_milestone(session, reference, milestone_id, changes, actor=actor)
    if plan.terminate:
        on, why = plan.terminate
        terminate(session, reference, on=on, reason=why, actor=actor)
    return contract


# ---------------------------------------------------------------------------------------------
# The whole import


def _bulk_item(incoming: Incoming) -> BulkContract:
    return BulkContract(contract=incoming.fields, checked=incoming.checked, milestones=[
        MilestoneInput.spanning(m.due, kind=m.kind, name=m.name, status=m.status, met_on=m.met_on, notes=m.notes)
        for m in incoming.milestones
    ])


def _lock_for_writing(session: Session) -> None:
    """On SQLite, take the write lock before reading what the register holds, so that nobody adds
    a contract between that read and this import's writes (PostgreSQL's unique index and row
    locks do the same there)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not getattr(connection.connection.dbapi_connection,
                                                           "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def import_contracts(session: Session, incoming: list[Incoming], *, actor: str, reason: str, result: ImportResult,
                     progress: Progress | None = None, workers: int = 0) -> None:
    """Bring every incoming contract into the register in the caller's transaction; note in
    `result` what was created, updated and left unchanged. References must be unique in
    `incoming`, and every record checked (`check_incoming`) beforehand."""
    total, done = len(incoming), 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None and count:
            progress(done, total)

    _lock_for_writing(session)
    match_suppliers(session, incoming)
    existing = read_existing(session, [item.fields.reference for item in incoming])
    new = [item for item in incoming if item.fields.reference not in existing]
    follow_up: list[tuple[Incoming, Plan]] = []
    quick: list[FieldEdit] = []
    for item in incoming:
        reference = item.fields.reference
        if item.unread_wording:
            if reference in existing and existing[reference].options:
                result.warnings.append(f"{reference} ({item.source}): extension wording not read; "
                                       "the options the register has are left as they are")
            else:
                result.review.append(reference)
        if reference not in existing:
            continue
        held = existing[reference]
        plan = plan_changes(held, item, reference)
        result.warnings.extend(plan.warnings)
        if not plan:
            result.unchanged.append(reference)
        elif plan.touches_no_deadline():  # values, descriptions, suppliers: many at once
            quick.append(FieldEdit(
                contract_id=held.id, reference=reference, version=held.version,
                old={name: held.values.get(name) for name in plan.fields}, new=dict(plan.fields),
                old_suppliers=held.suppliers if plan.suppliers is not None else None,
                new_suppliers=list(zip(*plan.suppliers, strict=True)) if plan.suppliers is not None else None,
                reason=reason))
            result.updated.append(reference)
            where = "" if reference in item.source else f" ({item.source})"
            result.changes.append(f"{reference}{where}: {'; '.join(plan.notes)}")
        else:
            follow_up.append((item, plan))
    advance(len(result.unchanged))
    if quick:
        session.flush()
        edit_fields(session.connection(), quick, actor=actor, now=utcnow())
        advance(len(quick))
    if new:
        session.flush()
        connection = session.connection()
        # Into an empty store (the first import of a register), index the deadlines once at the end.
        deferred = defer_deadline_indexes(connection) if len(new) >= _DEFER_INDEXES_FROM else None
        load_within(connection, (_bulk_item(item) for item in new), actor=actor, reason=reason,
                    workers=workers, progress=advance, chunk_size=1000)  # the bar moves every 1,000
        restore_indexes(connection, deferred)
        for item in new:
            reference = item.fields.reference
            result.created.append(reference)
            # Decisions and a termination the file records go through the services, as for an
            # existing contract: their rules (options in order, an end within the term) are theirs.
            available = dict.fromkeys(range(1, len(item.fields.options) + 1), OptionStatus.AVAILABLE.value)
            after = Plan(decisions=decisions_to_record(available, item.decisions), terminate=item.terminated)
            notes = ["new contract"] + [f"option {d.ordinal} {d.status} on {d.on.isoformat()}" for d in after.decisions]
            if after.terminate:
                notes.append(f"terminated on {after.terminate[0].isoformat()}")
            if after:
                follow_up.append((item, after))
            where = "" if reference in item.source else f" ({item.source})"
            result.changes.append(f"{reference}{where}: {'; '.join(notes)}")
    created = set(result.created)
    for item, plan in follow_up:
        reference = item.fields.reference
        try:
            contract = carry_out(session, reference, plan, item, actor=actor)
        except DomainError as error:
            raise type(error)(f"{item.source}: {error}") from None
        if reference not in created:
            result.updated.append(reference)
            record(session, actor=actor, contract=contract, entity="contract", entity_id=contract.id,
                   action="imported", reason=reason)
            where = "" if reference in item.source else f" ({item.source})"
            result.changes.append(f"{reference}{where}: {'; '.join(plan.notes)}")
            advance(1)


def refuse_duplicates(incoming: list[Incoming]) -> None:
    seen: dict[str, str] = {}
    for item in incoming:
        reference = item.fields.reference
        if reference in seen:
            raise InvalidInput(f"{item.source}: reference {reference!r} is already on {seen[reference]}")
        seen[reference] = item.source
