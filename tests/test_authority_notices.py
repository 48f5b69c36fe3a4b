"""The authority's recurring notices (UK8, s.70, UK9, UK1), worked out from the register's facts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_tracker.domain.authority_notices import (
    UK9_ON_END,
    AuthorityFacts,
    NoticeDone,
    RegisterContract,
    authority_notices,
    horizon,
    kpi_assessments,
    notice_key,
)
from contract_tracker.enums import DeadlineKind, DeadlineState

TODAY = date(2026, 12, 3)
NO_SETTINGS = AuthorityFacts()


def contract(**facts) -> RegisterContract:
    values = {"id": 1, "reference": "WCC-1", "regime": "PA2023", "status": "live", "light_touch": False,
              "start": date(2025, 9, 1), "end": date(2028, 8, 31), "annual_value": Decimal("20000"),
              "whole_life_value": Decimal("60000"), "owner": "Head of Libraries"}
    return RegisterContract(**{**values, **facts})


def of_kind(notices, kind: DeadlineKind):
    return [n for n in notices if n.item.kind == kind]


def due_dates(notices, kind: DeadlineKind) -> list[date]:
    return [n.item.due_date for n in of_kind(notices, kind)]


def test_uk8_dates_for_2025_26_to_2027_28():
    notices = authority_notices([contract()], NO_SETTINGS, TODAY)
    in_years = [n for n in of_kind(notices, DeadlineKind.UK8_DUE) if n.item.due_date <= date(2028, 4, 30)]
    # The first reporting period began 1 October 2025 (2025/26's second half): due 29 April 2026.
    assert [(n.key, n.item.due_date) for n in in_years] == [
        ("UK8 2025/26-H2", date(2026, 4, 29)),
        ("UK8 2026/27-H1", date(2026, 10, 29)),
        ("UK8 2026/27-H2", date(2027, 4, 29)),
        ("UK8 2027/28-H1", date(2027, 10, 29)),
        ("UK8 2027/28-H2", date(2028, 4, 29)),
    ]
    first = in_years[0].item
    assert first.start_date == date(2026, 3, 31)  # the window runs from the period's last day
    assert "PA 2023 s.69" in first.action
    # The contract runs to 31 Aug 2028, inside 2028/29's first half; nothing after it.
    assert due_dates(notices, DeadlineKind.UK8_DUE)[-1] == date(2028, 10, 29)


def test_no_uk8_before_the_section_came_into_force():
    # A contract that ended before 1 October 2025 gives no UK8 at all.
    early = contract(start=date(2025, 3, 1), end=date(2025, 9, 30))
    assert of_kind(authority_notices([early], NO_SETTINGS, TODAY), DeadlineKind.UK8_DUE) == []


@pytest.mark.parametrize("facts, why", [
    ({"regime": "PCR2015"}, "a PCR 2015 contract"),
    ({"status": "planned"}, "a planned contract, not yet awarded"),
    ({"start": None}, "no start recorded"),
])
def test_no_uk8_without_a_live_pa2023_contract(facts, why):
    assert of_kind(authority_notices([contract(**facts)], NO_SETTINGS, TODAY), DeadlineKind.UK8_DUE) == [], why


def test_uk8_only_for_periods_a_contract_runs_in():
    # Two contracts with a gap: 2026/27's second half holds neither.
    first = contract(id=1, reference="A", start=date(2025, 10, 1), end=date(2026, 9, 30))
    second = contract(id=2, reference="B", start=date(2027, 4, 1), end=date(2027, 9, 30))
    keys = [n.key for n in of_kind(authority_notices([first, second], NO_SETTINGS, TODAY), DeadlineKind.UK8_DUE)]
    assert keys == ["UK8 2025/26-H2", "UK8 2026/27-H1", "UK8 2027/28-H1"]


def test_a_terminated_contract_counts_until_its_termination_day():
    # `end` is the termination day: the contract ran into 2026/27's first half, and no later.
    ended = contract(status="terminated", start=date(2025, 10, 1), end=date(2026, 5, 15))
    keys = [n.key for n in of_kind(authority_notices([ended], NO_SETTINGS, TODAY), DeadlineKind.UK8_DUE)]
    assert keys == ["UK8 2025/26-H2", "UK8 2026/27-H1"]


def test_opting_out_of_uk8():
    facts = AuthorityFacts(opt_outs=frozenset({DeadlineKind.UK8_DUE.value}))
    notices = authority_notices([contract(annual_value=Decimal("40000"))], facts, TODAY)
    assert of_kind(notices, DeadlineKind.UK8_DUE) == []
    assert of_kind(notices, DeadlineKind.PAYMENTS_DUE) != []  # s.70 still applies


def test_an_open_ended_contract_counts_to_the_horizon():
    notices = authority_notices([contract(end=None)], NO_SETTINGS, TODAY)
    assert horizon(TODAY) == date(2028, 3, 31)
    assert due_dates(notices, DeadlineKind.UK8_DUE)[-1] == date(2028, 4, 29)  # 2027/28-H2, the last to begin


def test_payments_over_30000_quarterly_by_the_29th():
    worth = contract(start=date(2026, 1, 15), end=date(2027, 3, 31), annual_value=Decimal("30000.01"))
    notices = of_kind(authority_notices([worth], NO_SETTINGS, TODAY), DeadlineKind.PAYMENTS_DUE)
    assert [(n.key, n.item.due_date) for n in notices] == [
        ("s.70 2025/26-Q4", date(2026, 4, 29)),
        ("s.70 2026/27-Q1", date(2026, 7, 29)),
        ("s.70 2026/27-Q2", date(2026, 10, 29)),
        ("s.70 2026/27-Q3", date(2027, 1, 29)),
        ("s.70 2026/27-Q4", date(2027, 4, 29)),
    ]
    assert "PA 2023 s.70" in notices[0].item.action


def test_no_payments_notice_at_30000_or_less():
    exactly = contract(annual_value=Decimal("30000"))
    assert of_kind(authority_notices([exactly], NO_SETTINGS, TODAY), DeadlineKind.PAYMENTS_DUE) == []
    unknown = contract(annual_value=None)
    assert of_kind(authority_notices([unknown], NO_SETTINGS, TODAY), DeadlineKind.PAYMENTS_DUE) == []


def test_a_6m_contract_gets_uk9_each_contract_year_and_on_its_end():
    big = contract(whole_life_value=Decimal("6000000"), annual_value=Decimal("2000000"))
    notices = of_kind(authority_notices([big], NO_SETTINGS, TODAY), DeadlineKind.UK9_DUE)
    assert [(n.key, n.item.ordinal, n.item.due_date) for n in notices] == [
        ("UK9 WCC-1 year 1", 1, date(2026, 8, 31)),
        ("UK9 WCC-1 year 2", 2, date(2027, 8, 31)),
        ("UK9 WCC-1 end", UK9_ON_END, date(2028, 8, 31)),
    ]
    assert all(n.contract_id == 1 and n.item.owner == "Head of Libraries" for n in notices)
    assert "PA 2023 s.71" in notices[0].item.action


@pytest.mark.parametrize("facts, why", [
    ({"light_touch": True}, "light-touch"),
    ({"whole_life_value": Decimal("5000000")}, "not above £5m"),
    ({"regime": "PCR2015"}, "PCR 2015"),
])
def test_no_uk9(facts, why):
    big = contract(**{"whole_life_value": Decimal("6000000"), **facts})
    assert of_kind(authority_notices([big], NO_SETTINGS, TODAY), DeadlineKind.UK9_DUE) == [], why


def test_uk9_when_the_end_falls_inside_a_contract_year():
    big = contract(whole_life_value=Decimal("6000000"), start=date(2026, 1, 1), end=date(2027, 6, 30))
    notices = of_kind(authority_notices([big], NO_SETTINGS, TODAY), DeadlineKind.UK9_DUE)
    assert [(n.item.ordinal, n.item.start_date, n.item.due_date) for n in notices] == [
        (1, date(2026, 1, 1), date(2026, 12, 31)),
        (UK9_ON_END, date(2027, 1, 1), date(2027, 6, 30)),
    ]


@pytest.mark.parametrize("start, year_ends", [
    # Month ends: a contract year ends the day before the anniversary, or on the month's last day
    # where the anniversary month has no such day (the one month rule, durations.period_end).
    (date(2024, 2, 29), [date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 28)]),
    (date(2025, 1, 31), [date(2026, 1, 30), date(2027, 1, 30), date(2028, 1, 30)]),
    (date(2025, 12, 31), [date(2026, 12, 30), date(2027, 12, 30)]),
    (date(2026, 3, 1), [date(2027, 2, 28), date(2028, 2, 29)]),
])
def test_uk9_contract_years_at_month_ends(start, year_ends):
    big = contract(whole_life_value=Decimal("6000000"), start=start, end=date(2029, 3, 31))
    yearly = [n for n in kpi_assessments(big, TODAY, {}) if n.item.ordinal != UK9_ON_END]
    assert [n.item.due_date for n in yearly][:len(year_ends)] == year_ends


@given(start=st.dates(min_value=date(2025, 2, 24), max_value=date(2030, 12, 31)),
       years=st.integers(min_value=1, max_value=6), extra=st.integers(min_value=0, max_value=400))
def test_uk9_years_tile_the_contract_without_gaps(start, years, extra):
    end = start + timedelta(days=365 * years + extra)
    big = contract(whole_life_value=Decimal("6000000"), start=start, end=end)
    notices = list(kpi_assessments(big, TODAY, {}))
    assert notices[0].item.start_date in (start, None)
    for before, after in pairwise(notices):
        first_day = after.item.start_date or after.item.due_date  # a one-day period is a day, not a span
        assert first_day == before.item.due_date + timedelta(days=1)
        assert (after.item.due_date - before.item.due_date).days <= 366
    assert notices[-1].item.ordinal == UK9_ON_END and notices[-1].item.due_date == end


def test_pipeline_notice_over_100m_for_this_year_and_the_next():
    facts = AuthorityFacts(expected_spend=Decimal("100000000.01"))
    notices = of_kind(authority_notices([], facts, TODAY), DeadlineKind.UK1_DUE)
    assert [(n.key, n.item.start_date, n.item.due_date) for n in notices] == [
        ("UK1 2026/27", date(2026, 4, 1), date(2026, 5, 26)),
        ("UK1 2027/28", date(2027, 4, 1), date(2027, 5, 26)),
    ]
    assert "PA 2023 s.93" in notices[0].item.action


def test_no_pipeline_notice_at_100m_or_unset():
    for spend in (None, Decimal("100000000")):
        assert authority_notices([], AuthorityFacts(expected_spend=spend), TODAY) == []


def test_a_recorded_notice_is_done_with_its_note():
    done = {"UK8 2025/26-H2": NoticeDone(done_on=date(2026, 4, 20), note="Published on Find a Tender")}
    notices = of_kind(authority_notices([contract()], NO_SETTINGS, TODAY, done), DeadlineKind.UK8_DUE)
    assert notices[0].item.state == DeadlineState.DONE
    assert "Published 20 Apr 2026: Published on Find a Tender" in notices[0].item.action
    assert notices[1].item.state == DeadlineState.OPEN


def test_identities_are_unique_and_stable():
    register = [contract(id=n, reference=f"C{n}", whole_life_value=Decimal("6000000"),
                         annual_value=Decimal("50000")) for n in range(1, 4)]
    facts = AuthorityFacts(expected_spend=Decimal("200000000"))
    notices = authority_notices(register, facts, TODAY)
    identities = [(n.contract_id, n.item.kind, n.item.ordinal) for n in notices]
    assert len(set(identities)) == len(identities)
    assert len({n.key for n in notices}) == len(notices)
    # A later day adds notices but never renames those already worked out.
    later = {n.key: (n.contract_id, n.item.kind, n.item.ordinal)
             for n in authority_notices(register, facts, TODAY + timedelta(days=400))}
    assert all(later.get(n.key, identity) == identity for n, identity in zip(notices, identities, strict=True))


def test_every_key_follows_from_the_identity():
    register = [contract(whole_life_value=Decimal("6000000"), annual_value=Decimal("50000"))]
    notices = authority_notices(register, AuthorityFacts(expected_spend=Decimal("200000000")), TODAY)
    assert {n.item.kind for n in notices} == {DeadlineKind.UK8_DUE, DeadlineKind.PAYMENTS_DUE,
                                              DeadlineKind.UK9_DUE, DeadlineKind.UK1_DUE}
    assert all(notice_key(n.item.kind.value, n.item.ordinal, n.contract_reference) == n.key for n in notices)


def test_the_pipeline_notice_names_what_to_publish():
    facts = AuthorityFacts(expected_spend=Decimal("150000000"))
    many = [f"REF-{n}" for n in range(1, 8)]
    first, _ = of_kind(authority_notices([], facts, TODAY, pipeline=many), DeadlineKind.UK1_DUE)
    assert ("7 contracts over £2 million to start in the next 18 months, REF-1, REF-2, REF-3, REF-4, REF-5 "
            "and 2 more; the full list: `contract-tracker report pipeline --uk1`.") in first.item.action
    none, _ = of_kind(authority_notices([], facts, TODAY, pipeline=[]), DeadlineKind.UK1_DUE)
    assert "lists no contract over £2 million" in none.item.action
    assert "`contract-tracker report pipeline --uk1`" in none.item.action
    done = {"UK1 2026/27": NoticeDone(done_on=date(2026, 5, 1))}
    published, coming = of_kind(authority_notices([], facts, TODAY, done, pipeline=many), DeadlineKind.UK1_DUE)
    assert "REF-1" not in published.item.action and "REF-1" in coming.item.action
