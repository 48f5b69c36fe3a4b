"""`report breaks`: last days to serve break notice in the window."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ..enums import DeadlineKind
from ..lifecycle import break_points
from ..models import Deadline
from .common import DEADLINE_COLUMNS, OPEN, Column, Filters, Report, Window, base_fields, in_window, iso, load_terms

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
            Deadline.kind == DeadlineKind.BREAK_NOTICE.value, Deadline.state == OPEN, in_window(win)
        )
    ).order_by(Deadline.due_date, Deadline.contract_reference, Deadline.ordinal)
    found = list(session.exec(query))
    terms = load_terms(session, {row.contract_id for row in found}, with_breaks=True)
    rows = []
    for row in found:
        points = break_points(terms[row.contract_id])  # ordinal n is the n-th break point
        point = points[row.ordinal - 1] if 0 < row.ordinal <= len(points) else None
        fields = base_fields(row, as_of)
        rows.append({
            "serve_notice_by": fields["due_date"],
            "days_left": fields["days_left"],
            "reference": fields["reference"],
            "contract_title": fields["contract_title"],
            "break_date": iso(point.break_date) if point else None,
            "owner": fields["owner"],
            "service_area": fields["service_area"],
            "action": row.action,
        })
    return Report(
        name="breaks", title=f"Break notices due from {win.start} to {win.end}", as_of=as_of,
        window=win, filters=filters, columns=COLUMNS, rows=rows,
    )
