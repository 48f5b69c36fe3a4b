"""Statutory periods, hand-checked against the calendar (UK-wide working days unless stated)."""

from __future__ import annotations

from datetime import date

import pytest

from contract_tracker.domain.statutory import (
    pa_standstill_end,
    pcr_standstill_end,
    standstill_required,
    tender_minimum,
    uk7_due,
    uk11_due,
)
from contract_tracker.domain.workdays import WorkingDays

ENGLAND = WorkingDays(nations=("ENG",))


@pytest.mark.parametrize("published, ends, why", [
    # Tue 15 Apr 2025: 15, 16, 17, (Good Friday 18, weekend, Easter Monday 21) 22, 23, 24, 25, 28.
    (date(2025, 4, 15), date(2025, 4, 28), "Easter 2025"),
    # Thu 17 Apr: 17, 22, 23, 24, 25, 28, 29, 30.
    (date(2025, 4, 17), date(2025, 4, 30), "Easter 2025, published the day before Good Friday"),
    # Published on Good Friday: the first working day of the period is Tue 22 Apr.
    (date(2025, 4, 18), date(2025, 5, 1), "Easter 2025, published on a bank holiday"),
    # Mon 22 Dec 2025: 22, 23, 24, (25, 26, weekend) 29, 30, 31, (1 Jan, 2 Jan Scotland, weekend) 5, 6.
    (date(2025, 12, 22), date(2026, 1, 6), "Christmas 2025 and New Year"),
    # Wed 31 Dec 2025: 31, (1, 2 Jan) 5, 6, 7, 8, 9, 12, 13.
    (date(2025, 12, 31), date(2026, 1, 13), "New Year 2026"),
    # Mon 23 Nov 2026: 23-27, (weekend, St Andrew's Day Mon 30 Nov) 1, 2, 3 Dec.
    (date(2026, 11, 23), date(2026, 12, 3), "St Andrew's Day 2026"),
    # An ordinary fortnight: Wed 4 Jun 2025 to Fri 13 Jun.
    (date(2025, 6, 4), date(2025, 6, 13), "no holidays"),
])
def test_pa_standstill_is_8_working_days_beginning_with_the_notice(published, ends, why):
    assert pa_standstill_end(published) == ends, why


def test_scotlands_2_january_changes_the_standstill():
    published = date(2025, 12, 22)
    assert pa_standstill_end(published) == date(2026, 1, 6)  # the UK-wide working day, as the Act counts
    assert pa_standstill_end(published, ENGLAND) == date(2026, 1, 5)  # England alone counts 2 January


def test_st_andrews_day_changes_the_standstill():
    assert pa_standstill_end(date(2026, 11, 23)) == date(2026, 12, 3)
    assert pa_standstill_end(date(2026, 11, 23), ENGLAND) == date(2026, 12, 2)


@pytest.mark.parametrize("sent, ends, why", [
    (date(2025, 12, 19), date(2025, 12, 29), "day 10 is a Monday working day"),
    (date(2025, 12, 16), date(2025, 12, 29), "day 10 is Boxing Day: runs on over the weekend"),
    (date(2025, 4, 8), date(2025, 4, 22), "day 10 is Good Friday: runs over Easter Monday"),
    (date(2025, 12, 22), date(2026, 1, 5), "day 10 is New Year's Day; 2 January is Scotland's"),
    (date(2025, 6, 4), date(2025, 6, 16), "day 10 is a Saturday"),
])
def test_pcr_standstill_is_10_days_running_on_to_a_working_day(sent, ends, why):
    assert pcr_standstill_end(sent) == ends, why


def test_pcr_standstill_new_year_in_england_alone():
    assert pcr_standstill_end(date(2025, 12, 22), ENGLAND) == date(2026, 1, 2)
    assert pcr_standstill_end(date(2025, 12, 22), electronic=False) == date(2026, 1, 6)  # 15 days


def test_notice_deadlines():
    assert uk7_due(date(2025, 7, 1), light_touch=False) == date(2025, 7, 30)
    assert uk7_due(date(2025, 7, 1), light_touch=True) == date(2025, 10, 28)
    assert uk11_due(date(2028, 8, 31)) == date(2028, 9, 29)  # the end day is day 1 of 30
    assert uk11_due(date(2026, 6, 30)) == date(2026, 7, 29)


def test_which_contracts_need_a_standstill():
    assert standstill_required("PA2023", "open", light_touch=False)
    assert not standstill_required("PA2023", "open", light_touch=True)
    assert not standstill_required("PA2023", "call-off", light_touch=False)
    assert standstill_required("PCR2015", "open", light_touch=True)
    assert not standstill_required("other", "open", light_touch=False)


def test_tender_minimums():
    assert tender_minimum("PA2023", "open", False).gap.amount == 25
    assert "s.54" in tender_minimum("PA2023", "open", False).citation
    assert tender_minimum("PA2023", "open", True).gap is None
    uk3 = tender_minimum("PA2023", "open", False, itt=date(2025, 6, 1), planned_notice=date(2025, 3, 1))
    assert uk3.gap.amount == 10
    too_recent = tender_minimum("PA2023", "open", False, itt=date(2025, 6, 1), planned_notice=date(2025, 5, 1))
    assert too_recent.gap.amount == 25
    assert tender_minimum("PCR2015", "open", False).gap.amount == 30
    assert tender_minimum("PCR2015", "open", True).gap is None
    assert tender_minimum("other", "open", False).gap is None
