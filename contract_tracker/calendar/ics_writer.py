"""Calendars written as a stream of bytes: the same bytes as icalendar's, at a fraction of the cost.

icalendar builds an object tree for every event (20 properties, parameter objects, one to four
alarms) and folds each content line character by character: about 1.5 ms an event, 15 s for a
10,000-event feed and half an hour (and gigabytes) for a national register's export. Every event
here has the same fixed shape, so each one is written straight from its row as text: the same
properties in the same order, TEXT escaped by `ics_text.escape_text` (as the icalendar model in
`calendar` has it), dates and durations formatted as icalendar formats them, lines folded as
icalendar folds them (at most 74 octets before each fold, never inside a UTF-8 character or just
after a backslash or caret). The
calendar's own properties are written by icalendar itself (`calendar.calendar_shell`), once.

tests/test_ics_writer.py holds the output equal, byte for byte, to `calendar.build_calendar(...)
.to_ical()` over the demo register, every reminder policy and state, and generated rows and texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import lru_cache

from icalendar import vDuration

from .events import (
    DEFAULT_DESCRIPTION,
    DEFAULT_NAME,
    DEFAULT_REFRESH,
    AlarmPolicy,
    DeadlineRow,
    Origin,
    alarm_days,
    alarm_trigger,
    alarm_trigger_from_end,
    alarm_when,
    calendar_shell,
    categories_of,
    description_of,
    event_end,
    event_start,
    event_status,
    in_utc,
    is_span,
    summary_of,
)
from .ics_text import escape_text

FOLD_AT = 74  # octets a line holds before icalendar folds it (it folds when a 75th would be added)
_FOLD = b"\r\n "
_CONTINUATION = 0x80  # UTF-8 continuation bytes are 10xxxxxx: a fold must not fall before one
_KEEP_WITH_NEXT = b"\\^"  # icalendar never ends a folded line with an escape's first character
_END = b"END:VCALENDAR\r\n"


def fold(line: bytes) -> bytes:
    """One content line (no CRLF), folded exactly as icalendar's `_foldline` folds it."""
    if len(line) <= FOLD_AT:
        return line
    pieces = []
    start, length = 0, len(line)
    while length - start > FOLD_AT:
        end = start + FOLD_AT
        while line[end] & 0xC0 == _CONTINUATION:  # `end` is inside a character: fold before it
            end -= 1
        if line[end - 1] in _KEEP_WITH_NEXT and end - 1 > start:
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return _FOLD.join(pieces)


def _text_line(name: str, value: str) -> bytes:
    return fold(f"{name}:{escape_text(value)}".encode())


def _day(day) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


@lru_cache(maxsize=256)
def _trigger(days: int) -> str:
    return "TRIGGER:" + vDuration(alarm_trigger(days)).to_ical().decode()


@lru_cache(maxsize=256)
def _trigger_from_end(days: int) -> str:
    return "TRIGGER;RELATED=END:" + vDuration(alarm_trigger_from_end(days)).to_ical().decode()


@lru_cache(maxsize=8192)  # a feed's reminders fall on a few hundred days
def _escaped_when(due, days: int) -> str:
    # TEXT escaping works character by character (the one pair, CR LF, cannot occur in cleaned
    # text): so the escaped reminder text is the escaped summary followed by this.
    return escape_text(alarm_when(due, days))


def event_bytes(row: DeadlineRow, alarms: AlarmPolicy, origin: Origin) -> bytes:
    """One VEVENT (with its VALARMs), CRLF-terminated, as `calendar.event_for(row, ...).to_ical()`."""
    summary = escape_text(summary_of(row))
    modified = in_utc(row.updated_at)
    stamp = (f"{modified.year:04}{modified.month:02}{modified.day:02}"
             f"T{modified.hour:02}{modified.minute:02}{modified.second:02}Z")
    link = origin.link(row.contract_reference)
    dates = (
        f"DTSTART;VALUE=DATE:{_day(event_start(row))}\r\nDTEND;VALUE=DATE:{_day(event_end(row))}\r\n"
        f"DTSTAMP:{stamp}\r\nUID:{origin.uid(row.contract_id, row.kind, row.ordinal)}\r\n"
        f"SEQUENCE:{row.sequence}\r\n"
    ).encode()
    parts = [
        b"BEGIN:VEVENT\r\n", fold(f"SUMMARY:{summary}".encode()), b"\r\n", dates,
        fold(("CATEGORIES:" + ",".join(map(escape_text, categories_of(row)))).encode()), b"\r\n",
        _text_line("DESCRIPTION", description_of(row, link)), b"\r\n",
        f"LAST-MODIFIED:{stamp}\r\nSTATUS:{event_status(row)}\r\nTRANSP:TRANSPARENT\r\n".encode(),
    ]
    if link:
        parts += (fold(f"URL:{link}".encode()), b"\r\n")
    trigger = _trigger_from_end if is_span(row) else _trigger
    for days in alarm_days(row, alarms):
        parts += (
            b"BEGIN:VALARM\r\nACTION:DISPLAY\r\n",
            fold(f"DESCRIPTION:{summary}{_escaped_when(row.due_date, days)}".encode()),
            f"\r\n{trigger(days)}\r\nEND:VALARM\r\n".encode(),
        )
    parts.append(b"END:VEVENT\r\n")
    return b"".join(parts)


def write_calendar(
    write: Callable[[bytes], object],
    rows: Iterable[DeadlineRow],
    *,
    origin: Origin,
    name: str = DEFAULT_NAME,
    description: str = DEFAULT_DESCRIPTION,
    alarms: AlarmPolicy | None = None,
    refresh: timedelta = DEFAULT_REFRESH,
    uid_seed: str | None = None,
) -> int:
    """Write one VCALENDAR with one VEVENT per row, in the order given, piece by piece through
    `write` (a file's write, or a list's append); the number of events. Takes the same options
    as `calendar.build_calendar`, and gives the same bytes."""
    policy = alarms or AlarmPolicy()
    shell = calendar_shell(origin=origin, name=name, description=description, refresh=refresh,
                           uid_seed=uid_seed).to_ical()
    write(shell.removesuffix(_END))
    events = 0
    for row in rows:
        write(event_bytes(row, policy, origin))
        events += 1
    write(_END)
    return events


def calendar_bytes(rows: Iterable[DeadlineRow], **options) -> bytes:
    """The whole calendar in memory (for a feed, whose ETag needs the body): `write_calendar`'s bytes."""
    pieces: list[bytes] = []
    write_calendar(pieces.append, rows, **options)
    return b"".join(pieces)
