"""`report overdue`: milestones past due and not met, decisions missed, re-procurements not
started, break notices not served. `deadlines.is_overdue` is the rule; the query only narrows."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ..deadlines import INFORMATIONAL, is_overdue
from ..models import Deadline
from .common import DEADLINE_COLUMNS, OPEN, Column, Filters, Report, base_fields, not_lapsed_by_time

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
    query = filters.apply(
        select(*DEADLINE_COLUMNS).where(
            Deadline.due_date < as_of, Deadline.state == OPEN, Deadline.kind.not_in(INFORMATIONAL),
            not_lapsed_by_time(as_of),  # a later option lapsed with the first missed one: list that one
        )
    ).order_by(Deadline.due_date, Deadline.contract_reference, Deadline.kind, Deadline.ordinal)
    rows = []
    for row in session.exec(query):
        if not is_overdue(row.kind, row.due_date, row.state, as_of):
            continue
        fields = base_fields(row, as_of)
        fields["days_overdue"] = -fields.pop("days_left")
        fields["action"] = row.action
        rows.append({c.key: fields[c.key] for c in COLUMNS})
    return Report(
        name="overdue", title="Overdue deadlines", as_of=as_of, window=None,
        filters=filters, columns=COLUMNS, rows=rows,
    )
