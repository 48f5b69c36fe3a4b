"""Deadlines as an iCalendar calendar: what each event says, and the icalendar model of it.

`build_calendar` builds the calendar with the icalendar library; it is the reference. Exports and
feeds are written by `ics_writer`, which streams the same bytes without building the object tree
(about 1.5 ms an event here, far too slow for a national register); the tests hold the two equal
byte for byte. Both take their texts (summary, description, reminders) from the functions below.

Every deadline is an all-day event (VALUE=DATE, exclusive DTEND), a span (e.g. "July/August 2025")
is a multi-day event. The UID comes from the deadline's identity, so an edited deadline updates the
event in people's calendars instead of adding a second one; SEQUENCE and LAST-MODIFIED come from the
deadline table, which raises the sequence whenever the date or text changes.

Nothing here reads the clock: the output depends only on the rows given, so the same register always
gives the same bytes (which is what makes a feed's ETag meaningful).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from icalendar import Alarm, Calendar, Event, vDuration

from .dates import describe_span
from .durations import ONE_DAY
from .enums import DeadlineKind, Standing
from .errors import InvalidInput

PRODID = "-//contract-tracker//Contract deadlines//EN"
UID_DOMAIN = "contract-tracker"
# A fixed namespace, so that a deadline's UID is the same in every export and every feed.
_UID_NAMESPACE = uuid.UUID("6f1c7f0e-5b7a-4a51-9d0c-2b1f3e0a7c11")
_UID_NAMESPACE_BYTES = _UID_NAMESPACE.bytes
DEFAULT_REFRESH = timedelta(hours=12)
REMINDER_HOUR = 9  # reminders fire at 09:00 on the day, not at midnight

# Reminders, in days before the deadline, by kind; kinds not listed get FALLBACK_ALARMS.
DEFAULT_ALARMS: Mapping[str, tuple[int, ...]] = {
    DeadlineKind.EXTENSION_DECISION.value: (90, 30, 7, 1),
    DeadlineKind.BREAK_NOTICE.value: (90, 30, 7, 1),
    DeadlineKind.REPROCUREMENT_START.value: (90, 30, 7),
    DeadlineKind.CONTRACT_END.value: (90, 30),
    DeadlineKind.MILESTONE.value: (7, 1),
}
FALLBACK_ALARMS: tuple[int, ...] = (7, 1)

# A row's `state` here is how it stands on the calendar's day (stream.standing).
_STATE_PREFIX = {
    Standing.DONE.value: "Done: ",
    Standing.MISSED.value: "Missed: ",
    Standing.CANCELLED.value: "Cancelled: ",
    Standing.LAPSED.value: "Lapsed: ",
    Standing.SUPERSEDED.value: "Cancelled: ",
}
_STOPPED = frozenset(standing.value for standing in Standing if standing.stopped)
_OPEN = frozenset(standing.value for standing in Standing if standing.is_open)
_ALARM_PART = re.compile(r"^(\d{1,4})\s*(d|day|days|w|wk|week|weeks)$")


class DeadlineRow(Protocol):
    """What the calendar needs of a deadline (models.Deadline has all of it)."""

    contract_id: int
    kind: str
    ordinal: int
    start_date: date | None
    due_date: date
    state: str
    title: str
    action: str
    owner: str
    contract_reference: str
    contract_title: str
    service_area: str
    sequence: int
    updated_at: datetime


@dataclass(frozen=True)
class AlarmPolicy:
    """Which reminders each event carries. `override` (days before), when set, applies to every kind."""

    override: tuple[int, ...] | None = None
    by_kind: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: dict(DEFAULT_ALARMS))

    def days_for(self, kind: str) -> tuple[int, ...]:
        if self.override is not None:
            return self.override
        return self.by_kind.get(kind, FALLBACK_ALARMS)


def parse_alarms(text: str | None) -> tuple[int, ...] | None:
    """"90d,30d,7d" or "2w,1d" -> days before, largest first; "none" -> (); None/"" -> None (defaults)."""
    if text is None or not text.strip():
        return None
    if text.strip().lower() in {"none", "off", "no"}:
        return ()
    days = set()
    for part in text.split(","):
        match = _ALARM_PART.match(part.strip().lower())
        if not match:
            raise InvalidInput(
                f"not a reminder: {part.strip()!r} (write days or weeks before, e.g. 90d,30d,7d,1d or 2w; "
                "or 'none')"
            )
        amount = int(match.group(1)) * (7 if match.group(2).startswith("w") else 1)
        if amount > 3650:
            raise InvalidInput(f"a reminder more than ten years ahead is not useful: {part.strip()!r}")
        days.add(amount)
    return tuple(sorted(days, reverse=True))


def format_alarms(days: tuple[int, ...] | None) -> str:
    """The inverse of parse_alarms, for storing and showing."""
    if days is None:
        return "default"
    return ",".join(f"{amount}d" for amount in days) or "none"


def event_uid(contract_id: int, kind: str, ordinal: int) -> str:
    """The UID of a deadline's event: from its identity (contract, kind, ordinal) only, never from
    its dates or text (nor the contract's reference, which can be edited)."""
    # uuid.uuid5(_UID_NAMESPACE, name), computed directly: the UUID object costs more than the hash
    name = f"deadline\x1f{contract_id}\x1f{kind}\x1f{ordinal}"
    digest = bytearray(hashlib.sha1(_UID_NAMESPACE_BYTES + name.encode()).digest())
    digest[6] = digest[6] & 0x0F | 0x50  # version 5
    digest[8] = digest[8] & 0x3F | 0x80  # RFC 4122 variant
    x = digest[:16].hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}@{UID_DOMAIN}"


