"""Working days against GOV.UK's own bank-holiday data, closures and configuration."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_tracker.domain.workdays import (
    CLOSURES_ENV,
    NATIONS_ENV,
    WorkingDays,
    configured_calendar,
    parse_closures,
    statutory_calendar,
)
from contract_tracker.errors import InvalidInput

DATA = Path(__file__).parent / "data" / "bank-holidays"
MOJ = DATA / "govuk-bank-holidays-2012-2028.json"
SOURCE = DATA / "alphagov-frontend-source-bank-holidays.json"
DIVISIONS = {"england-and-wales": ("ENG", "WLS"), "scotland": ("SCT",), "northern-ireland": ("NIR",)}
# GOV.UK added Scotland's World Cup holiday in February 2026; the MoJ cache predates it.
WORLD_CUP = date(2026, 6, 15)


def _weekday_holidays(calendar: WorkingDays, first: date, last: date) -> set[date]:
    return {day for day in calendar.holidays_between(first, last) if day.weekday() < 5}


def _govuk_moj() -> dict[str, set[date]]:
    data = json.loads(MOJ.read_text())
    return {division: {date.fromisoformat(e["date"]) for e in data[division]["events"]} for division in DIVISIONS}


def _govuk_source() -> dict[str, set[date]]:
    data = json.loads(SOURCE.read_text())["divisions"]
    return {
        division: {datetime.strptime(e["date"], "%d/%m/%Y").date()
                   for events in data[f"common.nations.{division}_slug"].values() if isinstance(events, list)
                   for e in events}
        for division in DIVISIONS
    }


@pytest.mark.parametrize("division", DIVISIONS)
def test_each_nation_matches_the_govuk_cache_2012_to_2028(division):
    expected = {day for day in _govuk_moj()[division] if day.weekday() < 5}
    for nation in DIVISIONS[division]:
        got = _weekday_holidays(WorkingDays(nations=(nation,)), date(2012, 1, 1), date(2028, 12, 31))
        if nation == "SCT":
            assert got - expected == {WORLD_CUP}  # the cache is older than the announcement
            got.discard(WORLD_CUP)
        assert got == expected


@pytest.mark.parametrize("division", DIVISIONS)
def test_each_nation_matches_govuk_source_data_2019_to_2028(division):
    expected = {day for day in _govuk_source()[division] if day.weekday() < 5}
    for nation in DIVISIONS[division]:
        assert _weekday_holidays(WorkingDays(nations=(nation,)), date(2019, 1, 1), date(2028, 12, 31)) == expected


def test_uk_wide_calendar_is_the_union_of_the_nations():
    union = set().union(*_govuk_source().values())
    uk = statutory_calendar()
    day = date(2019, 1, 1)
    while day <= date(2028, 12, 31):
        assert uk.is_working_day(day) == (day.weekday() < 5 and day not in union), day
        day += timedelta(days=1)


def test_scottish_and_northern_irish_days_are_not_uk_working_days():
    uk = statutory_calendar()
    assert not uk.is_working_day(date(2026, 1, 2))  # 2 January, Scotland
    assert not uk.is_working_day(date(2026, 11, 30))  # St Andrew's Day, Scotland
    assert not uk.is_working_day(date(2025, 3, 17))  # St Patrick's Day, Northern Ireland
    assert not uk.is_working_day(date(2025, 7, 14))  # Battle of the Boyne (substitute), Northern Ireland
    england = WorkingDays(nations=("ENG",))
    assert england.is_working_day(date(2026, 1, 2)) and england.is_working_day(date(2026, 11, 30))
    assert "Scotland" in uk.holiday_name(date(2026, 11, 30))


def test_counting_forwards_backwards_and_beginning_with():
    uk = statutory_calendar()
    assert uk.add(date(2025, 4, 17), 1) == date(2025, 4, 22)  # over Good Friday and Easter Monday
    assert uk.add(date(2025, 4, 22), -1) == date(2025, 4, 17)
    assert uk.nth_beginning_with(date(2025, 4, 17), 1) == date(2025, 4, 17)
    assert uk.nth_beginning_with(date(2025, 4, 19), 1) == date(2025, 4, 22)  # a Saturday does not count
    assert uk.count(date(2025, 4, 17), date(2025, 4, 22)) == 1
    assert uk.next_working_day(date(2025, 12, 25)) == date(2025, 12, 29)
    assert uk.previous_working_day(date(2025, 12, 28)) == date(2025, 12, 24)
    with pytest.raises(InvalidInput):
        uk.nth_beginning_with(date(2025, 4, 17), 0)


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(min_value=0, max_value=40))
def test_count_undoes_add(day, n):
    uk = statutory_calendar()
    later = uk.add(day, n)
    assert uk.count(day, later) == n
    assert n == 0 or uk.is_working_day(later)


def test_closures_are_not_working_days():
    shutdown = WorkingDays(closures=parse_closures(["2025-12-29..2025-12-31"]))
    assert not shutdown.is_working_day(date(2025, 12, 30))
    assert shutdown.next_working_day(date(2025, 12, 25)) == date(2026, 1, 5)  # 2 Jan is Scotland's
    assert shutdown.holiday_name(date(2025, 12, 29)) == "closure day"
    with pytest.raises(InvalidInput):
        parse_closures(["2025-12-31..2025-12-29"])
    with pytest.raises(InvalidInput):
        parse_closures(["29 Foo 2025"])


def test_configuration_file_environment_and_command_line(tmp_path, monkeypatch):
    (tmp_path / "workdays.toml").write_text('nations = ["ENG", "WLS"]\nclosures = ["2025-12-29..2025-12-31"]\n')
    calendar = configured_calendar(tmp_path)
    assert calendar.nations == ("ENG", "WLS")
    assert len(calendar.closures) == 3
    monkeypatch.setenv(NATIONS_ENV, "UK")
    monkeypatch.setenv(CLOSURES_ENV, "2026-12-29, 2026-12-30")
    calendar = configured_calendar(tmp_path, closures=["2027-01-04"])
    assert calendar.nations == ("ENG", "WLS", "SCT", "NIR")
    assert date(2026, 12, 30) in calendar.closures and date(2027, 1, 4) in calendar.closures
    assert configured_calendar(tmp_path, nations="SCT").nations == ("SCT",)


def test_bad_configuration_is_one_clear_error(tmp_path):
    (tmp_path / "workdays.toml").write_text("nations = [\n")
    with pytest.raises(InvalidInput, match=r"workdays\.toml: not valid TOML"):
        configured_calendar(tmp_path)
    with pytest.raises(InvalidInput, match="choose from"):
        WorkingDays(nations=("XYZ",))
