"""TEXT in our calendars: escaped as icalendar escapes it (less its one slip), read back exactly by
icalendar, vobject and ical.js's rules, and the whole calendar strictly RFC 5545.

The feed a council would really name `Children's services, SEND; transport` is checked end to end:
strict grammar and structure, then its name and every event's UID, summary, description,
categories and link read back by each parser as the register has them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from icalendar import vText

from calendar_support import parse
from contract_tracker.calendar.events import (
    AlarmPolicy,
    Origin,
    categories_of,
    clean_text,
    description_of,
    summary_of,
)
from contract_tracker.calendar.feeds import CalendarRow, DeadlineFilter, matching_deadlines
from contract_tracker.calendar.ics_text import escape_text
from contract_tracker.calendar.ics_writer import calendar_bytes
from contract_tracker.calendar.origin import origin_of
from contract_tracker.services.feeds import create_feed, render_feed
from contract_tracker.store.models import FeedSubscription
from ical_readers import read_icaljs, read_vobject, rfc5545_problems

COUNCIL_NAME = "Children's services, SEND; transport"
CONTRACT_URL = "https://intranet.example.gov.uk/contracts/{reference}"
ORIGIN = Origin("9d3c1f5e-2b4a-4c6d-8e7f-0a1b2c3d4e5f", contract_url=CONTRACT_URL)
ROW = CalendarRow(7, "milestone", 3, None, date(2027, 3, 1), "open", "Contract review", "Meet the provider.",
                  "Head of SEND", "WCC-SEND-MED-2025", "SEND Mediation Services", "Education: SEND", 2,
                  datetime(2026, 11, 1, 12, 0))

any_text = st.text(alphabet=st.one_of(
    st.sampled_from(list("\\;,:^\"nN\n\r\t \u2028\ufeff")), st.characters(), st.characters(max_codepoint=127)),
    max_size=120)
# what icalendar can encode at all (a lone surrogate is not UTF-8; clean_text drops them before escaping)
encodable_text = any_text.map(lambda text: "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF))

TODAY = date(2026, 11, 22)


@settings(max_examples=500, deadline=None)
@given(encodable_text)
@example("Highways\\North lot")
@example("\ufeffa, b; c\\d\r\ne")
def test_escape_text_is_icalendars_text_escaping_but_for_a_typed_backslash_n(text):
    if "\\N" in text:
        # icalendar reads a typed backslash-N as a line break before it escapes (it would write
        # `Highways\\North lot` as `Highways\north lot`): ours keeps it a backslash and an N
        assert escape_text(text) != vText(text).to_ical().decode()
        assert escape_text(text) == "\\\\N".join(vText(part).to_ical().decode() for part in text.split("\\N"))
    else:
        assert escape_text(text) == vText(text).to_ical().decode()


def test_a_typed_backslash_n_is_written_as_a_backslash_and_an_n():
    assert escape_text("Highways\\North lot, A; B") == "Highways\\\\North lot\\, A\\; B"
    assert escape_text("one\ntwo\r\nthree\rfour") == "one\\ntwo\\nthree\\nfour"


def _read_back(body: bytes):
    """(name, [(uid, summary, description, categories, url)]) as icalendar, vobject and ical.js read them."""
    calendar = parse(body)
    by_icalendar = (str(calendar["X-WR-CALNAME"]), str(calendar["NAME"]), str(calendar["X-WR-CALDESC"]), [
        (str(e["UID"]), str(e["SUMMARY"]), str(e["DESCRIPTION"]), [str(c) for c in e["CATEGORIES"].cats],
         str(e.get("URL", "")), [str(a["DESCRIPTION"]) for a in e.walk("VALARM")])
        for e in calendar.walk("VEVENT")])
    vcal = read_vobject(body)
    by_vobject = (vcal.contents["x-wr-calname"][0].value, vcal.contents["name"][0].value,
                  vcal.contents["x-wr-caldesc"][0].value, [
        (e.uid.value, e.summary.value, e.description.value, e.categories.value,
         e.url.value if "url" in e.contents else "", [a.description.value for a in e.contents.get("valarm", [])])
        for e in vcal.contents.get("vevent", [])])
    icaljs = read_icaljs(body)

    def as_list(value):
        return value if isinstance(value, list) else [value]

    by_icaljs = (icaljs.first("x-wr-calname"), icaljs.first("name"), icaljs.first("x-wr-caldesc"), [
        (e.first("uid"), e.first("summary"), e.first("description"), as_list(e.first("categories")),
         (e.all("url") or [""])[0], [a.first("description") for a in e.walk("valarm")])
        for e in icaljs.walk("vevent")])
    return by_icalendar, by_vobject, by_icaljs


def _expected(rows, name: str, description: str, origin: Origin, alarms: AlarmPolicy = AlarmPolicy()):
    shown = " ".join(clean_text(name).split()) or "Contract deadlines"
    events = []
    for row in rows:
        summary = summary_of(row)
        reminders = [f"{summary}: {'today' if d == 0 else 'tomorrow' if d == 1 else f'in {d} days'}"
                     for d in (alarms.days_for(row.kind) if row.state in ("open", "overdue") else ())]
        events.append((origin.uid(row.contract_id, row.kind, row.ordinal), summary,
                       description_of(row, origin.link(row.contract_reference)), categories_of(row),
                       origin.link(row.contract_reference) or "", reminders))
    return shown, shown, clean_text(description).strip() or "Deadlines from the contract register", events


def _without_alarm_dates(read):
    name, again, description, events = read
    # a reminder's text ends with its date, "(1 Mar 2027)": compared without it
    return name, again, description, [(*event[:5], [text.rsplit(" (", 1)[0] for text in event[5]])
                                      for event in events]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A reference is refused at entry when it holds half a character (limits.clean_text); other text is
# cleaned when the calendar is written.
@given(title=any_text, action=any_text, area=any_text, reference=encodable_text, name=any_text, description=any_text)
@example(title="Highways\\North lot", action="a\\nb", area="Roads, bridges\\", reference="R/1",
         name=COUNCIL_NAME, description="all; of it, really")
@example(title="\ufeffx", action="\ufeff", area="\\,", reference="A\\;B", name="\ufeff\\N", description="\\")
def test_any_text_reads_back_exactly_in_icalendar_vobject_and_icaljs(title, action, area, reference, name,
                                                                     description):
    rows = [ROW._replace(title=title, action=action, service_area=area, contract_reference=reference or "R"),
            ROW._replace(ordinal=4, start_date=date(2027, 1, 1), state="done")]
    body = calendar_bytes(rows, origin=ORIGIN, name=name, description=description or "x")
    assert rfc5545_problems(body) == []
    expected = _expected(rows, name, description or "x", ORIGIN)
    for read in _read_back(body):
        assert _without_alarm_dates(read) == expected


@pytest.fixture
def council_feed(demo_store):
    with demo_store.session() as session:
        created = create_feed(session, name=COUNCIL_NAME, filters=DeadlineFilter(), alarms=None, actor="test officer")
    with demo_store.session() as session:
        feed = session.get(FeedSubscription, created.feed.id)
        body = render_feed(session, feed, as_of=TODAY, contract_url=CONTRACT_URL).body
        rows = matching_deadlines(session, DeadlineFilter(), as_of=TODAY)  # as they stand that day
        origin = origin_of(session, CONTRACT_URL)
    return body, rows, origin


def test_a_feed_named_childrens_services_send_transport_is_strict_rfc5545_and_reads_back_everywhere(council_feed):
    body, rows, origin = council_feed
    assert b"X-WR-CALNAME;VALUE=TEXT:Children's services\\, SEND\\; transport\r\n" in body
    assert b"NAME;VALUE=TEXT:Children's services\\, SEND\\; transport\r\n" in body
    assert rfc5545_problems(body) == []
    expected = _expected(rows, COUNCIL_NAME, "Deadlines from the contract register: all deadlines", origin)
    assert len(expected[3]) == len(rows) > 30
    for read in _read_back(body):
        assert _without_alarm_dates(read) == expected


@pytest.mark.parametrize("broken, problem", [
    (b"X-WR-CALNAME:Children's services, SEND; transport\r\n", "not a TEXT value"),  # defect 1, as it was
    (b"SUMMARY:a\\qb\r\n", "not a TEXT value"),
    (b"X-LONG:" + b"x" * 80 + b"\r\n", "octets"),
    (b"TRIGGER;RELATED=MIDDLE:-P1D\r\n", "not a DURATION"),
    (b"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nEND:VEVENT\r\n", "UID 0 times"),
    (b"X-BAD:a\x01b\r\n", "control character"),
])
def test_the_strict_check_finds_what_breaks_the_rfc(broken, problem):
    body = calendar_bytes([ROW, ROW._replace(ordinal=4, start_date=date(2027, 1, 1))], origin=ORIGIN, name=COUNCIL_NAME)
    assert rfc5545_problems(body) == []
    damaged = body.replace(b"END:VCALENDAR\r\n", broken + b"END:VCALENDAR\r\n")
    assert any(problem in found for found in rfc5545_problems(damaged))
