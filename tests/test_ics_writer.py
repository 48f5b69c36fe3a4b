"""The streaming calendar writer gives exactly icalendar's bytes.

`ics_writer` writes events as text for speed; `calendar.build_calendar(...).to_ical()` (the
icalendar object model) is the reference. Any difference, a single octet, fails these tests:
over the demo register with every reminder policy and state, and over generated rows whose texts
hold what breaks hand-written iCalendar (escapes, line breaks, control and multi-byte characters,
lines long enough to fold many times)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from icalendar import vText
from icalendar.parser import _foldline

from calendar_support import event_keys, expanded, expected_keys, parse
from contract_tracker.calendar import (
    _UID_NAMESPACE,
    AlarmPolicy,
    build_calendar,
    event_for,
    event_uid,
    summary_of,
    to_ics,
)
from contract_tracker.enums import DeadlineKind, Standing
from contract_tracker.feeds import CalendarRow, DeadlineFilter, calendar_rows, matching_deadlines
from contract_tracker.ics_writer import calendar_bytes, escape_text, event_bytes, fold, write_calendar

POLICIES = {
    "defaults": AlarmPolicy(),
    "override": AlarmPolicy(override=(365, 90, 14, 1, 0)),
    "none": AlarmPolicy(override=()),
}
STATES = [standing.value for standing in Standing]
TODAY = date(2026, 11, 22)


def reference(rows, **options) -> bytes:
    return to_ics(build_calendar(rows, **options))


@pytest.mark.parametrize("policy", POLICIES)
def test_demo_register_gives_icalendars_bytes_for_every_reminder_policy(demo_store, policy):
    options = dict(alarms=POLICIES[policy], name="SEND; commissioning, team", refresh=timedelta(hours=6),
                   uid_seed="feed-7")
    with demo_store.session() as session:
        orm_rows = matching_deadlines(session, DeadlineFilter(), as_of=TODAY)
        plain_rows = list(calendar_rows(session, DeadlineFilter(), as_of=TODAY))
        expected = expected_keys(session)
    assert len(plain_rows) == len(orm_rows) > 30
    body = calendar_bytes(plain_rows, **options)
    assert body == reference(orm_rows, **options)
    assert calendar_bytes(orm_rows, **options) == body
    assert event_keys(expanded(body)) == expected


def test_demo_has_spans_and_reminders(demo_store):
    """What the byte-for-byte test above covers: multi-day events, and events with and without alarms."""
    with demo_store.session() as session:
        rows = list(calendar_rows(session, DeadlineFilter(), as_of=TODAY))
    assert any(row.start_date and row.start_date < row.due_date for row in rows)
    assert {"open", "done", "cancelled"} <= {row.state for row in rows}
    body = calendar_bytes(rows)
    assert body.count(b"BEGIN:VALARM") > len(rows) and b"\r\n " in body  # reminders, and folded lines


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("policy", POLICIES)
def test_every_state_gives_icalendars_bytes(demo_store, state, policy):
    with demo_store.session() as session:
        rows = [row._replace(state=state) for row in calendar_rows(session, DeadlineFilter(), as_of=TODAY)]
    body = calendar_bytes(rows, alarms=POLICIES[policy])
    assert body == reference(rows, alarms=POLICIES[policy])
    alarms = body.count(b"BEGIN:VALARM")
    assert (alarms > 0) == (Standing(state).is_open and policy != "none")
    assert (b"STATUS:CANCELLED" in body) == Standing(state).stopped


def test_the_file_is_written_in_pieces_not_held_whole(demo_store):
    pieces: list[bytes] = []
    with demo_store.session() as session:
        events = write_calendar(pieces.append, calendar_rows(session, DeadlineFilter(), as_of=TODAY))
    assert len(pieces) == events + 2  # the calendar's head, one piece per event, its end
    assert pieces[-1] == b"END:VCALENDAR\r\n" and pieces[1].startswith(b"BEGIN:VEVENT\r\n")


def test_an_empty_selection_is_an_empty_calendar():
    assert calendar_bytes([], name="Nothing") == reference([], name="Nothing")
    assert parse(calendar_bytes([])).walk("VEVENT") == []


# Generated rows ----------------------------------------------------------------------------------

awkward_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\\;,:^\"\n\r\t \u2028\u2029\x85\x00\x01\x1b\x7f\u00a0\u200b\ufeff")),
        st.sampled_from(list("£é–—…€ßñ中文字😀𝄞🇬🇧")),  # two, three and four octets
        st.characters(),  # anything, surrogates included (clean_text drops them)
        st.characters(max_codepoint=127),
    ),
    max_size=300,
)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
moments = st.one_of(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),  # naive, as SQLite gives
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1),
                 timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))])),
)


@st.composite
def rows(draw) -> CalendarRow:
    due = draw(days)
    span = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=400)))
    return CalendarRow(
        contract_id=draw(st.integers(min_value=1, max_value=10**9)),
        kind=draw(st.sampled_from([kind.value for kind in DeadlineKind])),
        ordinal=draw(st.integers(min_value=0, max_value=10**6)),
        start_date=None if span is None else due - timedelta(days=span),
        due_date=due,
        state=draw(st.sampled_from(STATES)),
        title=draw(awkward_text),
        action=draw(awkward_text),
        owner=draw(st.one_of(st.just(""), awkward_text)),
        contract_reference=draw(awkward_text),
        contract_title=draw(awkward_text),
        service_area=draw(st.one_of(st.just(""), awkward_text)),
        sequence=draw(st.integers(min_value=0, max_value=10**6)),
        updated_at=draw(moments),
    )


policies = st.one_of(
    st.just(AlarmPolicy()),
    st.lists(st.integers(min_value=0, max_value=3650), max_size=5, unique=True).map(
        lambda days: AlarmPolicy(override=tuple(sorted(days, reverse=True)))),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows(), policies)
@example(CalendarRow(1, "milestone", 0, None, date(2026, 1, 1), "open", "x" * 61 + "\\;" + "é" * 40 + "😀" * 30,
                     "", "", "R", "T" * 200 + "^", "", 0, datetime(2026, 1, 1)), AlarmPolicy())
def test_any_row_gives_icalendars_bytes(row, policy):
    assert event_bytes(row, policy) == event_for(row, policy).to_ical()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), max_size=6), policies, awkward_text)
@example([CalendarRow(1, "milestone", 0, None, date(2026, 1, 1), "open", "a\\Nb", "", "", "R", "\\N", "", 0,
                      datetime(2026, 1, 1))], AlarmPolicy(), "x")
def test_any_calendar_gives_icalendars_bytes_and_reads_back(rows_, policy, name):
    body = calendar_bytes(rows_, alarms=policy, name=name or "x")
    assert body == reference(rows_, alarms=policy, name=name or "x")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    body.decode("utf-8")  # never a character cut in two
    events = parse(body).walk("VEVENT")
    # icalendar's TEXT escaping, which the writer follows byte for byte, takes a literal "\\N" for
    # an escaped line break: it reads back as one.
    assert [str(event["SUMMARY"]) for event in events] == [summary_of(row).replace("\\N", "\n") for row in rows_]
    assert [str(event["UID"]) for event in events] == [event_uid(r.contract_id, r.kind, r.ordinal) for r in rows_]


@given(st.text(alphabet=st.one_of(st.sampled_from(list("\\^ab")), st.characters(blacklist_categories=("Cs",))),
               max_size=400).map(lambda text: text.replace("\n", "").replace("\r", "")))
@example("a" * 73 + "\\n" + "b" * 200)
@example("a" * 72 + "é" + "\\" * 80)
@example("\\" * 300)
@example("^" * 200)
def test_fold_is_icalendars_fold(line):
    assert fold(line.encode()) == _foldline(line).encode()


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([k.value for k in DeadlineKind] + ["é😀"]),
       st.integers(min_value=0, max_value=10**9))
def test_event_uid_is_a_uuid5_of_the_deadlines_identity(contract_id, kind, ordinal):
    name = "deadline\x1f" + f"{contract_id}\x1f{kind}\x1f{ordinal}"
    assert event_uid(contract_id, kind, ordinal) == f"{uuid.uuid5(_UID_NAMESPACE, name)}@contract-tracker"


@given(st.text(alphabet=st.sampled_from(["a", "é", "\\", "N", "n", ";", ",", "\r", "\n", " ", ":"]), max_size=30))
def test_text_escaping_matches_icalendars_vtext(text):
    """The writer's own TEXT escaping gives what icalendar's public vText writes."""
    assert escape_text(text).encode() == vText(text).to_ical()
