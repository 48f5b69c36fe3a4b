"""Use cases on contracts: register, edit, link a successor, terminate. One transaction each."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..domain.durations import period_end
from ..domain.lifecycle import current_end
from ..domain.limits import clean_text, computed_dates
from ..enums import BreakParty, ContractStatus, ContractType, OptionStatus, Procedure
from ..errors import InvalidInput, RuleViolation
from ..store.concurrency import check_version
from ..store.models import BreakClause, Contract, ContractSupplier, ExtensionOption
from .audit import apply_changes, record, utcnow
from .lookup import lock_contract, take_write_lock
from .options import lapse_later_options
from .sync import load_snapshot, refresh_deadlines
from .validation import (
    MAX_OPTIONS,
    check_contract_dates,
    check_dates_fit,
    check_option_lengths,
    check_period,
    clean_break,
    clean_contract_fields,
    identified,
    supplier_pairs,
)


@dataclass
class BreakInput:
    notice: str = "3m"
    earliest_date: date | None = None
    after: str | None = None
    party: str = BreakParty.EITHER.value
    note: str = ""


@dataclass
class ContractFields:
    """What a person gives when registering a contract; every field is checked by `validate`."""

    reference: str
    title: str
    start_date: date | None = None
    initial_term: str | None = None
    description: str = ""
    buyer: str = ""
    service_area: str = ""
    owner_role: str = ""
    owner_contact: str = ""
    status: str = ContractStatus.LIVE.value
    regime: str | None = None  # None: assumed from the start date (statutory.assumed_regime)
    procedure: str = Procedure.OPEN.value
    light_touch: bool = False
    # enums.ContractType: concessions and frameworks are outside some of the Act's duties (UK8,
    # s.70; KPIs and UK9), so the register must know them from public contracts and call-offs.
    contract_type: str = ContractType.PUBLIC_CONTRACT.value
    annual_value: Decimal | None = None
    whole_life_value: Decimal | None = None
    decision_notice: str = "6m"
    reprocurement_lead: str = "12m"
    suppliers: list[str] = field(default_factory=list)
    # Each supplier's registration number, in the same order ("GB-COH-01234567"; "" for none).
    supplier_identifiers: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)  # lengths, in order: ["3y", "3y"]
    option_notices: list[str | None] = field(default_factory=list)
    breaks: list[BreakInput] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)  # references of predecessor contracts
    # The register's or notice's own words for the options ("2 x 12 months"), kept as written.
    extension_wording: str = ""


EDITABLE = (
    "title", "description", "buyer", "service_area", "owner_role", "owner_contact", "status",
    "regime", "procedure", "light_touch", "start_date", "initial_term", "annual_value",
    "whole_life_value", "decision_notice", "reprocurement_lead",
)
# Editable too, but only when a change names them: forms that fill in every field of EDITABLE
# (the app's contract form) cannot blank them by not showing them (nor turn a concession back
# into a public contract).
KEPT_UNLESS_NAMED = ("extension_wording", "contract_type")


def register_contract(session: Session, data: ContractFields, *, actor: str) -> Contract:
    values = clean_contract_fields({f.name: getattr(data, f.name) for f in fields(data)
                                    if f.name in EDITABLE or f.name in KEPT_UNLESS_NAMED or f.name == "reference"})
    take_write_lock(session)  # SQLite: two registrations of one reference queue, and the second is told
    if session.exec(select(Contract.id).where(Contract.reference == values["reference"])).first():
        raise InvalidInput(f"a contract with reference {values['reference']!r} already exists")
    now = utcnow()
    contract = Contract(**values, created_at=now, updated_at=now)
    check_contract_dates(contract)
    check_dates_fit(contract.start_date, contract.initial_term, check_option_lengths(list(data.options)),
                    notices=(contract.decision_notice, contract.reprocurement_lead))
    session.add(contract)
    try:
        session.flush()
    except IntegrityError:  # PostgreSQL: the same reference registered by someone else at the same moment
        raise InvalidInput(f"a contract with reference {values['reference']!r} already exists") from None
    record(session, actor=actor, contract=contract, entity="contract", entity_id=contract.id, action="created", at=now)
    _set_suppliers(session, contract, data.suppliers, data.supplier_identifiers, actor=actor)
    for ordinal, length in enumerate(data.options, start=1):
        notice = data.option_notices[ordinal - 1] if ordinal <= len(data.option_notices) else None
        add_option(session, contract, length=length, notice=notice, actor=actor, refresh=False)
    for clause in data.breaks:
        add_break(session, contract, clause, actor=actor, refresh=False)
    for predecessor_reference in sorted(set(data.replaces)):  # locked in one order (see lock_contract)
        link_successor(session, lock_contract(session, predecessor_reference), contract, actor=actor)
    with computed_dates(contract.reference):
        refresh_deadlines(session, contract)
    return contract


def _set_suppliers(session: Session, contract: Contract, names: list[str], identifiers: list[str] | None = None,
                   *, actor: str) -> None:
    """Make the contract's suppliers `names` (with `identifiers`, by position; None keeps each
    remaining name's identifier as it is), auditing names and identifiers that change."""
    current = session.exec(
        select(ContractSupplier).where(ContractSupplier.contract_id == contract.id).order_by(ContractSupplier.position)
    ).all()
    old = [(row.name, row.identifier) for row in current]
    if identifiers is None:
        known = dict(old)
        identifiers = [known.get((name or "").strip(), "") for name in names]
    wanted = supplier_pairs(names, identifiers)
    if old == wanted:
        return
    for row in current:
        session.delete(row)
    session.flush()
    for position, (name, identifier) in enumerate(wanted, start=1):
        session.add(ContractSupplier(contract_id=contract.id, position=position, name=name, identifier=identifier))
    if [name for name, _ in old] != [name for name, _ in wanted]:
        record(session, actor=actor, contract=contract, entity="contract", entity_id=contract.id,
               action="edited", field="suppliers", old=[name for name, _ in old], new=[name for name, _ in wanted])
    if [(n, i) for n, i in old if i] != [(n, i) for n, i in wanted if i]:
        record(session, actor=actor, contract=contract, entity="contract", entity_id=contract.id,
               action="edited", field="supplier identifiers", old=identified(old), new=identified(wanted))


