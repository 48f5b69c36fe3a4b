"""The iCalendar export: every export is parsed back and expanded as a client would, and must match
the deadline table one for one. Exports are written by `ics_writer` (as the CLI, the TUI and feeds
write them); tests/test_ics_writer.py holds its bytes equal to the icalendar model's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from calendar_support import by_uid, event_keys, expanded, expected_keys, parse
from contract_tracker.calendar.events import AlarmPolicy, clean_text, format_alarms, parse_alarms
from contract_tracker.calendar.feeds import DeadlineFilter, calendar_rows
from contract_tracker.calendar.ics_writer import calendar_bytes
from contract_tracker.calendar.origin import origin_of
from contract_tracker.domain.dates import parse_span
from contract_tracker.enums import DeadlineKind
from contract_tracker.errors import InvalidInput
from contract_tracker.read.stream import standing_of
from contract_tracker.services import (
    ContractFields,
    add_milestone,
    edit_contract,
    edit_milestone,
    get_contract,
    refresh_deadlines,
    register_contract,
)
from contract_tracker.services.demo import WARWICKSHIRE_REFERENCE
from contract_tracker.store.models import Deadline, Milestone

TODAY = date(2026, 11, 22)


def export(store, wanted: DeadlineFilter = DeadlineFilter(), *, as_of: date = TODAY, **options) -> bytes:
    with store.session() as session:
        return calendar_bytes(calendar_rows(session, wanted, as_of=as_of), origin=origin_of(session), **options)


def test_demo_export_matches_the_deadline_table_one_for_one(demo_store):
    body = export(demo_store)
    with demo_store.session() as session:
        expected = expected_keys(session)
        every = session.exec(select(Deadline)).all()
    # Every row but those not yet applying on the day (a re-procurement start for the end a contract
    # reaches only if an option is not taken, before that option's decide-by day has passed), and
    # those that stopped applying more than 90 days before (a later option, lapsed when the one
    # before it passed undecided).
    pending = [row for row in every if row.holds_from is not None and row.holds_from > TODAY]
    assert pending and all(row.kind == "reprocurement start" for row in pending)
    long_stopped = [row for row in every if row.state not in ("cancelled", "lapsed", "superseded")
                    and row.holds_until is not None and row.holds_until < TODAY - timedelta(days=90)]
    assert {row.contract_reference for row in long_stopped} == {"DEMO-HST-2023"}
    events = expanded(body)
    assert len(events) == len(every) - len(pending) - len(long_stopped) > 30
    assert event_keys(events) == expected


def test_demo_export_has_the_warwickshire_decisions_and_the_contract_end(demo_store):
    body = export(demo_store, DeadlineFilter(contracts=(WARWICKSHIRE_REFERENCE,)))
    shown = {(str(e["SUMMARY"]), e.start) for e in expanded(body)}
    assert ("Extension decision due: option 1, SEND Mediation Services", date(2028, 3, 1)) in shown
    assert ("Extension decision due: option 2, SEND Mediation Services", date(2031, 3, 1)) in shown
    assert ("Contract ends, SEND Mediation Services", date(2028, 8, 31)) in shown


def test_every_kind_in_the_table_reaches_the_calendar(demo_store):
    """Statutory notices (UK7, UK11) from the planning module appear the moment they are in the table."""
    body = export(demo_store)
    with demo_store.session() as session:
        kinds = set(session.exec(select(Deadline.kind)).all())
    categories = {str(e["CATEGORIES"].cats[0]) for e in parse(body).walk("VEVENT")}
    assert categories == kinds
    assert {DeadlineKind.EXTENSION_DECISION.value, DeadlineKind.CONTRACT_END.value} <= categories


def test_days_are_all_day_events_and_spans_run_over_several_days(demo_store):
    body = export(demo_store, DeadlineFilter(contracts=(WARWICKSHIRE_REFERENCE,)))
    text = body.decode()
    assert "DTSTART;VALUE=DATE:20280301\r\nDTEND;VALUE=DATE:20280302\r\n" in text  # option 1 decision
    mobilisation = next(e for e in expanded(body) if str(e["SUMMARY"]).startswith("Done: Mobilisation period"))
    assert (mobilisation.start, mobilisation.end) == (date(2025, 7, 1), date(2025, 9, 1))  # July/August 2025
    assert "DTSTART:" not in text and "VTIMEZONE" not in text  # days, not instants


def test_calendar_properties_name_and_refresh(demo_store):
    body = export(demo_store, name="SEND; commissioning, team", refresh=timedelta(hours=6))
    calendar = parse(body)
    assert str(calendar["X-WR-CALNAME"]) == "SEND; commissioning, team"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=6)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in body.decode()
    assert "X-PUBLISHED-TTL:PT6H\r\n" in body.decode()
    assert str(calendar["VERSION"]) == "2.0" and "contract-tracker" in str(calendar["PRODID"])
    for event in calendar.walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "SUMMARY", "DESCRIPTION", "CATEGORIES"):
            assert name in event, name


def test_description_says_what_to_do_and_gives_the_facts(demo_store):
    body = export(demo_store, DeadlineFilter(contracts=(WARWICKSHIRE_REFERENCE,), kinds=("extension decision",)))
    first = expanded(body)[0]
    description = str(first["DESCRIPTION"])
    assert description.startswith("Decide whether to extend by 3 years")
    assert "Contract: WCC-SEND-MED-2025, SEND Mediation Services" in description
    assert "Due: 1 Mar 2028" in description and "State: open" in description
    assert str(first["CATEGORIES"].cats[0]) == "extension decision"


def _triggers(event) -> list[timedelta]:
    return [alarm["TRIGGER"].dt for alarm in event.walk("VALARM")]


def _day_triggers(*days: int) -> list[timedelta]:
    return [timedelta(days=-d, hours=9) for d in days]


def test_default_reminders_by_kind_and_none_on_settled_deadlines(demo_store):
    events = list(parse(export(demo_store, DeadlineFilter(contracts=(WARWICKSHIRE_REFERENCE,)))).walk("VEVENT"))
    decision = next(e for e in events if "option 1" in str(e["SUMMARY"]))
    assert _triggers(decision) == _day_triggers(90, 30, 7, 1)
    milestone = next(e for e in events if str(e["SUMMARY"]).startswith("End of contract"))
    assert _triggers(milestone) == _day_triggers(7, 1)
    for done in (e for e in events if str(e["SUMMARY"]).startswith("Done: ")):
        assert _triggers(done) == []
    assert all(alarm["ACTION"] == "DISPLAY" for e in events for alarm in e.walk("VALARM"))


def test_break_notice_gets_the_long_reminders(demo_store):
    wanted = DeadlineFilter(contracts=("DEMO-SL-2026",), kinds=("break notice",))
    events = parse(export(demo_store, wanted)).walk("VEVENT")
    assert len(events) == 1
    assert _triggers(events[0]) == _day_triggers(90, 30, 7, 1)


@pytest.mark.parametrize("setting, expected", [("30d,7d", (30, 7)), ("none", ())])
def test_reminders_can_be_overridden(demo_store, setting, expected):
    policy = AlarmPolicy(override=parse_alarms(setting))
    wanted = DeadlineFilter(contracts=(WARWICKSHIRE_REFERENCE,))
    events = parse(export(demo_store, wanted, alarms=policy)).walk("VEVENT")
    decision = next(e for e in events if "option 1" in str(e["SUMMARY"]))
    assert _triggers(decision) == _day_triggers(*expected)


@pytest.mark.parametrize("text, days", [
    ("90d,30d,7d", (90, 30, 7)), ("1d, 2w", (14, 1)), ("7 days,7d", (7,)), ("none", ()), ("", None), (None, None),
])
def test_parse_alarms(text, days):
    assert parse_alarms(text) == days


@pytest.mark.parametrize("text", ["3m", "7", "d", "-1d", "1y", "99999d", "7d;1d"])
def test_parse_alarms_refuses_what_a_calendar_cannot_do(text):
    with pytest.raises(InvalidInput):
        parse_alarms(text)


def test_format_alarms_round_trips():
    assert parse_alarms(format_alarms((30, 7))) == (30, 7)
    assert format_alarms(()) == "none" and format_alarms(None) == "default"


def test_same_register_gives_the_same_bytes(demo_store):
    """No clock and no random UID in the output: a feed's ETag only changes when the register does."""
    assert export(demo_store) == export(demo_store)


