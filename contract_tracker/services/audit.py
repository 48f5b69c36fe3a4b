"""Writing the audit trail: one event per changed field, or one per action with no field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum

from sqlmodel import Session

from ..store.audit_stamps import stamp_at_commit
from ..store.models import AuditEvent, Contract


def utcnow() -> datetime:
    """The moment of a change, for audit stamps only (business dates never come from here)."""
    return datetime.now(UTC)


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (date, Decimal, bool, int)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "; ".join(as_text(item) for item in value)
    return str(value)


def record(
    session: Session,
    *,
    actor: str,
    contract: Contract,
    entity: str,
    action: str,
    entity_id: int | None = None,
    field: str = "",
    old: object = None,
    new: object = None,
    reason: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=at or utcnow(),
        actor=actor,
        contract_id=contract.id,
        contract_reference=contract.reference,
        entity=entity,
        entity_id=entity_id,
        action=action,
        field=field,
        old_value=as_text(old),
        new_value=as_text(new),
        reason=reason,
    )
    session.add(event)
    stamp_at_commit(session, event, contract)
    return event


def apply_changes(session: Session, *, actor: str, contract: Contract, entity: str, target, values: dict,
                  at: datetime) -> bool:
    """Set each changed attribute of `target` and audit it; return whether anything changed."""
    changed = False
    for name, value in values.items():
        old = getattr(target, name)
        if old != value:
            setattr(target, name, value)
            record(session, actor=actor, contract=contract, entity=entity, entity_id=target.id,
                   action="edited", field=name, old=old, new=value, at=at)
            changed = True
    return changed


def record_authority(session: Session, *, actor: str, entity: str, action: str, field: str = "", old: object = None,
                     new: object = None, reason: str = "", at: datetime | None = None) -> AuditEvent:
    """An event about the authority itself (its settings, its own notices): no contract."""
    event = AuditEvent(at=at or utcnow(), actor=actor, contract_id=None, contract_reference="", entity=entity,
                       action=action, field=field, old_value=as_text(old), new_value=as_text(new), reason=reason)
    session.add(event)
    return event
