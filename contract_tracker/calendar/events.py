"""Deadlines as an iCalendar calendar: what each event says, and the icalendar model of it.

`build_calendar` builds the calendar with the icalendar library; it is the reference. Exports and
feeds are written by `ics_writer`, which streams the same bytes without building the object tree
(about 1.5 ms an event here, far too slow for a national register); the tests hold the two equal
byte for byte. Both take their texts (summary, description, reminders) from the functions below.

Every deadline is an all-day event (VALUE=DATE, exclusive DTEND), a span (e.g. "July/August 2025")
is a multi-day event whose reminders are counted back from its last day, the due day. The UID comes
from the register's own random identity and the deadline's identity, so an edited deadline updates
the event in people's calendars instead of adding a second one, and two registers never share a
UID; SEQUENCE and LAST-MODIFIED come from the deadline table, which raises the sequence whenever the
date or text changes (and never lowers it: rows are kept, never deleted, see services.sync).

Every TEXT value is escaped by `ics_text.escape_text` (icalendar's own escaping turns a typed
backslash-N into a line break), in the icalendar model through the `Text` and `Categories` types.

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
from functools import lru_cache
from typing import Protocol
from urllib.parse import quote, urlsplit

from icalendar import Alarm, Calendar, Event, vCategory, vDuration, vText, vUri

from ..domain.dates import describe_span
from ..domain.durations import ONE_DAY
from ..enums import DeadlineKind, Standing
from ..errors import InvalidInput
from .ics_text import escape_text

PRODID = "-//contract-tracker//Contract deadlines//EN"
UID_DOMAIN = "contract-tracker"
DEFAULT_REFRESH = timedelta(hours=12)
DEFAULT_NAME = "Contract deadlines"
DEFAULT_DESCRIPTION = "Deadlines from the contract register"
REFERENCE_PLACEHOLDER = "{reference}"
_TEXT_UNKNOWN_TO_PARSERS = {"NAME", "X-WR-CALNAME", "X-WR-CALDESC"}
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

    contract_id: int | None  # None: one of the authority's own notices
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


@dataclass(frozen=True)
class Origin:
    """Where a calendar's events come from: the register (its random identity, which every UID is
    built from) and, when configured, where a contract can be opened (`contract_url`, a base URL
    or a template with "{reference}")."""

    register: str  # the store's identity, a UUID (register_identity.read_identity)
    contract_url: str | None = None
    namespace: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "namespace", uuid.UUID(self.register).bytes)

    def uid(self, contract_id: int | None, kind: str, ordinal: int) -> str:
        return event_uid(self.namespace, contract_id, kind, ordinal)

    def link(self, reference: str) -> str | None:
        """The contract's page, or None when no contract URL is configured or the deadline is the
        authority's own, of no contract (no reference)."""
        if not self.contract_url or not reference:
            return None
        quoted = quote(reference, safe="")
        if REFERENCE_PLACEHOLDER in self.contract_url:
            return self.contract_url.replace(REFERENCE_PLACEHOLDER, quoted)
        return f"{self.contract_url.rstrip('/')}/{quoted}"


def event_uid(namespace: bytes, contract_id: int | None, kind: str, ordinal: int) -> str:
    """The UID of a deadline's event: from the register (`namespace`, the 16 bytes of its identity)
    and the deadline's identity (contract id, kind, ordinal) only, never from its dates or text (nor
    the contract's reference, which can be edited). A register's backup, restored anywhere, keeps
    both; another register has another identity, so no UID is ever shared between registers."""
    # uuid.uuid5(UUID(bytes=namespace), name), computed directly: the UUID object costs more than the hash
    name = f"deadline\x1f{contract_id}\x1f{kind}\x1f{ordinal}"
    digest = bytearray(hashlib.sha1(namespace + name.encode()).digest())
    digest[6] = digest[6] & 0x0F | 0x50  # version 5
    digest[8] = digest[8] & 0x3F | 0x80  # RFC 4122 variant
    x = digest[:16].hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}@{UID_DOMAIN}"


def calendar_uid(origin: Origin, seed: str) -> str:
    return f"{uuid.uuid5(uuid.UUID(bytes=origin.namespace), 'calendar' + chr(31) + seed)}@{UID_DOMAIN}"


