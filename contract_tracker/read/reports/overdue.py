"""`report overdue`: what stands overdue on the day (stream.is_overdue): milestones past due and not
met, extension decisions past their date while the option can still be taken late, re-procurements
not started while the contract runs, statutory notices not published."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ...store.models import Deadline
from ..stream import is_overdue
from .common import DEADLINE_COLUMNS, Column, Filters, Report, base_fields

COLUMNS = (
    Column("due_date", "Was due"),
    Column("days_overdue", "Days over"),
    Column("reference", "Reference"),
    Column("contract_title", "Contract", in_table=False),
    Column("kind", "Kind"),
    Column("ordinal", "Ordinal", in_table=False),
    Column("title", "Deadline"),
    Column("owner", "Owner"),
    Column("service_area", "Service area", in_table=False),
    Column("action", "What to do", in_table=False),
)


def overdue_report(session: Session, *, as_of: date, filters: Filters) -> Report:
    query = filters.apply(select(*DEADLINE_COLUMNS).where(is_overdue(as_of))).order_by(
        Deadline.due_date, Deadline.contract_reference, Deadline.kind, Deadline.ordinal)
    rows = []
    for row in session.exec(query):
        fields = base_fields(row, as_of)
        fields["days_overdue"] = -fields.pop("days_left")
        fields["action"] = row.action
        rows.append({c.key: fields[c.key] for c in COLUMNS})
    return Report(
        name="overdue", title="Overdue deadlines", as_of=as_of, window=None,
        filters=filters, columns=COLUMNS, rows=rows,
    )
