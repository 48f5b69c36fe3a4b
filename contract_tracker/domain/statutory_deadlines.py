"""Statutory notices in the deadline stream: standstill end, UK7 due, UK11 due, UK10 check.

A source for `deadlines.SOURCES`: pure, from a contract snapshot alone. Periods are counted on
the UK-wide statutory calendar.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..enums import ContractStatus, DeadlineKind, DeadlineState, MilestoneKind, MilestoneStatus, OptionStatus, Regime
from .dates import describe_day
from .deadline_item import DeadlineItem
from .durations import ONE_DAY
from .lifecycle import current_end, option_windows
from .schedule_check import first_of, happened_on
from .snapshot import ContractSnapshot
from .statutory import (
    CITE_STANDSTILL,
    CITE_UK7,
    CITE_UK10,
    CITE_UK11,
    standstill_end,
    standstill_required,
    uk7_due,
    uk11_due,
)

_day = describe_day  # "1 Sep 2025"


def _met(snapshot: ContractSnapshot, kind: MilestoneKind) -> bool:
    wanted = kind.value
    return any(m.kind == wanted and m.status == MilestoneStatus.MET for m in snapshot.milestones)


def statutory_deadlines(snapshot: ContractSnapshot) -> Iterable[DeadlineItem]:
    """Periods that run from an event count from the day it happened once it is met, and from the
    plan until then (schedule_check.happened_on)."""
    item = DeadlineItem
    regime = snapshot.regime
    if regime not in (Regime.PA2023, Regime.PCR2015):
        return
    notice = first_of(snapshot, MilestoneKind.AWARD_NOTICE)
    if notice is not None and standstill_required(regime.value, snapshot.procedure, snapshot.light_touch):
        ends = standstill_end(regime.value, happened_on(notice))
        assert ends is not None  # the regime is one with a standstill
        yield item(
            kind=DeadlineKind.STANDSTILL_END, ordinal=0, due_date=ends,
            title="Standstill period ends",
            action=(f"The standstill period ({CITE_STANDSTILL[regime]}) that began with the award notice of "
                    f"{_day(happened_on(notice))} ends on {_day(ends)}. Enter into the contract no earlier "
                    f"than {_day(ends + ONE_DAY)}."),
            owner=snapshot.owner_role,
            state=DeadlineState.DONE if _met(snapshot, MilestoneKind.SIGNATURE) else DeadlineState.OPEN,
        )
    if regime != Regime.PA2023:
        return
    signature = first_of(snapshot, MilestoneKind.SIGNATURE)
    if signature is not None:
        due = uk7_due(happened_on(signature), snapshot.light_touch)
        days = 120 if snapshot.light_touch else 30
        yield item(
            kind=DeadlineKind.UK7_DUE, ordinal=0, due_date=due,
            title="Publish the contract details notice (UK7)",
            action=(f"Publish the UK7 within {days} days beginning with the day the contract was entered into "
                    f"({_day(happened_on(signature))}), by {_day(due)} ({CITE_UK7})."),
            owner=snapshot.owner_role,
            state=DeadlineState.DONE if _met(snapshot, MilestoneKind.CONTRACT_DETAILS_NOTICE) else DeadlineState.OPEN,
        )
    end = current_end(snapshot.terms)
    if end is not None and snapshot.terms.status != ContractStatus.PLANNED:
        due = uk11_due(end)
        yield item(
            kind=DeadlineKind.UK11_DUE, ordinal=0, due_date=due, start_date=end,
            title="Publish the contract termination notice (UK11)",
            action=(f"The contract ends on {_day(end)}: publish the UK11 within 30 days beginning with that day, "
                    f"by {_day(due)} ({CITE_UK11}), whether it expires or is terminated."),
            owner=snapshot.owner_role,
            state=DeadlineState.DONE if _met(snapshot, MilestoneKind.TERMINATION_NOTICE) else DeadlineState.OPEN,
        )
    if snapshot.light_touch:
        return  # UK10 is never needed for a light-touch contract
    windows = {window.ordinal: window for window in option_windows(snapshot.terms)}
    for option in snapshot.terms.options:
        if option.status != OptionStatus.EXERCISED or option.ordinal not in windows:
            continue
        window = windows[option.ordinal]
        due = option.decided_on or window.period_start - ONE_DAY
        decided = any(
            m.kind == MilestoneKind.CONTRACT_CHANGE_NOTICE.value
            and m.status in (MilestoneStatus.MET, MilestoneStatus.CANCELLED)
            and window.window_opens <= m.due_date <= window.period_end
            for m in snapshot.milestones
        )
        yield item(
            kind=DeadlineKind.UK10_CHECK, ordinal=option.ordinal, due_date=due,
            title=f"UK10 check needed: option {option.ordinal} exercised",
            action=(f"Decide whether exercising option {option.ordinal} (extension from "
                    f"{_day(window.period_start)}) needs a contract change notice (UK10, {CITE_UK10}) before it "
                    f"takes effect. The law is unsettled for options written into the contract: record the "
                    f"decision as a 'contract change notice' milestone, met if a UK10 was published, "
                    f"cancelled (with a note) if it was decided that none is needed."),
            owner=snapshot.owner_role,
            state=DeadlineState.DONE if decided else DeadlineState.OPEN,
        )
