"""`report pipeline`: procurements to start, by UK financial year (1 April to 31 March).

A re-procurement must start a lead time before the contract's final possible end. The stream's
re-procurement-start row assumes every option still open is taken; when an option's date has
passed undecided the real start is earlier (see `ends`). Two indexed queries pick the candidates:
re-procurement starts due by the window's end, and contracts whose next option has lapsed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..enums import DeadlineKind
from ..models import Deadline
from .common import EXTENSION, OPEN, Column, Filters, Report, Window, iso, money
from .ends import end_facts

UK1_THRESHOLD = Decimal("2000000")  # PA 2023 s.93: contracts over £2m expected to be advertised
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
    still_running = (end_row.contract_id == Deadline.contract_id) & (
        end_row.kind == DeadlineKind.CONTRACT_END.value) & (end_row.due_date >= as_of)
    # Re-procurements due to start by the window's end (overdue ones too) of contracts still running.
    starts = filters.apply(
        select(Deadline.contract_id).join(end_row, still_running).where(
            Deadline.kind == DeadlineKind.REPROCUREMENT_START.value, Deadline.state == OPEN,
            Deadline.due_date <= win.end,
        )
    )
    # Contracts whose next option lapsed undecided: their re-procurement start moved earlier.
    lapsed = filters.apply(
        select(Deadline.contract_id).join(end_row, still_running).where(
            Deadline.kind == EXTENSION, Deadline.state == OPEN, Deadline.due_date < as_of,
        )
    )
    rows = []
    for fact in end_facts(session, set(session.exec(starts)) | set(session.exec(lapsed))):
        if fact.stream_reprocurement_start is None or fact.successor_id is not None or fact.terminated_on:
            continue  # planned, already re-procured, or ended early: nothing to start
        start = fact.reprocurement_start(as_of)
        if start > win.end or fact.current_end < as_of:
            continue
        if over is not None and (fact.whole_life_value is None or fact.whole_life_value <= over):
            continue
        rows.append({
            "financial_year": financial_year(start),
            "reprocurement_start": iso(start),
            "days_left": (start - as_of).days,
            "overdue": start < as_of,
            "reference": fact.reference,
            "contract_title": fact.title,
            "current_end": iso(fact.current_end),
            "options_open": fact.options_open(as_of),
            "whole_life_value": money(fact.whole_life_value),
            "annual_value": money(fact.annual_value),
            "owner": fact.owner,
            "service_area": fact.service_area,
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
