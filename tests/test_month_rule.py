"""The one month rule (durations.period_end), held against an independent reference on every day of
2023-2029, and the periods built on it: notice, options, breaks, re-procurement starts, windows.

Rule (README, "How dates are worked out"): a term of N months ends the day before the start's
corresponding date N months later; where that month has no such day, it ends on that month's last day.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from contract_tracker.domain.durations import last_day_to_give_notice, parse_duration, period_end
from contract_tracker.domain.lifecycle import ContractTerms, OptionTerms, initial_end, option_windows, start_to_replace
from contract_tracker.read.reports import window

EVERY_DAY = [date(2023, 1, 1) + timedelta(days=n) for n in range((date(2029, 12, 31) - date(2023, 1, 1)).days + 1)]
LENGTHS = ["1m", "2m", "3m", "6m", "9m", "12m", "13m", "18m", "1y", "2y", "3y", "4y"]


def reference_end(start: date, months: int) -> date:
    """Written apart from the code: dateutil clamps a missing corresponding day to the month's last
    day; when it had to clamp, that last day is the end, otherwise the day before."""
    moved = start + relativedelta(months=months)
    return moved if moved.day != start.day else moved - timedelta(days=1)


def _months(text: str) -> int:
    period = parse_duration(text)
    return period.amount * (12 if period.unit == "years" else 1)


@pytest.mark.parametrize("length", LENGTHS)
def test_every_day_of_2023_to_2029(length):
    months = _months(length)
    wrong = [(start, period_end(start, length), reference_end(start, months)) for start in EVERY_DAY
             if period_end(start, length) != reference_end(start, months)]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("start, length, end", [
    (date(2024, 2, 29), "1y", date(2025, 2, 28)),  # no 29 Feb 2025: February's last day
    (date(2025, 1, 31), "3m", date(2025, 4, 30)),  # no 31 April
    (date(2025, 3, 1), "1m", date(2025, 3, 31)),
    (date(2025, 9, 1), "3y", date(2028, 8, 31)),  # the seed: 1 Sep 2025 + 3 years
    (date(2028, 2, 29), "4y", date(2032, 2, 28)),  # leap day to leap year: 29 Feb 2032 exists
    (date(2025, 1, 30), "1m", date(2025, 2, 28)),
    (date(2025, 2, 28), "1m", date(2025, 3, 27)),
    (date(2025, 12, 31), "2m", date(2026, 2, 28)),
    (date(2025, 9, 1), "90d", date(2025, 11, 29)),  # days simply count
    (date(2025, 9, 1), "2w", date(2025, 9, 14)),
])
def test_named_cases(start, length, end):
    assert period_end(start, length) == end


@given(st.sampled_from(EVERY_DAY), st.sampled_from([*LENGTHS, "30d", "12w"]))
def test_notice_is_the_latest_day_whose_period_has_run_by_the_end(end, notice):
    day = last_day_to_give_notice(end, notice)
    assert period_end(day, notice) <= end < period_end(day + timedelta(days=1), notice)


@given(st.sampled_from(EVERY_DAY), st.sampled_from(LENGTHS))
def test_a_re_procurement_start_is_a_lead_before_the_day_after_the_end(end, lead):
    start = start_to_replace(end, parse_duration(lead))
    assert period_end(start, lead) <= end < period_end(start + timedelta(days=1), lead)


def test_options_chain_from_the_day_after_each_end_by_the_same_rule():
    terms = ContractTerms(start=date(2024, 2, 29), initial_term=parse_duration("1y"),
                          options=(OptionTerms(1, parse_duration("1y")), OptionTerms(2, parse_duration("3m"))),
                          decision_notice=parse_duration("1m"))
    assert initial_end(terms) == date(2025, 2, 28)
    first, second = option_windows(terms)
    assert (first.period_start, first.period_end) == (date(2025, 3, 1), date(2026, 2, 28))
    assert (second.period_start, second.period_end) == (date(2026, 3, 1), date(2026, 5, 31))
    # A month's notice given on 1 Feb runs to 28 Feb (the day before 1 Mar); from 2 Feb it runs to 1 Mar.
    assert first.decide_by == date(2025, 2, 1)


def test_report_windows_follow_the_rule():
    assert window(date(2025, 1, 31), "3m").end == date(2025, 4, 30)
    assert window(date(2024, 2, 29), "1y").end == date(2025, 2, 28)
