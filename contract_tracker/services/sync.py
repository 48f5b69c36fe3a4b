"""Keeping the materialised deadline table in step with a contract, in the same transaction.

`reconcile` is the one rule for how stored rows follow the engine's items, used by the services
(through the ORM, here), by the rewrite after a rules change (stream_upkeep, through Core) and,
for new contracts, by the bulk load. Rows are never deleted: a deadline the facts no longer
produce is kept as superseded, so its history stays and its calendar event can be cancelled; and
a row's sequence (its calendar SEQUENCE) only ever grows.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..domain.deadline_item import AUTHORITY_KINDS, DeadlineItem
from ..domain.deadlines import deadlines_for
from ..domain.snapshot import ContractSnapshot
from ..enums import DeadlineState, Regime
from ..store.models import BreakClause, Contract, Deadline, ExtensionOption, Milestone
from ..store.snapshots import snapshot_of
from .audit import utcnow

Key = tuple[str, int]  # (kind, ordinal): a deadline's identity within its contract
K = TypeVar("K", bound=Hashable)  # a row's identity: Key, or (contract, kind, ordinal) for the authority's
SUPERSEDED = DeadlineState.SUPERSEDED.value
# What the engine decides of a row; the rest (ids, sequence, updated_at) is kept by the store.
CONTENT = ("start_date", "due_date", "state", "holds_from", "holds_until", "ends_on", "title", "action", "owner",
           "contract_reference", "contract_title", "service_area", "fingerprint")


def load_snapshot(session: Session, contract: Contract) -> ContractSnapshot:
    options = session.exec(select(ExtensionOption).where(ExtensionOption.contract_id == contract.id)).all()
    breaks = session.exec(select(BreakClause).where(BreakClause.contract_id == contract.id)).all()
    milestones = session.exec(select(Milestone).where(Milestone.contract_id == contract.id)).all()
    successor = session.get(Contract, contract.successor_id) if contract.successor_id is not None else None
    return snapshot_of(contract, list(options), list(breaks), list(milestones),
                       successor.reference if successor is not None else "")


def successor_references(connection: Any, ids: list[int]) -> dict[int, str]:
    """The reference of each successor of the contracts `ids`, by the predecessor's id (a Session or
    a Core connection): what `snapshot_of` names in a predecessor's re-procurement deadlines."""
    successor = aliased(Contract)
    query = (select(Contract.id, successor.reference)
             .join(successor, col(successor.id) == col(Contract.successor_id)).where(col(Contract.id).in_(ids)))
    return {row[0]: row[1] for row in connection.execute(query)}


def content_values(item: DeadlineItem, reference: str, title: str, service_area: str) -> tuple:
    """The stored content of one item, in CONTENT's order: its own fields and the contract's,
    copied for filtering. A tuple, as the bulk load writes a million and a half of them."""
    return (item.start_date, item.due_date, item.state._value_, item.holds_from, item.holds_until, item.ends_on,
            item.title, item.action, item.owner, reference, title, service_area, item.fingerprint())


def row_content(item: DeadlineItem, *, reference: str, title: str, service_area: str) -> dict[str, Any]:
    """The stored content of one item, by column name."""
    return dict(zip(CONTENT, content_values(item, reference, title, service_area), strict=True))


def wanted_content(items: Iterable[DeadlineItem], *, reference: str, title: str,
                   service_area: str) -> dict[Key, dict[str, Any]]:
    return {(item.kind._value_, item.ordinal): row_content(item, reference=reference, title=title,
                                                          service_area=service_area) for item in items}


def reconcile(existing: Mapping[K, Mapping[str, Any]], wanted: Mapping[K, dict[str, Any]],
              now: datetime) -> tuple[dict[K, dict[str, Any]], dict[K, dict[str, Any]]]:
    """The rows to add and the changes to make so that stored rows match `wanted`.

    `existing` maps each stored row's key to its content (as CONTENT) and `sequence`. A changed
    row's sequence grows by one; a row no longer wanted becomes superseded (once)."""
    inserts: dict[K, dict[str, Any]] = {}
    updates: dict[K, dict[str, Any]] = {}
    for key, content in wanted.items():
        row = existing.get(key)
        if row is None:
            inserts[key] = {**content, "sequence": 0, "updated_at": now}
        elif any(row[name] != value for name, value in content.items()):
            updates[key] = {**content, "sequence": row["sequence"] + 1, "updated_at": now}
    for key, row in existing.items():
        if key not in wanted and row["state"] != SUPERSEDED:
            updates[key] = {"state": SUPERSEDED, "fingerprint": f"superseded:{row['fingerprint']}"[:64],
                            "sequence": row["sequence"] + 1, "updated_at": now}
    return inserts, updates


def _content_of(row: Deadline) -> dict[str, Any]:
    return {name: getattr(row, name) for name in (*CONTENT, "sequence")}


def refresh_deadlines(session: Session, contract: Contract) -> list[Deadline]:
    """Rewrite `contract`'s deadlines (see `reconcile`); return the rows the facts now produce.
    Identity (kind, ordinal) is kept, so calendar UIDs hold."""
    from .notices import lists_pipeline  # notices reconciles with this module's rules

    # Read before the flush, which forgets what the contract was. Any contract may enter or leave
    # the pipeline a UK1 notice lists, so with UK1 due every change refreshes the notices.
    touches_authority = _touches_authority(contract) or lists_pipeline(session)
    session.flush()
    assert contract.id is not None  # flushed above
    items = deadlines_for(load_snapshot(session, contract))
    wanted = wanted_content(items, reference=contract.reference, title=contract.title,
                            service_area=contract.service_area)
    stored = {(row.kind, row.ordinal): row
              for row in session.exec(select(Deadline).where(Deadline.contract_id == contract.id,
                                                             col(Deadline.kind).not_in(AUTHORITY_KINDS)))}
    inserts, updates = reconcile({key: _content_of(row) for key, row in stored.items()}, wanted, utcnow())
    for (kind, ordinal), values in inserts.items():
        stored[kind, ordinal] = row = Deadline(contract_id=contract.id, kind=kind, ordinal=ordinal, **values)
        session.add(row)
    for key, values in updates.items():
        row = stored[key]
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)
    if touches_authority:
        from .notices import refresh_authority_notices

        refresh_authority_notices(session)
    return [stored[key] for key in wanted]


def _touches_authority(contract: Contract) -> bool:
    """Whether the authority's notices may change with this contract: it is, or was until this
    change, a PA 2023 contract (read before the flush, which forgets what it was)."""
    pa2023 = Regime.PA2023.value
    return contract.regime == pa2023 or pa2023 in (inspect(contract).attrs.regime.history.deleted or ())
