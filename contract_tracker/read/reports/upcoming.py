"""`report upcoming`: every deadline open on the day (stream.is_open) due in the window, in date order."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ...store.models import Deadline
from ..stream import is_open
from .common import Column, Filters, Report, Window, in_window, iso

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


# What a row needs, in the order the rows are unpacked below.
SELECTED = (
    Deadline.due_date, Deadline.contract_reference, Deadline.contract_title, Deadline.kind, Deadline.ordinal,
    Deadline.title, Deadline.start_date, Deadline.owner, Deadline.service_area, Deadline.action,
)


def upcoming_query(*, as_of: date, win: Window, filters: Filters):
    """One range scan of the (due_date, state) index, of the deadlines open on `as_of`."""
    return filters.apply(
        select(*SELECTED).where(in_window(win), is_open(as_of))
    ).order_by(Deadline.due_date, Deadline.contract_reference, Deadline.kind, Deadline.ordinal)


def upcoming_report(session: Session, *, as_of: date, win: Window, filters: Filters) -> Report:
    query = upcoming_query(as_of=as_of, win=win, filters=filters)
    # Plain columns, so Core rows (the ORM's row handling cost a tenth of a second at national
    # scale); each row built once, in COLUMNS order, unpacked as tuples (tens of thousands at national scale).
    rows = [
        {
            "due_date": due.isoformat(), "days_left": (due - as_of).days, "reference": reference,
            "contract_title": contract_title, "kind": kind, "ordinal": ordinal, "title": title,
            "start_date": iso(start), "owner": owner, "service_area": area, "action": action,
        }
        for due, reference, contract_title, kind, ordinal, title, start, owner, area, action
        in session.connection().execute(query)
    ]
    return Report(
        name="upcoming", title=f"Deadlines from {win.start} to {win.end}", as_of=as_of, window=win,
        filters=filters, columns=COLUMNS, rows=rows,
    )
