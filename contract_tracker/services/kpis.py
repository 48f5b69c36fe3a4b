"""Use cases on a contract's key performance indicators (PA 2023 s.52): add, rate, edit, remove.

Each change locks the contract (lookup.lock_contract), checks its input first (validation) and
audits what it changed, so a refused change writes nothing. KPIs move no deadline (the UK9
assessments follow from the contract's value and dates, authority_notices), so the deadline stream
is not refreshed and, as for money, the contract's version is not bumped.

`kpi_standing` answers the at-award question for one contract: does it need at least three KPIs,
and how many has it; `award_warning` is the line a front end shows when a contract short of them is
marked awarded (a status of live, or an award step met).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from ..domain.kpis import AWARD_STEPS, KpiStanding, award_step_met, entered_into, kpis_required
from ..domain.limits import clean_text
from ..enums import MilestoneStatus
from ..errors import InvalidInput, NotFound
from ..store.models import Contract, ContractKpi, Milestone
from .audit import record, utcnow
from .lookup import get_contract, lock_contract
from .validation import kpi_name, kpi_rating, kpi_target

ENTITY = "kpi"


def kpis_of(session: Session, contract: Contract) -> list[ContractKpi]:
    """The contract's KPIs in the order they were added."""
    return list(session.exec(select(ContractKpi).where(ContractKpi.contract_id == contract.id)
                             .order_by(col(ContractKpi.id))))


def _find(kpis: list[ContractKpi], name: str) -> ContractKpi | None:
    wanted = name.casefold()
    return next((kpi for kpi in kpis if kpi.name.casefold() == wanted), None)


def get_kpi(session: Session, contract: Contract, name: str) -> ContractKpi:
    """The KPI named `name` (in any case)."""
    found = _find(kpis_of(session, contract), kpi_name(name))
    if found is None:
        raise NotFound(f"{contract.reference} has no KPI named {name.strip()!r} (see `kpi list {contract.reference}`)")
    return found


def _note(note: object) -> str:
    return clean_text(note, field="KPI note", multiline=True)


def add_kpi(session: Session, reference: str, *, name: str, target: str = "", note: str = "",
            actor: str) -> ContractKpi:
    """Add a KPI to a contract; its name must be new to that contract (in any case)."""
    name, target, note = kpi_name(name), kpi_target(target), _note(note)
    contract = lock_contract(session, reference)
    existing = _find(kpis_of(session, contract), name)
    if existing is not None:
        raise InvalidInput(f"{contract.reference} already has a KPI named {existing.name!r}")
    assert contract.id is not None  # a stored contract
    kpi = ContractKpi(contract_id=contract.id, name=name, target=target, note=note, updated_at=utcnow())
    session.add(kpi)
    session.flush()
    record(session, actor=actor, contract=contract, entity=ENTITY, entity_id=kpi.id, action="created",
           field=name, new=target)
    return kpi


def rate_kpi(session: Session, reference: str, name: str, *, rating: str, on: date, today: date, actor: str,
             note: str | None = None) -> ContractKpi:
    """Record the KPI's latest rating, given on `on` (not after today); `note` (None: kept) says why."""
    rating = kpi_rating(rating)
    if on > today:
        raise InvalidInput(f"a KPI cannot be rated in the future ({on}; today is {today})")
    cleaned_note = None if note is None else _note(note)
    contract = lock_contract(session, reference)
    kpi = get_kpi(session, contract, name)
    now = utcnow()
    if (kpi.rating, kpi.rated_on) != (rating, on):
        record(session, actor=actor, contract=contract, entity=ENTITY, entity_id=kpi.id, action="rated",
               field=kpi.name, old=f"{kpi.rating} on {kpi.rated_on}" if kpi.rating else None,
               new=f"{rating} on {on}", reason=cleaned_note or "", at=now)
        kpi.rating, kpi.rated_on = rating, on
    if cleaned_note is not None and cleaned_note != kpi.note:
        record(session, actor=actor, contract=contract, entity=ENTITY, entity_id=kpi.id, action="edited",
               field=f"{kpi.name} note", old=kpi.note, new=cleaned_note, at=now)
        kpi.note = cleaned_note
    kpi.updated_at = now
    session.add(kpi)
    return kpi


def edit_kpi(session: Session, reference: str, name: str, *, new_name: str | None = None,
             target: str | None = None, note: str | None = None, actor: str) -> ContractKpi:
    """Rename a KPI or change its target or note (None: kept)."""
    if new_name is None and target is None and note is None:
        raise InvalidInput("nothing to change: give a new name, a target or a note")
    values: dict[str, str] = {}
    if new_name is not None:
        values["name"] = kpi_name(new_name)
    if target is not None:
        values["target"] = kpi_target(target)
    if note is not None:
        values["note"] = _note(note)
    contract = lock_contract(session, reference)
    kpis = kpis_of(session, contract)
    kpi = get_kpi(session, contract, name)
    if "name" in values:
        clash = _find(kpis, values["name"])
        if clash is not None and clash.id != kpi.id:
            raise InvalidInput(f"{contract.reference} already has a KPI named {clash.name!r}")
    now = utcnow()
    label = kpi.name
    for column, value in values.items():
        old = getattr(kpi, column)
        if old != value:
            record(session, actor=actor, contract=contract, entity=ENTITY, entity_id=kpi.id, action="edited",
                   field=label if column == "name" else f"{label} {column}", old=old, new=value, at=now)
            setattr(kpi, column, value)
    kpi.updated_at = now
    session.add(kpi)
    return kpi


def remove_kpi(session: Session, reference: str, name: str, *, actor: str) -> str:
    """Remove a KPI (its ratings stay in the contract's history); the name it had."""
    contract = lock_contract(session, reference)
    kpi = get_kpi(session, contract, name)
    record(session, actor=actor, contract=contract, entity=ENTITY, entity_id=kpi.id, action="removed",
           field=kpi.name, old=kpi.target)
    session.delete(kpi)
    session.flush()
    return kpi.name


def kpi_standing(session: Session, contract: Contract) -> KpiStanding:
    """The contract against s.52: whether it needs at least three KPIs, how many it has, and
    whether it is awarded (recorded live or ended, or an award step met)."""
    recorded = len(session.exec(select(ContractKpi.id).where(ContractKpi.contract_id == contract.id)).all())
    steps = session.exec(select(Milestone.kind, Milestone.status).where(Milestone.contract_id == contract.id)).all()
    award_met = award_step_met((kind, status == MilestoneStatus.MET) for kind, status in steps)
    return KpiStanding(
        reference=contract.reference,
        required=kpis_required(regime=contract.regime, light_touch=contract.light_touch,
                               contract_type=contract.contract_type, whole_life_value=contract.whole_life_value,
                               annual_value=contract.annual_value),
        recorded=recorded,
        awarded=entered_into(contract.status, award_met),
    )


def award_warning(session: Session, reference: str, *, step_kind: str | None = None) -> str:
    """'' unless the contract needs KPIs, has fewer than three and is awarded: then the line to
    show whoever just marked it awarded (a status of live, or, with `step_kind`, a milestone of that
    kind met: only an award step warns). The change itself stands: the register records what
    happened, and `schedule check` and `kpi check` keep the breach in view until the KPIs are added."""
    if step_kind is not None and step_kind not in AWARD_STEPS:
        return ""
    standing = kpi_standing(session, get_contract(session, reference))
    return standing.problem() if standing.breach else ""
