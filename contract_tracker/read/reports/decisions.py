"""`report decisions`: extension options awaiting a decision, with the decide-by date and
what lapses if it is missed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from ...store.models import Deadline
from ..stream import in_force, is_open
from .common import (
    CONTRACT_END,
    DEADLINE_COLUMNS,
    EXTENSION,
    Column,
    Filters,
    Report,
    Window,
    base_fields,
    chunks,
    in_window,
    iso,
)

COLUMNS = (
    Column("decide_by", "Decide by"),
    Column("days_left", "Days"),
    Column("reference", "Reference"),
    Column("contract_title", "Contract"),
    Column("option", "Option"),
    Column("extends_to", "Extends to"),
    Column("ends_if_missed", "Ends if missed"),
    Column("lapses_if_missed", "Lapses if missed"),
    Column("owner", "Owner"),
    Column("service_area", "Service area", in_table=False),
    Column("action", "What to do", in_table=False),
)


def decisions_report(session: Session, *, as_of: date, win: Window, filters: Filters) -> Report:
    query = filters.apply(
        select(*DEADLINE_COLUMNS).where(Deadline.kind == EXTENSION, is_open(as_of), in_window(win))
    ).order_by(Deadline.due_date, Deadline.contract_reference, Deadline.ordinal)
    found = list(session.exec(query))
    chains = _option_chains(session, {row.contract_id for row in found}, as_of)
    rows = []
    for row in found:
        chain = chains[row.contract_id]
        fields = base_fields(row, as_of)
        rows.append({
            "decide_by": fields["due_date"],
            "days_left": fields["days_left"],
            "reference": fields["reference"],
            "contract_title": fields["contract_title"],
            "option": row.ordinal,
            "extends_to": iso(row.ends_on),
            # Not taken, the contract ends where the term this option extends ends.
            "ends_if_missed": iso(chain.ends.get(row.ordinal - 1, chain.current_end)),
            "lapses_if_missed": [ordinal for ordinal in chain.open if ordinal >= row.ordinal],
            "owner": fields["owner"],
            "service_area": fields["service_area"],
            "action": row.action,
        })
    return Report(
        name="decisions", title=f"Extension decisions due from {win.start} to {win.end}", as_of=as_of,
        window=win, filters=filters, columns=COLUMNS, rows=rows,
    )


@dataclass
class _Chain:
    """A contract's options as the stream has them on the day."""

    current_end: date | None = None
    ends: dict[int, date] = field(default_factory=dict)  # option -> the end if it is taken
    open: list[int] = field(default_factory=list)  # options still open on the day, in order


def _option_chains(session: Session, contract_ids: set[int], as_of: date) -> dict[int, _Chain]:
    chains: dict[int, _Chain] = {contract_id: _Chain() for contract_id in contract_ids}
    for ids in chunks(contract_ids):
        for contract_id, kind, ordinal, due, ends_on, still_open in session.exec(
            select(Deadline.contract_id, Deadline.kind, Deadline.ordinal, Deadline.due_date, Deadline.ends_on,
                   is_open(as_of))
            .where(col(Deadline.contract_id).in_(ids), col(Deadline.kind).in_((EXTENSION, CONTRACT_END)),
                   in_force(as_of))
            .order_by(Deadline.contract_id, Deadline.ordinal)
        ):
            chain = chains[contract_id]
            if kind == CONTRACT_END:
                chain.current_end = due
                continue
            chain.ends[ordinal] = ends_on
            if still_open:
                chain.open.append(ordinal)
    return chains
