"""`report decisions`: extension options awaiting a decision, with the decide-by date and
what lapses if it is missed."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ..durations import ONE_DAY
from ..enums import OptionStatus
from ..lifecycle import option_windows
from ..models import Deadline
from .common import (
    DEADLINE_COLUMNS,
    EXTENSION,
    OPEN,
    Column,
    Filters,
    Report,
    Window,
    base_fields,
    in_window,
    iso,
    load_terms,
    not_lapsed_by_time,
)

COLUMNS = (
    Column("decide_by", "Decide by"),
    Column("days_left", "Days"),
    Column("reference", "Reference"),
    Column("contract_title", "Contract"),
    Column("option", "Option"),
    Column("extends_to", "Extends to"),
    Column("ends_if_missed", "Ends if missed"),
    Column("lapses_if_missed", "Lapses if missed"),
    Column("owner", "Owner"),
    Column("service_area", "Service area", in_table=False),
    Column("action", "What to do", in_table=False),
)


def decisions_report(session: Session, *, as_of: date, win: Window, filters: Filters) -> Report:
    query = filters.apply(
        select(*DEADLINE_COLUMNS).where(
            Deadline.kind == EXTENSION, Deadline.state == OPEN, in_window(win), not_lapsed_by_time(as_of)
        )
    ).order_by(Deadline.due_date, Deadline.contract_reference, Deadline.ordinal)
    found = list(session.exec(query))
    # The option's period and the chain it heads: exact, from the terms of these contracts only.
    terms = load_terms(session, {row.contract_id for row in found})
    windows_of: dict[int, list] = {}
    rows = []
    for row in found:
        if row.contract_id not in windows_of:
            windows_of[row.contract_id] = option_windows(terms[row.contract_id], as_of)
        windows = windows_of[row.contract_id]
        mine = next(w for w in windows if w.ordinal == row.ordinal)
        fields = base_fields(row, as_of)
        rows.append({
            "decide_by": fields["due_date"],
            "days_left": fields["days_left"],
            "reference": fields["reference"],
            "contract_title": fields["contract_title"],
            "option": row.ordinal,
            "extends_to": iso(mine.period_end),
            "ends_if_missed": iso(mine.period_start - ONE_DAY),
            "lapses_if_missed": [
                w.ordinal for w in windows if w.ordinal >= row.ordinal and w.status == OptionStatus.AVAILABLE
            ],
            "owner": fields["owner"],
            "service_area": fields["service_area"],
            "action": row.action,
        })
    return Report(
        name="decisions", title=f"Extension decisions due from {win.start} to {win.end}", as_of=as_of,
        window=win, filters=filters, columns=COLUMNS, rows=rows,
    )