def calendar_uid(name: str) -> str:
    return f"{uuid.uuid5(_UID_NAMESPACE, 'calendar' + chr(31) + name)}@{UID_DOMAIN}"


def clean_text(text: str) -> str:
    """Text from users, made safe for a TEXT value: line breaks kept (icalendar escapes them),
    other control characters (which RFC 5545 forbids and some clients choke on) dropped."""
    if text.isprintable():  # no line break, tab, control character or surrogate: nothing to do
        return text
    out = []
    for char in text.replace("\r\n", "\n"):
        if char in "\r\n" or char in "\u2028\u2029\x85":
            out.append("\n")
        elif char == "\t":
            out.append(" ")
        elif unicodedata.category(char) in {"Cc", "Cs"}:
            continue
        else:
            out.append(char)
    return "".join(out)


def _one_line(text: str) -> str:
    return " ".join(clean_text(text).split())


def in_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the store writes UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def summary_of(row: DeadlineRow) -> str:
    """What and which contract, e.g. "Extension decision due: option 1, SEND Mediation Services"."""
    prefix = _STATE_PREFIX.get(row.state, "")
    return f"{prefix}{_one_line(row.title)}, {_one_line(row.contract_title)}"


def description_of(row: DeadlineRow) -> str:
    """What to do, then the key facts."""
    facts = [
        clean_text(row.action).strip(),
        "",
        f"Contract: {_one_line(row.contract_reference)}, {_one_line(row.contract_title)}",
        f"Due: {describe_span(row.start_date, row.due_date)}",
        f"Kind: {row.kind}",
        f"State: {row.state}",
    ]
    if row.owner:
        facts.append(f"Owner: {_one_line(row.owner)}")
    if row.service_area:
        facts.append(f"Service area: {_one_line(row.service_area)}")
    return "\n".join(facts).strip()


def alarm_text(summary: str, due: date, days: int) -> str:
    """What a reminder says, e.g. "Contract ends, Libraries: in 30 days (31 Aug 2025)"."""
    return summary + alarm_when(due, days)


def alarm_when(due: date, days: int) -> str:
    """The end of a reminder's text, after the event's summary: ": in 30 days (31 Aug 2025)"."""
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    return f": {when} ({describe_span(None, due)})"


def alarm_trigger(days: int) -> timedelta:
    """When a reminder fires, relative to the start of the (all-day) event."""
    return timedelta(days=-days, hours=REMINDER_HOUR)


def event_start(row: DeadlineRow) -> date:
    return row.start_date or row.due_date


def event_end(row: DeadlineRow) -> date:
    return row.due_date + ONE_DAY  # all-day events end on the (exclusive) next day


def event_status(row: DeadlineRow) -> str:
    """CANCELLED for a deadline that no longer applies (cancelled, lapsed, superseded), so that
    subscribed calendars update the event they hold."""
    return "CANCELLED" if row.state in _STOPPED else "CONFIRMED"


def alarm_days(row: DeadlineRow, alarms: AlarmPolicy) -> tuple[int, ...]:
    """Reminders only while the deadline is open: a settled or stopped one needs none."""
    return alarms.days_for(row.kind) if row.state in _OPEN else ()


def _alarm(summary: str, due: date, days: int) -> Alarm:
    return Alarm.new_display(description=alarm_text(summary, due, days), trigger=alarm_trigger(days))


def event_for(row: DeadlineRow, alarms: AlarmPolicy) -> Event:
    summary = summary_of(row)
    modified = in_utc(row.updated_at)
    event = Event.new(
        uid=event_uid(row.contract_id, row.kind, row.ordinal),
        start=event_start(row),
        end=event_end(row),
        summary=summary,
        description=description_of(row),
        categories=[row.kind],
        sequence=row.sequence,
        stamp=modified,  # no METHOD: DTSTAMP is when the information was last revised
        last_modified=modified,
        status=event_status(row),
        transparency="TRANSPARENT",  # a deadline does not make anyone busy
    )
    for days in alarm_days(row, alarms):
        event.add_component(_alarm(summary, row.due_date, days))
    return event


def build_calendar(
    rows: Iterable[DeadlineRow],
    *,
    name: str = "Contract deadlines",
    alarms: AlarmPolicy | None = None,
    refresh: timedelta = DEFAULT_REFRESH,
    uid_seed: str | None = None,
) -> Calendar:
    """One VCALENDAR with one VEVENT per row, in the order given."""
    policy = alarms or AlarmPolicy()
    calendar = calendar_shell(name=name, refresh=refresh, uid_seed=uid_seed)
    for row in rows:
        calendar.add_component(event_for(row, policy))
    return calendar


def calendar_shell(
    *, name: str = "Contract deadlines", refresh: timedelta = DEFAULT_REFRESH, uid_seed: str | None = None,
) -> Calendar:
    """The VCALENDAR's own properties, without events."""
    calendar = Calendar.new(
        name=_one_line(name),
        prodid=PRODID,
        uid=calendar_uid(uid_seed or name),
        refresh_interval=refresh,
        calscale="GREGORIAN",
    )
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # required by RFC 7986
    calendar.add("X-PUBLISHED-TTL", vDuration(refresh))
    return calendar


def to_ics(calendar: Calendar) -> bytes:
    return calendar.to_ical()