def contract_url_setting(text: str | None) -> str | None:
    """A configured contract URL (base or "{reference}" template), checked; None or "" for none."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    parts = urlsplit(text.replace(REFERENCE_PLACEHOLDER, "REF"))
    if (parts.scheme not in {"http", "https"} or not parts.netloc or not text.isprintable()
            or any(char.isspace() for char in text) or text.count(REFERENCE_PLACEHOLDER) > 1):
        raise InvalidInput(f"contract URL: {text!r} is not an http(s) address such as "
                           "https://intranet.example.gov.uk/contracts/{reference}")
    return text


def clean_text(text: str) -> str:
    """Text from users, made safe for a TEXT value: line breaks kept (escaped when written),
    other control characters (which RFC 5545 forbids and some clients choke on) and U+FEFF (a
    byte order mark pasted in, which icalendar drops from the start of a value) dropped."""
    if text.isprintable():  # no line break, tab, control character, surrogate or U+FEFF: nothing to do
        return text
    out = []
    for char in text.replace("\r\n", "\n"):
        if char in "\r\n" or char in "\u2028\u2029\x85":
            out.append("\n")
        elif char == "\t":
            out.append(" ")
        elif char == "\ufeff" or unicodedata.category(char) in {"Cc", "Cs"}:
            continue
        else:
            out.append(char)
    return "".join(out)


@lru_cache(maxsize=4096)  # a feed repeats each contract's title, owner and service area many times
def _one_line(text: str) -> str:
    return " ".join(clean_text(text).split())


def in_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the store writes UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def summary_of(row: DeadlineRow) -> str:
    """What and which contract, e.g. "Extension decision due: option 1, SEND Mediation Services"."""
    prefix = _STATE_PREFIX.get(row.state, "")
    return f"{prefix}{_one_line(row.title)}, {_one_line(row.contract_title)}"


def description_of(row: DeadlineRow, link: str | None = None) -> str:
    """What to do, then the key facts: always the contract's reference, and its page when `link`."""
    facts = [
        clean_text(row.action).strip(),
        "",
        (f"Contract: {_one_line(row.contract_reference)}, {_one_line(row.contract_title)}" if row.contract_reference
         else f"Notice of: {_one_line(row.contract_title)}"),  # the authority's own
    ]
    if link:
        facts.append(f"Contract page: {link}")
    facts += [
        f"Due: {describe_span(row.start_date, row.due_date)}",
        f"Kind: {row.kind}",
        f"State: {row.state}",
    ]
    if row.owner:
        facts.append(f"Owner: {_one_line(row.owner)}")
    if row.service_area:
        facts.append(f"Service area: {_one_line(row.service_area)}")
    return "\n".join(facts).strip()


def categories_of(row: DeadlineRow) -> list[str]:
    """The deadline's kind, and the contract's service area when it has one."""
    area = _one_line(row.service_area) if row.service_area else ""
    return [row.kind, area] if area else [row.kind]


def alarm_text(summary: str, due: date, days: int) -> str:
    """What a reminder says, e.g. "Contract ends, Libraries: in 30 days (31 Aug 2025)"."""
    return summary + alarm_when(due, days)


def alarm_when(due: date, days: int) -> str:
    """The end of a reminder's text, after the event's summary: ": in 30 days (31 Aug 2025)"."""
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    return f": {when} ({describe_span(None, due)})"


def alarm_trigger(days: int) -> timedelta:
    """When a reminder on a one-day event fires: 09:00, `days` before, from the event's start."""
    return timedelta(days=-days, hours=REMINDER_HOUR)


def alarm_trigger_from_end(days: int) -> timedelta:
    """When a reminder on a span fires (TRIGGER;RELATED=END): 09:00, `days` before its last day,
    counted from the event's (exclusive) end, the midnight after the due day. Counted from the
    start, "tomorrow" on a July/August milestone would be said on 30 June."""
    return timedelta(days=-days - 1, hours=REMINDER_HOUR)


def event_start(row: DeadlineRow) -> date:
    return row.start_date or row.due_date


def event_end(row: DeadlineRow) -> date:
    return row.due_date + ONE_DAY  # all-day events end on the (exclusive) next day


def is_span(row: DeadlineRow) -> bool:
    return row.start_date is not None and row.start_date < row.due_date


def event_status(row: DeadlineRow) -> str:
    """CANCELLED for a deadline that no longer applies (cancelled, lapsed, superseded), so that
    subscribed calendars update the event they hold."""
    return "CANCELLED" if row.state in _STOPPED else "CONFIRMED"


def alarm_days(row: DeadlineRow, alarms: AlarmPolicy) -> tuple[int, ...]:
    """Reminders only while the deadline is open: a settled or stopped one needs none."""
    return alarms.days_for(row.kind) if row.state in _OPEN else ()


