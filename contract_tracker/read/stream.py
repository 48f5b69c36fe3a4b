"""Reading the deadline stream as of a day: the one rule every reader uses.

A stored deadline row says what the facts record (its `state`) and in which days it applies
(`holds_from` to `holds_until`); it never depends on the day it was written. How it stands on a
day D (`Standing`) follows from those alone, by these rules, in this order:

1. a row the facts no longer produce is SUPERSEDED;
2. before its window opens it is PENDING: it does not apply yet, and no reader shows it;
3. after its window closes it is MISSED if it fell due while it applied and was not acted on (an
   extension decision never taken before the term ended, a re-procurement never started before
   the contract ended), else LAPSED (a later option when an earlier one passed undecided, a
   break whose notice day passed, a re-procurement start for an end no longer possible);
4. a recorded DONE, MISSED, CANCELLED or LAPSED stands as recorded;
5. an open row is OVERDUE once its day has passed, except a date that only marks an event (a
   contract end, a standstill end), which has PASSED; else it is OPEN.

`standing` applies them to one row in Python; `standing_sql` is the same rules as one SQL
expression, and `is_open` / `is_overdue` / `in_force` the predicates readers filter with, so that a
report over 1.5 million rows stays one indexed query. tests/test_stream.py holds the Python and
SQL forms equal on both databases.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, literal, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from ..domain.deadline_item import INFORMATIONAL, OPPORTUNITIES
from ..enums import DeadlineKind, DeadlineState, Standing
from ..store.models import Deadline

# The deadline table's columns as typed SQL expressions (a trailing _: columns, not values).
state_, kind_, due_ = col(Deadline.state), col(Deadline.kind), col(Deadline.due_date)
from_, until_, ends_ = col(Deadline.holds_from), col(Deadline.holds_until), col(Deadline.ends_on)
sequence_, updated_ = col(Deadline.sequence), col(Deadline.updated_at)

OPEN = DeadlineState.OPEN.value
SUPERSEDED = DeadlineState.SUPERSEDED.value
_STOPPED_STATES = (DeadlineState.CANCELLED.value, DeadlineState.LAPSED.value, SUPERSEDED)
_RECORDED = {state.value: Standing(state.value) for state in DeadlineState if state != DeadlineState.OPEN}
# How long a deadline that stopped applying stays in calendars, as a cancelled event, so that
# subscribed calendars that cached it remove it.
CANCELLED_KEPT = timedelta(days=90)


def standing(*, state: str, kind: str, due_date: date, holds_from: date | None, holds_until: date | None,
             as_of: date) -> Standing:
    """How one deadline stands on `as_of` (the rules in the module's docstring)."""
    if state == SUPERSEDED:
        return Standing.SUPERSEDED
    if holds_from is not None and as_of < holds_from:
        return Standing.PENDING
    if holds_until is not None and as_of > holds_until:
        if state == OPEN and due_date <= holds_until and kind not in OPPORTUNITIES:
            return Standing.MISSED
        return Standing.LAPSED
    if state != OPEN:
        return _RECORDED[state]
    if due_date < as_of:
        return Standing.PASSED if kind in INFORMATIONAL else Standing.OVERDUE
    return Standing.OPEN


def standing_of(row: Any, as_of: date) -> Standing:
    """`standing` of anything with a deadline row's fields (a model, a Core row, an item)."""
    return standing(state=str(row.state), kind=str(row.kind), due_date=row.due_date, holds_from=row.holds_from,
                    holds_until=row.holds_until, as_of=as_of)


def _starts_by(as_of: date) -> ColumnElement[bool]:
    return or_(from_.is_(None), from_ <= as_of)


def _lasts_to(as_of: date) -> ColumnElement[bool]:
    return or_(until_.is_(None), until_ >= as_of)


def standing_sql(as_of: date) -> ColumnElement[str]:
    """`standing` as one SQL expression over the deadline table (label it as you need)."""
    recorded = case(*((state_ == value, literal(standing.value)) for value, standing in _RECORDED.items()),
                     else_=literal(Standing.OPEN.value))
    return case(
        (state_ == SUPERSEDED, literal(Standing.SUPERSEDED.value)),
        (~_starts_by(as_of), literal(Standing.PENDING.value)),
        (~_lasts_to(as_of), case(
            (and_(state_ == OPEN, due_ <= until_,
                  kind_.not_in(OPPORTUNITIES)), literal(Standing.MISSED.value)),
            else_=literal(Standing.LAPSED.value))),
        (state_ != OPEN, recorded),
        (due_ < as_of, case((kind_.in_(INFORMATIONAL), literal(Standing.PASSED.value)),
                                         else_=literal(Standing.OVERDUE.value))),
        else_=literal(Standing.OPEN.value),
    )


def in_force(as_of: date) -> ColumnElement[bool]:
    """Rows that apply on `as_of`, whatever their recorded state (not pending, lapsed by time or superseded)."""
    return and_(state_ != SUPERSEDED, _starts_by(as_of), _lasts_to(as_of))


def gives_final_end(as_of: date) -> ColumnElement[bool]:
    """The re-procurement start whose end (`ends_on`) is the contract's final possible end on
    `as_of`: the one in force, or, once the contract has run to an end, the one for that end (its
    window closed with the contract). One per contract that is not planned."""
    return and_(kind_ == DeadlineKind.REPROCUREMENT_START.value, state_ != SUPERSEDED,
                _starts_by(as_of), or_(_lasts_to(as_of), until_ == ends_))


def is_open(as_of: date) -> ColumnElement[bool]:
    """Rows that stand OPEN or OVERDUE on `as_of`: what is still to be done. `state_ == open`
    comes first, so the (due_date, state) index serves date-range queries."""
    return and_(state_ == OPEN, _starts_by(as_of), _lasts_to(as_of),
                or_(kind_.not_in(INFORMATIONAL), due_ >= as_of))


def is_overdue(as_of: date) -> ColumnElement[bool]:
    """Rows that stand OVERDUE on `as_of`."""
    return and_(is_open(as_of), due_ < as_of)


def in_calendar(as_of: date, *, include_stopped: bool = False) -> ColumnElement[bool]:
    """Rows a calendar shows on `as_of`: every row that applies or has been settled, and rows that
    stopped applying (cancelled, lapsed, superseded: cancelled events, without reminders) until
    CANCELLED_KEPT after they stopped, so that calendars which cached them remove them; with
    `include_stopped`, all of those. A row stops when it is recorded so (its `updated_at`), or when
    its window closes (`holds_until`). Rows not yet applying, and superseded rows that had not yet
    applied when they were superseded, are left out: no calendar ever showed them."""
    pending = and_(state_ != SUPERSEDED, from_.is_not(None), from_ > as_of)
    never_applied = and_(state_ == SUPERSEDED, from_.is_not(None),
                         from_ > updated_)
    shown = and_(~pending, ~never_applied)
    if include_stopped:
        return shown
    recorded_stopped = state_.in_(_STOPPED_STATES)
    closed = and_(~recorded_stopped, until_.is_not(None), until_ < as_of)
    since = as_of - CANCELLED_KEPT
    since_moment = datetime(since.year, since.month, since.day, tzinfo=UTC)
    lately = or_(and_(recorded_stopped, updated_ >= since_moment),
                 and_(closed, until_ >= since))
    return and_(shown, or_(~or_(recorded_stopped, closed), lately))


def calendar_sequence(row: Any, as_of: date) -> int:
    """`calendar_sequence_sql` for one row in Python."""
    closed = row.holds_until is not None and row.holds_until < as_of
    return row.sequence * 2 + (1 if closed else 0)


def calendar_sequence_sql(as_of: date) -> ColumnElement[int]:
    """A row's calendar sequence_ on `as_of`: twice the stored sequence, plus one once its window has
    closed (its event turns missed or cancelled that day, with no edit to the row). It never
    decreases: an edit adds at least two, and a window closes once."""
    closed = and_(until_.is_not(None), until_ < as_of)
    return sequence_ * 2 + case((closed, 1), else_=0)
