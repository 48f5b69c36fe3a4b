"""The checks every way into the register shares: the services (one change at a time) and the bulk
path (imports and loads, thousands at a time) call these same functions, so a contract refused by
one is refused by the other with the same words.

Each function takes plain values and raises InvalidInput naming the first problem; nothing here
reads the store or the clock.
"""

from __future__ import annotations

import re
from datetime import date

from ..domain.durations import ONE_DAY, Duration, parse_duration, period_end, subtract
from ..domain.limits import MAX_OPTIONS, MAX_PERIOD_YEARS, clean_text
from ..domain.money import parse_money
from ..domain.statutory import assumed_regime
from ..enums import (
    BreakParty,
    ContractStatus,
    ContractType,
    KpiRating,
    MilestoneKind,
    MilestoneStatus,
    Procedure,
    Regime,
)
from ..errors import InvalidInput
from ..store.models import Contract, ContractKpi, ContractSupplier

# More options than MAX_OPTIONS, or a period longer than MAX_PERIOD_YEARS (limits.py), is a typing
# slip (a "99999 x 1y" cell), not a contract.

_SPACE = re.compile(r"\s")
_PERIOD_FIELDS = ("initial_term", "decision_notice", "reprocurement_lead")
_MONEY_FIELDS = ("annual_value", "whole_life_value")
_TEXT_LIMITS = {column.name: column.type.length for column in Contract.__table__.columns
                if getattr(column.type, "length", None)}
SUPPLIER_NAME_LIMIT = ContractSupplier.__table__.c.name.type.length
SUPPLIER_IDENTIFIER_LIMIT = ContractSupplier.__table__.c.identifier.type.length


_TEXTS: dict[type, dict[str, str]] = {}


def choice(value: str, enum, name: str) -> str:
    """`value` as one of `enum`'s texts (a dict look-up: imports check thousands)."""
    texts = _TEXTS.get(enum)
    if texts is None:
        texts = _TEXTS[enum] = {member.value: member.value for member in enum}
    try:
        return texts[value]
    except (KeyError, TypeError):
        allowed = ", ".join(member.value for member in enum)
        raise InvalidInput(f"{name}: {value!r} is not one of: {allowed}") from None


def check_period(text: str | Duration, name: str) -> str:
    """A period as stored ("3y"), at most MAX_PERIOD_YEARS long."""
    try:
        return _PERIODS[text]
    except (KeyError, TypeError):
        pass
    try:
        period = parse_duration(text)
    except InvalidInput as error:
        raise InvalidInput(f"{name}: {error}") from None
    if period.in_months() > MAX_PERIOD_YEARS * 12:
        raise InvalidInput(f"{name}: {period.describe()} is longer than {MAX_PERIOD_YEARS} years")
    if len(_PERIODS) < 4096:  # a register uses a handful of periods, checked thousands of times
        _PERIODS[text] = str(period)
    return str(period)


_PERIODS: dict = {}


def check_option_lengths(lengths: list[str], name: str = "options") -> list[str]:
    """Option lengths as stored, at most MAX_OPTIONS of them and each within the period limit."""
    if len(lengths) > MAX_OPTIONS:
        raise InvalidInput(f"{name}: {len(lengths)} extension options; a contract has at most {MAX_OPTIONS}")
    known = [_PERIODS.get(length) if isinstance(length, str) else None for length in lengths]
    if all(known):
        return [str(length) for length in known]
    # Some not seen before: check each, naming the option in any refusal.
    return [check_period(length, f"{name}: option {n}") for n, length in enumerate(lengths, start=1)]


_TEXT_FIELDS = ("reference", "title", "description", "buyer", "service_area", "owner_role", "owner_contact",
                "extension_wording")


