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

from sqlalchemy import and_, case, literal, or_
from sqlalchemy.sql.elements import ColumnElement

from .deadline_item import INFORMATIONAL, OPPORTUNITIES
from .enums import DeadlineKind, DeadlineState, Standing
from .models import Deadline

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


def standing_of(row, as_of: date) -> Standing:
    """`standing` of anything with a deadline row's fields (a model, a Core row, an item)."""
    return standing(state=str(row.state), kind=str(row.kind), due_date=row.due_date, holds_from=row.holds_from,
                    holds_until=row.holds_until, as_of=as_of)


def _starts_by(as_of: date) -> ColumnElement[bool]:
    return or_(Deadline.holds_from.is_(None), Deadline.holds_from <= as_of)


def _lasts_to(as_of: date) -> ColumnElement[bool]:
    return or_(Deadline.holds_until.is_(None), Deadline.holds_until >= as_of)


def standing_sql(as_of: date) -> ColumnElement[str]:
    """`standing` as one SQL expression over the deadline table (label it as you need)."""
    recorded = case(*((Deadline.state == value, literal(standing.value)) for value, standing in _RECORDED.items()),
                     else_=literal(Standing.OPEN.value))
    return case(
        (Deadline.state == SUPERSEDED, literal(Standing.SUPERSEDED.value)),
        (~_starts_by(as_of), literal(Standing.PENDING.value)),
        (~_lasts_to(as_of), case(
            (and_(Deadline.state == OPEN, Deadline.due_date <= Deadline.holds_until,
                  Deadline.kind.not_in(OPPORTUNITIES)), literal(Standing.MISSED.value)),
            else_=literal(Standing.LAPSED.value))),
        (Deadline.state != OPEN, recorded),
        (Deadline.due_date < as_of, case((Deadline.kind.in_(INFORMATIONAL), literal(Standing.PASSED.value)),
                                         else_=literal(Standing.OVERDUE.value))),
        else_=literal(Standing.OPEN.value),
    )


def in_force(as_of: date) -> ColumnElement[bool]:
    """Rows that apply on `as_of`, whatever their recorded state (not pending, lapsed by time or superseded)."""
    return and_(Deadline.state != SUPERSEDED, _starts_by(as_of), _lasts_to(as_of))


def gives_final_end(as_of: date) -> ColumnElement[bool]:
    """The re-procurement start whose end (`ends_on`) is the contract's final possible end on
    `as_of`: the one in force, or, once the contract has run to an end, the one for that end (its
    window closed with the contract). One per contract that is not planned."""
    return and_(Deadline.kind == DeadlineKind.REPROCUREMENT_START.value, Deadline.state != SUPERSEDED,
                _starts_by(as_of), or_(_lasts_to(as_of), Deadline.holds_until == Deadline.ends_on))


def is_open(as_of: date) -> ColumnElement[bool]:
    """Rows that stand OPEN or OVERDUE on `as_of`: what is still to be done. `Deadline.state == open`
    comes first, so the (due_date, state) index serves date-range queries."""
    return and_(Deadline.state == OPEN, _starts_by(as_of), _lasts_to(as_of),
                or_(Deadline.kind.not_in(INFORMATIONAL), Deadline.due_date >= as_of))


def is_overdue(as_of: date) -> ColumnElement[bool]:
    """Rows that stand OVERDUE on `as_of`."""
    return and_(is_open(as_of), Deadline.due_date < as_of)


def in_calendar(as_of: date, *, include_stopped: bool = False) -> ColumnElement[bool]:
    """Rows a calendar shows on `as_of`: every row that applies or has been settled, and rows that
    stopped applying (cancelled, lapsed, superseded: cancelled events, without reminders) until
    CANCELLED_KEPT after they stopped, so that calendars which cached them remove them; with
    `include_stopped`, all of those. A row stops when it is recorded so (its `updated_at`), or when
    its window closes (`holds_until`). Rows not yet applying, and superseded rows that had not yet
    applied when they were superseded, are left out: no calendar ever showed them."""
    pending = and_(Deadline.state != SUPERSEDED, Deadline.holds_from.is_not(None), Deadline.holds_from > as_of)
    never_applied = and_(Deadline.state == SUPERSEDED, Deadline.holds_from.is_not(None),
                         Deadline.holds_from > Deadline.updated_at)
    shown = and_(~pending, ~never_applied)
    if include_stopped:
        return shown
    recorded_stopped = Deadline.state.in_(_STOPPED_STATES)
    closed = and_(~recorded_stopped, Deadline.holds_until.is_not(None), Deadline.holds_until < as_of)
    since = as_of - CANCELLED_KEPT
    lately = or_(and_(recorded_stopped, Deadline.updated_at >= datetime(since.year, since.month, since.day, tzinfo=UTC)),
                 and_(closed, Deadline.holds_until >= since))
    return and_(shown, or_(~or_(recorded_stopped, closed), lately))


def calendar_sequence(row, as_of: date) -> int:
    """`calendar_sequence_sql` for one row in Python."""
    closed = row.holds_until is not None and row.holds_until < as_of
    return row.sequence * 2 + (1 if closed else 0)


def calendar_sequence_sql(as_of: date) -> ColumnElement[int]:
    """A row's calendar SEQUENCE on `as_of`: twice the stored sequence, plus one once its window has
    closed (its event turns missed or cancelled that day, with no edit to the row). It never
    decreases: an edit adds at least two, and a window closes once."""
    closed = and_(Deadline.holds_until.is_not(None), Deadline.holds_until < as_of)
    return Deadline.sequence * 2 + case((closed, 1), else_=0)
