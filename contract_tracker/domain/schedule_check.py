"""Checking a contract's actual milestones against statute and its schedule template.

Pure: a contract snapshot, a template and a day in; findings out. Each finding names its rule
and the dates it compared. A finding is BROKEN when a rule is not met, OK when it is, and a NOTE
when it cannot be decided yet (a milestone not recorded, a notice not yet due) or the law leaves
it to the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ..enums import ContractStatus, MilestoneKind, MilestoneStatus, Regime
from .dates import describe_span
from .kpis import CITE_KPIS, MIN_KPIS, KpiStanding
from .lifecycle import current_end
from .planning import meets, within
from .snapshot import ContractSnapshot, MilestoneFacts
from .statutory import (
    CITE_STANDSTILL,
    CITE_UK7,
    CITE_UK11,
    standstill_end,
    standstill_required,
    tender_minimum,
    uk7_due,
    uk11_due,
)
from .templates import Step, Template
from .workdays import WorkingDays, statutory_calendar

_ONE = timedelta(days=1)


class Outcome(StrEnum):
    OK = "ok"
    BROKEN = "broken"
    NOTE = "note"


@dataclass(frozen=True)
class Finding:
    rule: str  # what is checked, e.g. "tendering period"
    citation: str  # e.g. "PA 2023 s.54(3)" or "template pa2023-open"
    outcome: Outcome
    message: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "citation": self.citation, "outcome": self.outcome.value,
                "message": self.message}


def _d(day: date) -> str:
    return describe_span(None, day)


def _count(amount: int, unit: str) -> str:
    return f"{amount} {unit[:-1] if amount == 1 else unit}"


def happened_on(milestone: MilestoneFacts) -> date:
    """The day a step happened, once it is met (the day it was marked met), else its planned day.

    Periods that run from an event (standstill from the award notice, UK7 from the signature) and
    "by" rules (a notice due within a period) are counted from this day, so a notice published
    late moves the standstill on, and is caught as late, even if its planned date was never edited.
    """
    if milestone.status == MilestoneStatus.MET and milestone.met_on is not None:
        return milestone.met_on
    return milestone.due_date


def _when(milestone: MilestoneFacts) -> str:
    """A step's day and which day it is: "23 Dec 2025 (met)" or "19 Dec 2025 (planned)"."""
    actual = milestone.status == MilestoneStatus.MET and milestone.met_on is not None
    return f"{_d(happened_on(milestone))} ({'met' if actual else 'planned'})"


_UNUSABLE = (MilestoneStatus.CANCELLED, MilestoneStatus.MISSED)


def _order(milestone: MilestoneFacts) -> tuple[date, int]:
    return happened_on(milestone), milestone.id


def _usable(snapshot: ContractSnapshot) -> list[MilestoneFacts]:
    return sorted((m for m in snapshot.milestones if m.status not in _UNUSABLE), key=_order)


def first_of(snapshot: ContractSnapshot, kind: MilestoneKind) -> MilestoneFacts | None:
    """The first of `_usable` of that kind; found without sorting them all, as the deadline engine
    asks this of every contract."""
    wanted = kind.value
    return min((m for m in snapshot.milestones if m.kind == wanted and m.status not in _UNUSABLE), key=_order,
               default=None)


def milestone_for_step(snapshot: ContractSnapshot, template: Template, step: Step) -> MilestoneFacts | None:
    """The milestone `schedule apply` made for `step`, else the earliest of the step's kind."""
    key = template.milestone_key(step)
    usable = _usable(snapshot)
    tagged = next((m for m in usable if m.template_key == key), None)
    return tagged or next((m for m in usable if m.kind == step.kind.value and not m.template_key), None)


def _tendering(snapshot: ContractSnapshot) -> list[Finding]:
    itt = first_of(snapshot, MilestoneKind.ITT_PUBLICATION)
    deadline = first_of(snapshot, MilestoneKind.TENDER_DEADLINE)
    uk3 = first_of(snapshot, MilestoneKind.PLANNED_PROCUREMENT_NOTICE)
    rule = tender_minimum(snapshot.regime.value, snapshot.procedure, snapshot.light_touch,
                          itt=happened_on(itt) if itt else None, planned_notice=happened_on(uk3) if uk3 else None)
    if rule.gap is None:
        return [Finding("tendering period", rule.citation or "none", Outcome.NOTE, rule.basis.capitalize() + ".")]
    if itt is None or deadline is None:
        return [Finding("tendering period", rule.citation, Outcome.NOTE,
                        "Not checked: record the ITT publication and the tender deadline milestones.")]
    start, end = happened_on(itt), happened_on(deadline)
    days = (end - start).days
    ok = meets(rule.gap, start, end, statutory_calendar())
    verdict = "meets" if ok else "is shorter than"
    return [Finding("tendering period", rule.citation, Outcome.OK if ok else Outcome.BROKEN,
                    f"Tendering period {days} days (ITT {_when(itt)} to tender deadline {_when(deadline)}) {verdict} "
                    f"the minimum of {rule.gap.amount} days ({rule.citation}: {rule.basis}).")]