def test_date_range_filter_matches_what_a_client_shows_in_that_range(demo_store):
    start, end = date(2025, 8, 1), date(2028, 3, 31)
    wanted = DeadlineFilter(start=start, end=end)
    body = export(demo_store, wanted)
    with demo_store.session() as session:
        expected = expected_keys(session, wanted)
        everything = expected_keys(session)
    assert event_keys(expanded(body, start, end + timedelta(days=1))) == expected
    assert 0 < len(expected) < len(everything)
    # the July/August 2025 span touches the range and is kept
    assert any(key[3].startswith("Done: Mobilisation period") for key in expected)


def test_kind_and_owner_filters(demo_store):
    wanted = DeadlineFilter(kinds=("extension decision", "break notice"), owner="Head of Commissioning, Adults")
    body = export(demo_store, wanted)
    events = expanded(body)
    assert {str(e["CATEGORIES"].cats[0]) for e in events} == {"extension decision", "break notice"}
    assert all("DEMO-SL-2026" in str(e["DESCRIPTION"]) for e in events)
    with demo_store.session() as session:
        assert event_keys(events) == expected_keys(session, wanted)


def test_unknown_kind_is_refused():
    with pytest.raises(InvalidInput, match="not one of"):
        DeadlineFilter(kinds=("lunch",))


INJECTION = "Evil\r\nBEGIN:VEVENT\r\nUID:injected\r\nSUMMARY:pwned\r\nEND:VEVENT\r\nX"