# The icalendar model, with every TEXT value escaped by escape_text ------------------------------

class Text(vText):
    """A TEXT value escaped by `ics_text.escape_text` (icalendar's own escaping turns "\\N" into
    a line break)."""

    __slots__ = ()

    def to_ical(self) -> bytes:
        return escape_text(self).encode(self.encoding)  # type: ignore[attr-defined]  # set by vText.__new__


class Categories(vCategory):
    """CATEGORIES, each category escaped by `escape_text` (a comma inside one stays inside it)."""

    def to_ical(self) -> bytes:
        return ",".join(escape_text(str(category)) for category in self.cats).encode()


def _alarm(summary: str, row: DeadlineRow, days: int) -> Alarm:
    text = alarm_text(summary, row.due_date, days)
    alarm = Alarm.new_display(description=text, trigger=alarm_trigger(days))
    alarm["DESCRIPTION"] = Text(text)
    if is_span(row):
        alarm["TRIGGER"] = vDuration(alarm_trigger_from_end(days), params={"RELATED": "END"})
    return alarm


def event_for(row: DeadlineRow, alarms: AlarmPolicy, origin: Origin) -> Event:
    summary = summary_of(row)
    modified = in_utc(row.updated_at)
    link = origin.link(row.contract_reference)
    event = Event.new(
        uid=origin.uid(row.contract_id, row.kind, row.ordinal),
        start=event_start(row),
        end=event_end(row),
        summary=summary,
        categories=[row.kind],
        sequence=row.sequence,
        stamp=modified,  # no METHOD: DTSTAMP is when the information was last revised
        last_modified=modified,
        status=event_status(row),
        transparency="TRANSPARENT",  # a deadline does not make anyone busy
    )
    event["SUMMARY"] = Text(summary)
    event["DESCRIPTION"] = Text(description_of(row, link))
    event["CATEGORIES"] = Categories(categories_of(row))
    if link:
        event["URL"] = vUri(link)
    for days in alarm_days(row, alarms):
        event.add_component(_alarm(summary, row, days))
    return event


def build_calendar(
    rows: Iterable[DeadlineRow],
    *,
    origin: Origin,
    name: str = DEFAULT_NAME,
    description: str = DEFAULT_DESCRIPTION,
    alarms: AlarmPolicy | None = None,
    refresh: timedelta = DEFAULT_REFRESH,
    uid_seed: str | None = None,
) -> Calendar:
    """One VCALENDAR with one VEVENT per row, in the order given."""
    policy = alarms or AlarmPolicy()
    calendar = calendar_shell(origin=origin, name=name, description=description, refresh=refresh,
                              uid_seed=uid_seed)
    for row in rows:
        calendar.add_component(event_for(row, policy, origin))
    return calendar


def calendar_shell(
    *, origin: Origin, name: str = DEFAULT_NAME, description: str = DEFAULT_DESCRIPTION,
    refresh: timedelta = DEFAULT_REFRESH, uid_seed: str | None = None,
) -> Calendar:
    """The VCALENDAR's own properties, without events: its name and description each twice, as
    RFC 7986 has them (NAME, DESCRIPTION) and as Outlook and Google read them (X-WR-CALNAME,
    X-WR-CALDESC), all escaped as TEXT (RFC 5545 3.3.11: a name with a comma is `a\\, b`)."""
    name, description = _one_line(name) or DEFAULT_NAME, clean_text(description).strip() or DEFAULT_DESCRIPTION
    calendar = Calendar.new(
        prodid=PRODID,
        uid=calendar_uid(origin, uid_seed or name),
        refresh_interval=refresh,
        calscale="GREGORIAN",
    )
    for key, value in (("NAME", name), ("X-WR-CALNAME", name), ("DESCRIPTION", description),
                       ("X-WR-CALDESC", description)):
        text = Text(value)
        # Parsers that do not know a property (icalendar and ical.js do not know NAME or the
        # X-WR- ones) keep its value as written, escapes and all, unless told it is TEXT.
        if key in _TEXT_UNKNOWN_TO_PARSERS and escape_text(value) != value:
            text.params["VALUE"] = "TEXT"
        calendar.add(key, text)
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # required by RFC 7986
    calendar.add("X-PUBLISHED-TTL", vDuration(refresh))
    return calendar


def to_ics(calendar: Calendar) -> bytes:
    return calendar.to_ical()
