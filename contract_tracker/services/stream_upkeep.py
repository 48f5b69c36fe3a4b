"""Keeping the stored deadline stream written by the current rules.

The deadline table is derived from the facts by `deadlines.deadlines_for`. When the rules change
(a release fixes how a date is worked out, or adds what a row carries), every stored stream is out
of date at once; `deadlines.RULES` names the rules, the store records which rules wrote its rows,
and opening a store whose rows were written by other rules rewrites them all, in one transaction,
before anything reads them. Rows are reconciled as the services do it (services.sync.reconcile):
identities kept, sequences grown, rows that no longer apply kept as superseded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from ..domain.deadline_item import AUTHORITY_KINDS
from ..domain.deadlines import RULES, deadlines_for
from ..store.change_marker import mark_changed
from ..store.models import BreakClause, Contract, Deadline, DeadlineVersion, ExtensionOption, Milestone
from ..store.snapshots import snapshot_of, successor_references
from .audit import utcnow
from .deadline_rows import CONTENT, reconcile, wanted_content

_VERSION = SQLModel.metadata.tables[DeadlineVersion.__tablename__]
_DEADLINE = SQLModel.metadata.tables[Deadline.__tablename__]
_CONTRACT = SQLModel.metadata.tables[Contract.__tablename__]
BATCH = 2000  # contracts read and reconciled at a time


def stored_rules(connection: Connection) -> str:
    return connection.execute(select(_VERSION.c.rules).where(_VERSION.c.id == 1)).scalar() or ""


def rewrite_if_stale(engine: Engine, *, progress: Callable[[int, int], None] | None = None) -> int | None:
    """Rewrite every contract's deadlines when the store's rows were written by other rules than
    the code's; the number of rows changed, or None when they were current (one primary-key read)."""
    with engine.connect() as connection:
        if stored_rules(connection) == RULES:
            return None
    with engine.begin() as connection:
        if stored_rules(connection) == RULES:  # another process got there first
            return None
        changed = rewrite_all(connection, progress=progress)
        if connection.execute(update(_VERSION).where(_VERSION.c.id == 1).values(rules=RULES)).rowcount == 0:
            mark_changed(connection)
            connection.execute(update(_VERSION).where(_VERSION.c.id == 1).values(rules=RULES))
        if changed:
            mark_changed(connection)
    return changed


def rewrite_all(connection: Connection, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Reconcile every contract's stored deadlines with the engine's, in `connection`'s transaction."""
    ids = list(connection.execute(select(_CONTRACT.c.id).order_by(_CONTRACT.c.id)).scalars())
    changed = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        changed += _rewrite(connection, batch)
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    return changed


def _grouped(connection: Connection, model: type[SQLModel], ids: list[int]) -> dict[int, list[Any]]:
    table = SQLModel.metadata.tables[str(model.__tablename__)]
    grouped: dict[int, list] = defaultdict(list)
    query = select(table).where(table.c.contract_id.in_(ids))
    if model is Deadline:  # the authority's notices are the authority's refresh's (services.notices)
        query = query.where(table.c.kind.not_in(AUTHORITY_KINDS))
    for row in connection.execute(query):
        grouped[row.contract_id].append(row)
    return grouped


def _rewrite(connection: Connection, ids: list[int]) -> int:
    contracts = connection.execute(select(_CONTRACT).where(_CONTRACT.c.id.in_(ids))).all()
    options, breaks, milestones, stored = (_grouped(connection, model, ids)
                                           for model in (ExtensionOption, BreakClause, Milestone, Deadline))
    successors = successor_references(connection, ids)
    now = utcnow()
    inserts, updates = [], []
    for contract in contracts:
        # Plain rows stand in for the models: snapshot_of reads attributes only.
        snapshot = snapshot_of(contract, options[contract.id], breaks[contract.id], milestones[contract.id],  # type: ignore[arg-type]
                               successors.get(contract.id, ""))
        wanted = wanted_content(deadlines_for(snapshot), reference=contract.reference, title=contract.title,
                                service_area=contract.service_area)
        rows = {(row.kind, row.ordinal): row for row in stored[contract.id]}
        existing = {key: {name: getattr(row, name) for name in (*CONTENT, "sequence")} for key, row in rows.items()}
        new, changes = reconcile(existing, wanted, now)
        inserts += [{"contract_id": contract.id, "kind": kind, "ordinal": ordinal, **values}
                    for (kind, ordinal), values in new.items()]
        updates += [(rows[key].id, values) for key, values in changes.items()]
    if inserts:
        connection.execute(_DEADLINE.insert(), inserts)
    by_columns: dict[tuple[str, ...], list[dict]] = defaultdict(list)  # one executemany per shape of change
    for row_id, values in updates:
        by_columns[tuple(sorted(values))].append({"row_id": row_id, **{f"new_{k}": v for k, v in values.items()}})
    for columns, params in by_columns.items():
        statement = (update(_DEADLINE).where(_DEADLINE.c.id == bindparam("row_id"))
                     .values({name: bindparam(f"new_{name}") for name in columns}))
        connection.execute(statement, params)
    return len(inserts) + len(updates)