def clean_contract_fields(values: dict) -> dict:
    """Check and normalise contract fields (any subset of them); raise InvalidInput naming the first bad one."""
    out = dict(values)
    for name in _TEXT_FIELDS:
        if name in out:
            out[name] = clean_text(out[name], field=name, max_length=_TEXT_LIMITS.get(name),
                                   multiline=name in ("description", "extension_wording"),
                                   required=name in ("reference", "title"))
    if "reference" in out and _SPACE.search(out["reference"]):
        raise InvalidInput(f"reference must not contain spaces: {out['reference']!r}")
    if "status" in out:
        out["status"] = choice(out["status"], ContractStatus, "status")
    if "regime" in out:
        if out["regime"] is None:  # not given: by the start date (statutory.assumed_regime)
            out["regime"] = assumed_regime(out.get("start_date"))[0].value
        out["regime"] = choice(out["regime"], Regime, "regime")
    if "procedure" in out:
        out["procedure"] = choice(out["procedure"], Procedure, "procedure")
    if "contract_type" in out:
        out["contract_type"] = contract_type(out["contract_type"])
    for name in _PERIOD_FIELDS:
        # None clears a term (a planned contract); an empty text is a mistake, not "no term".
        if out.get(name) is not None:
            out[name] = check_period(out[name], name)
    for name in _MONEY_FIELDS:
        if out.get(name) is not None:
            out[name] = parse_money(out[name], field=name)
    return out


# A contract's type as people write it: any case, "-", "_" or spaces between the words, and the
# Act's longer names ("concession contract", "framework agreement", "call-off contract").
_CONTRACT_TYPES = {kind.value: kind.value for kind in ContractType}
_TYPE_WORDS = {
    **{" ".join(kind.value.replace("-", " ").split()): kind.value for kind in ContractType},
    "public": ContractType.PUBLIC_CONTRACT.value,
    "concession contract": ContractType.CONCESSION.value,
    "framework agreement": ContractType.FRAMEWORK.value,
    "call off contract": ContractType.CALL_OFF.value,
}


def contract_type(value: object) -> str:
    """A contract's type as stored (enums.ContractType), or InvalidInput naming the allowed ones."""
    if isinstance(value, str):
        known = _CONTRACT_TYPES.get(value)
        if known is not None:
            return known
        words = " ".join(value.lower().replace("_", " ").replace("-", " ").split())
        if words in _TYPE_WORDS:
            return _TYPE_WORDS[words]
    allowed = ", ".join(kind.value for kind in ContractType)
    raise InvalidInput(f"contract type: {value!r:.60} is not one of: {allowed}")


def check_contract_dates(contract) -> None:
    """The rules on a contract's dates as a whole (`contract` is anything with its attributes)."""
    if contract.start_date is not None and contract.initial_term is None:
        raise InvalidInput("a contract with a start date needs an initial term (e.g. --term 3y or --end DATE)")
    if contract.status != ContractStatus.PLANNED and contract.start_date is None:
        raise InvalidInput("a live contract needs a start date (or register it with status planned)")
    if contract.status == ContractStatus.TERMINATED and contract.terminated_on is None:
        raise InvalidInput("a terminated contract needs the day it ended: register it as live, then "
                           "terminate it with a date and a reason")


def check_dates_fit(start: date | None, initial_term: str | None, options: list[str], *,
                    notices: tuple[str, ...] = ()) -> None:
    """Every date the engine will count to is a real one (years 1 to 9999): the ends the options
    reach, the day after the last of them, and the notices counted back from the start."""
    if start is None or not initial_term:
        return
    # Most contracts start in this millennium and run a few years: when the furthest the dates
    # can reach (generously rounded) stays well inside the calendar, there is nothing to count.
    reach = sum(parse_duration(p).in_months() for p in (initial_term, *options)) / 12 + 2
    if start.year > 60 and start.year + reach < 9990:
        return
    try:
        end = period_end(start, initial_term)
        for length in options:
            end = period_end(end + ONE_DAY, length)
        end + ONE_DAY
        for notice in notices:
            subtract(start, notice)
    except (OverflowError, ValueError):
        raise InvalidInput("the contract's dates run outside the years 1 to 9999") from None


