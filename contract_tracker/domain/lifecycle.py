"""The lifecycle engine: pure functions from a contract's terms (and a day) to its dates.

Nothing here reads the clock or the store. `as_of` is always a parameter, so the same facts give
the same answer in a test, a report run for a past date, and the live register.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from ..enums import BreakParty, ContractStatus, LifecycleStatus, OptionStatus
from .durations import ONE_DAY, Duration, last_day_to_give_notice, parse_duration, period_end
from .quick_init import quick_init


@quick_init
@dataclass(frozen=True)
class OptionTerms:
    ordinal: int
    length: Duration
    notice: Duration | None = None  # None: the contract's decision notice applies
    status: OptionStatus = OptionStatus.AVAILABLE
    decided_on: date | None = None


@quick_init
@dataclass(frozen=True)
class BreakTerms:
    notice: Duration
    earliest_date: date | None = None  # the break takes effect at the end of this day, or
    after: Duration | None = None  # at the end of this period from the start
    party: BreakParty = BreakParty.EITHER  # who may break


@quick_init
@dataclass(frozen=True)
class ContractTerms:
    start: date | None
    initial_term: Duration | None
    options: tuple[OptionTerms, ...] = ()
    breaks: tuple[BreakTerms, ...] = ()
    decision_notice: Duration = Duration(6, "months")
    reprocurement_lead: Duration = Duration(12, "months")
    status: ContractStatus = ContractStatus.LIVE
    terminated_on: date | None = None

    def __post_init__(self) -> None:
        ordinals = [option.ordinal for option in self.options]
        if ordinals != sorted(ordinals):
            object.__setattr__(self, "options", tuple(sorted(self.options, key=lambda o: o.ordinal)))

    # Dates that follow from the terms alone, computed once per terms: the deadline engine asks for
    # each of them several times per contract (a bulk load of 100,000 contracts felt it). The terms
    # are frozen, so the cache cannot go stale; it is not a field, so equality and hashing ignore it.
    @cached_property
    def _initial_end(self) -> date | None:
        if self.start is None or self.initial_term is None:
            return None
        return period_end(self.start, self.initial_term)

    @cached_property
    def _scheduled_end(self) -> date | None:
        exercised = []
        for option in self.options:
            if option.status != OptionStatus.EXERCISED:
                break
            exercised.append(option)
        return _end_after(self, exercised)

    @cached_property
    def _windows(self) -> tuple[OptionWindow, ...]:
        return tuple(_option_windows(self, None))


@quick_init
@dataclass(frozen=True)
class OptionWindow:
    """When option `ordinal` would run and by when it must be decided."""

    ordinal: int
    period_start: date  # first day of the extension if exercised
    period_end: date  # last day of the extension if exercised
    window_opens: date  # first day of the term the option extends
    decide_by: date  # last day to decide and give notice
    notice: Duration
    status: OptionStatus  # as recorded, or (with as_of) OVERDUE or LAPSED as time runs out


@quick_init
@dataclass(frozen=True)
class BreakPoint:
    break_date: date  # the last day of the contract if the break is taken
    serve_notice_by: date
    notice: Duration
    party: BreakParty = BreakParty.EITHER


def initial_end(terms: ContractTerms) -> date | None:
    """Last day of the initial term: 1 Sep 2025 + 3y ends 31 Aug 2028."""
    return terms._initial_end


def _end_after(terms: ContractTerms, options: list[OptionTerms]) -> date | None:
    # Each extension period runs on from the day after the previous end, as contracts word it.
    end = initial_end(terms)
    if end is None:
        return None
    for option in options:
        end = period_end(end + ONE_DAY, option.length)
    return end


def scheduled_end(terms: ContractTerms) -> date | None:
    """The end by the contract's terms and the options exercised so far (ignores termination)."""
    return terms._scheduled_end


def current_end(terms: ContractTerms) -> date | None:
    """The day the contract ends as things stand: termination, or term plus exercised options."""
    end = scheduled_end(terms)
    if terms.terminated_on is not None and (end is None or terms.terminated_on < end):
        return terms.terminated_on
    return end


def maximum_extent(terms: ContractTerms) -> date | None:
    """The end if every option written into the contract were exercised (OCDS maxExtentDate)."""
    return _end_after(terms, list(terms.options))


def option_windows(terms: ContractTerms, as_of: date | None = None) -> list[OptionWindow]:
    """Each option's period and decision window, assuming every earlier option is exercised.

    With `as_of`, each option still recorded as available is judged on that day:
    - AVAILABLE while its decide-by day has not passed;
    - OVERDUE once that day has passed undecided, until the term it would extend ends: it can
      then be exercised only late, with a recorded reason, and it no longer counts towards the
      latest possible end;
    - LAPSED after that term has ended, after an earlier option was declined, lapsed or went
      overdue (options are taken in order), or after the contract was terminated.
    """
    if as_of is None:
        return list(terms._windows)
    return _option_windows(terms, as_of)


