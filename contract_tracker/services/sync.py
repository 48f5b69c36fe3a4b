"""Keeping the materialised deadline table in step with a contract, in the same transaction:
its snapshot, the engine's items, and the stored rows reconciled with them (deadline_rows).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlmodel import Session, col, select

from ..domain.deadline_item import AUTHORITY_KINDS
from ..domain.deadlines import deadlines_for
from ..domain.snapshot import ContractSnapshot
from ..enums import Regime
from ..store.models import BreakClause, Contract, Deadline, ExtensionOption, Milestone
from ..store.snapshots import snapshot_of
from .audit import utcnow
from .deadline_rows import CONTENT, reconcile, wanted_content
from .notices import lists_pipeline, refresh_authority_notices


def load_snapshot(session: Session, contract: Contract) -> ContractSnapshot:
    options = session.exec(select(ExtensionOption).where(ExtensionOption.contract_id == contract.id)).all()
    breaks = session.exec(select(BreakClause).where(BreakClause.contract_id == contract.id)).all()
    milestones = session.exec(select(Milestone).where(Milestone.contract_id == contract.id)).all()
    successor = session.get(Contract, contract.successor_id) if contract.successor_id is not None else None
    return snapshot_of(contract, list(options), list(breaks), list(milestones),
                       successor.reference if successor is not None else "")


def _content_of(row: Deadline) -> dict[str, Any]:
    return {name: getattr(row, name) for name in (*CONTENT, "sequence")}


def refresh_deadlines(session: Session, contract: Contract) -> list[Deadline]:
    """Rewrite `contract`'s deadlines (see `reconcile`); return the rows the facts now produce.
    Identity (kind, ordinal) is kept, so calendar UIDs hold."""
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
        refresh_authority_notices(session)
    return [stored[key] for key in wanted]


def _touches_authority(contract: Contract) -> bool:
    """Whether the authority's notices may change with this contract: it is, or was until this
    change, a PA 2023 contract (read before the flush, which forgets what it was)."""
    pa2023 = Regime.PA2023.value
    return contract.regime == pa2023 or pa2023 in (inspect(contract).attrs.regime.history.deleted or ())
