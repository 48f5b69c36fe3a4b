"""`report expiring`: contracts whose final possible end falls in the window.

Two indexed range queries pick the only contracts that can qualify:
- a contract-end row in the window (no option can move it, or only options that lapse), or
- an open extension decision in the window (every decidable option is decided before the
  current end, so a final end inside the window needs its decisions inside the window too).
For a contract whose options have lapsed or run out, the final end is its contract-end row
(see `ends`). For one with options still open, the final end (the current end plus every open
option) is on no row, so the lifecycle engine computes it from those contracts' terms alone.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ..enums import DeadlineKind, DeadlineState, OptionStatus
from ..lifecycle import final_possible_end, option_windows, reprocurement_start
from ..models import Contract, Deadline
from .common import EXTENSION, OPEN, Column, Filters, Report, Window, chunks, in_window, iso, load_terms, money
from .ends import end_facts

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
    ends = filters.apply(select(Deadline.contract_id).where(
        Deadline.kind == DeadlineKind.CONTRACT_END.value, in_window(win),
        Deadline.state != DeadlineState.CANCELLED.value,
    ))
    decisions = filters.apply(select(Deadline.contract_id).where(
        Deadline.kind == EXTENSION, Deadline.state == OPEN, in_window(win),
    ))
    facts = end_facts(session, set(session.exec(ends)) | set(session.exec(decisions)))
    terms = load_terms(session, {f.contract_id for f in facts if f.options_open(as_of)})
    successors = _successor_references(session, {f.successor_id for f in facts if f.successor_id})
    rows = []
    for fact in facts:
        if fact.contract_id in terms:
            contract_terms = terms[fact.contract_id]
            final_end = final_possible_end(contract_terms, as_of)
            remaining = [w.ordinal for w in option_windows(contract_terms, as_of) if w.status == OptionStatus.AVAILABLE]
            start = reprocurement_start(contract_terms, as_of)
        else:
            final_end, remaining, start = fact.current_end, [], fact.reprocurement_start(as_of)
        if final_end is None or not win.start <= final_end <= win.end:
            continue
        rows.append({
            "final_end": iso(final_end),
            "days_left": (final_end - as_of).days,
            "reference": fact.reference,
            "contract_title": fact.title,
            "current_end": iso(fact.current_end),
            "options_remaining": remaining,
            "reprocurement_start": iso(start),
            "reprocurement_under_way": fact.successor_id is not None,
            "successor": successors.get(fact.successor_id),
            "terminated": fact.terminated_on is not None,
            "whole_life_value": money(fact.whole_life_value),
            "owner": fact.owner,
            "service_area": fact.service_area,
        })
    rows.sort(key=lambda r: (r["final_end"], r["reference"]))
    return Report(
        name="expiring", title=f"Contracts whose final possible end falls from {win.start} to {win.end}",
        as_of=as_of, window=win, filters=filters, columns=COLUMNS, rows=rows,
    )


def _successor_references(session: Session, ids: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in chunks(ids):
        out.update(session.exec(select(Contract.id, Contract.reference).where(Contract.id.in_(chunk))).all())
    return out