def clean_supplier(name: str, identifier: str = "") -> tuple[str, str]:
    """A supplier's name (required) and identifier, trimmed and within their columns."""
    name = clean_text(name, field="supplier", max_length=SUPPLIER_NAME_LIMIT)
    identifier = clean_text(identifier, field="supplier identifier")
    if not name:
        raise InvalidInput("a supplier needs a name")
    if len(identifier) > SUPPLIER_IDENTIFIER_LIMIT:
        raise InvalidInput(f"supplier identifier {identifier[:20]!r}... is longer than "
                           f"{SUPPLIER_IDENTIFIER_LIMIT} characters")
    return name, identifier


def supplier_pairs(names: list[str], identifiers: list[str] | None = None) -> list[tuple[str, str]]:
    """(name, identifier) for each supplier with a name, in order; identifiers go by position
    (missing ones are ""). A name given twice is kept once."""
    identifiers = list(identifiers or [])
    if len(identifiers) > len(names):
        raise InvalidInput(f"{len(identifiers)} supplier identifiers for {len(names)} suppliers")
    pairs: dict[str, str] = {}
    for position, raw in enumerate(names):
        if not raw or not raw.strip():
            continue
        name, identifier = clean_supplier(raw, identifiers[position] if position < len(identifiers) else "")
        if name not in pairs or (identifier and not pairs[name]):
            pairs[name] = identifier
    return list(pairs.items())


def identified(pairs: list[tuple[str, str]]) -> list[str]:
    """The suppliers that have an identifier, as "Name (GB-COH-01234567)", for the audit trail."""
    return [f"{name} ({identifier})" for name, identifier in pairs if identifier]


def clean_break(earliest_date: date | None, after: str | None, notice: str, party: str,
                start: date | None) -> dict:
    """A break clause's stored values; `start` is the contract's, if it has one."""
    if earliest_date is None and not after:
        raise InvalidInput("a break clause needs a break date or a period after the start (e.g. after 12m)")
    if start and earliest_date and earliest_date < start:
        raise InvalidInput("a break date cannot fall before the contract starts")
    return dict(
        earliest_date=earliest_date,
        after=check_period(after, "break after") if after else None,
        notice=check_period(notice, "break notice"),
        party=choice(party, BreakParty, "party"),
    )


# Plain dicts of the enums' texts: the same answers as MilestoneKind(text).value, at a fraction
# of the cost (a bulk load checks a million milestones).
_KINDS = {kind.value: kind.value for kind in MilestoneKind}
_STATUSES = {status.value: status.value for status in MilestoneStatus}


def milestone_kind(value: str) -> str:
    try:
        return _KINDS[value.strip().lower()]
    except KeyError:
        allowed = ", ".join(kind.value for kind in MilestoneKind)
        raise InvalidInput(f"kind: {value!r} is not one of: {allowed}") from None


def milestone_status(value: str) -> str:
    try:
        return _STATUSES[value.strip().lower()]
    except KeyError:
        allowed = ", ".join(status.value for status in MilestoneStatus)
        raise InvalidInput(f"status: {value!r} is not one of: {allowed}") from None


def milestone_name(name: str) -> str:
    if not name or not name.strip():
        raise InvalidInput("a milestone needs a name")
    return name.strip()


KPI_NAME_LIMIT = ContractKpi.__table__.c.name.type.length
KPI_TARGET_LIMIT = ContractKpi.__table__.c.target.type.length
_RATINGS = {rating.value: rating.value for rating in KpiRating}


def kpi_name(name: object) -> str:
    """A KPI's name: required, one line, within its column."""
    return clean_text(name, field="KPI name", max_length=KPI_NAME_LIMIT, required=True)


def kpi_target(target: object) -> str:
    """What the KPI aims at ("95% of journeys on time"): one line, within its column; may be empty."""
    return clean_text(target, field="KPI target", max_length=KPI_TARGET_LIMIT)


def kpi_rating(value: object) -> str:
    """A rating as stored: one of KpiRating's words, in any case, with "-" or "_" for spaces."""
    if isinstance(value, str):
        words = " ".join(value.lower().replace("_", " ").replace("-", " ").split())
        if words in _RATINGS:
            return _RATINGS[words]
    allowed = ", ".join(rating.value for rating in KpiRating)
    raise InvalidInput(f"rating: {value!r:.60} is not one of: {allowed}")
