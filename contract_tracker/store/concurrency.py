"""Optimistic concurrency: refuse an edit made from a stale copy, and say who changed what since.

Two guards, one message. A caller that held a copy across think-time (the TUI, or a script given
`--expect-version N`) passes the contract version it read, checked before anything changes. Two
transactions racing on the same rows are caught by the mappers' version columns (every UPDATE says
WHERE version = <the one read>); `Store.session()` turns that into the same StaleEdit.
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy.orm import attributes
from sqlmodel import Session, select

from ..errors import InvalidInput, StaleEdit
from .models import AuditEvent, Contract, ExtensionOption, Milestone

_READ = "contract_tracker.read_versions"
SHOWN = 8  # changes listed in one message; the rest are counted


def check_version(session: Session, contract: Contract, expected: int | None) -> None:
    """Raise StaleEdit when `contract` is no longer at the version the caller read."""
    if expected is None or contract.version == expected:
        return
    if expected < 1:
        raise InvalidInput(f"{contract.reference} has no version {expected if abs(expected) < 10**12 else 'that low'}: "
                           "versions count from 1 (see contract show)")
    if expected > contract.version:
        raise InvalidInput(f"{contract.reference} is at version {contract.version}; it has never been at "
                           f"version {expected}")
    raise StaleEdit(stale_message(contract.reference, expected, contract.version,
                                  changes_since(session, contract.id, expected)))


def changes_since(session: Session, contract_id: int, version: int) -> list[AuditEvent]:
    return list(session.exec(
        select(AuditEvent)
        .where(AuditEvent.contract_id == contract_id, AuditEvent.contract_version > version)
        .order_by(AuditEvent.at, AuditEvent.id)
    ))


def describe_change(event: AuditEvent) -> str:
    """One audit event as a phrase: "bob at 2026-11-22 08:01 UTC changed title from 'A' to 'B'"."""
    subject = event.field or event.entity
    if event.entity == "milestone" and event.action != "created":
        subject = f"milestone {event.entity_id} {event.field}".strip()
    if event.action == "edited":
        what = f"changed {subject} from {event.old_value or '(blank)'!r} to {event.new_value or '(blank)'!r}"
    elif event.action == "created":
        what = "registered the contract" if event.entity == "contract" else f"added {_named(event)}"
        if event.entity != "contract" and event.new_value:
            what += f" ({event.new_value})"
    else:
        what = f"{event.action} {subject}"
        if event.reason:
            what += f" ({event.reason})"
    at = event.at.astimezone(UTC) if event.at.tzinfo else event.at  # stored naive in UTC on SQLite
    return f"{event.actor} at {at:%Y-%m-%d %H:%M} UTC {what}"


def _named(event: AuditEvent) -> str:
    return event.field if event.field.startswith(event.entity) else f"{event.entity} {event.field}".strip()


def stale_message(reference: str, read: int, current: int | None, events: list[AuditEvent]) -> str:
    now = f"now {current}" if current is not None else "since changed"
    head = f"{reference} was changed after you read it (your copy is version {read}, {now})"
    if not events:
        return f"{head}; reload it and make your change again"
    listed = "; ".join(describe_change(event) for event in events[:SHOWN])
    more = f"; and {len(events) - SHOWN} more" if len(events) > SHOWN else ""
    return f"{head}: {listed}{more}. Reload it and make your change again"


_ENTITY = {ExtensionOption: "option", Milestone: "milestone"}


def _remember_read_versions(session: Session, _context, _instances) -> None:
    """Note the version each changed row had when this session read it (for the message)."""
    read = session.info.setdefault(_READ, {})
    for obj in session.dirty:
        kind = type(obj)
        if kind is Contract:
            key = ("contract", obj.id)
        elif kind in _ENTITY:
            key = (_ENTITY[kind], obj.id)
        else:
            continue
        if key not in read:
            history = attributes.get_history(obj, "version")
            version = (history.deleted or history.unchanged or [obj.version])[0]
            contract_id = obj.id if kind is Contract else obj.contract_id
            read[key] = (contract_id, version)


def _forget_read_versions(session: Session, transaction) -> None:
    # Kept through a failed flush (Store.session reads them then); dropped when a new one begins.
    if transaction.parent is None:
        session.info.pop(_READ, None)


# Installed on the store's sessions by store.database.install_listeners, not by importing this module.
LISTENERS = (("before_flush", _remember_read_versions), ("after_transaction_create", _forget_read_versions))


def stale_after_race(fresh_session: Session, read_versions: dict) -> StaleEdit:
    """The StaleEdit for a lost race, read in a fresh session from what the winner committed: the
    changes since the contract version this session read or, when only an option or milestone was
    stale, the last change made to it."""
    models = {"contract": Contract, "option": ExtensionOption, "milestone": Milestone}
    with fresh_session as fresh:
        for (entity, row_id), (contract_id, read) in sorted(read_versions.items()):
            current = fresh.get(models[entity], row_id)
            contract = fresh.get(Contract, contract_id)
            if current is None or contract is None:
                return StaleEdit(f"the {entity} you were changing was deleted by someone else after you read it")
            if current.version == read:
                continue
            if entity == "contract":
                return StaleEdit(stale_message(contract.reference, read, current.version,
                                               changes_since(fresh, contract_id, read)))
            last = fresh.exec(
                select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_id == row_id)
                .order_by(AuditEvent.id.desc())
            ).first()
            events = [] if last is None else changes_since(fresh, contract_id, (last.contract_version or 1) - 1)
            events = [e for e in events if e.entity == entity and e.entity_id == row_id] or ([last] if last else [])
            return StaleEdit(stale_message(f"{entity} {row_id} of {contract.reference}", read, current.version, events))
    return StaleEdit("the record was changed by someone else after you read it; reload it and make your change again")


def read_versions(session: Session) -> dict:
    return dict(session.info.get(_READ, {}))
