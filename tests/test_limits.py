"""The stated limits live in the core: the services every front end calls (the command line, the
app's forms, the importers) refuse what is past them with a domain error, never a crash."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from contract_tracker.domain.dates import Span
from contract_tracker.domain.durations import parse_duration
from contract_tracker.domain.limits import (
    INTEGER_MAX,
    MAX_OPTIONS,
    DateOutOfRange,
    argument_problem,
    check_whole_number,
    clean_text,
    computed_dates,
)
from contract_tracker.domain.money import MAX_POUNDS, parse_money
from contract_tracker.domain.periods import parse_gap
from contract_tracker.errors import InvalidInput, NotFound, StoreUnavailable
from contract_tracker.services import (
    ContractFields,
    add_milestone,
    edit_contract,
    get_contract,
    get_milestone,
    register_contract,
    terminate,
)
from contract_tracker.services.finance import set_year_figures
from contract_tracker.settings import resolve
from contract_tracker.store.database import build_engine

WCC = "WCC-SEND-MED-2025"


@pytest.mark.parametrize("text, longest", [("50y", True), ("600m", True), ("2609w", True), ("18262d", True),
                                           ("51y", False), ("601m", False), ("2610w", False), ("18263d", False)])
def test_periods_are_at_most_50_years_however_written(text, longest):
    if longest:
        assert str(parse_duration(text)) == text
    else:
        with pytest.raises(InvalidInput, match="at most 50 years"):
            parse_duration(text)


def test_thousands_of_digits_are_refused_without_asking_python_to_convert_them():
    with pytest.raises(InvalidInput, match="at most 50 years"):
        parse_duration("9" * 5000 + "y")
    with pytest.raises(InvalidInput, match="at most 50 years"):
        parse_gap("9" * 5000 + "wd")


@pytest.mark.parametrize("text, message", [
    ("9" * 36, "more than the most the register holds"), ("1e400", "not an amount"), ("NaN", "not an amount"),
    ("1_000", "not an amount"), ("-0.01", "negative"), ("1.001", "fractions of a penny"),
    ("92233720368547758.08", "more than the most"),
])
def test_money_is_whole_pence_that_fit_the_column(text, message):
    with pytest.raises(InvalidInput, match=message):
        parse_money(text)
    assert parse_money(str(MAX_POUNDS)) == MAX_POUNDS


def test_text_checks_name_the_field_and_the_position():
    assert clean_text("  Home support  ", field="title") == "Home support"
    assert clean_text("line one\nline two", field="notes", multiline=True) == "line one\nline two"
    with pytest.raises(InvalidInput, match=r"title contains a control character \('\\x1b'\) at position 5"):
        clean_text("Red \x1b[31m", field="title")
    with pytest.raises(InvalidInput, match=r"title is not valid text .* position 2"):
        clean_text("a\ud800b", field="title")
    with pytest.raises(InvalidInput, match="at most 3"):
        clean_text("abcd", field="code", max_length=3)
    assert argument_problem("a\x00b") and argument_problem("\udcff") and argument_problem("fine") is None


def test_whole_numbers_fit_their_column():
    assert check_whole_number(INTEGER_MAX, field="volume") == INTEGER_MAX
    for bad in (INTEGER_MAX + 1, -1, True, "3", 1.0):
        with pytest.raises(InvalidInput, match="volume"):
            check_whole_number(bad, field="volume")


def test_a_date_worked_out_past_9999_is_one_domain_error():
    out_of_range = pytest.raises(DateOutOfRange,
                                 match="X: a date worked out from it would fall outside the years 1 to 9999")
    with out_of_range, computed_dates("X"):
        date(9999, 12, 31) + timedelta(days=1)
    with pytest.raises(ZeroDivisionError), computed_dates("X"):  # any other failure is left alone
        _ = 1 / 0


@pytest.mark.parametrize("fields, message", [
    ({"title": "a\x00b"}, "title contains a control character"),
    ({"owner_role": "x" * 201}, "owner_role is 201 characters long"),
    ({"initial_term": ""}, "initial_term: not a period"),
    ({"initial_term": "51y"}, "at most 50 years"),
    ({"annual_value": Decimal("1e30")}, "more than the most"),
    ({"status": "terminated"}, "a terminated contract needs the day it ended"),
    ({"options": ["1y"] * (MAX_OPTIONS + 1)}, f"a contract has at most {MAX_OPTIONS}"),
    ({"start_date": date(9999, 6, 1), "initial_term": "2y"}, "outside the years 1 to 9999"),
    ({"start_date": date(1, 3, 1), "initial_term": "6m"}, "outside the years 1 to 9999"),
    ({"suppliers": ["Good Ltd", "Bad\x07Ltd"]}, "supplier contains a control character"),
])
def test_register_contract_refuses_what_is_past_the_limits(store, fields, message):
    data = ContractFields(**{"reference": "LIMIT-1", "title": "Limits", "start_date": date(2025, 1, 1),
                             "initial_term": "3y", **fields})
    with pytest.raises(InvalidInput, match=message), store.session() as session:
        register_contract(session, data, actor="tester")
    with store.session() as session, pytest.raises(NotFound):
        get_contract(session, "LIMIT-1")


def test_edits_milestones_terminations_and_figures_refuse_them_too(demo_store, today):
    cases = [
        (lambda s: edit_contract(s, WCC, {"decision_notice": "0d"}, actor="t"), "longer than zero"),
        (lambda s: edit_contract(s, WCC, {"title": "a\x1bb"}, actor="t"), "control character"),
        (lambda s: add_milestone(s, WCC, kind="other", name="Late", due=Span(date(9999, 12, 30), date(9999, 12, 31)),
                                 actor="t"), None),
        (lambda s: terminate(s, WCC, on=today, reason="a\x00b", actor="t"), "control character"),
        (lambda s: set_year_figures(s, WCC, "2025/26", {"volume": INTEGER_MAX + 1}, actor="t"), "whole number"),
        (lambda s: set_year_figures(s, WCC, "2025/26", {"budget": Decimal("1e20")}, actor="t"), "most the register"),
        (lambda s: get_milestone(s, get_contract(s, WCC), 2**63), "has no milestone"),
    ]
    for call, message in cases:
        if message is None:  # a milestone late in 9999 is fine unless something worked out from it is not
            try:
                with demo_store.session() as session:
                    call(session)
            except InvalidInput as error:
                assert "outside the years 1 to 9999" in str(error)
            continue
        with pytest.raises((InvalidInput, NotFound), match=message), demo_store.session() as session:
            call(session)


def test_a_user_name_with_control_characters_is_refused_before_anything_is_written():
    with pytest.raises(InvalidInput, match="user name"):
        resolve(None, "ali\x1bce")


@pytest.mark.parametrize("url", ["mysql://u@h/d", "oracle://x", "postgresql+psycopg2://h/d", "sqlite://",
                                 "sqlite:///:memory:", "sqlite:////proc/1/x/y.sqlite", "nonsense://x"])
def test_only_supported_stores_are_opened(url):
    with pytest.raises(StoreUnavailable):
        build_engine(url)
