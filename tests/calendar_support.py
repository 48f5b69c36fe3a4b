"""Reading calendars back the way a calendar app would, and what they should contain."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import recurring_ical_events

from contract_tracker.calendar.events import summary_of
from contract_tracker.calendar.feeds import DeadlineFilter, matching_deadlines
from contract_tracker.calendar.origin import origin_of

WIDE = (date(2000, 1, 1), date(2100, 1, 1))


def parse(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def expanded(body: bytes, start: date = WIDE[0], end: date = WIDE[1]) -> list[icalendar.Event]:
    """The events a client shows between `start` and `end` (recurrences expanded)."""
    return list(recurring_ical_events.of(parse(body)).between(start, end))


def event_keys(events) -> list[tuple[str, date, date, str]]:
    return sorted((str(e["UID"]), e.start, e.end, str(e["SUMMARY"])) for e in events)


def expected_keys(session, wanted: DeadlineFilter = DeadlineFilter(), *,
                  as_of: date = date(2026, 11, 22)) -> list[tuple[str, date, date, str]]:
    """One entry per deadline row the filter selects on `as_of`: the contract the export must honour."""
    origin = origin_of(session)
    return sorted(
        (origin.uid(row.contract_id, row.kind, row.ordinal), row.start_date or row.due_date,
         row.due_date + timedelta(days=1), summary_of(row))
        for row in matching_deadlines(session, wanted, as_of=as_of)
    )


def by_uid(body: bytes) -> dict[str, icalendar.Event]:
    events = parse(body).walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)), "duplicate UIDs"
    return {str(e["UID"]): e for e in events}