def _option_windows(terms: ContractTerms, as_of: date | None) -> list[OptionWindow]:
    windows: list[OptionWindow] = []
    end = initial_end(terms)
    term_start = terms.start
    if end is None or term_start is None:  # no end without a start
        return windows
    chain_broken = False
    for option in terms.options:
        notice = option.notice or terms.decision_notice
        decide_by = last_day_to_give_notice(end, notice)
        status = option.status
        if status == OptionStatus.AVAILABLE:
            terminated = terms.terminated_on is not None and terms.terminated_on <= end
            if chain_broken or terminated or (as_of is not None and as_of > end):
                status = OptionStatus.LAPSED
            elif as_of is not None and as_of > decide_by:
                status = OptionStatus.OVERDUE
        if status in (OptionStatus.DECLINED, OptionStatus.LAPSED, OptionStatus.OVERDUE):
            chain_broken = True
        windows.append(
            OptionWindow(
                ordinal=option.ordinal,
                period_start=end + ONE_DAY,
                period_end=period_end(end + ONE_DAY, option.length),
                window_opens=term_start,
                decide_by=decide_by,
                notice=notice,
                status=status,
            )
        )
        term_start = end + ONE_DAY
        end = windows[-1].period_end
    return windows


def next_decision(terms: ContractTerms, as_of: date) -> OptionWindow | None:
    """The next option awaiting a decision whose date has not passed, if any."""
    for window in option_windows(terms, as_of):
        if window.status == OptionStatus.AVAILABLE:
            return window
    return None


def final_possible_end(terms: ContractTerms, as_of: date | None = None) -> date | None:
    """The latest end still open: exercised options plus those still available."""
    if terms.terminated_on is not None:
        return current_end(terms)
    end = scheduled_end(terms)
    for window in option_windows(terms, as_of):
        if window.status == OptionStatus.AVAILABLE:
            end = window.period_end
    return end


def reprocurement_start(terms: ContractTerms, as_of: date | None = None) -> date | None:
    """The day a re-procurement must begin to have a new contract by the final possible end."""
    end = final_possible_end(terms, as_of)
    if end is None:
        return None
    return start_to_replace(end, terms.reprocurement_lead)


def start_to_replace(final_end: date, lead: Duration) -> date:
    """The day a re-procurement taking `lead` must begin for a new contract from the day after
    `final_end`: the latest day from which a period of `lead` has run by `final_end` (the month
    rule of durations.period_end, as for notice)."""
    return last_day_to_give_notice(final_end, lead)


def break_points(terms: ContractTerms) -> list[BreakPoint]:
    """Each break clause's break date and the last day to serve notice for it."""
    points = []
    for clause in terms.breaks:
        if clause.earliest_date is not None:
            break_date = clause.earliest_date
        elif clause.after is not None and terms.start is not None:
            break_date = period_end(terms.start, clause.after)
        else:
            continue
        points.append(BreakPoint(break_date, last_day_to_give_notice(break_date, clause.notice), clause.notice,
                                  clause.party))
    return sorted(points, key=lambda point: point.break_date)


def status_as_of(terms: ContractTerms, as_of: date) -> LifecycleStatus:
    return status_on(as_of, planned=terms.status == ContractStatus.PLANNED, start=terms.start,
                     terminated_on=terms.terminated_on, initial_end=initial_end(terms),
                     current_end=current_end(terms))


def status_on(as_of: date, *, planned: bool, start: date | None, terminated_on: date | None,
              initial_end: date | None, current_end: date | None) -> LifecycleStatus:
    """The one rule for a contract's status on a day, from its key dates (the register computes
    them for thousands of contracts at once; status_as_of from a contract's terms)."""
    if planned or start is None:
        return LifecycleStatus.PLANNED
    if terminated_on is not None and as_of > terminated_on:
        return LifecycleStatus.TERMINATED
    if as_of < start:
        return LifecycleStatus.NOT_STARTED
    if initial_end is None or as_of <= initial_end:
        return LifecycleStatus.INITIAL_TERM
    if current_end is not None and as_of <= current_end:
        return LifecycleStatus.EXTENDED
    return LifecycleStatus.EXPIRED


def total_length_months(terms: ContractTerms) -> float:
    """Approximate length with every option, in months (for whole-life value estimates)."""
    months = terms.initial_term.in_months() if terms.initial_term else 0.0
    return months + sum(option.length.in_months() for option in terms.options)


def parse_optional(text: str | None) -> Duration | None:
    return parse_duration(text) if text else None


__all__ = [
    "BreakPoint", "BreakTerms", "ContractTerms", "OptionTerms", "OptionWindow",
    "break_points", "current_end", "final_possible_end", "initial_end", "maximum_extent",
    "next_decision", "option_windows", "reprocurement_start", "scheduled_end", "start_to_replace", "status_as_of",
    "status_on",
]
