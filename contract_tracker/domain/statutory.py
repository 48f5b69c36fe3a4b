"""Statutory periods of the Procurement Act 2023 and the Public Contracts Regulations 2015.

Pure functions: dates in, dates out. Statutory periods are always counted on the UK-wide working
day calendar (PA 2023 s.123), never on a council's own closures. Sources: the Act on
legislation.gov.uk and the Cabinet Office guidance on time periods, standstill and notices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..enums import Procedure, Regime
from .durations import subtract
from .periods import Gap
from .workdays import WorkingDays, statutory_calendar

PA2023_FROM = date(2025, 2, 24)  # the Act governs procurements begun on or after this day
PA_STANDSTILL_WORKING_DAYS = 8
PCR_STANDSTILL_DAYS = 10  # electronic notice; 15 otherwise
PCR_STANDSTILL_DAYS_NOT_ELECTRONIC = 15
UK7_DAYS = 30
UK7_DAYS_LIGHT_TOUCH = 120
UK11_DAYS = 30

CITE_TENDERING = {Regime.PA2023: "PA 2023 s.54", Regime.PCR2015: "PCR 2015 reg 27"}
CITE_STANDSTILL = {Regime.PA2023: "PA 2023 s.51", Regime.PCR2015: "PCR 2015 reg 87"}
CITE_UK7 = "PA 2023 s.53"
CITE_UK10 = "PA 2023 s.75"
CITE_UK11 = "PA 2023 s.80"


def assumed_regime(start: date | None) -> tuple[Regime, str]:
    """The regime to assume when none is given, and why, from the only date known: the contract's
    start. PCR 2015 governs, for their whole life, contracts whose procurement began before
    24 Feb 2025, which a contract that started before then certainly was; a later start is assumed
    to follow a procurement under the Act (set the regime if it began earlier)."""
    if start is not None and start < PA2023_FROM:
        return Regime.PCR2015, (f"PCR 2015 assumed: the contract started before {PA2023_FROM:%-d %b %Y}, so its "
                                "procurement began under the Public Contracts Regulations 2015")
    if start is None:
        return Regime.PA2023, ("PA 2023 assumed: no start date is known; set the regime if the procurement "
                               f"began before {PA2023_FROM:%-d %b %Y}")
    return Regime.PA2023, ("PA 2023 assumed from the start date; set the regime to PCR2015 if the procurement "
                           f"began before {PA2023_FROM:%-d %b %Y}")


def pa_standstill_end(published: date, calendar: WorkingDays | None = None) -> date:
    """Last day of the PA 2023 standstill: 8 working days beginning with the day the contract
    award notice (UK6) is published. The contract may be entered into from the next day."""
    return (calendar or statutory_calendar()).nth_beginning_with(published, PA_STANDSTILL_WORKING_DAYS)


def pcr_standstill_end(sent: date, calendar: WorkingDays | None = None, *, electronic: bool = True) -> date:
    """Last day of the PCR 2015 standstill: 10 days after the award decision notice is sent
    electronically (15 otherwise); ending on a non-working day, it runs to the next working day."""
    days = PCR_STANDSTILL_DAYS if electronic else PCR_STANDSTILL_DAYS_NOT_ELECTRONIC
    return (calendar or statutory_calendar()).next_working_day(sent + timedelta(days=days))


def standstill_required(regime: str, procedure: str, light_touch: bool) -> bool:
    """Mandatory standstill: PA 2023 except light-touch contracts and framework call-offs
    (s.51(3)); PCR 2015 except call-offs under a framework."""
    if procedure == Procedure.CALL_OFF.value:
        return False
    if regime == Regime.PA2023.value:
        return not light_touch
    return regime == Regime.PCR2015.value


def standstill_end(regime: str, notice_day: date, calendar: WorkingDays | None = None) -> date | None:
    if regime == Regime.PA2023.value:
        return pa_standstill_end(notice_day, calendar)
    if regime == Regime.PCR2015.value:
        return pcr_standstill_end(notice_day, calendar)
    return None


def uk7_due(signature: date, light_touch: bool) -> date:
    """Last day to publish the contract details notice: within 30 days (light-touch: 120) beginning
    with the day the contract is entered into."""
    return signature + timedelta(days=(UK7_DAYS_LIGHT_TOUCH if light_touch else UK7_DAYS) - 1)


def uk11_due(end: date) -> date:
    """Last day to publish the contract termination notice: within 30 days beginning with the day
    the contract ends, whether it expires or is terminated."""
    return end + timedelta(days=UK11_DAYS - 1)


def qualifying_planned_notice(published: date, itt: date) -> bool:
    """Whether a planned procurement notice (UK3) published on `published` shortens the tendering
    period of a tender notice published on `itt` (s.54(3)): at least 40 days and no more than one
    year before it. A year back is the same date a year earlier (29 Feb: 28 Feb), not 366 days."""
    return published >= subtract(itt, "1y") and (itt - published).days >= 40


@dataclass(frozen=True)
class TenderMinimum:
    gap: Gap | None  # None: no fixed statutory minimum
    citation: str
    basis: str  # which case of the table was assumed


def tender_minimum(regime: str, procedure: str, light_touch: bool, *,
                   itt: date | None = None, planned_notice: date | None = None) -> TenderMinimum:
    """The minimum tendering period for a contract, assuming electronic tenders with every
    document available with the tender notice (the usual case)."""
    if regime == Regime.PA2023.value:
        cite = CITE_TENDERING[Regime.PA2023]
        if light_touch:
            return TenderMinimum(None, cite, "no fixed minimum for a light-touch contract; "
                                             "the period must be reasonable (s.54(1))")
        if procedure == Procedure.CALL_OFF.value:
            return TenderMinimum(None, cite, "no fixed minimum for a competitive selection process under a framework")
        if planned_notice is not None and itt is not None and qualifying_planned_notice(planned_notice, itt):
            return TenderMinimum(Gap(10, "days"), cite + "(3)", "10 days after a qualifying planned procurement "
                                                                "notice (UK3) published 40 days to a year before")
        return TenderMinimum(Gap(25, "days"), cite + "(3)", "25 days for electronic tenders with every document "
                                                            "available with the tender notice (30 otherwise)")
    if regime == Regime.PCR2015.value:
        if light_touch:
            return TenderMinimum(None, "PCR 2015 reg 76", "no fixed minimum under the light-touch regime; "
                                                          "time limits must be reasonable and proportionate")
        if procedure == Procedure.CALL_OFF.value:
            return TenderMinimum(None, "PCR 2015 reg 33", "no fixed minimum for a call-off under a framework; "
                                                          "the framework's terms apply")
        if procedure == Procedure.OPEN.value:
            return TenderMinimum(Gap(30, "days"), CITE_TENDERING[Regime.PCR2015],
                                 "30 days with electronic submission (35 otherwise)")
        return TenderMinimum(Gap(25, "days"), "PCR 2015 reg 28", "25 days from the invitation to tender with "
                                                                 "electronic submission (30 otherwise)")
    return TenderMinimum(None, "", "no procurement regime recorded")
