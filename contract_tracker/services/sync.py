"""Keeping the materialised deadline table in step with a contract, in the same transaction."""

from __future__ import annotations

from sqlmodel import Session, select

from ..deadlines import deadlines_for
from ..models import BreakClause, Contract, Deadline, ExtensionOption, Milestone
from ..snapshot import ContractSnapshot, snapshot_of
from .audit import utcnow


def load_snapshot(session: Session, contract: Contract) -> ContractSnapshot:
    options = session.exec(select(ExtensionOption).where(ExtensionOption.contract_id == contract.id)).all()
    breaks = session.exec(select(BreakClause).where(BreakClause.contract_id == contract.id)).all()
    milestones = session.exec(select(Milestone).where(Milestone.contract_id == contract.id)).all()
    return snapshot_of(contract, list(options), list(breaks), list(milestones))


def refresh_deadlines(session: Session, contract: Contract) -> list[Deadline]:
    """Rewrite `contract`'s deadlines: update changed rows (their sequence grows), add new ones,
    remove those that no longer apply. Identity (kind, ordinal) is kept, so calendar UIDs hold."""
    session.flush()
    wanted = {(item.kind.value, item.ordinal): item for item in deadlines_for(load_snapshot(session, contract))}
    existing = {
        (row.kind, row.ordinal): row
        for row in session.exec(select(Deadline).where(Deadline.contract_id == contract.id))
    }
    now = utcnow()
    for key, row in existing.items():
        if key not in wanted:
            session.delete(row)
    rows = []
    for key, item in wanted.items():
        row = existing.get(key)
        fingerprint = item.fingerprint()
        denormalised = dict(
            owner=item.owner,
            contract_reference=contract.reference,
            contract_title=contract.title,
            service_area=contract.service_area,
        )
        if row is None:
            row = Deadline(
                contract_id=contract.id, kind=item.kind.value, ordinal=item.ordinal,
                sequence=0, updated_at=now, fingerprint="", **denormalised,
                due_date=item.due_date, title=item.title,
            )
        changed = row.fingerprint != fingerprint or any(
            getattr(row, name) != value for name, value in denormalised.items()
        )
        if changed:
            if row.fingerprint:
                row.sequence += 1
            row.fingerprint = fingerprint
            row.start_date = item.start_date
            row.due_date = item.due_date
            row.state = item.state.value
            row.title = item.title
            row.action = item.action
            row.updated_at = now
            for name, value in denormalised.items():
                setattr(row, name, value)
            session.add(row)
        rows.append(row)
    return rows
