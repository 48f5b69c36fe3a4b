"""The authority's notices in the one deadline stream: reports, calendars, feeds, done with a note,
kept current as contracts change; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from icalendar import Calendar
from sqlmodel import select

from contract_tracker.calendar.events import AlarmPolicy, Origin
from contract_tracker.calendar.feeds import DeadlineFilter, calendar_rows
from contract_tracker.calendar.ics_writer import write_calendar
from contract_tracker.calendar.origin import origin_of
from contract_tracker.enums import DeadlineKind, Standing
from contract_tracker.errors import InvalidInput, NotFound
from contract_tracker.read.reports import Filters, overdue_report, upcoming_report, window
from contract_tracker.read.stream import standing_of
from contract_tracker.services import ContractFields, edit_contract, register_contract
from contract_tracker.services.authority import set_authority
from contract_tracker.services.integrity import check_store
from contract_tracker.services.notices import (
    authority_rows,
    keep_notices_current,
    record_notice_done,
    refresh_authority_notices,
    reopen_notice,
)
from contract_tracker.store.models import Deadline

TODAY = date(2026, 12, 3)
UK8, UK9 = DeadlineKind.UK8_DUE.value, DeadlineKind.UK9_DUE.value


def add(session, reference: str, **fields):
    values = {"title": f"Service {reference}", "start_date": date(2025, 10, 1), "initial_term": "3y",
              "regime": "PA2023", "annual_value": Decimal("20000"), "whole_life_value": Decimal("60000"),
              "owner_role": "Head of Service", "service_area": "Libraries", **fields}
    return register_contract(session, ContractFields(reference=reference, **values), actor="officer")


def rows_of(session, kind: str) -> list[Deadline]:
    return [row for row in authority_rows(session) if row.kind == kind]


@pytest.fixture
def register(store):
    """Two PA 2023 contracts, one of £6m, with the notices worked out as of TODAY."""
    with store.session() as session:
        add(session, "LIB-1")
        add(session, "BIG-1", whole_life_value=Decimal("6000000"), annual_value=Decimal("2000000"))
        keep_notices_current(session, TODAY)
    return store


def test_notices_are_rows_of_the_stream(register):
    with register.session() as session:
        uk8 = rows_of(session, UK8)
        assert [row.due_date for row in uk8][:3] == [date(2026, 4, 29), date(2026, 10, 29), date(2027, 4, 29)]
        assert all(row.contract_id is None and row.contract_reference == "" for row in uk8)
        assert uk8[0].contract_title == "The authority"
        uk9 = rows_of(session, UK9)
        assert {row.contract_reference for row in uk9} == {"BIG-1"}
        assert all(row.contract_id is not None and row.service_area == "Libraries" for row in uk9)
        assert [row.due_date for row in uk9] == [date(2026, 9, 30), date(2027, 9, 30), date(2028, 9, 30)]


def test_upcoming_and_overdue_reports_carry_them(register):
    with register.session() as session:
        upcoming = upcoming_report(session, as_of=TODAY, win=window(TODAY, "6m"), filters=Filters(kinds=(UK8,)))
        assert [(r["due_date"], r["reference"]) for r in upcoming.rows] == [("2027-04-29", "")]
        overdue = overdue_report(session, as_of=TODAY, filters=Filters())
        assert {(r["kind"], r["due_date"]) for r in overdue.rows} >= {
            (UK8, "2026-04-29"), (UK8, "2026-10-29"), (UK9, "2026-09-30")}


def test_done_with_a_date_and_a_note_and_reopened(register):
    with register.session() as session:
        row = record_notice_done(session, "uk8 2025/26-h2", done_on=date(2026, 4, 20), today=TODAY,
                                 note="Published on Find a Tender", actor="officer")
        assert standing_of(row, TODAY) == Standing.DONE
        assert "Published 20 Apr 2026: Published on Find a Tender" in row.action
    with register.session() as session:
        overdue = overdue_report(session, as_of=TODAY, filters=Filters(kinds=(UK8,)))
        assert [r["due_date"] for r in overdue.rows] == ["2026-10-29"]
        # A contract's change works the notices out again: the record stands.
        edit_contract(session, "LIB-1", {"title": "Libraries renamed"}, actor="officer")
        assert standing_of(rows_of(session, UK8)[0], TODAY) == Standing.DONE
    with register.session() as session:
        reopen_notice(session, "UK8 2025/26-H2", today=TODAY, actor="officer")
        assert standing_of(rows_of(session, UK8)[0], TODAY) == Standing.OVERDUE


def test_bad_done_is_refused(register):
    with register.session() as session:
        with pytest.raises(NotFound, match="no authority notice 'UK8 2040/41-H1'"):
            record_notice_done(session, "UK8 2040/41-H1", done_on=TODAY, today=TODAY, actor="officer")
        with pytest.raises(InvalidInput, match="in the future"):
            record_notice_done(session, "UK8 2025/26-H2", done_on=date(2027, 1, 1), today=TODAY, actor="officer")
        with pytest.raises(InvalidInput, match="not recorded done"):
            reopen_notice(session, "UK8 2025/26-H2", today=TODAY, actor="officer")


def test_a_contracts_change_keeps_the_notices_in_step(register):
    with register.session() as session:
        first = {(row.kind, row.ordinal): row.id for row in rows_of(session, UK9)}
        edit_contract(session, "BIG-1", {"owner_role": "Director"}, actor="officer")
        uk9 = rows_of(session, UK9)
        assert {(row.kind, row.ordinal): row.id for row in uk9} == first  # identities kept
        assert {row.owner for row in uk9} == {"Director"}
        # Light-touch: no UK9; its rows are kept as superseded, for the calendars that showed them.
        edit_contract(session, "BIG-1", {"light_touch": True}, actor="officer")
        assert rows_of(session, UK9) == []
        states = session.exec(select(Deadline.state).where(Deadline.kind == UK9)).all()
        assert set(states) == {"superseded"}
        # Away from PA 2023: no contract is live under it any more, so no UK8 either.
        edit_contract(session, "LIB-1", {"regime": "PCR2015"}, actor="officer")
        edit_contract(session, "BIG-1", {"regime": "PCR2015"}, actor="officer")
        assert rows_of(session, UK8) == []


def test_settings_change_the_notices(register):
    with register.session() as session:
        set_authority(session, actor="officer", today=TODAY, name="Warwickshire County Council",
                      expected_spend="£150,000,000", opt_outs=["UK8 due"])
        assert rows_of(session, UK8) == []
        uk1 = rows_of(session, DeadlineKind.UK1_DUE.value)
        assert [(row.start_date, row.due_date) for row in uk1] == [
            (date(2026, 4, 1), date(2026, 5, 26)), (date(2027, 4, 1), date(2027, 5, 26))]
        assert uk1[0].contract_title == "Warwickshire County Council"


def test_the_store_stays_sound(register):
    report = check_store(register.engine, as_of=TODAY)
    assert report.ok, report.findings


def test_calendar_and_feed_select_them_by_kind(register):
    with register.session() as session:
        rows = list(calendar_rows(session, DeadlineFilter(kinds=("uk8 due",)), as_of=TODAY))
        assert {row.kind for row in rows} == {UK8} and all(row.contract_id is None for row in rows)
        origin = origin_of(session, "https://intranet.example/contracts/{reference}")
        chunks: list[bytes] = []
        write_calendar(chunks.append, iter(rows), origin=origin, name="Notices", description="",
                       alarms=AlarmPolicy())
    events = Calendar.from_ical(b"".join(chunks)).walk("VEVENT")
    assert len(events) == len(rows)
    first = events[0]
    assert str(first["SUMMARY"]).endswith("The authority")
    assert "Notice of: The authority" in str(first["DESCRIPTION"])
    assert "URL" not in first  # the authority's own notice has no contract page
    uids = {str(event["UID"]) for event in events}
    assert len(uids) == len(events)
    with register.session() as session:  # worked out again: the same UIDs
        refresh_authority_notices(session, today=TODAY)
        again = list(calendar_rows(session, DeadlineFilter(kinds=("UK8 due",)), as_of=TODAY))
        assert {origin.uid(r.contract_id, r.kind, r.ordinal) for r in again} == uids
        assert isinstance(origin, Origin)


def test_cli_notices_done_and_reports(cli):
    cli("contract", "add", "--ref", "T-1", "--title", "Test service", "--start", "2025-10-01", "--term", "3y",
        "--regime", "PA2023", "--annual-value", "£40,000", today="2026-12-03")
    listed = json.loads(cli("authority", "notices", "--format", "json", today="2026-12-03").stdout)
    names = [n["notice"] for n in listed["notices"]]
    assert names[:3] == ["s.70 2025/26-Q3", "UK8 2025/26-H2", "s.70 2025/26-Q4"]
    assert listed["notices"][0]["standing"] == "overdue"
    result = cli("authority", "done", "UK8 2025/26-H2", "--on", "2026-04-28", "--note", "FTS ref 123",
                 today="2026-12-03")
    assert result.exit_code == 0, result.output
    overdue = json.loads(cli("report", "overdue", "--kind", "UK8 due", "--format", "json", today="2026-12-03").stdout)
    assert [row["due_date"] for row in overdue["rows"]] == ["2026-10-29"]
    bad = cli("authority", "done", "UK8 1999/00-H1", today="2026-12-03")
    assert bad.exit_code == 2 and "no authority notice" in bad.stderr


def test_obligations_of_a_year_on_both_databases(register):
    from contract_tracker.domain.dates import Span
    from contract_tracker.domain.finance import FinancialYear
    from contract_tracker.read.reports import obligations_report
    from contract_tracker.services import add_milestone

    with register.session() as session:
        add_milestone(session, "LIB-1", kind="itt publication", name="Publish the tender notice",
                      due=Span(date(2026, 6, 1), date(2026, 6, 1)), actor="officer")
        add_milestone(session, "LIB-1", kind="market engagement", name="Not a notice",
                      due=Span(date(2026, 6, 2), date(2026, 6, 2)), actor="officer")
        record_notice_done(session, "UK8 2025/26-H2", done_on=date(2026, 4, 28), today=TODAY, actor="officer")
        report = obligations_report(session, as_of=TODAY, fy=FinancialYear(2026), filters=Filters())
    found = [(r["due_date"], r["notice"], r["state"], r["reference"]) for r in report.rows]
    assert ("2026-04-29", "UK8", "done", "") in found
    assert ("2026-06-01", "UK4", "overdue", "LIB-1") in found
    assert ("2026-09-30", "UK9", "overdue", "BIG-1") in found
    assert all(r["title"] != "Not a notice" for r in report.rows)
    assert all("2026-04-01" <= r["due_date"] <= "2027-03-31" for r in report.rows)


def test_a_bulk_load_brings_the_notices_along(store):
    from contract_tracker.services.bulk_load import BulkContract, bulk_load

    with store.session() as session:
        keep_notices_current(session, TODAY)  # worked out once, as of a day: nothing to show yet
        assert authority_rows(session) == []
    fields = ContractFields(reference="BULK-1", title="Bulk", start_date=date(2025, 10, 1), initial_term="2y",
                            regime="PA2023", annual_value=Decimal("50000"))
    bulk_load(store, [BulkContract(contract=fields)], actor="officer")
    with store.session() as session:
        kinds = {row.kind for row in authority_rows(session)}
        assert kinds == {UK8, DeadlineKind.PAYMENTS_DUE.value}


def test_db_check_finds_and_repairs_notices_edited_behind_its_back(register):
    with register.session() as session:
        row = rows_of(session, UK8)[0]
        row.due_date = date(2026, 5, 30)
        session.add(row)
    report = check_store(register.engine)
    assert report.findings == ["the authority's notices are not current: not current: UK8 2025/26-H2"]
    repaired = check_store(register.engine, repair=True)
    assert repaired.repaired == 1
    assert check_store(register.engine).ok
    with register.session() as session:
        assert rows_of(session, UK8)[0].due_date == date(2026, 4, 29)


def test_the_uk1_notice_says_what_to_publish_and_follows_any_contracts_change(register):
    """The UK1 description lists what `report pipeline --uk1` lists (count, first references, the
    command); a PCR 2015 contract's change alters it at once, so the store stays sound."""
    from contract_tracker.domain.authority_notices import PIPELINE_COMMAND
    from contract_tracker.read.reports import pipeline_report
    from contract_tracker.read.reports.pipeline import UK1_THRESHOLD

    uk1_kind = DeadlineKind.UK1_DUE.value
    with register.session() as session:
        add(session, "PCR-1", regime="PCR2015", start_date=date(2024, 1, 1), whole_life_value=Decimal("3000000"))
        set_authority(session, actor="officer", today=TODAY, expected_spend="£150,000,000")
        listed = pipeline_report(session, as_of=TODAY, win=window(TODAY, "18m"), filters=Filters(),
                                 over=UK1_THRESHOLD).rows
        assert [row["reference"] for row in listed] == ["PCR-1", "BIG-1"]
        uk1 = rows_of(session, uk1_kind)
        assert len(uk1) == 2
        for row in uk1:
            assert ("2 contracts over £2 million to start in the next 18 months, PCR-1, BIG-1; "
                    f"the full list: `{PIPELINE_COMMAND}`.") in row.action
        edit_contract(session, "PCR-1", {"whole_life_value": Decimal("1500000")}, actor="officer")
        assert all("1 contract over £2 million to start in the next 18 months, BIG-1;" in row.action
                   for row in rows_of(session, uk1_kind))
        record_notice_done(session, "UK1 2026/27", done_on=date(2026, 5, 20), today=TODAY, actor="officer")
        done, still_open = rows_of(session, uk1_kind)
        assert "BIG-1" not in done.action and "Published 20 May 2026." in done.action
        assert "BIG-1" in still_open.action
    assert check_store(register.engine, as_of=TODAY).ok
    with register.session() as session:  # what reaches calendars: the event's description
        rows = list(calendar_rows(session, DeadlineFilter(kinds=(uk1_kind,)), as_of=TODAY))
        chunks: list[bytes] = []
        write_calendar(chunks.append, iter(rows), origin=origin_of(session), name="UK1", description="",
                       alarms=AlarmPolicy())
    descriptions = [str(event["DESCRIPTION"]) for event in Calendar.from_ical(b"".join(chunks)).walk("VEVENT")]
    assert any("BIG-1" in text and PIPELINE_COMMAND in text for text in descriptions), descriptions
