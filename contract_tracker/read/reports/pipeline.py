"""`report pipeline`: procurements to start, by UK financial year (1 April to 31 March).

A re-procurement must start a lead time before the contract's final possible end. The stream
keeps a re-procurement start for each end the contract can still reach, open while its end is the
latest possible and the contract runs (see deadlines._reprocurement_deadlines): the starts open on
the day (`stream.is_open`) and due by the window's end are the pipeline, overdue ones included.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ...domain.thresholds import UK1_PIPELINE_OVER
from ...store.models import Contract, Deadline
from ..stream import SUPERSEDED, is_open
from .common import CONTRACT_END, REPROCUREMENT, Column, Filters, Report, Window, iso, money

UK1_THRESHOLD = UK1_PIPELINE_OVER  # PA 2023 s.93: contracts over £2m expected to be advertised
UK1_WITHIN = "18m"  # in the next 18 months

COLUMNS = (
    Column("financial_year", "Year"),
    Column("reprocurement_start", "Start by"),
    Column("days_left", "Days"),
    Column("overdue", "Overdue", in_table=False),
    Column("reference", "Reference"),
    Column("contract_title", "Contract"),
    Column("current_end", "Current end"),
    Column("options_open", "Options open"),
    Column("whole_life_value", "Whole-life value"),
    Column("annual_value", "Annual value", in_table=False),
    Column("owner", "Owner"),
    Column("service_area", "Service area", in_table=False),
)


def financial_year(day: date) -> str:
    """The UK financial year holding `day`, written 2024/25 (1 April 2024 to 31 March 2025)."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def pipeline_report(
    session: Session, *, as_of: date, win: Window, filters: Filters, over: Decimal | None = None,
) -> Report:
    end_row = aliased(Deadline)
    query = filters.apply(
        select(Deadline.due_date, Deadline.ends_on, Deadline.owner, Deadline.service_area, Contract.reference,
               Contract.title, Contract.whole_life_value, Contract.annual_value, end_row.due_date)
        .join(Contract, Contract.id == Deadline.contract_id)
        .outerjoin(end_row, (end_row.contract_id == Deadline.contract_id) & (end_row.kind == CONTRACT_END)
                   & (end_row.state != SUPERSEDED))
        .where(Deadline.kind == REPROCUREMENT, is_open(as_of), Deadline.due_date <= win.end)
    )
    rows = []
    for start, final_end, owner, area, reference, title, value, annual, current_end in session.exec(query):
        if over is not None and (value is None or value <= over):
            continue
        rows.append({
            "financial_year": financial_year(start),
            "reprocurement_start": iso(start),
            "days_left": (start - as_of).days,
            "overdue": start < as_of,
            "reference": reference,
            "contract_title": title,
            "current_end": iso(current_end),
            "options_open": current_end is not None and final_end > current_end,
            "whole_life_value": money(value),
            "annual_value": money(annual),
            "owner": owner,
            "service_area": area,
        })
    rows.sort(key=lambda r: (r["reprocurement_start"], r["reference"]))
    title = f"Procurements to start by {win.end}"
    if over is not None:
        title += f", whole-life value over £{over:,.0f}"
    return Report(
        name="pipeline", title=title, as_of=as_of, window=win, filters=filters, columns=COLUMNS,
        rows=rows, financial_years=_totals(rows), extra={"over": money(over)},
    )


def _totals(rows: list[dict]) -> list[dict]:
    years: dict[str, dict] = {}
    for row in rows:
        year = years.setdefault(row["financial_year"], {
            "financial_year": row["financial_year"], "count": 0, "whole_life_value": Decimal(0),
            "without_value": 0,
        })
        year["count"] += 1
        if row["whole_life_value"] is None:
            year["without_value"] += 1
        else:
            year["whole_life_value"] += Decimal(row["whole_life_value"])
    return [{**year, "whole_life_value": money(year["whole_life_value"])} for year in years.values()]
