"""The reports in-process, on SQLite and PostgreSQL: they agree with the lifecycle engine on
every demo contract across many days, and their queries use the deadline index."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from contract_tracker.domain.lifecycle import final_possible_end, option_windows, reprocurement_start
from contract_tracker.enums import OptionStatus
from contract_tracker.errors import InvalidInput
from contract_tracker.read.reports import (
    Filters,
    decisions_report,
    expiring_report,
    financial_year,
    overdue_report,
    parse_kind,
    pipeline_report,
    upcoming_report,
    window,
)
from contract_tracker.read.reports.upcoming import upcoming_query
from contract_tracker.read.stream import standing_of
from contract_tracker.services.sync import load_snapshot
from contract_tracker.store.models import Contract, Deadline

# Every first of the month from 2024 to 2035, and the days either side of some deadlines.
DAYS = [date(year, month, 1) for year in range(2024, 2036) for month in range(1, 13, 2)] + [
    date(2026, 6, 1), date(2026, 6, 2), date(2028, 3, 1), date(2028, 3, 2), date(2027, 3, 31), date(2027, 4, 1),
]
FOREVER = "30y"


# Month ends, where adding and taking away months does not round-trip (31 Mar - 1m + 1m = 28 Mar),
# and a 29 February: the reports' shortcuts from rows must still give the engine's exact days.
EDGE_CASES = [
    ("EDGE-MAR31", date(2025, 3, 31), "2y", ["1y"], "1m", "1m"),  # ends 30 Mar 2028; 31 Mar - 1m = 29 Feb
    ("EDGE-MAY31", date(2024, 5, 31), "1y", ["1y"], "3m", "3m"),  # ends 30 May 2026; 31 May - 3m = 28 Feb
    ("EDGE-JAN31", date(2024, 1, 31), "1y", ["6m", "6m"], "1m", "13m"),
    ("EDGE-LEAP", date(2024, 2, 29), "3y", ["1y"], "2m", "18m"),
    ("EDGE-AUG30", date(2026, 8, 30), "18m", ["12m", "12m"], "6m", "9m"),
    ("EDGE-WEEKS", date(2025, 5, 31), "2y", ["26w"], "12w", "40w"),
]


@pytest.fixture
def register(demo_store):
    from contract_tracker.services import ContractFields, register_contract

    with demo_store.session() as session:
        for ref, start, term, options, notice, lead in EDGE_CASES:
            register_contract(session, ContractFields(
                reference=ref, title=ref, start_date=start, initial_term=term, options=options,
                decision_notice=notice, reprocurement_lead=lead, whole_life_value=None,
            ), actor="test")
    return demo_store


@pytest.fixture
def lifecycle(register):
    """Each contract's terms, for comparing the reports with the engine."""
    with register.session() as session:
        return {c.reference: (c, load_snapshot(session, c).terms) for c in session.exec(select(Contract))}


def _days_around_ends(lifecycle) -> list[date]:
    """As-of days that put a window edge on, or a day either side of, every final end."""
    out = set(DAYS)
    for _, terms in lifecycle.values():
        for as_of in DAYS[::4]:
            end = final_possible_end(terms, as_of)
            if end is not None:
                for shift in (-1, 0, 1):
                    out.add(end + timedelta(days=shift))
    return sorted(out)


def test_decisions_agree_with_the_lifecycle_engine(register, lifecycle):
    with register.session() as session:
        for as_of in DAYS:
            report = decisions_report(session, as_of=as_of, win=window(as_of, FOREVER), filters=Filters())
            got = {(r["reference"], r["option"], r["decide_by"]) for r in report.rows}
            expected = {
                (ref, w.ordinal, w.decide_by.isoformat())
                for ref, (_, terms) in lifecycle.items()
                for w in option_windows(terms, as_of) if w.status == OptionStatus.AVAILABLE
            }
            assert got == expected, as_of


def test_expiring_agrees_with_final_possible_end(register, lifecycle):
    with register.session() as session:
        for as_of in _days_around_ends(lifecycle):
            for win in (window(as_of, "18m"), window(as_of - timedelta(days=400), "400d")):
                # The second window ends the day before as_of - 400 + 400: its end edge sweeps past
                # every final end too.
                report = expiring_report(session, as_of=as_of, win=win, filters=Filters())
                got = {(r["reference"], r["final_end"], r["reprocurement_start"], tuple(r["options_remaining"]))
                       for r in report.rows}
                expected = set()
                for ref, (_, terms) in lifecycle.items():
                    end = final_possible_end(terms, as_of)
                    if end is not None and win.start <= end <= win.end:
                        remaining = tuple(w.ordinal for w in option_windows(terms, as_of)
                                          if w.status == OptionStatus.AVAILABLE)
                        expected.add((ref, end.isoformat(), reprocurement_start(terms, as_of).isoformat(), remaining))
                assert got == expected, (as_of, win)


