"""Use cases on extension options: exercise, decline, and the lapsing that follows."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from ..domain.dates import describe_span
from ..domain.durations import ONE_DAY
from ..domain.lifecycle import option_windows
from ..domain.limits import clean_text, computed_dates
from ..enums import ContractStatus, OptionStatus
from ..errors import InvalidInput, RuleViolation
from ..store.concurrency import check_version
from ..store.models import Contract, ExtensionOption
from .audit import record, utcnow
from .lookup import get_option, lock_contract, options_of
from .sync import load_snapshot, refresh_deadlines


def _decide(option: ExtensionOption, status: OptionStatus, *, on: date, actor: str, note: str) -> None:
    note = clean_text(note, field="note", multiline=True)
    option.status = status.value
    option.decided_on = on
    option.decided_by = actor
    if note:
        option.note = note
    option.version += 1


def _check_decidable(session: Session, contract: Contract, ordinal: int, *, on: date, today: date,
                     force_reason: str | None) -> ExtensionOption:
    """Refuse a decision that cannot be recorded. A decision is judged by its own date (`on`), not
    by the day it is typed: on time if by the decide-by date; after it only when forced with a
    reason; never once the term it would extend has ended, nor dated after today."""
    if force_reason is not None:
        clean_text(force_reason, field="reason", multiline=True)
    if contract.status == ContractStatus.TERMINATED:
        raise RuleViolation(f"{contract.reference} was terminated on {contract.terminated_on}; its options have lapsed")
    option = get_option(session, contract, ordinal)
    if option.status != OptionStatus.AVAILABLE:
        raise RuleViolation(f"option {ordinal} of {contract.reference} is already {option.status}")
    if on > today:
        raise InvalidInput(f"the decision is dated {describe_span(None, on)}, after today: record it once it is made")
    if contract.start_date is not None and on < contract.start_date:
        raise InvalidInput(f"the decision is dated {describe_span(None, on)}, before the contract starts "
                           f"({describe_span(None, contract.start_date)})")
    window = next(w for w in option_windows(load_snapshot(session, contract).terms) if w.ordinal == ordinal)
    term_end = window.period_start - ONE_DAY
    if on > term_end:
        raise RuleViolation(
            f"option {ordinal} of {contract.reference} lapsed when the term it extends ended on "
            f"{describe_span(None, term_end)}; a decision dated {describe_span(None, on)} cannot take it"
        )
    if on > window.decide_by:
        if force_reason is None:
            raise RuleViolation(
                f"the decision date for option {ordinal} of {contract.reference} was "
                f"{describe_span(None, window.decide_by)} and this decision is dated {describe_span(None, on)}; "
                "to record it anyway, force it and give a reason"
            )
        if not force_reason.strip():
            raise InvalidInput("a forced decision needs a reason")
    return option


def exercise_option(session: Session, reference: str, ordinal: int, *, today: date, actor: str,
                    on: date | None = None, note: str = "", force_reason: str | None = None,
                    expected_version: int | None = None) -> ExtensionOption:
    """Exercise option `ordinal`, decided on `on` (default today); every earlier option must
    already be exercised."""
    contract = lock_contract(session, reference)
    check_version(session, contract, expected_version)
    for earlier in options_of(session, contract):
        if earlier.ordinal < ordinal and earlier.status != OptionStatus.EXERCISED:
            raise RuleViolation(
                f"option {ordinal} of {reference} cannot be exercised before option {earlier.ordinal} "
                f"(option {earlier.ordinal} is {earlier.status})"
            )
    decided_on = on or today
    option = _check_decidable(session, contract, ordinal, on=decided_on, today=today, force_reason=force_reason)
    _decide(option, OptionStatus.EXERCISED, on=decided_on, actor=actor, note=note)
    session.add(option)
    record(session, actor=actor, contract=contract, entity="option", entity_id=option.id, action="exercised",
           field=f"option {ordinal}", old=OptionStatus.AVAILABLE.value, new=OptionStatus.EXERCISED.value,
           reason=(force_reason or note or "").strip())
    contract.version += 1
    contract.updated_at = utcnow()
    session.add(contract)
    with computed_dates(contract.reference):
        refresh_deadlines(session, contract)
    return option


def decline_option(session: Session, reference: str, ordinal: int, *, today: date, actor: str,
                   on: date | None = None, note: str = "", force_reason: str | None = None,
                   expected_version: int | None = None) -> ExtensionOption:
    """Decline option `ordinal`, decided on `on` (default today); it and every later option lapse."""
    contract = lock_contract(session, reference)
    check_version(session, contract, expected_version)
    decided_on = on or today
    option = _check_decidable(session, contract, ordinal, on=decided_on, today=today, force_reason=force_reason)
    _decide(option, OptionStatus.DECLINED, on=decided_on, actor=actor, note=note)
    session.add(option)
    record(session, actor=actor, contract=contract, entity="option", entity_id=option.id, action="declined",
           field=f"option {ordinal}", old=OptionStatus.AVAILABLE.value, new=OptionStatus.DECLINED.value,
           reason=(force_reason or note or "").strip())
    lapse_later_options(session, contract, after_ordinal=ordinal, actor=actor,
                        reason=f"option {ordinal} declined")
    contract.version += 1
    contract.updated_at = utcnow()
    session.add(contract)
    with computed_dates(contract.reference):
        refresh_deadlines(session, contract)
    return option


def lapse_later_options(session: Session, contract: Contract, *, after_ordinal: int, actor: str, reason: str) -> None:
    """Mark every still-available option after `after_ordinal` as lapsed, with an audit event each."""
    for option in options_of(session, contract):
        if option.ordinal > after_ordinal and option.status == OptionStatus.AVAILABLE:
            option.status = OptionStatus.LAPSED.value
            option.version += 1
            session.add(option)
            record(session, actor=actor, contract=contract, entity="option", entity_id=option.id, action="lapsed",
                   field=f"option {option.ordinal}", old=OptionStatus.AVAILABLE.value,
                   new=OptionStatus.LAPSED.value, reason=reason)
