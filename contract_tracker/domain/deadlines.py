"""The deadline stream: every dated obligation of a contract, from its facts alone.

`deadlines_for(snapshot)` is pure and does not depend on the day it is asked. Each item says in
which days it applies (see deadline_item), and `contract_tracker.read.stream` judges it on a given day:
that is what lets the store keep the stream materialised and every reader (register, contract
screen, agenda, reports, calendars) answer "what is open as of day D" with one rule.

Each deadline's identity is (kind, ordinal) within its contract and never changes with edits.
A re-procurement start's ordinal is the number of options the end it prepares for assumes taken,
so each possible end keeps its own identity as options are decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from operator import attrgetter

from ..enums import ContractStatus, DeadlineKind, DeadlineState, MilestoneKind, MilestoneStatus, OptionStatus
from .dates import describe_day, describe_span
from .deadline_item import INFORMATIONAL, OPPORTUNITIES, DeadlineItem
from .durations import ONE_DAY
from .lifecycle import OptionWindow, break_points, current_end, option_windows, start_to_replace
from .snapshot import ContractSnapshot
from .statutory_deadlines import statutory_deadlines

__all__ = ["INFORMATIONAL", "OPPORTUNITIES", "RULES", "SOURCES", "DeadlineItem", "deadlines_for"]

# The name of the rules below. Change it whenever they would give any contract other rows, so that
# every store rewrites its stream when this version first opens it (stream_upkeep).
RULES = "2026-12-03 successor named"


_day = describe_day  # "1 Sep 2025"


def _first_undecided(windows: list[OptionWindow]) -> OptionWindow | None:
    """The earliest option that can still be decided by the facts (recorded available, its chain
    unbroken): while it is undecided, every later option hangs on it."""
    return next((window for window in windows if window.status == OptionStatus.AVAILABLE), None)


def _option_deadlines(snapshot: ContractSnapshot) -> Iterable[DeadlineItem]:
    terms = snapshot.terms
    windows = option_windows(terms)  # recorded decisions only: the day is the reader's
    first = _first_undecided(windows)
    lengths = {option.ordinal: option.length for option in terms.options}
    for window in windows:
        holds_until = None
        if window.status == OptionStatus.AVAILABLE:
            assert first is not None  # it is the first available one, or comes after it
            state = DeadlineState.OPEN
            # The first undecided option can still be taken late (forced, with a reason) until the
            # term it extends has ended; a later one only while the first can still be decided.
            holds_until = window.period_start - ONE_DAY if window is first else first.decide_by
        elif window.status in (OptionStatus.EXERCISED, OptionStatus.DECLINED):
            state = DeadlineState.DONE
        else:  # recorded lapsed, or an earlier option declined or lapsed, or the contract terminated
            state = DeadlineState.LAPSED
        yield DeadlineItem(
            kind=DeadlineKind.EXTENSION_DECISION,
            ordinal=window.ordinal,
            due_date=window.decide_by,
            title=f"Extension decision due: option {window.ordinal}",
            action=(
                f"Decide whether to extend by {lengths[window.ordinal].describe()} "
                f"({_day(window.period_start)} to {_day(window.period_end)}) and give the supplier "
                f"{window.notice.describe()}' notice by {_day(window.decide_by)}. If it is not "
                f"exercised by then, option {window.ordinal} and any later options lapse and the "
                f"contract ends on {_day(window.period_start - ONE_DAY)}."
            ),
            owner=snapshot.owner_role,
            state=state,
            holds_until=holds_until,
            ends_on=window.period_end,
        )


def _break_deadlines(snapshot: ContractSnapshot) -> Iterable[DeadlineItem]:
    end = current_end(snapshot.terms)
    terminated = snapshot.terms.terminated_on is not None
    for ordinal, point in enumerate(break_points(snapshot.terms), start=1):
        if end is not None and point.break_date >= end:
            continue  # a break on or after the end is no break
        yield DeadlineItem(
            kind=DeadlineKind.BREAK_NOTICE,
            ordinal=ordinal,
            due_date=point.serve_notice_by,
            title="Last day to serve break notice",
            action=(
                f"To end the contract on {_day(point.break_date)} under the break clause "
                f"({point.party.value} may break), serve {point.notice.describe()}' notice by "
                f"{_day(point.serve_notice_by)}."
            ),
            owner=snapshot.owner_role,
            state=DeadlineState.CANCELLED if terminated else DeadlineState.OPEN,
            holds_until=point.serve_notice_by,  # notice served later cannot end it on that date
            ends_on=point.break_date,
        )


def _end_deadlines(snapshot: ContractSnapshot) -> Iterable[DeadlineItem]:
    terms = snapshot.terms
    end = current_end(terms)
    if end is None:
        return
    terminated = terms.terminated_on is not None
    yield DeadlineItem(
        kind=DeadlineKind.CONTRACT_END,
        ordinal=0,
        due_date=end,
        title="Contract terminated" if terminated else "Contract ends",
        action=(
            f"The contract was terminated with effect from {_day(end)}."
            if terminated
            else f"The current term ends on {_day(end)}. Exercise an option or have a successor in place."
        ),
        owner=snapshot.owner_role,
        state=DeadlineState.DONE if terminated else DeadlineState.OPEN,
        ends_on=end,
    )
    if terms.status != ContractStatus.PLANNED:
        yield from _reprocurement_deadlines(snapshot, end)


def _reprocurement_deadlines(snapshot: ContractSnapshot, end: date) -> Iterable[DeadlineItem]:
    """One re-procurement start for each end the contract can still reach, each applying while its
    end is the latest possible: the end with every undecided option taken, until the first of them
    passes its decide-by day undecided; from the next day, the end as things stand."""
    terms = snapshot.terms
    lead = terms.reprocurement_lead
    windows = option_windows(terms)
    taken = max((w.ordinal for w in windows if w.status == OptionStatus.EXERCISED), default=0)
    state = (DeadlineState.DONE if snapshot.has_successor
             else DeadlineState.CANCELLED if terms.terminated_on is not None
             else DeadlineState.OPEN)
    done_note = (f" In hand: {snapshot.successor or 'a successor'} replaces this contract."
                 if snapshot.has_successor else "")

    def start(ordinal: int, final_end: date, why: str, **window) -> DeadlineItem:
        return DeadlineItem(
            kind=DeadlineKind.REPROCUREMENT_START, ordinal=ordinal, due_date=start_to_replace(final_end, lead),
            title="Start re-procurement",
            action=(f"Begin re-procuring: {why + ' ' if why else ''}the contract can run at the latest to "
                    f"{_day(final_end)}, and a re-procurement takes about {lead.describe()}.{done_note}"),
            owner=snapshot.owner_role, state=state, ends_on=final_end, **window,
        )

    first = _first_undecided(windows)
    if first is None or terms.terminated_on is not None:
        # Nothing left to decide: one end, and no start is any use once the contract has ended.
        yield start(taken, end, "", holds_until=None if state != DeadlineState.OPEN else end)
        return
    last = [w for w in windows if w.status == OptionStatus.AVAILABLE][-1]
    options = f"option {first.ordinal}" if last is first else f"options {first.ordinal} to {last.ordinal}"
    yield start(last.ordinal, last.period_end, f"with {options} exercised,", holds_until=first.decide_by)
    yield start(taken, end, f"option {first.ordinal} was not exercised by {_day(first.decide_by)}, so",
                holds_from=first.decide_by + ONE_DAY, holds_until=end)


_MILESTONE_STATE = {
    MilestoneStatus.PLANNED: DeadlineState.OPEN,
    MilestoneStatus.MET: DeadlineState.DONE,
    MilestoneStatus.MISSED: DeadlineState.MISSED,
    MilestoneStatus.CANCELLED: DeadlineState.CANCELLED,
}
# Steps that still fall due after a contract ends early.
_AFTER_TERMINATION = frozenset({MilestoneKind.TERMINATION_NOTICE.value})


def _milestone_deadlines(snapshot: ContractSnapshot) -> Iterable[DeadlineItem]:
    terminated_on = snapshot.terms.terminated_on
    for milestone in snapshot.milestones:
        when = describe_span(milestone.start_date, milestone.due_date)
        state = _MILESTONE_STATE[milestone.status]
        action = f"{milestone.kind.capitalize()} milestone due {when}."
        if (state == DeadlineState.OPEN and terminated_on is not None and milestone.due_date > terminated_on
                and milestone.kind not in _AFTER_TERMINATION):
            state = DeadlineState.CANCELLED
            action += f" Cancelled: the contract was terminated with effect from {_day(terminated_on)}."
        yield DeadlineItem(
            kind=DeadlineKind.MILESTONE,
            ordinal=milestone.id,
            due_date=milestone.due_date,
            start_date=milestone.start_date,
            title=milestone.name,
            action=action,
            owner=milestone.owner or snapshot.owner_role,
            state=state,
        )


Source = Callable[[ContractSnapshot], Iterable[DeadlineItem]]
SOURCES: list[Source] = [
    _option_deadlines, _break_deadlines, _end_deadlines, _milestone_deadlines, statutory_deadlines,
]


def deadlines_for(snapshot: ContractSnapshot) -> list[DeadlineItem]:
    """All deadlines of one contract, ordered by date then kind."""
    items = [item for source in SOURCES for item in source(snapshot)]
    return sorted(items, key=_ORDER)


# A StrEnum orders as its text: `item.kind` sorts as `item.kind.value`, without the look-up; and
# attrgetter makes the key in C.
_ORDER = attrgetter("due_date", "kind", "ordinal")
