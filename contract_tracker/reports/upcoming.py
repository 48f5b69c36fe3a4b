"""`report upcoming`: every open deadline in the window, in date order."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ..models import Deadline
from .common import (
    DEADLINE_COLUMNS, OPEN, Column, Filters, Report, Window, base_fields, in_window, iso, not_lapsed_by_time,
)

COLUMNS = (
    Column("due_date", "Due"),
    Column("days_left", "Days"),
    Column("reference", "Reference"),
    Column("contract_title", "Contract", in_table=False),
    Column("kind", "Kind"),
    Column("ordinal", "Ordinal", in_table=False),
    Column("title", "Deadline"),
    Column("start_date", "From", in_table=False),
    Column("owner", "Owner"),
    Column("service_area", "Service area", in_table=False),
    Column("action", "What to do", in_table=False),
)


def upcoming_query(*, as_of: date, win: Window, filters: Filters):
    """One range scan of the (due_date, state) index."""
    return filters.apply(
        select(*DEADLINE_COLUMNS).where(in_window(win), Deadline.state == OPEN, not_lapsed_by_time(as_of))
    ).order_by(Deadline.due_date, Deadline.contract_reference, Deadline.kind, Deadline.ordinal)


def upcoming_report(session: Session, *, as_of: date, win: Window, filters: Filters) -> Report:
    query = upcoming_query(as_of=as_of, win=win, filters=filters)
    rows = [
        {**base_fields(row, as_of), "start_date": iso(row.start_date), "action": row.action}
        for row in session.exec(query)
    ]
    return Report(
        name="upcoming", title=f"Deadlines from {win.start} to {win.end}", as_of=as_of, window=win,
        filters=filters, columns=COLUMNS, rows=[{c.key: r[c.key] for c in COLUMNS} for r in rows],
    )
