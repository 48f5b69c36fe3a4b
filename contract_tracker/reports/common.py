"""What every report shares: the window, the filters, the result shape and SQL predicates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, exists, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..durations import Duration, parse_duration, period_end
from ..enums import DeadlineKind, DeadlineState
from ..errors import InvalidInput
from ..lifecycle import ContractTerms
from ..models import BreakClause, Contract, Deadline, ExtensionOption
from ..snapshot import terms_of

SCHEMA_VERSION = 1
OPEN = DeadlineState.OPEN.value
EXTENSION = DeadlineKind.EXTENSION_DECISION.value


@dataclass(frozen=True)
class Window:
    """Inclusive run of days a report looks at: `--within 6m` from 1 Jan is 1 Jan to 30 Jun."""

    start: date
    end: date

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def window(as_of: date, within: str | Duration, *, name: str = "--within") -> Window:
    try:
        return Window(as_of, period_end(as_of, parse_duration(within)))
    except InvalidInput as error:
        raise InvalidInput(f"{name}: {error}") from None


def parse_kind(text: str) -> str:
    """A deadline kind as stored, from "extension decision", "extension-decision" or "UK7_due"."""
    wanted = " ".join(text.replace("-", " ").replace("_", " ").split()).lower()
    for kind in DeadlineKind:
        if kind.value.lower() == wanted:
            return kind.value
    choices = ", ".join(kind.value for kind in DeadlineKind)
    raise InvalidInput(f"--kind: not a deadline kind: {text!r} (one of: {choices})")


@dataclass(frozen=True)
class Filters:
    """Exact-match filters on the columns the deadline table copies from each contract."""

    owner: str | None = None
    service_area: str | None = None
    kinds: tuple[str, ...] = ()

    def apply(self, query):
        if self.owner:
            query = query.where(Deadline.owner == self.owner)
        if self.service_area:
            query = query.where(Deadline.service_area == self.service_area)
        if self.kinds:
            query = query.where(Deadline.kind.in_(self.kinds))
        return query

    def as_dict(self) -> dict:
        return {"owner": self.owner, "service_area": self.service_area, "kind": list(self.kinds)}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    in_table: bool = True  # False: machine formats only (e.g. the long "what to do" text)


@dataclass
class Report:
    """A report's rows as JSON-ready values (ISO dates, money as "1234.56" strings)."""

    name: str
    title: str
    as_of: date
    window: Window | None
    filters: Filters
    columns: tuple[Column, ...]
    rows: list[dict]
    financial_years: list[dict] | None = None  # the pipeline's totals
    extra: dict = field(default_factory=dict)  # other report-level settings, e.g. the pipeline's --over

    def as_json(self) -> dict:
        out = {
            "schema_version": SCHEMA_VERSION,
            "report": self.name,
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "window": self.window.as_dict() if self.window else None,
            "filters": self.filters.as_dict(),
            **self.extra,
            "count": len(self.rows),
            "rows": self.rows,
        }
        if self.financial_years is not None:
            out["financial_years"] = self.financial_years
        return out


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def base_fields(row: Deadline, as_of: date) -> dict:
    """The fields every deadline-based row starts with."""
    return {
        "reference": row.contract_reference,
        "contract_title": row.contract_title,
        "kind": row.kind,
        "ordinal": row.ordinal,
        "title": row.title,
        "due_date": iso(row.due_date),
        "days_left": (row.due_date - as_of).days,
        "owner": row.owner,
        "service_area": row.service_area,
    }


def not_lapsed_by_time(as_of: date):
    """Leave out extension decisions that lapsed because an earlier option's date passed
    undecided (lifecycle.option_windows with as_of: once option k lapses, later ones do too)."""
    earlier = aliased(Deadline)
    missed_earlier = exists().where(
        earlier.contract_id == Deadline.contract_id,
        earlier.kind == EXTENSION,
        earlier.state == OPEN,
        earlier.due_date < as_of,
        earlier.ordinal < Deadline.ordinal,
    )
    return or_(Deadline.kind != EXTENSION, ~missed_earlier)


def in_window(win: Window):
    return and_(Deadline.due_date >= win.start, Deadline.due_date <= win.end)


# The columns reports read from the deadline table: plain rows, not ORM objects (far cheaper at scale).
DEADLINE_COLUMNS = (
    Deadline.contract_id, Deadline.contract_reference, Deadline.contract_title, Deadline.kind, Deadline.ordinal,
    Deadline.title, Deadline.start_date, Deadline.due_date, Deadline.state, Deadline.owner,
    Deadline.service_area, Deadline.action,
)
_TERM_COLUMNS = (
    Contract.id, Contract.start_date, Contract.initial_term, Contract.decision_notice,
    Contract.reprocurement_lead, Contract.status, Contract.terminated_on,
)
_OPTION_COLUMNS = (
    ExtensionOption.contract_id, ExtensionOption.ordinal, ExtensionOption.length, ExtensionOption.notice,
    ExtensionOption.status, ExtensionOption.decided_on,
)
_BREAK_COLUMNS = (BreakClause.contract_id, BreakClause.notice, BreakClause.earliest_date, BreakClause.after,
                  BreakClause.party)
CHUNK = 5000  # ids per IN (...) list: well under every database's limit on bound parameters


def chunks(ids: set[int]):
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def load_terms(session: Session, contract_ids: set[int], *, with_breaks: bool = False) -> dict[int, ContractTerms]:
    """The terms of a few contracts already picked by an indexed query, for the reports that need
    exact lifecycle dates (a few queries per 5,000 contracts; plain rows stand in for the models)."""
    out: dict[int, ContractTerms] = {}
    for ids in chunks(contract_ids):
        options: dict[int, list] = {}
        for option in session.exec(select(*_OPTION_COLUMNS).where(ExtensionOption.contract_id.in_(ids))):
            options.setdefault(option.contract_id, []).append(option)
        breaks: dict[int, list] = {}
        if with_breaks:
            for clause in session.exec(
                select(*_BREAK_COLUMNS).where(BreakClause.contract_id.in_(ids)).order_by(BreakClause.id)
            ):
                breaks.setdefault(clause.contract_id, []).append(clause)
        for contract in session.exec(select(*_TERM_COLUMNS).where(Contract.id.in_(ids))):
            out[contract.id] = terms_of(contract, options.get(contract.id, []), breaks.get(contract.id, []))
    return out
