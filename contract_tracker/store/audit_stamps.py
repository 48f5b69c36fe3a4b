"""Each audit event stamped with its contract's version as committed, so that a refused stale edit
can list exactly the changes made after the version its editor had read (store.concurrency)."""

from __future__ import annotations

from sqlmodel import Session

from .models import AuditEvent, Contract

_PENDING = "contract_tracker.audit_pending"


def stamp_at_commit(session: Session, event: AuditEvent, contract: Contract) -> None:
    """Give `event` the version `contract` has when this transaction commits (a contract's
    version moves on with each flush, so only then is it final)."""
    session.info.setdefault(_PENDING, []).append((event, contract))


def _stamp_contract_versions(session: Session) -> None:
    for event, contract in session.info.pop(_PENDING, []):
        event.contract_version = contract.version


def _forget_pending(session: Session, transaction) -> None:
    if transaction.parent is None:  # a new unit of work: events of a rolled-back one are gone
        session.info.pop(_PENDING, None)


# Installed on the store's sessions by store.database.install_listeners, not by importing this module.
LISTENERS = (("before_commit", _stamp_contract_versions), ("after_transaction_create", _forget_pending))
