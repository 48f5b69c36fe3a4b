"""What a restore checks in a backup before it may replace the register.

Two layers. `stored_value` checks each value against its column as the schema declares it (type,
range, length, NULL): SQLite would store anything in any column, and PostgreSQL would refuse half
way through. `row_problem` loads each row of the upgraded store through its model's validation
and the register's own rules (statuses, periods, money), so that a backup whose rows the tool
could not work with is refused in one line instead of crashing the app afterwards.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Integer, String
from sqlmodel import SQLModel

from ..domain.durations import parse_duration
from ..domain.finance import SpendBasis
from ..domain.limits import BIGINT_MAX, INTEGER_MAX, text_problem
from ..enums import (
    BreakParty,
    ContractStatus,
    ContractType,
    KpiRating,
    MilestoneKind,
    MilestoneStatus,
    OptionStatus,
    Procedure,
    Regime,
)
from ..errors import InvalidInput
from ..files import loads_json
from .models import (
    BreakClause,
    Contract,
    ContractKpi,
    ContractSupplier,
    ContractYearFigures,
    ExtensionOption,
    FeedSubscription,
    Milestone,
)

# How SQLAlchemy keeps a datetime in SQLite; a restore writes the scratch store the same way.
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"
# What no text column may hold: NUL (PostgreSQL refuses it) and lone surrogates (not UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class BadValue(ValueError):
    """A value that does not fit its column; the message says why."""


def value_checker(column: Column) -> Callable[[object], object]:
    """A function that returns the value as the scratch SQLite store keeps it, or raises BadValue.

    Text and whole numbers, most of a register's millions of values, take a fast path that only
    says yes; anything it does not pass goes the full way, which converts or says what is wrong."""
    kind = column.type
    nullable = column.nullable

    def full(convert: Callable[[object], object]) -> Callable[[object], object]:
        def check(value):
            if value is None:
                if not nullable:
                    raise BadValue("is empty")
                return None
            return convert(value)
        return check

    if isinstance(kind, DateTime):
        return full(_datetime)
    if isinstance(kind, Date):
        return full(_date)
    if isinstance(kind, Boolean):
        return full(_boolean)
    if isinstance(kind, Integer):  # BigInteger too
        limit = BIGINT_MAX if isinstance(kind, BigInteger) else INTEGER_MAX
        slow = full(lambda value: _integer(value, limit))

        def integer(value):
            if type(value) is int and -limit - 1 <= value <= limit:
                return value
            return slow(value)
        return integer
    if isinstance(kind, String):  # Text too
        longest = kind.length or sys.maxsize
        slow = full(lambda value: _text(value, kind.length))
        unstorable = _UNSTORABLE.search

        def text(value):
            if type(value) is str and len(value) <= longest and not unstorable(value):
                return value
            return slow(value)
        return text
    return full(lambda value: value)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _date(value):
    if not isinstance(value, str):
        raise BadValue(f"is not a date: {_shown(value)}")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise BadValue(f"is not a date: {_shown(value)}") from None
    if parsed.isoformat() != value:  # fromisoformat also takes 20250901 and week dates
        raise BadValue(f"is not a date written YYYY-MM-DD: {_shown(value)}")
    return value


def _datetime(value):
    if not isinstance(value, str):
        raise BadValue(f"is not a date and time: {_shown(value)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadValue(f"is not a date and time: {_shown(value)}") from None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise BadValue(f"is a time that cannot be put in UTC: {_shown(value)}") from None
    return parsed.strftime(SQLITE_DATETIME)


def _boolean(value):
    if value in (0, 1) and not isinstance(value, float):  # True and False are 1 and 0
        return int(value)
    raise BadValue(f"is not true or false: {_shown(value)}")


def _integer(value, limit: int):
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadValue(f"is not a whole number: {_shown(value)}")
    if not -limit - 1 <= value <= limit:
        raise BadValue("is a number too large for its column")
    return value


def _text(value, length: int | None):
    if not isinstance(value, str):
        raise BadValue(f"is not text: {_shown(value)}")
    # NUL and lone surrogates cannot be stored by PostgreSQL (nor written as UTF-8); other control
    # characters were accepted by earlier versions, and a backup of them must still restore.
    if "\x00" in value:
        raise BadValue("contains a NUL character")
    if (problem := text_problem(value, multiline=True)) and "broken character" in problem:
        raise BadValue(problem)
    if length is not None and len(value) > length:
        raise BadValue(f"is {len(value):,} characters long; the column holds {length:,}")
    return value


# --- rows of the upgraded store, through the models -------------------------------------------------

def _choice(value, enum, name: str) -> str | None:
    try:
        enum(value)
    except ValueError:
        return f"{name} {value!r:.40} is not one of: {', '.join(member.value for member in enum)}"
    return None


def _period(value, name: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    try:
        parse_duration(value)
    except InvalidInput as error:
        return f"{name}: {error}"
    return None


def _money(row, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = getattr(row, name)
        if value is not None and Decimal(value) < 0:
            return f"{name} is negative ({value})"
    return None


def _contract(row: Contract) -> str | None:
    if not row.reference.strip() or any(char.isspace() for char in row.reference):
        return f"reference {row.reference!r:.40} is empty or has spaces"
    if not row.title.strip():
        return "title is empty"
    if row.status == ContractStatus.TERMINATED and row.terminated_on is None:
        return "is terminated but has no date it ended"
    return (_choice(row.status, ContractStatus, "status") or _choice(row.regime, Regime, "regime")
            or _choice(row.procedure, Procedure, "procedure")
            or _choice(row.contract_type, ContractType, "contract type")
            or _period(row.initial_term, "initial term", optional=True)
            or _period(row.decision_notice, "decision notice") or _period(row.reprocurement_lead, "re-procurement lead")
            or _money(row, ("annual_value", "whole_life_value")))


def _option(row: ExtensionOption) -> str | None:
    if row.ordinal < 1:
        return f"ordinal {row.ordinal} is not 1 or more"
    return (_choice(row.status, OptionStatus, "status") or _period(row.length, "length")
            or _period(row.notice, "notice", optional=True))


def _break(row: BreakClause) -> str | None:
    if row.earliest_date is None and row.after is None:
        return "has neither a break date nor a period after the start"
    return _choice(row.party, BreakParty, "party") or _period(row.after, "after", optional=True) or _period(
        row.notice, "notice")


def _milestone(row: Milestone) -> str | None:
    if row.start_date is not None and row.start_date > row.due_date:
        return "runs backwards (its start is after its due date)"
    return _choice(row.kind, MilestoneKind, "kind") or _choice(row.status, MilestoneStatus, "status")


def _figures(row: ContractYearFigures) -> str | None:
    if row.spend_basis is not None and (problem := _choice(row.spend_basis, SpendBasis, "spend basis")):
        return problem
    if row.volume is not None and row.volume < 0:
        return f"volume is negative ({row.volume})"
    return _money(row, ("budget", "baseline", "spend"))


def _feed(row: FeedSubscription) -> str | None:
    try:
        filters = loads_json(row.filters, source="its filters")
    except InvalidInput as error:
        return str(error)
    return None if isinstance(filters, dict) else "its filters are not a JSON object"


def _kpi(row: ContractKpi) -> str | None:
    if not row.name.strip():
        return "KPI name is empty"
    if (row.rating is None) != (row.rated_on is None):
        return "has a rating without the day it was rated, or a day without a rating"
    return None if row.rating is None else _choice(row.rating, KpiRating, "rating")


RULES: dict[type[SQLModel], Callable[[SQLModel], str | None]] = {
    Contract: _contract, ContractSupplier: lambda row: None if row.name.strip() else "supplier name is empty",
    ExtensionOption: _option, BreakClause: _break, Milestone: _milestone, ContractYearFigures: _figures,
    FeedSubscription: _feed, ContractKpi: _kpi,
}


def row_problem(model: type[SQLModel], values: dict) -> str | None:
    """Why a row (its column values, as the model's types read them) is not a record the register
    can work with, or None: the model's fields validated (types, required fields), then the
    register's rules."""
    from pydantic import ValidationError

    try:
        row = _validator(model).model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}"
    rule = RULES.get(model)
    return rule(row) if rule else None


@cache
def _validator(model: type[SQLModel]):
    """A plain pydantic model with the table model's fields. The table model's own model_validate
    builds an ORM-instrumented object for every row, ten times the cost: a register of 10,000
    contracts has some 150,000 rows to check."""
    from pydantic import create_model

    return create_model(f"{model.__name__}Row", **{
        name: (field.annotation, ...) for name, field in model.model_fields.items()})
