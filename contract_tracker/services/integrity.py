"""`db check`: is the store sound, and is every contract's materialised deadline stream current?

The deadline table is derived data: it must equal what `deadlines.deadlines_for` makes of the facts
now. A row that differs (an edit that bypassed the services, a bug, a restore of a damaged file)
would make the agenda, the calendar feeds and the reports quietly wrong, so it is a finding.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, func, text
from sqlmodel import Session, col, select

from ..domain.deadline_item import AUTHORITY_KINDS
from ..domain.deadlines import deadlines_for
from ..domain.snapshot import ContractSnapshot
from ..enums import ContractType
from ..read.stream import is_open, is_overdue
from ..store.database import current_revision, head_revision, register_session
from ..store.models import BreakClause, Contract, ContractKpi, Deadline, ExtensionOption, Milestone
from ..store.restore_checks import row_problem
from ..store.snapshots import snapshot_of
from .deadline_rows import SUPERSEDED, wanted_content
from .notices import notices_mismatch, refresh_authority_notices
from .sync import refresh_deadlines

SHOWN = 20


@dataclass
class CheckReport:
    """Findings of one check; `ok` when there are none."""

    contracts: int = 0
    deadlines: int = 0
    findings: list[str] = field(default_factory=list)
    stale_contracts: list[str] = field(default_factory=list)
    repaired: int = 0
    open: int | None = None  # deadlines open on the day asked (overdue ones included)
    overdue: int | None = None

    @property
    def ok(self) -> bool:
        return not self.findings


def check_store(engine: Engine, *, repair: bool = False, as_of: date | None = None) -> CheckReport:
    """Check the database's own integrity, the schema revision and every contract's deadlines.

    With `repair`, stale deadline streams are rewritten (in one transaction) and reported as repaired.
    With `as_of`, the report also counts the deadlines open and overdue that day (stream.is_open).
    """
    report = CheckReport()
    report.findings += _database_integrity(engine)
    revision = current_revision(engine)
    if revision != head_revision():
        report.findings.append(f"schema is at revision {revision}, not the current {head_revision()} "
                               "(open the store with this version to upgrade it)")
        return report
    with register_session(engine) as session:
        facts = _facts_by_contract(session)
        successors = dict(session.exec(select(Contract.id, Contract.reference)).all())
        for contract in session.exec(select(Contract).order_by(Contract.reference)):
            report.contracts += 1
            if contract.contract_type not in _TYPES:
                report.findings.append(_type_finding(contract))
            options, breaks, milestones, stored = (group.get(contract.id, []) for group in facts)
            report.deadlines += len(stored)
            successor = successors.get(contract.successor_id, "") if contract.successor_id is not None else ""
            problem = deadline_mismatch(contract, snapshot_of(contract, options, breaks, milestones, successor), stored)
            if problem:
                report.stale_contracts.append(contract.reference)
                if repair:
                    _rewrite_deadlines(session, contract)
                    report.repaired += 1
                else:
                    report.findings.append(f"{contract.reference}: deadlines not current: {problem}")
        report.findings += _kpi_findings(session)
        problem = notices_mismatch(session)
        if problem:
            if repair:
                _rewrite_notices(session)
                report.repaired += 1
            else:
                report.findings.append(f"the authority's notices are not current: {problem}")
        if repair:
            session.commit()
        if as_of is not None:
            report.open = session.exec(select(func.count()).select_from(Deadline).where(is_open(as_of))).one()
            report.overdue = session.exec(select(func.count()).select_from(Deadline).where(is_overdue(as_of))).one()
    return report


_TYPES = frozenset(kind.value for kind in ContractType)


def _type_finding(contract: Contract) -> str:
    """A contract type the services would not have written: the notices would count the contract
    as a public contract, whatever it is (UK8, s.70, KPIs and UK9 depend on it)."""
    allowed = ", ".join(kind.value for kind in ContractType)
    return (f"{contract.reference}: contract type {contract.contract_type!r:.40} is not one of: {allowed} "
            "(the notices count it as a public contract; set it with `contract edit --type`)")


def _kpi_findings(session: Session) -> list[str]:
    """KPI rows the services would not have written (a rating not in the notice's words, a rating
    with no day): written behind the services' back, they would mislead a UK9 assessment."""
    findings = []
    rows = session.exec(select(ContractKpi, Contract.reference)
                        .join(Contract, col(Contract.id) == ContractKpi.contract_id)
                        .order_by(Contract.reference, col(ContractKpi.id)))
    for kpi, reference in rows:
        problem = row_problem(ContractKpi, kpi.model_dump())
        if problem:
            findings.append(f"{reference}: KPI {kpi.name!r}: {problem}")
            if len(findings) >= SHOWN:
                break
    return findings


