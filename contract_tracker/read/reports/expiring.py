"""`report expiring`: contracts whose final possible end, on the day, falls in the window.

The final possible end is the end the re-procurement start that gives it on the day prepares for
(`stream.gives_final_end`; deadlines._reprocurement_deadlines keeps one such row per end the
contract can still reach, each in force while its end is the latest possible), so one query over
those rows finds them, lapsed options and terminations included.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ...store.models import Contract, Deadline
from ..stream import SUPERSEDED, gives_final_end, is_open
from .common import CONTRACT_END, EXTENSION, Column, Filters, Report, Window, chunks, iso, money

COLUMNS = (
    Column("final_end", "Final end"),
    Column("days_left", "Days"),
    Column("reference", "Reference"),
    Column("contract_title", "Contract"),
    Column("current_end", "Current end"),
    Column("options_remaining", "Options left"),
    Column("reprocurement_start", "Re-procure from"),
    Column("reprocurement_under_way", "Re-procurement under way"),
    Column("successor", "Successor"),
    Column("terminated", "Terminated", in_table=False),
    Column("whole_life_value", "Whole-life value", in_table=False),
    Column("owner", "Owner"),
    Column("service_area", "Service area", in_table=False),
)


def expiring_report(session: Session, *, as_of: date, win: Window, filters: Filters) -> Report:
    end_row = aliased(Deadline)
    query = filters.apply(
        select(col(Deadline.contract_id), Deadline.ends_on, Deadline.due_date, Deadline.owner, Deadline.service_area,
               Contract.reference, Contract.title, Contract.successor_id, Contract.terminated_on,
               Contract.whole_life_value, end_row.due_date)
        .join(Contract, Contract.id == Deadline.contract_id)
        .outerjoin(end_row, (end_row.contract_id == Deadline.contract_id) & (end_row.kind == CONTRACT_END)
                   & (end_row.state != SUPERSEDED))
        .where(gives_final_end(as_of), Deadline.ends_on >= win.start, Deadline.ends_on <= win.end)
    )
    found = list(session.exec(query))
    remaining = _open_options(session, {row[0] for row in found}, as_of)
    successors = _successor_references(session, {row.successor_id for row in found if row.successor_id})
    rows = []
    for (contract_id, final_end, start, owner, area, reference, title, successor_id, terminated_on, value,
         current_end) in found:
        rows.append({
            "final_end": iso(final_end),
            "days_left": (final_end - as_of).days,
            "reference": reference,
            "contract_title": title,
            "current_end": iso(current_end),
            "options_remaining": remaining.get(contract_id, []),
            "reprocurement_start": iso(start),
            "reprocurement_under_way": successor_id is not None,
            "successor": successors.get(successor_id),
            "terminated": terminated_on is not None,
            "whole_life_value": money(value),
            "owner": owner,
            "service_area": area,
        })
    rows.sort(key=lambda r: (r["final_end"], r["reference"]))
    return Report(
        name="expiring", title=f"Contracts whose final possible end falls from {win.start} to {win.end}",
        as_of=as_of, window=win, filters=filters, columns=COLUMNS, rows=rows,
    )


def _open_options(session: Session, contract_ids: set[int], as_of: date) -> dict[int, list[int]]:
    """The options that can still be taken on `as_of` in the normal course (open, not yet overdue)."""
    out: dict[int, list[int]] = {}
    for ids in chunks(contract_ids):
        for contract_id, ordinal in session.exec(
            select(Deadline.contract_id, Deadline.ordinal)
            .where(col(Deadline.contract_id).in_(ids), Deadline.kind == EXTENSION, is_open(as_of),
                   Deadline.due_date >= as_of)
            .order_by(Deadline.contract_id, Deadline.ordinal)
        ):
            out.setdefault(contract_id, []).append(ordinal)
    return out


def _successor_references(session: Session, ids: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in chunks(ids):
        out.update(session.exec(select(Contract.id, Contract.reference).where(Contract.id.in_(chunk))).all())
    return out