def _standstill(snapshot: ContractSnapshot, calendar: WorkingDays) -> list[Finding]:
    regime = snapshot.regime
    if regime not in (Regime.PA2023, Regime.PCR2015):
        return []
    cite = CITE_STANDSTILL[regime]
    required = standstill_required(regime.value, snapshot.procedure, snapshot.light_touch)
    notice = first_of(snapshot, MilestoneKind.AWARD_NOTICE)
    signature = first_of(snapshot, MilestoneKind.SIGNATURE)
    recorded_end = first_of(snapshot, MilestoneKind.STANDSTILL_END)
    if notice is None or signature is None:
        what = "mandatory" if required else "not mandatory for this contract (light-touch or call-off)"
        return [Finding("standstill", cite, Outcome.NOTE,
                        f"Standstill is {what}; not checked: record the award notice and the signature milestones.")]
    published, signed = happened_on(notice), happened_on(signature)
    ends = standstill_end(regime.value, published, calendar)
    counting = ("8 working days beginning with the day the award notice is published"
                if regime == Regime.PA2023 else "10 days after the award decision notice, running on to a working day")
    findings = []
    if signed > ends:
        findings.append(Finding("standstill", cite, Outcome.OK,
                                f"Contract entered into on {_when(signature)}, after the standstill ({counting}) "
                                f"ended on {_d(ends)} (notice {_when(notice)})."))
    else:
        findings.append(Finding(
            "standstill", cite, Outcome.BROKEN if required else Outcome.NOTE,
            f"Contract entered into on {_when(signature)}, before the standstill ({counting}) ended on "
            f"{_d(ends)} (notice {_when(notice)})"
            + ("." if required else "; standstill is voluntary for this contract.")))
    if recorded_end is not None and happened_on(recorded_end) < ends:
        findings.append(Finding("standstill", cite, Outcome.BROKEN if required else Outcome.NOTE,
                                f"Standstill end recorded as {_d(happened_on(recorded_end))}, before the "
                                f"statutory end {_d(ends)} (notice {_when(notice)})."))
    return findings


def _uk7(snapshot: ContractSnapshot, as_of: date) -> list[Finding]:
    if snapshot.regime != Regime.PA2023:
        return []
    signature = first_of(snapshot, MilestoneKind.SIGNATURE)
    notice = first_of(snapshot, MilestoneKind.CONTRACT_DETAILS_NOTICE)
    days = 120 if snapshot.light_touch else 30
    if signature is None:
        return [Finding("UK7 contract details notice", CITE_UK7, Outcome.NOTE,
                        f"Not checked: record the signature milestone (UK7 is due within {days} days of it).")]
    signed = happened_on(signature)
    due = uk7_due(signed, snapshot.light_touch)
    window = (f"within {days} days beginning with the day the contract was entered into ({_when(signature)}), "
              f"by {_d(due)}")
    if notice is None:
        late = as_of > due
        return [Finding("UK7 contract details notice", CITE_UK7, Outcome.BROKEN if late else Outcome.NOTE,
                        f"No UK7 recorded; it {'was' if late else 'is'} due {window}.")]
    published = happened_on(notice)
    ok = signed <= published <= due
    return [Finding("UK7 contract details notice", CITE_UK7, Outcome.OK if ok else Outcome.BROKEN,
                    f"UK7 dated {_when(notice)}; "
                    f"due {window}.")]


def _uk11(snapshot: ContractSnapshot, as_of: date) -> list[Finding]:
    if snapshot.regime != Regime.PA2023:
        return []
    end = current_end(snapshot.terms) if snapshot.terms.status != ContractStatus.PLANNED else None
    if end is None and (recorded := first_of(snapshot, MilestoneKind.CONTRACT_END)):
        end = recorded.due_date
    if end is None:
        return [Finding("UK11 contract termination notice", CITE_UK11, Outcome.NOTE,
                        "Not checked: the contract has no end date yet.")]
    due = uk11_due(end)
    window = f"within 30 days beginning with the day the contract ends ({_d(end)}), by {_d(due)}"
    notice = first_of(snapshot, MilestoneKind.TERMINATION_NOTICE)
    if notice is None:
        late = as_of > due
        return [Finding("UK11 contract termination notice", CITE_UK11, Outcome.BROKEN if late else Outcome.NOTE,
                        f"No UK11 recorded; it {'was' if late else 'is'} due {window}.")]
    published = happened_on(notice)
    if published < end:
        return [Finding("UK11 contract termination notice", CITE_UK11, Outcome.NOTE,
                        f"UK11 dated {_when(notice)}, before the contract ends; it is due {window}.")]
    ok = published <= due
    return [Finding("UK11 contract termination notice", CITE_UK11, Outcome.OK if ok else Outcome.BROKEN,
                    f"UK11 dated {_when(notice)}; due {window}.")]