def suppliers_of(session: Session, contract: Contract) -> list[str]:
    return list(session.exec(
        select(ContractSupplier.name).where(ContractSupplier.contract_id == contract.id)
        .order_by(ContractSupplier.position)
    ))


def supplier_pairs_of(session: Session, contract: Contract) -> list[tuple[str, str]]:
    """The contract's suppliers as (name, identifier), in order."""
    return [(name, identifier) for name, identifier in session.exec(
        select(ContractSupplier.name, ContractSupplier.identifier)
        .where(ContractSupplier.contract_id == contract.id).order_by(ContractSupplier.position)
    )]


def edit_contract(session: Session, reference: str, changes: dict, *, actor: str, suppliers: list[str] | None = None,
                  supplier_identifiers: list[str] | None = None, expected_version: int | None = None) -> Contract:
    """Change any of EDITABLE (and optionally the suppliers, with their identifiers); each changed
    field is audited.

    With `expected_version` (the version the editor read) a change from a stale copy is refused."""
    unknown = set(changes) - set(EDITABLE) - set(KEPT_UNLESS_NAMED) - {"reference"}
    if unknown:
        raise InvalidInput(f"cannot edit: {', '.join(sorted(unknown))}")
    contract = lock_contract(session, reference)
    check_version(session, contract, expected_version)
    cleaned = clean_contract_fields(changes)
    if ("reference" in cleaned and cleaned["reference"] != contract.reference
            and session.exec(select(Contract.id).where(Contract.reference == cleaned["reference"])).first()):
        raise InvalidInput(f"a contract with reference {cleaned['reference']!r} already exists")
    if cleaned.get("status") == ContractStatus.TERMINATED and contract.status != ContractStatus.TERMINATED:
        raise RuleViolation("use terminate (with a date and a reason) to end a contract early")
    now = utcnow()
    renamed = "reference" in cleaned and cleaned["reference"] != contract.reference
    changed = apply_changes(session, actor=actor, contract=contract, entity="contract", target=contract,
                            values=cleaned, at=now)
    check_contract_dates(contract)
    if suppliers is not None:
        _set_suppliers(session, contract, suppliers, supplier_identifiers, actor=actor)
        changed = True
    if changed:
        contract.updated_at = now
        contract.version += 1
        session.add(contract)
        with computed_dates(contract.reference):
            refresh_deadlines(session, contract)
    if renamed:  # the predecessors' re-procurement deadlines name their successor
        _refresh_predecessors(session, contract)
    return contract


def _refresh_predecessors(session: Session, successor: Contract) -> None:
    session.flush()
    references = session.exec(select(Contract.reference).where(Contract.successor_id == successor.id)
                              .order_by(Contract.reference)).all()
    for reference in references:  # locked in one order (see lock_contract)
        refresh_deadlines(session, lock_contract(session, reference))


