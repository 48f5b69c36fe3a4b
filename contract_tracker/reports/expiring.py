"""`report expiring`: contracts whose final possible end falls in the window.

The final possible end depends on the day asked (an option whose decision date has passed
undecided has lapsed), so no deadline row can carry it. Instead two indexed range queries
pick the only contracts that can qualify, and the lifecycle engine (the one rule for the
final end) runs on those alone:
- a contract-end row in the window (no option can move it, or only options that lapse), or
- an open extension decision in the window (every decidable option is decided before the
  current end, so a final end inside the window needs its decisions inside the window too).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ..enums import DeadlineKind, DeadlineState, OptionStatus
from ..lifecycle import current_end, final_possible_end, option_windows, reprocurement_start
from ..models import Contract, Deadline
from .common import EXTENSION, OPEN, Column, Filters, Report, Window, in_window, iso, load_terms, money

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
    candidates = set(session.exec(ends)) | set(session.exec(decisions))
    loaded = load_terms(session, candidates)
    successors = _successor_references(session, [c for c, _ in loaded.values()])
    rows = []
    for contract, terms in loaded.values():
        final_end = final_possible_end(terms, as_of)
        if final_end is None or not win.start <= final_end <= win.end:
            continue
        rows.append({
            "final_end": iso(final_end),
            "days_left": (final_end - as_of).days,
            "reference": contract.reference,
            "contract_title": contract.title,
            "current_end": iso(current_end(terms)),
            "options_remaining": [
                w.ordinal for w in option_windows(terms, as_of) if w.status == OptionStatus.AVAILABLE
            ],
            "reprocurement_start": iso(reprocurement_start(terms, as_of)),
            "reprocurement_under_way": contract.successor_id is not None,
            "successor": successors.get(contract.successor_id),
            "terminated": contract.terminated_on is not None,
            "whole_life_value": money(contract.whole_life_value),
            "owner": contract.owner_role,
            "service_area": contract.service_area,
        })
    rows.sort(key=lambda r: (r["final_end"], r["reference"]))
    return Report(
        name="expiring", title=f"Contracts whose final possible end falls from {win.start} to {win.end}",
        as_of=as_of, window=win, filters=filters, columns=COLUMNS, rows=rows,
    )


def _successor_references(session: Session, contracts: list[Contract]) -> dict[int, str]:
    ids = {c.successor_id for c in contracts if c.successor_id is not None}
    if not ids:
        return {}
    return dict(session.exec(select(Contract.id, Contract.reference).where(Contract.id.in_(ids))).all())
