"""`report breaks`: last days to serve break notice in the window."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ...enums import DeadlineKind
from ...store.models import Deadline
from ..stream import is_open
from .common import DEADLINE_COLUMNS, Column, Filters, Report, Window, base_fields, in_window, iso

COLUMNS = (
    Column("serve_notice_by", "Serve notice by"),
    Column("days_left", "Days"),
    Column("reference", "Reference"),
    Column("contract_title", "Contract"),
    Column("break_date", "Break takes effect"),
    Column("owner", "Owner"),
    Column("service_area", "Service area", in_table=False),
    Column("action", "What to do", in_table=False),
)


def breaks_report(session: Session, *, as_of: date, win: Window, filters: Filters) -> Report:
    query = filters.apply(
        select(*DEADLINE_COLUMNS).where(
            Deadline.kind == DeadlineKind.BREAK_NOTICE.value, is_open(as_of), in_window(win)
        )
    ).order_by(Deadline.due_date, Deadline.contract_reference, Deadline.ordinal)
    rows = []
    for row in session.exec(query):
        fields = base_fields(row, as_of)
        rows.append({
            "serve_notice_by": fields["due_date"],
            "days_left": fields["days_left"],
            "reference": fields["reference"],
            "contract_title": fields["contract_title"],
            "break_date": iso(row.ends_on),  # the contract's last day if the break is taken
            "owner": fields["owner"],
            "service_area": fields["service_area"],
            "action": row.action,
        })
    return Report(
        name="breaks", title=f"Break notices due from {win.start} to {win.end}", as_of=as_of,
        window=win, filters=filters, columns=COLUMNS, rows=rows,
    )
