"""The lifecycle engine: table-driven cases from the seed, and properties over month ends."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_tracker.domain.durations import Duration, last_day_to_give_notice, parse_duration, period_end
from contract_tracker.domain.lifecycle import (
    BreakTerms,
    ContractTerms,
    OptionTerms,
    break_points,
    current_end,
    final_possible_end,
    initial_end,
    maximum_extent,
    next_decision,
    option_windows,
    reprocurement_start,
    status_as_of,
)
from contract_tracker.enums import ContractStatus, LifecycleStatus, OptionStatus
from contract_tracker.errors import InvalidInput

Y3 = Duration(3, "years")


def warwickshire(*statuses: OptionStatus, terminated_on=None) -> ContractTerms:
    statuses = statuses or (OptionStatus.AVAILABLE, OptionStatus.AVAILABLE)
    return ContractTerms(
        start=date(2025, 9, 1), initial_term=Y3,
        options=tuple(OptionTerms(i, Y3, status=s) for i, s in enumerate(statuses, start=1)),
        terminated_on=terminated_on,
        status=ContractStatus.TERMINATED if terminated_on else ContractStatus.LIVE,
    )


def test_seed_initial_term_ends_31_august_2028():
    assert initial_end(warwickshire()) == date(2028, 8, 31)
    assert current_end(warwickshire()) == date(2028, 8, 31)


def test_seed_maximum_extent_with_both_options_is_31_august_2034():
    assert maximum_extent(warwickshire()) == date(2034, 8, 31)


def test_seed_option_windows():
    first, second = option_windows(warwickshire())
    assert (first.period_start, first.period_end) == (date(2028, 9, 1), date(2031, 8, 31))
    assert (second.period_start, second.period_end) == (date(2031, 9, 1), date(2034, 8, 31))
    # Six months' notice given on 1 Mar 2028 runs to 31 Aug 2028, the last day of the term.
    assert first.decide_by == date(2028, 3, 1)
    assert second.decide_by == date(2031, 3, 1)
    assert first.window_opens == date(2025, 9, 1) and second.window_opens == date(2028, 9, 1)


def test_exercising_option_one_moves_the_current_end():
    terms = warwickshire(OptionStatus.EXERCISED, OptionStatus.AVAILABLE)
    assert current_end(terms) == date(2031, 8, 31)
    assert next_decision(terms, date(2029, 1, 1)).ordinal == 2


def test_an_option_past_its_decision_date_is_overdue_until_its_term_ends_and_takes_later_ones_with_it():
    windows = option_windows(warwickshire(), as_of=date(2028, 3, 2))
    assert [w.status for w in windows] == [OptionStatus.OVERDUE, OptionStatus.LAPSED]
    after_the_end = option_windows(warwickshire(), as_of=date(2028, 9, 1))
    assert [w.status for w in after_the_end] == [OptionStatus.LAPSED, OptionStatus.LAPSED]
    assert next_decision(warwickshire(), date(2028, 3, 2)) is None
    assert final_possible_end(warwickshire(), date(2028, 3, 2)) == date(2028, 8, 31)


def test_option_still_open_on_its_decision_date():
    assert next_decision(warwickshire(), date(2028, 3, 1)).ordinal == 1


def test_declining_option_one_lapses_option_two():
    windows = option_windows(warwickshire(OptionStatus.DECLINED, OptionStatus.AVAILABLE))
    assert windows[1].status == OptionStatus.LAPSED
    assert final_possible_end(warwickshire(OptionStatus.DECLINED, OptionStatus.AVAILABLE)) == date(2028, 8, 31)


def test_termination_ends_the_contract_and_lapses_options():
    terms = warwickshire(terminated_on=date(2027, 3, 31))
    assert current_end(terms) == date(2027, 3, 31)
    assert all(w.status == OptionStatus.LAPSED for w in option_windows(terms))
    assert status_as_of(terms, date(2027, 3, 31)) == LifecycleStatus.INITIAL_TERM
    assert status_as_of(terms, date(2027, 4, 1)) == LifecycleStatus.TERMINATED


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2025, 8, 31), LifecycleStatus.NOT_STARTED),
        (date(2025, 9, 1), LifecycleStatus.INITIAL_TERM),
        (date(2028, 8, 31), LifecycleStatus.INITIAL_TERM),
        (date(2028, 9, 1), LifecycleStatus.EXPIRED),
    ],
)
def test_status_as_of_without_extension(as_of, expected):
    assert status_as_of(warwickshire(), as_of) == expected


def test_status_extended_inside_an_exercised_option():
    terms = warwickshire(OptionStatus.EXERCISED, OptionStatus.AVAILABLE)
    assert status_as_of(terms, date(2028, 9, 1)) == LifecycleStatus.EXTENDED
    assert status_as_of(terms, date(2031, 9, 1)) == LifecycleStatus.EXPIRED


def test_planned_contract_has_no_dates():
    terms = ContractTerms(start=None, initial_term=None, status=ContractStatus.PLANNED)
    assert current_end(terms) is None and maximum_extent(terms) is None and reprocurement_start(terms) is None
    assert status_as_of(terms, date(2026, 1, 1)) == LifecycleStatus.PLANNED


def test_reprocurement_starts_lead_time_before_final_possible_end():
    assert reprocurement_start(warwickshire()) == date(2033, 9, 1)
    lapsed = reprocurement_start(warwickshire(), as_of=date(2028, 6, 1))
    assert lapsed == date(2027, 9, 1)


def test_option_notice_override():
    terms = ContractTerms(start=date(2025, 9, 1), initial_term=Y3,
                          options=(OptionTerms(1, Y3, notice=Duration(90, "days")),))
    assert option_windows(terms)[0].decide_by == date(2028, 6, 3)


def test_break_after_twelve_months_on_three_months_notice():
    terms = ContractTerms(start=date(2025, 4, 1), initial_term=Duration(2, "years"),
                          breaks=(BreakTerms(notice=Duration(3, "months"), after=Duration(12, "months")),))
    (point,) = break_points(terms)
    assert point.break_date == date(2026, 3, 31)
    assert point.serve_notice_by == date(2026, 1, 1)


def test_fixed_break_date():
    terms = ContractTerms(start=date(2025, 4, 1), initial_term=Duration(2, "years"),
                          breaks=(BreakTerms(notice=Duration(1, "months"), earliest_date=date(2026, 2, 28)),))
    assert break_points(terms)[0].serve_notice_by == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("start", "period", "end"),
    [
        (date(2025, 9, 1), "3y", date(2028, 8, 31)),
        (date(2024, 2, 29), "1y", date(2025, 2, 28)),  # no 29 Feb 2025: February's last day
        (date(2024, 2, 29), "4y", date(2028, 2, 28)),
        (date(2025, 1, 31), "1m", date(2025, 2, 28)),
        (date(2025, 1, 1), "12w", date(2025, 3, 25)),
        (date(2025, 1, 1), "90d", date(2025, 3, 31)),
    ],
)
def test_period_end(start, period, end):
    assert period_end(start, period) == end


@pytest.mark.parametrize(
    ("end", "notice", "last_day"),
    [
        (date(2028, 8, 31), "6m", date(2028, 3, 1)),
        (date(2028, 2, 29), "1m", date(2028, 2, 1)),
        (date(2025, 3, 31), "1m", date(2025, 3, 1)),
        (date(2025, 2, 28), "3m", date(2024, 12, 1)),
    ],
)
def test_last_day_to_give_notice(end, notice, last_day):
    assert last_day_to_give_notice(end, notice) == last_day


@pytest.mark.parametrize("text", ["", "3", "y", "-1y", "0m", "3 fortnights", "1.5y"])
def test_bad_periods_are_refused(text):
    with pytest.raises(InvalidInput):
        parse_duration(text)


# Dates near month ends and leap days, where month arithmetic clamps.
month_endish = st.builds(
    lambda year, month, back: date(year, month % 12 + 1, 1) - timedelta(days=back) if month < 12
    else date(year + 1, 1, 1) - timedelta(days=back),
    st.integers(2000, 2060), st.integers(1, 12), st.integers(1, 4),
)
any_day = st.one_of(month_endish, st.dates(date(2000, 1, 1), date(2060, 12, 31)),
                    st.sampled_from([date(2024, 2, 29), date(2028, 2, 29), date(2000, 2, 29)]))
periods = st.builds(Duration, st.integers(1, 48), st.sampled_from(["days", "weeks", "months", "years"]))


@given(any_day, periods)
def test_notice_given_on_the_last_day_runs_out_by_the_end_and_a_day_later_does_not(end, notice):
    last = last_day_to_give_notice(end, notice)
    assert period_end(last, notice) <= end
    assert period_end(last + timedelta(days=1), notice) > end


@given(any_day, periods)
def test_a_period_ends_after_it_starts_and_before_the_next_one(start, period):
    end = period_end(start, period)
    assert end >= start
    assert period_end(end + timedelta(days=1), period) > end


@given(any_day, st.integers(1, 5), st.lists(st.integers(1, 5), max_size=3))
def test_end_grows_with_each_exercised_option_and_never_passes_the_maximum(start, years, option_years):
    options = tuple(OptionTerms(i, Duration(n, "years")) for i, n in enumerate(option_years, start=1))
    terms = ContractTerms(start=start, initial_term=Duration(years, "years"), options=options)
    previous = current_end(terms)
    for count in range(1, len(options) + 1):
        exercised = tuple(
            OptionTerms(o.ordinal, o.length,
                        status=OptionStatus.EXERCISED if o.ordinal <= count else OptionStatus.AVAILABLE)
            for o in options
        )
        end = current_end(ContractTerms(start=start, initial_term=terms.initial_term, options=exercised))
        assert end > previous
        previous = end
    assert previous == maximum_extent(terms)
    for window in option_windows(terms):
        assert window.decide_by < window.period_start


def test_each_break_point_keeps_its_own_party_when_sorted():
    from contract_tracker.enums import BreakParty

    terms = ContractTerms(start=date(2025, 4, 1), initial_term=Duration(3, "years"), breaks=(
        BreakTerms(notice=Duration(3, "months"), after=Duration(24, "months"), party=BreakParty.SUPPLIER),
        BreakTerms(notice=Duration(3, "months"), after=Duration(12, "months"), party=BreakParty.BUYER),
    ))
    assert [(p.break_date, p.party) for p in break_points(terms)] == [
        (date(2026, 3, 31), BreakParty.BUYER), (date(2027, 3, 31), BreakParty.SUPPLIER)]
