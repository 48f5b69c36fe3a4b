"""Planning a procurement from a template: pure functions from one fixed date to a dated plan.

Every step but the first is measured from an earlier one, so the steps form a tree and one
fixed date places them all: later steps forwards (`Gap.end`), earlier ones backwards
(`Gap.latest_start`, the latest day that still leaves the whole period). Planning backwards
from a service start therefore never shortens a period below its default, which is checked
against the template's minimum (and maximum) for every step.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta

from ..errors import InvalidInput
from .limits import computed_dates
from .periods import Gap, parse_gap
from .templates import Step, Template
from .workdays import NATIONS, WorkingDays

_ONE = timedelta(days=1)


@dataclass(frozen=True)
class PlannedStep:
    step: Step
    due: date
    start: date | None  # the first day of a span step (e.g. mobilisation)
    after_date: date | None  # the date of the step this one is measured from
    period: Gap | None  # the gap used (the template's, or the one given)
    length: int | None  # the period as planned, in days or working days
    length_unit: str
    meets_minimum: bool | None  # None when there is no minimum
    within_maximum: bool | None  # None when there is no maximum

    @property
    def ok(self) -> bool:
        return self.meets_minimum is not False and self.within_maximum is not False


@dataclass(frozen=True)
class Plan:
    template: Template
    anchor: str  # the step whose date was given
    anchor_date: date
    steps: tuple[PlannedStep, ...]

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    def date_of(self, key: str) -> date:
        return next(p.due for p in self.steps if p.step.key == key)


def meets(minimum: Gap | None, start: date, end: date, calendar: WorkingDays) -> bool | None:
    """Whether the period from `start` to `end` is at least `minimum` long."""
    return None if minimum is None else end >= minimum.end(start, calendar)


def within(maximum: Gap | None, start: date, end: date, calendar: WorkingDays) -> bool | None:
    """Whether `end` falls no later than `maximum` from `start`."""
    return None if maximum is None else end <= maximum.end(start, calendar)


def _align(step: Step, day: date, calendar: WorkingDays) -> date:
    """Planned steps fall on working days: the next one, or the one before for a step with a
    maximum (a notice due within a period). A span may end on any day."""
    if step.span:
        return day
    if step.maximum is not None:
        return calendar.previous_working_day(day)
    return calendar.next_working_day(day)


def _align_back(step: Step, day: date, calendar: WorkingDays) -> date:
    """Planning backwards, an earlier step moves to the working day before, lengthening its period."""
    return day if step.span else calendar.previous_working_day(day)


def anchor_step(template: Template, anchor: str) -> Step:
    """A step named by its key or its milestone kind ("itt publication", "service start")."""
    wanted = anchor.strip().lower()
    for step in template.steps:
        if step.key == wanted:
            return step
    for step in template.steps:
        if step.kind.value == wanted:
            return step
    raise InvalidInput(
        f"template {template.key} has no step {anchor!r} (steps: {', '.join(s.key for s in template.steps)})"
    )


def _period(step: Step) -> Gap:
    """The default gap from the step before (every step but the first has one: the loader checks)."""
    if step.period is None:
        raise InvalidInput(f"{step.key} is the first step and has no period")
    return step.period


def parse_overrides(template: Template, items: list[str]) -> dict[str, Gap]:
    """Periods given as STEP=LENGTH (e.g. tender-deadline=30d), keeping the step's counting rules."""
    out: dict[str, Gap] = {}
    for item in items:
        key, sep, length = item.partition("=")
        if not sep:
            raise InvalidInput(f"--period {item!r}: write STEP=LENGTH, e.g. tender-deadline=30d")
        step = anchor_step(template, key)
        if step.after is None:
            raise InvalidInput(f"--period {item!r}: {step.key} is the first step and has no period")
        default = _period(step)
        try:
            out[step.key] = parse_gap(length, inclusive=default.inclusive, roll=default.roll)
        except InvalidInput as error:
            raise InvalidInput(f"--period {item!r}: {error}") from None
    return out


def plan(template: Template, anchor: str, anchor_date: date, calendar: WorkingDays,
         periods: dict[str, Gap] | None = None) -> Plan:
    """Date every step of `template`, given the date of the step `anchor` (key or kind)."""
    with computed_dates(f"a plan around {anchor} on {anchor_date.isoformat()}"):
        return _plan(template, anchor, anchor_date, calendar, periods)


def _plan(template: Template, anchor: str, anchor_date: date, calendar: WorkingDays,
          periods: dict[str, Gap] | None) -> Plan:
    periods = periods or {}
    # A step bound by a rule is counted on the UK-wide working days the law uses, whatever nation
    # the planning calendar follows (local closures still count: they only lengthen a period).
    statutory = WorkingDays(nations=NATIONS, closures=calendar.closures)
    counts_on = {step.key: statutory if (step.minimum or step.maximum) else calendar for step in template.steps}
    fixed = anchor_step(template, anchor)
    gap_of = {step.key: periods.get(step.key, step.period) for step in template.steps}
    by_key = {step.key: step for step in template.steps}
    children: dict[str, list[str]] = {step.key: [] for step in template.steps}
    for step in template.steps:
        if step.after is not None:
            children[step.after].append(step.key)


    def gap_to(key: str) -> Gap:
        gap = gap_of[key]
        if gap is None:
            raise InvalidInput(f"{template.key}: step {key} has no period")  # the loader refuses this
        return gap

    dates: dict[str, date] = {fixed.key: anchor_date}
    queue = deque([fixed.key])
    while queue:
        key = queue.popleft()
        step = by_key[key]
        if step.after is not None and step.after not in dates:  # backwards
            parent = by_key[step.after]
            dates[parent.key] = _align_back(parent, gap_to(key).latest_start(dates[key], counts_on[key]), calendar)
            if key != fixed.key and not step.span:
                # Every step but the anchor sits exactly where its rule puts it (a standstill ends
                # on its 8th working day); the slack of planning backwards stays before the anchor.
                dates[key] = min(dates[key], _align(step, gap_to(key).end(dates[parent.key], counts_on[key]), calendar))
            queue.append(parent.key)
        for child in children[key]:  # forwards
            if child not in dates:
                dates[child] = _align(by_key[child], gap_to(child).end(dates[key], counts_on[child]), calendar)
                queue.append(child)

    planned = []
    for step in template.steps:
        due = dates[step.key]
        after_date = dates[step.after] if step.after else None
        gap = gap_of[step.key]
        counting = step.minimum or step.maximum or gap  # report the length as the rule counts it
        rules = counts_on[step.key]
        planned.append(PlannedStep(
            step=step, due=due,
            start=(after_date + _ONE) if step.span and after_date is not None and after_date < due else None,
            after_date=after_date, period=gap,
            length=counting.measure(after_date, due, rules) if counting and after_date else None,
            length_unit=counting.measure_unit() if counting else "",
            meets_minimum=meets(step.minimum, after_date, due, rules) if after_date else None,
            within_maximum=within(step.maximum, after_date, due, rules) if after_date else None,
        ))
    ordered = sorted(planned, key=lambda p: (p.due, template.steps.index(p.step)))
    return Plan(template=template, anchor=fixed.key, anchor_date=anchor_date, steps=tuple(ordered))

