"""`report expiring`: contracts whose final possible end falls in the window.

Two indexed range queries pick the only contracts that can qualify:
- a contract-end row in the window (no option can move it, or only options that lapse), or
- an open extension decision in the window (every decidable option is decided before the
  current end, so a final end inside the window needs its decisions inside the window too).
For a contract whose options have lapsed or run out, the final end is its contract-end row
(see `ends`). For one with options still open, the final end (the current end plus every open
option) is on no row but follows, to within 3 days, from the re-procurement-start row; the
lifecycle engine gives the exact day for those near the window's edges, and the options left
for those listed.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ..enums import DeadlineKind, DeadlineState, OptionStatus
from ..lifecycle import final_possible_end, option_windows
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
    exact: dict[int, date | None] = {}
    undecided = []
    for fact in facts:
        bounds = fact.final_end_bounds(as_of)
        if bounds is None or bounds[0] != bounds[1]:
            if bounds is None or (bounds[0] <= win.end and bounds[1] >= win.start):
                undecided.append(fact)  # near an edge of the window: ask the engine
        else:
            exact[fact.contract_id] = bounds[0]
    terms = load_terms(session, {f.contract_id for f in undecided})
    for fact in undecided:
        exact[fact.contract_id] = final_possible_end(terms[fact.contract_id], as_of)
    kept = [f for f in facts if exact.get(f.contract_id) and win.start <= exact[f.contract_id] <= win.end]
    open_terms = load_terms(session, {f.contract_id for f in kept if f.options_open(as_of)} - set(terms))
    terms.update(open_terms)
    successors = _successor_references(session, {f.successor_id for f in kept if f.successor_id})
    rows = []
    for fact in kept:
        final_end = exact[fact.contract_id]
        remaining = []
        if fact.options_open(as_of):
            windows = option_windows(terms[fact.contract_id], as_of)
            remaining = [w.ordinal for w in windows if w.status == OptionStatus.AVAILABLE]
        rows.append({
            "final_end": iso(final_end),
            "days_left": (final_end - as_of).days,
            "reference": fact.reference,
            "contract_title": fact.title,
            "current_end": iso(fact.current_end),
            "options_remaining": remaining,
            "reprocurement_start": iso(fact.reprocurement_start(as_of)),
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