def test_pipeline_agrees_with_reprocurement_start(register, lifecycle):
    with register.session() as session:
        for as_of in _days_around_ends(lifecycle):
            win = window(as_of, "36m")
            report = pipeline_report(session, as_of=as_of, win=win, filters=Filters())
            got = {(r["reference"], r["reprocurement_start"]) for r in report.rows}
            expected = set()
            for ref, (contract, terms) in lifecycle.items():
                start, end = reprocurement_start(terms, as_of), final_possible_end(terms, as_of)
                if (start is not None and start <= win.end and end >= as_of and contract.successor_id is None
                        and contract.terminated_on is None and contract.status == "live"):
                    expected.add((ref, start.isoformat()))
            assert got == expected, as_of


def test_overdue_is_exactly_what_stands_overdue(demo_store):
    with demo_store.session() as session:
        every = list(session.exec(select(Deadline)))
        for as_of in DAYS:
            got = {(r["reference"], r["kind"], r["ordinal"]) for r in
                   overdue_report(session, as_of=as_of, filters=Filters()).rows}
            expected = {(d.contract_reference, d.kind, d.ordinal) for d in every
                        if standing_of(d, as_of) == "overdue"}
            assert got == expected, as_of


def test_upcoming_is_the_open_stream_in_the_window(demo_store, today):
    win = window(today, "3y")
    with demo_store.session() as session:
        rows = upcoming_report(session, as_of=today, win=win, filters=Filters(kinds=("contract end",))).rows
    assert [(r["reference"], r["due_date"]) for r in rows] == [
        ("DEMO-HST-2023", "2026-11-30"), ("DEMO-CARERS-2021", "2027-03-31"), ("DEMO-LIB-2022", "2027-06-30"),
        ("DEMO-SL-2026", "2028-03-31"), ("WCC-SEND-MED-2025", "2028-08-31"),
    ]  # not the youth mentoring contract: terminated on 30 Jun 2026, before today


def test_upcoming_query_is_an_index_range_scan(demo_store, today):
    if demo_store.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    query = upcoming_query(as_of=today, win=window(today, "6m"), filters=Filters())
    sql = str(query.compile(demo_store.engine, compile_kwargs={"literal_binds": True}))
    with demo_store.engine.connect() as connection:
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "USING INDEX ix_deadline_due_state (due_date>? AND due_date<?)" in plan, plan


@pytest.mark.parametrize("day, year", [
    (date(2025, 3, 31), "2024/25"), (date(2025, 4, 1), "2025/26"), (date(2026, 1, 1), "2025/26"),
    (date(1999, 4, 1), "1999/00"), (date(2000, 3, 31), "1999/00"),
])
def test_financial_year(day, year):
    assert financial_year(day) == year


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(9998, 12, 31)))
def test_financial_year_runs_1_april_to_31_march(day):
    first = date(int(financial_year(day)[:4]), 4, 1)
    assert first <= day < first.replace(year=first.year + 1)
    assert financial_year(first - timedelta(days=1)) != financial_year(first)


def test_kinds_are_read_as_people_write_them():
    assert parse_kind("Extension-Decision") == "extension decision"
    assert parse_kind("uk7_due") == "UK7 due"
    with pytest.raises(InvalidInput, match="one of: extension decision"):
        parse_kind("renewal")


def test_json_reports_put_each_row_on_its_own_line_and_parse_to_the_same_document():
    from contract_tracker.read.reports.render import json_document

    rows = [{"due_date": "2027-03-01", "title": 'Decide "option" 1, {"due_date": x}\n',
             "owner": "Ana\u00efs \U0001F4C5"},
            {"due_date": "2027-04-01", "title": "rows-0", "owner": None}]
    data = {"report": "upcoming", "filters": {"owner": '"rows-"'}, "count": 2, "rows": rows}
    text = json_document(data)
    assert json.loads(text) == data
    lines = text.splitlines()
    assert [json.loads(line.strip().rstrip(",")) for line in lines if line.startswith("    {")] == rows
    assert "Ana\u00efs" in text  # UTF-8 as it is, not \\u escapes
    assert json.loads(json_document({**data, "rows": []}))["rows"] == []


@pytest.mark.parametrize("rows", [
    [{"due_date": "2027-03-01", "n": 1}, {"due_date": "2027-03-02", "n": 2}, {"due_date": "x", "n": None}],
    [{"due_date": "2027-03-01", "n": [{"due_date": "a"}, {"due_date": "b"}]}, {"due_date": "2027-03-02"}],
    [{"due_date": "2027-03-01"}, {"kind": "break", "due_date": "2027-03-02"}, {}],
    [{"only": "one"}],
], ids=["flat", "nested rows alike", "first keys differ", "one row"])
def test_each_json_row_line_is_that_row_encoded_alone(rows):
    from contract_tracker.read.reports.render import json_document

    lines = [line for line in json_document({"rows": rows}).splitlines() if line.startswith("    ")]
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    assert lines == ["    " + json.dumps(row, **compact) + ("," if n < len(rows) - 1 else "")
                     for n, row in enumerate(rows)]


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_json_written_to_a_stream_is_the_document(encoding):
    import io

    from contract_tracker.read.reports.render import json_document, write_json

    data = {"title": "Café", "rows": [{"owner": "Anaïs", "n": 1}, {"owner": "Zoë", "n": 2}]}
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)
    write_json(data, stream)
    stream.flush()
    assert raw.getvalue().decode(encoding) == json_document(data) + "\n"
    text = io.StringIO()
    write_json(data, text)
    assert text.getvalue() == json_document(data) + "\n"