def _register(session, reference: str, title: str, **extra):
    """A contract whose text holds line breaks and control characters. The services refuse those
    now (limits.clean_text), so they are written straight onto the rows, as a register made by an
    earlier version, or changed outside the tool, may hold them: the calendar must still keep each
    inside its property."""
    hostile = {"title": title, **{name: extra.pop(name) for name in ("service_area", "owner_role") if name in extra}}
    contract = register_contract(session, ContractFields(
        reference=reference, title="placeholder", start_date=date(2026, 1, 1), initial_term="2y", options=["1y"],
        owner_role="Head of Procurement", **extra,
    ), actor="test officer")
    for name, value in hostile.items():
        setattr(contract, name, value)
    session.add(contract)
    refresh_deadlines(session, contract)
    return contract


def test_regression_crlf_begin_vevent_in_a_title_cannot_inject_an_event(store):
    with store.session() as session:
        _register(session, "INJ-1", INJECTION, service_area="Legal;\nBEGIN:VALARM", owner_role="Boss\rEND:VCALENDAR")
        step = add_milestone(session, "INJ-1", kind="other", name="Step", due=parse_span("2026-06-01"),
                             actor="test officer")
        step.name = "Step\nBEGIN:VEVENT\nUID:x"  # behind the services' back, as _register does
        session.add(step)
        refresh_deadlines(session, get_contract(session, "INJ-1"))
        table = [row for row in session.exec(select(Deadline)) if standing_of(row, TODAY) != "pending"]
        rows = len(table)
        alarms = sum(len(AlarmPolicy().days_for(row.kind)) for row in table if standing_of(row, TODAY).is_open)
    body = export(store, name=INJECTION)
    lines = body.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == rows == 5  # decision, end, re-procurement, UK11, milestone
    assert lines.count(b"BEGIN:VCALENDAR") == 1 and lines.count(b"END:VCALENDAR") == 1
    assert lines.count(b"BEGIN:VALARM") == alarms  # none from "BEGIN:VALARM" in the service area
    assert not any(line.startswith((b"UID:injected", b"SUMMARY:pwned")) for line in lines)
    calendar = parse(body)
    assert len(calendar.walk("VCALENDAR")) == 1
    with store.session() as session:
        assert event_keys(expanded(body)) == expected_keys(session)
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert "Contract ends, Evil BEGIN:VEVENT UID:injected SUMMARY:pwned END:VEVENT X" in summaries
    assert "injected" not in {str(e["UID"]) for e in calendar.walk("VEVENT")}


@pytest.mark.parametrize("bad", ["a\rBEGIN:VEVENT", "a\nBEGIN:VEVENT", "a\u2028BEGIN:VEVENT", "a\x01b\x0bc\x1b",
                                 "semi;colon,comma\\backslash:colon"])
def test_regression_any_line_break_or_control_character_stays_inside_its_property(store, bad):
    with store.session() as session:
        _register(session, "INJ-2", bad)
    body = export(store)
    assert body.split(b"\r\n").count(b"BEGIN:VEVENT") == 4  # decision, end, re-procurement, UK11
    assert not any(0 < byte < 32 and byte not in (9, 10, 13) for byte in body)
    with store.session() as session:
        assert event_keys(expanded(body)) == expected_keys(session)
    summary = str(parse(body).walk("VEVENT")[0]["SUMMARY"])
    assert summary.endswith(" ".join(clean_text(bad).split()))


def test_uids_hold_across_edits_and_sequence_grows_on_the_edited_deadline(demo_store):
    before = by_uid(export(demo_store))
    with demo_store.session() as session:
        milestone = session.exec(
            select(Milestone).where(Milestone.name == "End of contract (with an option to extend)")).one()
        contract_id = milestone.contract_id
        edit_milestone(session, WARWICKSHIRE_REFERENCE, milestone.id, {"due": parse_span("2028-08-30")},
                       actor="test officer")
        edit_contract(session, "DEMO-LIB-2022", {"description": "An unrelated edit."}, actor="test officer")
        edited_uid = origin_of(session).uid(contract_id, "milestone", milestone.id)
    after = by_uid(export(demo_store))
    assert set(after) == set(before)
    changed = {uid for uid in after if after[uid].to_ical() != before[uid].to_ical()}
    assert changed == {edited_uid}
    # An edit adds two to the calendar's SEQUENCE (twice the row's, so that a day that closes a
    # deadline's window can add one without an edit: stream.calendar_sequence_sql).
    assert int(after[edited_uid]["SEQUENCE"]) == int(before[edited_uid]["SEQUENCE"]) + 2
    assert after[edited_uid].start == date(2028, 8, 30)
    assert after[edited_uid]["LAST-MODIFIED"].dt >= before[edited_uid]["LAST-MODIFIED"].dt


def test_a_retitled_contract_updates_its_events_in_place(demo_store):
    wanted = DeadlineFilter(contracts=("DEMO-SL-2026",))
    before = by_uid(export(demo_store, wanted))
    with demo_store.session() as session:
        edit_contract(session, "DEMO-SL-2026", {"title": "Supported living (young adults)"}, actor="test officer")
    after = by_uid(export(demo_store, wanted))
    assert set(after) == set(before)
    for uid, event in after.items():
        assert str(event["SUMMARY"]).endswith(", Supported living (young adults)")
        assert int(event["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 2
