"""What every report shares: the window, the filters, the result shape and SQL predicates.

Which deadlines are open, overdue or in force on the report's day is `contract_tracker.read.stream`'s
rule, never a report's own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_

from ...domain.durations import Duration, parse_duration, period_end
from ...enums import DeadlineKind, DeadlineState
from ...errors import InvalidInput
from ...store.models import Deadline

SCHEMA_VERSION = 1
OPEN = DeadlineState.OPEN.value
EXTENSION = DeadlineKind.EXTENSION_DECISION.value
REPROCUREMENT = DeadlineKind.REPROCUREMENT_START.value
CONTRACT_END = DeadlineKind.CONTRACT_END.value


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


def in_window(win: Window):
    return and_(Deadline.due_date >= win.start, Deadline.due_date <= win.end)


# The columns reports read from the deadline table: plain rows, not ORM objects (far cheaper at scale).
DEADLINE_COLUMNS = (
    Deadline.contract_id, Deadline.contract_reference, Deadline.contract_title, Deadline.kind, Deadline.ordinal,
    Deadline.title, Deadline.start_date, Deadline.due_date, Deadline.state, Deadline.owner,
    Deadline.service_area, Deadline.action, Deadline.ends_on,
)
CHUNK = 5000  # ids per IN (...) list: well under every database's limit on bound parameters


def chunks(ids: set[int]):
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