def _kpis(standing: KpiStanding | None) -> list[Finding]:
    """At least three KPIs set before a contract over £5 million is entered into (s.52): broken once
    it is awarded without them, a note while there is still time."""
    if standing is None or not standing.required:
        return []
    if standing.short:
        return [Finding("KPIs", CITE_KPIS, Outcome.BROKEN if standing.awarded else Outcome.NOTE,
                        standing.problem() + ".")]
    return [Finding("KPIs", CITE_KPIS, Outcome.OK,
                    f"{standing.recorded} KPIs recorded; at least {MIN_KPIS} are set before a PA 2023 contract "
                    "over £5 million (not light-touch) is entered into.")]


def _covered_by_statute(snapshot: ContractSnapshot) -> set[MilestoneKind]:
    """Steps whose template minimum or maximum the statutory checks above already decide."""
    covered = set()
    if tender_minimum(snapshot.regime.value, snapshot.procedure, snapshot.light_touch).gap is not None:
        covered.add(MilestoneKind.TENDER_DEADLINE)
    if standstill_required(snapshot.regime.value, snapshot.procedure, snapshot.light_touch):
        covered.add(MilestoneKind.SIGNATURE)
    if snapshot.regime == Regime.PA2023:
        covered.add(MilestoneKind.CONTRACT_DETAILS_NOTICE)
    return covered


def _template(snapshot: ContractSnapshot, template: Template, calendar: WorkingDays) -> list[Finding]:
    cite = f"template {template.key}"
    by_key = {step.key: step for step in template.steps}
    found = {step.key: milestone_for_step(snapshot, template, step) for step in template.steps}
    covered = _covered_by_statute(snapshot)
    findings = []
    for step in template.steps:
        milestone = found[step.key]
        if milestone is None or step.after is None:
            continue
        ancestor = by_key[step.after]
        while found[ancestor.key] is None and ancestor.after is not None:
            ancestor = by_key[ancestor.after]
        earlier = found[ancestor.key]
        if earlier is None:
            continue
        begins = milestone.start_date or happened_on(milestone)
        if begins < happened_on(earlier):
            findings.append(Finding("order of steps", cite, Outcome.BROKEN,
                                    f"{milestone.name} ({_d(begins)}) comes before {earlier.name} "
                                    f"({_d(happened_on(earlier))}); "
                                    f"the template puts {step.key} after {ancestor.key}."))
            continue
        if ancestor.key != step.after or step.kind in covered:
            continue
        start = happened_on(earlier)
        for limit, test, word in ((step.minimum, meets, "at least"), (step.maximum, within, "at most")):
            if limit is None:
                continue
            end = happened_on(milestone)
            ok = test(limit, start, end, calendar)
            length = limit.measure(start, end, calendar)
            verdict = "meets" if ok else ("falls short of" if word == "at least" else "exceeds")
            source, _, reason = step.citation.partition(":")
            findings.append(Finding(
                f"{step.key} period", f"{source.strip()} ({cite})", Outcome.OK if ok else Outcome.BROKEN,
                f"{ancestor.key} {_when(earlier)} to {step.key} {_when(milestone)} is "
                f"{_count(length, limit.measure_unit())}: it "
                f"{verdict} the template's {'minimum' if word == 'at least' else 'maximum'} of {limit.describe()}"
                + (f" ({reason.strip()})." if reason.strip() else ".")))
    if not findings:
        findings.append(Finding("order of steps", cite, Outcome.OK,
                                "The recorded milestones follow the template's order."))
    elif not any(f.rule == "order of steps" for f in findings):
        findings.insert(0, Finding("order of steps", cite, Outcome.OK,
                                   "The recorded milestones follow the template's order."))
    return findings


def check(snapshot: ContractSnapshot, template: Template | None, as_of: date,
          calendar: WorkingDays | None = None, kpis: KpiStanding | None = None) -> list[Finding]:
    """Every finding for one contract: statute first (with its KPIs against s.52 when `kpis` is
    given), then the template."""
    calendar = calendar or statutory_calendar()
    findings = [*_tendering(snapshot), *_standstill(snapshot, calendar), *_uk7(snapshot, as_of),
                *_uk11(snapshot, as_of), *_kpis(kpis)]
    if template is None:
        findings.append(Finding("order of steps", "none", Outcome.NOTE,
                                "No schedule template fits this contract; give one to check the order of steps."))
    else:
        findings.extend(_template(snapshot, template, calendar))
    return findings


def broken(findings: list[Finding]) -> bool:
    return any(f.outcome == Outcome.BROKEN for f in findings)