def _rewrite_deadlines(session: Session, contract: Contract) -> None:
    # A row edited behind the services' back may still carry the right fingerprint: mark every row
    # changed so that all are rewritten (and their calendar SEQUENCE grows, so clients update).
    for row in session.exec(select(Deadline).where(Deadline.contract_id == contract.id,
                                                   col(Deadline.kind).not_in(AUTHORITY_KINDS))):
        row.fingerprint = "repaired"
        session.add(row)
    refresh_deadlines(session, contract)


def _rewrite_notices(session: Session) -> None:
    # As for a contract: every row marked changed, so calendars update.
    for row in session.exec(select(Deadline).where(col(Deadline.kind).in_(AUTHORITY_KINDS))):
        row.fingerprint = "repaired"
        session.add(row)
    refresh_authority_notices(session)


def _database_integrity(engine: Engine) -> list[str]:
    findings = []
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            result = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
            if result != ["ok"]:
                findings += [f"SQLite integrity: {line}" for line in result[:SHOWN]]
            for table, rowid, parent, _fk in connection.execute(text("PRAGMA foreign_key_check")).fetchall()[:SHOWN]:
                findings.append(f"{table} row {rowid} refers to a missing {parent} row")
        else:
            # PostgreSQL enforces its constraints; a constraint left NOT VALID would not be.
            for (name,) in connection.execute(text(
                "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                "WHERE n.nspname = current_schema() AND NOT c.convalidated"
            )):
                findings.append(f"constraint {name} is not validated")
    return findings


def _facts_by_contract(session: Session) -> tuple[dict, dict, dict, dict]:
    """Options, breaks, milestones and deadlines grouped by contract: four queries in all, so that
    checking a register of 100,000 contracts does not take 400,000."""
    groups = []
    for model in (ExtensionOption, BreakClause, Milestone, Deadline):
        grouped: dict[int, list] = defaultdict(list)
        query = select(model)
        if model is Deadline:  # the authority's notices are not a contract's own (services.notices)
            query = query.where(col(Deadline.kind).not_in(AUTHORITY_KINDS))
        for row in session.exec(query):
            grouped[row.contract_id].append(row)
        groups.append(grouped)
    return tuple(groups)


def deadline_mismatch(contract: Contract, snapshot: ContractSnapshot, rows: list[Deadline]) -> str:
    """'' when the stored deadlines equal those derived from the facts now, else what differs.
    Rows the facts no longer produce must be kept as superseded (services.sync.reconcile)."""
    wanted = wanted_content(deadlines_for(snapshot), reference=contract.reference, title=contract.title,
                            service_area=contract.service_area)
    stored = {(row.kind, row.ordinal): row for row in rows}
    missing = sorted(set(wanted) - set(stored))
    extra = sorted(key for key in set(stored) - set(wanted) if stored[key].state != SUPERSEDED)
    if missing:
        return f"missing {_names(missing)}"
    if extra:
        return f"no longer due: {_names(extra)}"
    for key, content in sorted(wanted.items()):
        row = stored[key]
        differing = {name for name, value in content.items() if getattr(row, name) != value}
        if differing & {"contract_reference", "contract_title", "service_area"}:
            return f"{_names([key])} carries out-of-date contract details"
        if differing:
            return (f"{_names([key])} is {row.due_date} ({row.state}) but should be {content['due_date']} "
                    f"({content['state']})" + ("" if differing & {"due_date", "state"} else
                                               f"; {', '.join(sorted(differing))} differ"))
    return ""


def _names(keys) -> str:
    return ", ".join(f"{kind}#{ordinal}" if ordinal else kind for kind, ordinal in keys)
