"""Use cases on money: set a contract's figures for a financial year, and import many at once.

Each change is audited field by field. Figures do not move any deadline, so the deadline stream
is not refreshed here. An import is all or nothing: it runs in the caller's one transaction and
the first bad row raises, so nothing of a bad file is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from ..domain.finance import FinancialYear, SpendBasis, YearFigures, parse_financial_year
from ..domain.limits import check_whole_number, clean_text, column_length
from ..domain.money import check_money
from ..errors import DomainError, InvalidInput, RuleViolation
from ..store.models import Contract, ContractYearFigures
from .audit import record, utcnow
from .lookup import lock_contract

KEEP = object()  # "leave this figure as it is" (None clears it)
FIELDS = ("budget", "baseline", "spend", "spend_basis", "volume", "volume_unit", "note")
_EARLIEST, _LATEST = 1990, 2100


@dataclass
class FigureInput:
    """One row of figures as given: a field left at KEEP is not changed."""

    reference: str
    year: FinancialYear
    changes: dict = field(default_factory=dict)  # names from FIELDS -> new value (None clears)
    line: int | None = None  # the line of an imported file, for messages


def _basis(value) -> str | None:
    if value is None:
        return None
    try:
        return SpendBasis(str(value).strip().lower()).value
    except ValueError:
        raise InvalidInput(f"spend basis: {value!r} is not forecast or actual") from None


def _check(year: FinancialYear, changes: dict) -> dict:
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"unknown figure: {', '.join(sorted(unknown))}")
    if not changes:
        raise InvalidInput("nothing to change: give a budget, baseline, spend, volume or note")
    if not _EARLIEST <= year.start_year <= _LATEST:
        raise InvalidInput(f"financial year {year.label} is outside {_EARLIEST}/{(_EARLIEST + 1) % 100:02d} "
                           f"to {_LATEST}/{(_LATEST + 1) % 100:02d}")
    out = dict(changes)
    for name in ("budget", "baseline", "spend"):
        value = out.get(name)
        if value is None:
            continue
        if not isinstance(value, Decimal):  # a float would carry binary rounding into the pounds
            raise InvalidInput(f"{name}: give money as a Decimal, not {type(value).__name__}")
        out[name] = check_money(value, field=name)
    if "spend_basis" in out:
        out["spend_basis"] = _basis(out["spend_basis"])
    if out.get("volume") is not None:
        out["volume"] = check_whole_number(out["volume"], field="volume")
    for name in ("volume_unit", "note"):
        if name in out:
            out[name] = clean_text(out[name], field=name, multiline=name == "note",
                                   max_length=column_length(ContractYearFigures, name))
    return out


def get_year_row(session: Session, contract: Contract, year: FinancialYear) -> ContractYearFigures | None:
    return session.exec(select(ContractYearFigures).where(
        ContractYearFigures.contract_id == contract.id,
        ContractYearFigures.financial_year == year.start_year,
    )).first()


def set_year_figures(
    session: Session, reference: str, year: FinancialYear | str, changes: dict, *, actor: str,
    today: date | None = None,
) -> ContractYearFigures:
    """Set some of a contract's figures for one financial year, creating the year if new.

    A spend must say whether it is a forecast or an actual; clearing the spend clears that too.
    With `today`, an actual for a year that has not begun is refused (it can only be a forecast).
    """
    year = parse_financial_year(year)
    changes = _check(year, changes)
    contract = lock_contract(session, reference)
    row = get_year_row(session, contract, year)
    created = row is None
    if created:
        row = ContractYearFigures(contract_id=contract.id, financial_year=year.start_year, updated_at=utcnow())
    wanted = {name: getattr(row, name) for name in FIELDS}
    wanted.update(changes)
    if "spend" in changes and changes["spend"] is None and "spend_basis" not in changes:
        wanted["spend_basis"] = None
    if wanted["spend"] is not None and wanted["spend_basis"] is None:
        raise InvalidInput(f"{year.label} spend: say whether it is a forecast or an actual")
    if wanted["spend"] is None and wanted["spend_basis"] is not None:
        raise InvalidInput(f"{year.label}: a spend basis ({wanted['spend_basis']}) needs a spend")
    if today is not None and wanted["spend_basis"] == SpendBasis.ACTUAL and today < year.start:
        raise RuleViolation(f"{year.label} has not begun (it starts {year.start:%d %B %Y}): "
                            f"its spend can only be a forecast")
    changed = [name for name in FIELDS if getattr(row, name) != wanted[name]]
    if not changed and not created:
        return row
    old = {name: getattr(row, name) for name in changed}
    for name in changed:
        setattr(row, name, wanted[name])
    if not created:
        row.version += 1
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    if created:
        record(session, actor=actor, contract=contract, entity="finance", entity_id=row.id, action="created",
               field=year.label)
    for name in changed:
        record(session, actor=actor, contract=contract, entity="finance", entity_id=row.id,
               action="created" if created else "edited", field=f"{year.label} {name}",
               old=None if created else old[name], new=wanted[name])
    return row


def import_year_figures(session: Session, rows: list[FigureInput], *, actor: str,
                        today: date | None = None) -> int:
    """Apply many rows of figures in the caller's transaction; the first bad row raises (with its line)."""
    seen: dict[tuple[str, int], int | None] = {}
    for row in rows:
        key = (row.reference, row.year.start_year)
        if key in seen:
            raise InvalidInput(f"line {row.line}: {row.reference} {row.year.label} is already given "
                               f"on line {seen[key]}")
        seen[key] = row.line
    first_line: dict[str, int | None] = {}
    for row in rows:
        first_line.setdefault(row.reference, row.line)
    for reference in sorted(first_line):  # every contract locked first, in one order (see lock_contract)
        try:
            lock_contract(session, reference)
        except DomainError as error:
            if first_line[reference] is None:
                raise
            raise type(error)(f"line {first_line[reference]}: {error}") from None
    for row in rows:
        try:
            set_year_figures(session, row.reference, row.year, row.changes, actor=actor, today=today)
        except DomainError as error:
            if row.line is None:
                raise
            raise type(error)(f"line {row.line}: {error}") from None
    return len(rows)


def to_figures(row: ContractYearFigures) -> YearFigures:
    return YearFigures(
        year=FinancialYear(row.financial_year),
        budget=row.budget,
        baseline=row.baseline,
        spend=row.spend,
        basis=SpendBasis(row.spend_basis) if row.spend_basis else None,
        volume=row.volume,
        volume_unit=row.volume_unit,
        note=row.note,
    )


def figures_of(session: Session, contract: Contract) -> list[YearFigures]:
    rows = session.exec(select(ContractYearFigures).where(ContractYearFigures.contract_id == contract.id)
                        .order_by(ContractYearFigures.financial_year))
    return [to_figures(row) for row in rows]
