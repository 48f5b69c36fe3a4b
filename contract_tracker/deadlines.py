"""The deadline stream: every dated obligation of a contract, from its facts alone.

`deadlines_for(snapshot)` is pure and does not depend on the day it is asked: whether a deadline
is overdue is decided when it is read (`is_overdue`). That is what lets the store keep the stream
materialised and lets reports, feeds and the agenda read it with one indexed query.

Each deadline's identity is (kind, ordinal) within its contract and never changes with edits.
More sources (statutory notices from the planning module) are added to `SOURCES`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from .dates import describe_span
from .durations import ONE_DAY
from .enums import ContractStatus, DeadlineKind, DeadlineState, MilestoneStatus, OptionStatus
from .lifecycle import (
    break_points,
    current_end,
    final_possible_end,
    option_windows,
    reprocurement_start,
)
from .snapshot import ContractSnapshot


@dataclass(frozen=True)
class DeadlineItem:
    kind: DeadlineKind
    ordinal: int
    due_date: date
    title: str
    action: str
    owner: str
    state: DeadlineState = DeadlineState.OPEN
    start_date: date | None = None

    def fingerprint(self) -> str:
        """Changes whenever what a person would see changes (dates, text, state)."""
        # One f-string: the same text as "|".join(str(part) ...) at a fraction of the cost.
        text = f"{self.due_date}|{self.start_date}|{self.title}|{self.action}|{self.state}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]


# Kinds that mark an event rather than ask for an action: they pass, they are never overdue.
INFORMATIONAL = frozenset({DeadlineKind.CONTRACT_END.value, DeadlineKind.STANDSTILL_END.value})


def is_overdue(kind: str, due_date: date, state: str, as_of: date) -> bool:
    return state == DeadlineState.OPEN and due_date < as_of and kind not in INFORMATIONAL


def _day(day: date) -> str:
    return describe_span(None, day)


_OPTION_STATE = {
    OptionStatus.AVAILABLE: DeadlineState.OPEN,
    OptionStatus.EXERCISED: DeadlineState.DONE,
    OptionStatus.DECLINED: DeadlineState.DONE,
    OptionStatus.LAPSED: DeadlineState.CANCELLED,
}


def _option_deadlines(snapshot: ContractSnapshot) -> Iterable[DeadlineItem]:
    terms = snapshot.terms
    for window in option_windows(terms):
        length = next(o.length for o in terms.options if o.ordinal == window.ordinal)
        recorded = next(o.status for o in terms.options if o.ordinal == window.ordinal)
        state = _OPTION_STATE[recorded]
        if recorded == OptionStatus.AVAILABLE and window.status == OptionStatus.LAPSED:
            state = DeadlineState.CANCELLED  # an earlier option was declined or the contract ended
        yield DeadlineItem(
            kind=DeadlineKind.EXTENSION_DECISION,
            ordinal=window.ordinal,
            due_date=window.decide_by,
            title=f"Extension decision due: option {window.ordinal}",
            action=(
                f"Decide whether to extend by {length.describe()} "
                f"({_day(window.period_start)} to {_day(window.period_end)}) and give the supplier "
                f"{window.notice.describe()}' notice by {_day(window.decide_by)}. If it is not "
                f"exercised by then, option {window.ordinal} and any later options lapse and the "
                f"contract ends on {_day(window.period_start - ONE_DAY)}."
            ),
            owner=snapshot.owner_role,
            state=state,
        )


def _break_deadlines(snapshot: ContractSnapshot) -> Iterable[DeadlineItem]:
    end = current_end(snapshot.terms)
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
            state=(
                DeadlineState.CANCELLED
                if snapshot.terms.terminated_on is not None
                else DeadlineState.OPEN
            ),
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
    )
    start = reprocurement_start(terms)
    final_end = final_possible_end(terms)
    if start is None or final_end is None or snapshot.terms.status == ContractStatus.PLANNED:
        return
    yield DeadlineItem(
        kind=DeadlineKind.REPROCUREMENT_START,
        ordinal=0,
        due_date=start,
        title="Start re-procurement",
        action=(
            f"Begin re-procuring: the contract can run at the latest to {_day(final_end)}, and "
            f"a re-procurement takes about {terms.reprocurement_lead.describe()}."
        ),
        owner=snapshot.owner_role,
        state=(
            DeadlineState.DONE if snapshot.has_successor
            else DeadlineState.CANCELLED if terminated
            else DeadlineState.OPEN
        ),
    )


_MILESTONE_STATE = {
    MilestoneStatus.PLANNED: DeadlineState.OPEN,
    MilestoneStatus.MET: DeadlineState.DONE,
    MilestoneStatus.MISSED: DeadlineState.MISSED,
    MilestoneStatus.CANCELLED: DeadlineState.CANCELLED,
}


def _milestone_deadlines(snapshot: ContractSnapshot) -> Iterable[DeadlineItem]:
    for milestone in snapshot.milestones:
        when = describe_span(milestone.start_date, milestone.due_date)
        yield DeadlineItem(
            kind=DeadlineKind.MILESTONE,
            ordinal=milestone.id,
            due_date=milestone.due_date,
            start_date=milestone.start_date,
            title=milestone.name,
            action=f"{milestone.kind.capitalize()} milestone due {when}.",
            owner=milestone.owner or snapshot.owner_role,
            state=_MILESTONE_STATE[milestone.status],
        )


Source = Callable[[ContractSnapshot], Iterable[DeadlineItem]]
SOURCES: list[Source] = [_option_deadlines, _break_deadlines, _end_deadlines, _milestone_deadlines]

from .statutory_deadlines import statutory_deadlines  # noqa: E402  (it needs DeadlineItem, above)

SOURCES.append(statutory_deadlines)


def deadlines_for(snapshot: ContractSnapshot) -> list[DeadlineItem]:
    """All deadlines of one contract, ordered by date then kind."""
    items = [item for source in SOURCES for item in source(snapshot)]
    # A StrEnum orders as its text: `item.kind` sorts as `item.kind.value`, without the look-up.
    return sorted(items, key=lambda item: (item.due_date, item.kind, item.ordinal))
