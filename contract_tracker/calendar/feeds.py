"""Which deadlines a calendar shows, and the secret tokens of subscribed feeds.

A feed is a saved filter plus reminders, reached by a URL holding a random token. The store keeps
only the token's SHA-256 (the token has 256 bits of entropy, so a slow hash adds nothing): whoever
reads the database still cannot subscribe. Tokens are compared in constant time and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Select, func, union_all
from sqlmodel import Session, select

from ..domain.dates import parse_date
from ..enums import DeadlineKind
from ..errors import InvalidInput
from ..read.stream import calendar_sequence, calendar_sequence_sql, in_calendar, standing_of, standing_sql
from ..store.models import Deadline

TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
FEED_PATH = "/feeds/{token}.ics"
DEFAULT_BASE_URL = "https://localhost:8080"


@dataclass(frozen=True)
class DeadlineFilter:
    """Which deadlines to show. Empty fields do not filter; dates keep deadlines that touch the range."""

    contracts: tuple[str, ...] = ()
    owner: str | None = None
    service_area: str | None = None
    kinds: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        allowed = {kind.value.lower(): kind.value for kind in DeadlineKind}
        for kind in self.kinds:
            if kind.strip().lower() not in allowed:
                raise InvalidInput(f"--kind: {kind!r} is not one of: {', '.join(allowed.values())}")
        # people type "uk7 due"; the table holds "UK7 due"
        object.__setattr__(self, "kinds", tuple(dict.fromkeys(allowed[k.strip().lower()] for k in self.kinds)))
        if self.start and self.end and self.end < self.start:
            raise InvalidInput(f"--to ({self.end}) is before --from ({self.start})")

    def to_json(self) -> str:
        data = {key: value for key, value in asdict(self).items() if value not in (None, ())}
        for key in ("start", "end"):
            if key in data:
                data[key] = data[key].isoformat()
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DeadlineFilter:
        data = json.loads(text or "{}")
        return cls(
            contracts=tuple(data.get("contracts", ())),
            owner=data.get("owner"),
            service_area=data.get("service_area"),
            kinds=tuple(data.get("kinds", ())),
            start=parse_date(data["start"]) if data.get("start") else None,
            end=parse_date(data["end"]) if data.get("end") else None,
        )

    def describe(self) -> str:
        parts = []
        if self.contracts:
            parts.append("contracts " + ", ".join(self.contracts))
        if self.owner:
            parts.append(f"owner {self.owner}")
        if self.service_area:
            parts.append(f"service area {self.service_area}")
        if self.kinds:
            parts.append("kinds " + ", ".join(self.kinds))
        if self.start or self.end:
            parts.append(f"from {self.start or 'the start'} to {self.end or 'the end'}")
        return "; ".join(parts) or "all deadlines"


def calendar_description(wanted: DeadlineFilter) -> str:
    """The calendar's own description (X-WR-CALDESC): what it shows."""
    return f"Deadlines from the contract register: {wanted.describe()}"


def _conditions(wanted: DeadlineFilter) -> list:
    conditions = []
    if wanted.contracts:
        conditions.append(Deadline.contract_reference.in_(wanted.contracts))
    if wanted.owner:
        conditions.append(Deadline.owner == wanted.owner)
    if wanted.service_area:
        conditions.append(Deadline.service_area == wanted.service_area)
    if wanted.kinds:
        conditions.append(Deadline.kind.in_(wanted.kinds))
    if wanted.start:
        conditions.append(Deadline.due_date >= wanted.start)
    if wanted.end:
        conditions.append(func.coalesce(Deadline.start_date, Deadline.due_date) <= wanted.end)
    return conditions


_ORDER = (Deadline.due_date, Deadline.contract_reference, Deadline.kind, Deadline.ordinal)
_STREAM_BATCH = 2000


class CalendarRow(NamedTuple):
    """What a calendar event needs of a deadline (calendar.DeadlineRow), and no more. A named
    tuple: reading its fields is several times cheaper than reading a database row's."""

    contract_id: int | None  # None: one of the authority's own notices
    kind: str
    ordinal: int
    start_date: date | None
    due_date: date
    state: str  # how the deadline stands on the calendar's day (Standing), not the stored state
    title: str
    action: str
    owner: str
    contract_reference: str
    contract_title: str
    service_area: str
    sequence: int
    updated_at: datetime


