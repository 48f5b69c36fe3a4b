"""Procurement thresholds chosen by the procurement's start date, and whole-life values."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from contract_tracker.domain.durations import parse_duration
from contract_tracker.domain.thresholds import (
    THRESHOLDS,
    Category,
    check,
    months_in,
    parse_category,
    threshold_for,
    whole_life_estimate,
)
from contract_tracker.errors import InvalidInput

G, L, W = Category.GOODS_AND_SERVICES, Category.LIGHT_TOUCH, Category.WORKS


@pytest.mark.parametrize("category, day, amount", [
    (G, date(2025, 12, 31), "214904"),  # the last day of the 2024-25 thresholds
    (G, date(2026, 1, 1), "207720"),  # the first day of the 2026 thresholds
    (W, date(2025, 12, 31), "5372609"),
    (W, date(2026, 1, 1), "5193000"),
    (L, date(2025, 12, 31), "663540"),
    (L, date(2026, 1, 1), "663540"),
    (G, date(2024, 1, 1), "214904"),
    (G, date(2023, 12, 31), "213477"),
    (W, date(2022, 1, 1), "5336937"),
    (G, date(2021, 12, 31), "189330"),
])
def test_threshold_in_force_on_the_day(category, day, amount):
    threshold = threshold_for(category, day)
    assert threshold is not None and threshold.amount == Decimal(amount)


def test_no_threshold_is_guessed_before_the_table_begins():
    assert threshold_for(G, date(2019, 12, 31)) is None
    assert "no goods and services threshold held" in check(G, date(2014, 9, 1), Decimal("1")).verdict


def test_the_table_has_no_gaps_or_overlaps_from_2020():
    for category in Category:
        rows = sorted((t for t in THRESHOLDS if t.category == category), key=lambda t: t.from_date)
        for earlier, later in itertools.pairwise(rows):
            assert earlier.until is not None and (later.from_date - earlier.until).days == 1
        assert rows[-1].until is None


def test_a_value_equal_to_the_threshold_is_caught():
    at = check(G, date(2026, 1, 1), Decimal("207720"))
    assert at.above is True and at.verdict == "at or above threshold"
    below = check(G, date(2026, 1, 1), Decimal("207719.99"))
    assert below.above is False and below.verdict == "below threshold"
    # The same value crosses on one side of 1 January 2026 and not on the other.
    value = Decimal("210000")
    assert check(G, date(2025, 12, 31), value).above is False
    assert check(G, date(2026, 1, 1), value).above is True


def test_thresholds_before_2022_are_marked_net_of_vat():
    assert check(L, date(2021, 4, 1), Decimal("700000")).verdict.endswith("(threshold net of VAT)")
    assert not check(L, date(2022, 4, 1), Decimal("700000")).verdict.endswith("(threshold net of VAT)")


def test_unknown_value():
    assert check(L, date(2025, 4, 1), None).above is None


def test_months_and_whole_life_estimate_include_every_option():
    periods = [parse_duration(p) for p in ("3y", "3y", "3y")]
    assert months_in(periods) == 108
    assert whole_life_estimate(Decimal("250000"), periods) == Decimal("2250000.00")
    assert whole_life_estimate(Decimal("95000"), [parse_duration("5y"), parse_duration("2y")]) == Decimal("665000.00")
    assert whole_life_estimate(Decimal("1000"), [parse_duration("6m")]) == Decimal("500.00")
    assert whole_life_estimate(None, periods) is None and whole_life_estimate(Decimal("1"), []) is None


@pytest.mark.parametrize("text, category", [("works", W), ("Light-touch", L), ("goods and services", G)])
def test_parse_category(text, category):
    assert parse_category(text) == category


def test_parse_category_refuses_unknown():
    with pytest.raises(InvalidInput, match="one of"):
        parse_category("concessions")