def add_option(session: Session, contract: Contract, *, length: str, notice: str | None = None,
               actor: str, refresh: bool = True) -> ExtensionOption:
    ordinals = session.exec(select(ExtensionOption.ordinal).where(ExtensionOption.contract_id == contract.id)).all()
    if len(ordinals) >= MAX_OPTIONS:
        raise InvalidInput(f"{contract.reference} already has {len(ordinals)} options; "
                           f"a contract has at most {MAX_OPTIONS}")
    option = ExtensionOption(
        contract_id=contract.id,
        ordinal=max(ordinals, default=0) + 1,
        length=check_period(length, "option"),
        notice=check_period(notice, "option notice") if notice else None,
        status=OptionStatus.AVAILABLE.value,
    )
    session.add(option)
    session.flush()
    record(session, actor=actor, contract=contract, entity="option", entity_id=option.id, action="created",
           field=f"option {option.ordinal}", new=option.length)
    if refresh:  # added to an existing contract: that is a change to it
        _bump(session, contract)
        with computed_dates(contract.reference):
            refresh_deadlines(session, contract)
    return option


def add_break(session: Session, contract: Contract, clause: BreakInput, *, actor: str,
              refresh: bool = True) -> BreakClause:
    values = clean_break(clause.earliest_date, clause.after, clause.notice, clause.party, contract.start_date)
    row = BreakClause(contract_id=contract.id, **values,
                      note=clean_text(clause.note, field="break note", multiline=True))
    session.add(row)
    session.flush()
    record(session, actor=actor, contract=contract, entity="break", entity_id=row.id, action="created",
           new=row.earliest_date or f"after {row.after}")
    if refresh:
        _bump(session, contract)
        with computed_dates(contract.reference):
            refresh_deadlines(session, contract)
    return row


def _bump(session: Session, contract: Contract) -> None:
    contract.version += 1
    contract.updated_at = utcnow()
    session.add(contract)


def link_successor(session: Session, predecessor: Contract, successor: Contract, *, actor: str) -> None:
    if predecessor.id == successor.id:
        raise InvalidInput("a contract cannot replace itself")
    old = session.get(Contract, predecessor.successor_id) if predecessor.successor_id else None
    predecessor.successor_id = successor.id
    predecessor.version += 1
    session.add(predecessor)
    record(session, actor=actor, contract=predecessor, entity="contract", entity_id=predecessor.id,
           action="edited", field="successor", old=old.reference if old else "", new=successor.reference)
    refresh_deadlines(session, predecessor)


def terminate(session: Session, reference: str, *, on: date, reason: str, actor: str,
              expected_version: int | None = None) -> Contract:
    """End a contract early with effect from `on` (its last day); options not yet taken lapse."""
    contract = lock_contract(session, reference)
    check_version(session, contract, expected_version)
    reason = clean_text(reason, field="reason", multiline=True)
    if not reason:
        raise InvalidInput("give a reason for terminating the contract")
    if contract.status == ContractStatus.TERMINATED:
        raise RuleViolation(f"{reference} was already terminated on {contract.terminated_on}")
    if contract.start_date is None:
        raise RuleViolation(f"{reference} has not started; cancel the procurement instead")
    if on < contract.start_date:
        raise InvalidInput(f"termination date {on} is before the contract starts ({contract.start_date})")
    end = current_end(load_snapshot(session, contract).terms)
    if end is not None and on > end:
        raise InvalidInput(f"termination date {on} is after the contract ends ({end})")
    now = utcnow()
    record(session, actor=actor, contract=contract, entity="contract", entity_id=contract.id,
           action="terminated", field="status", old=contract.status, new=ContractStatus.TERMINATED.value,
           reason=reason.strip(), at=now)
    record(session, actor=actor, contract=contract, entity="contract", entity_id=contract.id,
           action="terminated", field="terminated_on", old=None, new=on, reason=reason.strip(), at=now)
    contract.status = ContractStatus.TERMINATED.value
    contract.terminated_on = on
    contract.termination_reason = reason.strip()
    contract.updated_at = now
    contract.version += 1
    session.add(contract)
    lapse_later_options(session, contract, after_ordinal=0, actor=actor,
                        reason=f"contract terminated: {reason.strip()}")
    with computed_dates(contract.reference):
        refresh_deadlines(session, contract)
    return contract


def term_between(start: date, end: date) -> str:
    """The period from `start` whose last day is `end`, in whole years or months if it is one."""
    if end < start:
        raise InvalidInput(f"the end ({end}) is before the start ({start})")
    months = (end.year - start.year) * 12 + (end.month - start.month) + 1
    for candidate in (f"{months // 12}y" if months % 12 == 0 else None, f"{months}m"):
        if candidate and months > 0 and period_end(start, candidate) == end:
            return candidate
    return f"{(end - start).days + 1}d"