def _calendar_columns(as_of: date) -> tuple:
    """CalendarRow's columns as of a day: `state` is how the row stands then (stream.standing) and
    `sequence` its calendar sequence then (stream.calendar_sequence_sql)."""
    replaced = {"state": standing_sql(as_of).label("state"),
                "sequence": calendar_sequence_sql(as_of).label("sequence")}
    return tuple(replaced.get(name, getattr(Deadline, name)) for name in CalendarRow._fields)


def as_of_row(deadline: Deadline, as_of: date) -> CalendarRow:
    """A stored deadline as a calendar shows it on `as_of`, worked out in Python (stream.standing_of,
    stream.calendar_sequence): the reference the SQL of `calendar_rows` is held equal to."""
    values = {name: getattr(deadline, name) for name in CalendarRow._fields}
    values.update(state=standing_of(deadline, as_of).value, sequence=calendar_sequence(deadline, as_of))
    return CalendarRow(**values)


def matching_deadlines(session: Session, wanted: DeadlineFilter, *, as_of: date,
                       include_stopped: bool = False) -> list[CalendarRow]:
    """The deadlines `wanted` selects that a calendar shows on `as_of`, by date, as they stand then:
    ORM rows judged in Python (`as_of_row`), the slow reference for `calendar_rows`."""
    query = select(Deadline).where(*_conditions(wanted), in_calendar(as_of, include_stopped=include_stopped))
    return [as_of_row(deadline, as_of) for deadline in session.exec(query.order_by(*_ORDER))]


def calendar_rows(session: Session, wanted: DeadlineFilter, *, as_of: date,
                  include_stopped: bool = False) -> Iterator[CalendarRow]:
    """The same rows as `matching_deadlines`, in the same order, as they stand on `as_of`, as plain
    rows with only the columns a calendar shows: loading ORM objects costs about 20 us a row, more
    than writing the event. Fetched in batches (a server-side cursor on PostgreSQL), so a whole
    register can be streamed to a file without holding it in memory."""
    query = calendar_query(wanted, as_of=as_of, include_stopped=include_stopped)
    return map(CalendarRow._make, session.exec(query.execution_options(yield_per=_STREAM_BATCH)))


def calendar_query(wanted: DeadlineFilter, *, as_of: date, include_stopped: bool = False) -> Select:
    """The query behind `calendar_rows`."""
    columns = _calendar_columns(as_of)
    conditions = [*_conditions(wanted), in_calendar(as_of, include_stopped=include_stopped)]
    if wanted.end is None:
        return select(*columns).where(*conditions).order_by(*_ORDER)
    # A window's end selects on the day an event starts (a span shows from its start), which no
    # index can bound: the database would read every deadline due after the window to find the
    # few spans that start inside it. So: the deadlines due by the end (a range of the date
    # index), and apart, the spans due after it (a range of the spans' index).
    due_by_end = select(*columns).where(*conditions, Deadline.due_date <= wanted.end)
    spans_past_end = select(*columns).where(
        *conditions, Deadline.due_date > wanted.end, Deadline.start_date.is_not(None),
        Deadline.start_date <= wanted.end,
    )
    both = union_all(due_by_end, spans_past_end).subquery()
    return select(*(both.c[name] for name in CalendarRow._fields)).order_by(
        *(both.c[column.key] for column in _ORDER))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def plausible_token(token: str) -> bool:
    """Cheap shape check before any hashing or lookup (a URL can carry anything)."""
    return bool(_TOKEN_SHAPE.match(token))


def same_hash(stored: str, presented: str) -> bool:
    return hmac.compare_digest(stored.encode("ascii"), presented.encode("ascii"))


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def feed_urls(base_url: str, token: str) -> tuple[str, str]:
    """The feed's address as given (https:// behind TLS) and as webcal://, which calendar apps
    open as a subscription."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise InvalidInput(f"--base-url: {base_url!r} is not an http(s) address such as https://calendar.example.gov.uk")
    path = parts.path.rstrip("/") + FEED_PATH.format(token=token)
    web = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return web, urlunsplit(("webcal", parts.netloc, path, "", ""))


def if_none_match_hits(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks for GET)."""
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False
