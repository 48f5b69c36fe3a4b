"""Read-only finance views: JSON-ready dicts for the spend, savings and threshold reports.

Money is given as text ("174129.00"), exact and stable for scripts; a missing figure is null.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from ..domain.finance import FinancialYear, SpendBasis, Totals, YearFigures, financial_year_of, totals
from ..domain.lifecycle import ContractTerms
from ..domain.thresholds import Category, check, whole_life_estimate
from ..enums import MilestoneKind
from ..services.finance import figures_of, to_figures
from ..services.lookup import get_contract
from ..services.sync import load_snapshot
from ..store.models import Contract, ContractYearFigures, Milestone

# The first notice to the market starts a procurement; the earliest of these is taken.
PROCUREMENT_STARTS = {
    MilestoneKind.PLANNED_PROCUREMENT_NOTICE.value: "planned procurement notice milestone",
    MilestoneKind.ITT_PUBLICATION.value: "tender notice (ITT publication milestone)",
}


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def year_row(figures: YearFigures) -> dict:
    return {
        "financial_year": figures.year.label,
        "budget": money(figures.budget),
        "forecast": money(figures.forecast),
        "actual": money(figures.actual),
        "spend": money(figures.spend),
        "spend_basis": figures.basis.value if figures.basis else None,
        "variance": money(figures.variance),
        "volume": figures.volume,
        "volume_unit": figures.volume_unit,
        "unit_cost": money(figures.unit_cost),
        "baseline": money(figures.baseline),
        "savings_target": money(figures.savings_target),
        "note": figures.note,
    }


def totals_row(summed: Totals) -> dict:
    return {
        "budget": money(summed.budget), "forecast": money(summed.forecast), "actual": money(summed.actual),
        "spend": money(summed.spend), "variance": money(summed.variance), "volume": summed.volume,
        "unit_cost": money(summed.unit_cost),
    }


def _figures_by_contract(session: Session, year: FinancialYear | None) -> list[tuple[Contract, list[YearFigures]]]:
    query = select(Contract, ContractYearFigures).join(ContractYearFigures,
                                                       ContractYearFigures.contract_id == Contract.id)
    if year is not None:
        query = query.where(ContractYearFigures.financial_year == year.start_year)
    query = query.order_by(Contract.reference, ContractYearFigures.financial_year)
    grouped: dict[int, tuple[Contract, list[YearFigures]]] = {}
    for contract, row in session.exec(query):
        grouped.setdefault(contract.id, (contract, []))[1].append(to_figures(row))
    return list(grouped.values())


def spend_report(session: Session, year: FinancialYear | None = None) -> dict:
    """Budget, forecast, actual, variance, volume and unit cost per contract and year, with totals."""
    rows, contracts, everything = [], [], []
    for contract, figures in _figures_by_contract(session, year):
        for item in figures:
            rows.append({"reference": contract.reference, "title": contract.title,
                         "service_area": contract.service_area, **year_row(item)})
        contracts.append({"reference": contract.reference, "title": contract.title,
                          **totals_row(totals(figures))})
        everything.extend(figures)
    return {
        "financial_year": year.label if year else None,
        "rows": rows,
        "contracts": contracts,
        "total": totals_row(totals(everything)),
    }


def year_summary(session: Session, today: date) -> dict:
    """Total budget, spend and variance of the financial year holding `today` (the register's summary line)."""
    year = financial_year_of(today)
    return {"financial_year": year.label, **spend_report(session, year)["total"]}


def _savings_status(item: YearFigures) -> str:
    target, achieved = item.savings_target, item.saving_achieved
    if achieved is None:
        return "no spend recorded"
    if achieved >= target:
        return "met" if item.basis == SpendBasis.ACTUAL else "on track (forecast)"
    return "missed" if item.basis == SpendBasis.ACTUAL else "at risk (forecast)"


def savings_report(session: Session, year: FinancialYear | None = None) -> dict:
    """Each year with a savings target (a baseline and a budget): target against saving achieved."""
    rows = []
    target_total = achieved_total = Decimal(0)
    for contract, figures in _figures_by_contract(session, year):
        for item in figures:
            if item.savings_target is None:
                continue
            achieved = item.saving_achieved
            rows.append({
                "reference": contract.reference, "title": contract.title,
                "financial_year": item.year.label, "baseline": money(item.baseline), "budget": money(item.budget),
                "target": money(item.savings_target), "spend": money(item.spend),
                "spend_basis": item.basis.value if item.basis else None, "achieved": money(achieved),
                "shortfall": money(item.savings_target - achieved) if achieved is not None else None,
                "status": _savings_status(item),
            })
            target_total += item.savings_target
            if achieved is not None:
                achieved_total += achieved
    return {
        "financial_year": year.label if year else None,
        "rows": rows,
        "total": {"target": money(target_total) if rows else None,
                  "achieved": money(achieved_total) if any(r["achieved"] for r in rows) else None},
    }


def procurement_start(contract: Contract, milestones: list[Milestone]) -> tuple[date | None, str]:
    """The day the procurement started, and what that day is taken from.

    The first notice to the market (a planned procurement notice or the tender notice) starts
    it; without either on record, the contract's start date stands in, and says so.
    """
    starts = [(m.start_date or m.due_date, m.kind) for m in milestones if m.kind in PROCUREMENT_STARTS]
    if starts:
        day, kind = min(starts)
        return day, PROCUREMENT_STARTS[kind]
    if contract.start_date is not None:
        return contract.start_date, "contract start (no tender notice recorded)"
    return None, "no tender notice or start date recorded"


def category_of(contract: Contract) -> Category:
    # Works cannot be told from the register's fields: the officer names it (--category works).
    return Category.LIGHT_TOUCH if contract.light_touch else Category.GOODS_AND_SERVICES


def _periods(terms: ContractTerms) -> list:
    return ([terms.initial_term] if terms.initial_term else []) + [option.length for option in terms.options]


def threshold_row(session: Session, contract: Contract, *, category: Category | None = None,
                  on: date | None = None) -> dict:
    """Whole-life value (initial term plus every option) against the threshold in force when the
    procurement started."""
    snapshot = load_snapshot(session, contract)
    milestones = list(session.exec(select(Milestone).where(Milestone.contract_id == contract.id)))
    start, start_basis = (on, "given") if on else procurement_start(contract, milestones)
    chosen = category or category_of(contract)
    estimate = whole_life_estimate(contract.annual_value, _periods(snapshot.terms))
    value = contract.whole_life_value if contract.whole_life_value is not None else estimate
    notes = []
    if contract.whole_life_value is None and estimate is not None:
        notes.append("value estimated from the annual value over the initial term and every option")
    if contract.whole_life_value is not None and estimate is not None and estimate > contract.whole_life_value:
        notes.append(f"recorded whole-life value is below the annual value over the full term "
                     f"({money(estimate)}): does it include every option?")
    result = check(chosen, start, value) if start else None
    threshold = result.threshold if result else None
    return {
        "reference": contract.reference,
        "title": contract.title,
        "category": chosen.value,
        "procurement_start": start.isoformat() if start else None,
        "procurement_start_basis": start_basis,
        "whole_life_value": money(contract.whole_life_value),
        "estimated_whole_life_value": money(estimate),
        "value_checked": money(value),
        "threshold": money(threshold.amount) if threshold else None,
        "threshold_from": threshold.from_date.isoformat() if threshold else None,
        "threshold_until": threshold.until.isoformat() if threshold and threshold.until else None,
        "threshold_source": threshold.source if threshold else None,
        "above": result.above if result else None,
        "verdict": result.verdict if result else "no procurement start date",
        "notes": notes,
    }


def threshold_report(session: Session, references: list[str] | None = None, *,
                     category: Category | None = None, on: date | None = None) -> list[dict]:
    if references:
        contracts = [get_contract(session, reference) for reference in references]
    else:
        contracts = list(session.exec(select(Contract).order_by(Contract.reference)))
    return [threshold_row(session, contract, category=category, on=on) for contract in contracts]


def contract_figures(session: Session, reference: str) -> tuple[Contract, list[YearFigures]]:
    """A contract and its figures by year, oldest first (for the contract screen and `finance show`)."""
    contract = get_contract(session, reference)
    return contract, figures_of(session, contract)

