"""Reading KPIs: one contract's, as plain values for a screen or a script, and the register's
contracts that are short of the KPIs s.52 asks for.

`contract_kpis` is what a contract screen shows (the KPIs and one line on how the contract stands);
`kpi_shortfalls` is the register-wide list behind `kpi check`.
"""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session, col, func, select

from ..domain.kpis import AWARD_STEPS, CITE_KPIS, MIN_KPIS, KpiStanding, entered_into, kpis_required
from ..enums import MilestoneStatus, Regime
from ..services.kpis import kpi_standing, kpis_of
from ..store.models import Contract, ContractKpi, Milestone

KPI_FIELDS = ("name", "target", "rating", "rated_on", "note")


def kpi_row(kpi: ContractKpi) -> dict:
    """One KPI as JSON-ready values (ISO dates; a KPI not rated yet has rating and rated_on None)."""
    return {"name": kpi.name, "target": kpi.target, "rating": kpi.rating,
            "rated_on": kpi.rated_on.isoformat() if kpi.rated_on else None, "note": kpi.note}


def contract_kpis(session: Session, contract: Contract) -> dict:
    """The contract's KPIs and its standing against s.52:
    {"reference", "kpis": [kpi_row...], "standing": KpiStanding.as_dict(), "summary": one line}."""
    standing = kpi_standing(session, contract)
    return {"reference": contract.reference, "kpis": [kpi_row(kpi) for kpi in kpis_of(session, contract)],
            "standing": standing.as_dict(), "summary": standing.summary()}


def kpi_line(session: Session, contract: Contract) -> str:
    """The contract's KPIs in a few words for its screen ("" when it has none and needs none): how
    many against what s.52 asks, and their latest ratings."""
    standing = kpi_standing(session, contract)
    kpis = kpis_of(session, contract)
    if not kpis and not standing.required:
        return ""
    if not standing.required:
        count = f"{len(kpis)} (not required)"
    elif standing.short:
        count = f"{len(kpis)} of at least {MIN_KPIS} ({CITE_KPIS})"
    else:
        count = f"{len(kpis)} ({CITE_KPIS} met)"
    ratings = Counter(kpi.rating or "not rated" for kpi in kpis)
    return " · ".join([count, *([", ".join(f"{rating} {n}" for rating, n in sorted(ratings.items()))] if kpis else [])])


def kpi_shortfalls(session: Session) -> list[KpiStanding]:
    """Every contract that needs at least three KPIs and has fewer, awarded ones first, then by
    reference. Three queries whatever the register's size."""
    contracts = [c for c in session.exec(select(Contract).where(Contract.regime == Regime.PA2023.value,
                                                                col(Contract.light_touch).is_(False)))
                 if kpis_required(regime=c.regime, light_touch=c.light_touch, contract_type=c.contract_type,
                                  whole_life_value=c.whole_life_value, annual_value=c.annual_value)]
    if not contracts:
        return []
    recorded = Counter(dict(session.exec(
        select(ContractKpi.contract_id, func.count()).group_by(col(ContractKpi.contract_id))).all()))
    award_met = set(session.exec(select(Milestone.contract_id).distinct().where(
        col(Milestone.kind).in_(sorted(AWARD_STEPS)), Milestone.status == MilestoneStatus.MET.value)).all())
    standings = [KpiStanding(reference=c.reference, required=True, recorded=recorded[c.id or 0],
                             awarded=entered_into(c.status, c.id in award_met))
                 for c in contracts]
    return sorted((s for s in standings if s.short), key=lambda s: (not s.awarded, s.reference))
