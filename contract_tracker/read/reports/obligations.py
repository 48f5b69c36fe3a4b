"""`report obligations --fy 2026/27`: every notice the Procurement Act asks for in a financial year.

For the team's annual plan: the authority's own notices (UK8, payments over £30,000, UK9, UK1) and
each contract's notices (UK4 to UK11: the statutory rows UK7, UK10 and UK11, and the milestones that
are notices: tender UK4, award UK6, contract details UK7, change UK10, termination UK11), due from 1
April to 31 March, with how each stands on the report's day (stream.standing_sql: the one rule).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from ...domain.finance import FinancialYear
from ...enums import DeadlineKind, MilestoneKind
from ...store.models import Deadline, Milestone
from ..stream import SUPERSEDED, standing_sql
from .common import Column, Filters, Report, Window, in_window, iso

COLUMNS = (
    Column("due_date", "Due"),
    Column("notice", "Notice"),
    Column("state", "State"),
    Column("reference", "Reference"),
    Column("contract_title", "Contract", in_table=False),
    Column("kind", "Kind", in_table=False),
    Column("ordinal", "Ordinal", in_table=False),
    Column("title", "What"),
    Column("start_date", "From", in_table=False),
    Column("owner", "Owner"),
    Column("service_area", "Service area", in_table=False),
    Column("citation", "Section", in_table=False),
)

# The stream's kinds that are notices, with their code and the section that asks for them.
NOTICE_KINDS = {
    DeadlineKind.UK1_DUE.value: ("UK1", "PA 2023 s.93"),
    DeadlineKind.UK7_DUE.value: ("UK7", "PA 2023 s.53"),
    DeadlineKind.UK8_DUE.value: ("UK8", "PA 2023 s.69"),
    DeadlineKind.PAYMENTS_DUE.value: ("Payments over £30,000", "PA 2023 s.70"),
    DeadlineKind.UK9_DUE.value: ("UK9", "PA 2023 s.71"),
    DeadlineKind.UK10_CHECK.value: ("UK10", "PA 2023 s.75"),
    DeadlineKind.UK11_DUE.value: ("UK11", "PA 2023 s.80"),
}
# Milestones that are notices of a contract's procurement or life.
NOTICE_MILESTONES = {
    MilestoneKind.ITT_PUBLICATION.value: ("UK4", "PA 2023 s.21"),
    MilestoneKind.AWARD_NOTICE.value: ("UK6", "PA 2023 s.50"),
    MilestoneKind.CONTRACT_DETAILS_NOTICE.value: ("UK7", "PA 2023 s.53"),
    MilestoneKind.CONTRACT_CHANGE_NOTICE.value: ("UK10", "PA 2023 s.75"),
    MilestoneKind.TERMINATION_NOTICE.value: ("UK11", "PA 2023 s.80"),
}
_MILESTONE = DeadlineKind.MILESTONE.value


def obligations_report(session: Session, *, as_of: date, fy: FinancialYear, filters: Filters) -> Report:
    win = Window(fy.start, fy.end)
    state = standing_sql(as_of).label("standing")
    query = filters.apply(
        select(Deadline.due_date, Deadline.start_date, Deadline.contract_reference, Deadline.contract_title,
               Deadline.kind, Deadline.ordinal, Deadline.title, Deadline.owner, Deadline.service_area,
               Milestone.kind, state)
        .outerjoin(Milestone, and_(col(Deadline.kind) == _MILESTONE, col(Milestone.id) == Deadline.ordinal,
                                   col(Milestone.contract_id) == Deadline.contract_id))
        .where(in_window(win), col(Deadline.state) != SUPERSEDED,
               or_(col(Deadline.kind).in_(NOTICE_KINDS), col(Milestone.kind).in_(NOTICE_MILESTONES)))
    ).order_by(Deadline.due_date, Deadline.contract_reference, Deadline.kind, Deadline.ordinal)
    rows = []
    for due, start, reference, title, kind, ordinal, what, owner, area, milestone_kind, standing in session.exec(query):
        code, citation = NOTICE_KINDS.get(kind) or NOTICE_MILESTONES[milestone_kind]
        rows.append({
            "due_date": iso(due), "notice": code, "state": standing, "reference": reference,
            "contract_title": title, "kind": kind, "ordinal": ordinal, "title": what, "start_date": iso(start),
            "owner": owner, "service_area": area, "citation": citation,
        })
    return Report(
        name="obligations", title=f"Notices due in {fy.label} ({fy.start} to {fy.end})", as_of=as_of, window=win,
        filters=filters, columns=COLUMNS, rows=rows, extra={"financial_year": fy.label},
    )
