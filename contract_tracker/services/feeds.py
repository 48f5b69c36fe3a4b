"""Use cases on calendar feeds: create (the only moment the token is seen), list, revoke, look up,
and render a feed's calendar. Creating and revoking are audited (without the token)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session, select

from ..calendar.feeds import (
    DeadlineFilter,
    calendar_description,
    calendar_rows,
    etag_of,
    hash_token,
    new_token,
    plausible_token,
    same_hash,
)
from ..domain.limits import INTEGER_MAX, clean_text
from ..errors import InvalidInput, NotFound, RuleViolation
from ..store.models import AuditEvent, Contract, FeedSubscription
from .audit import utcnow


@dataclass(frozen=True)
class CreatedFeed:
    feed: FeedSubscription
    token: str  # shown once, never stored


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    etag: str
    events: int
    last_modified: int = 0  # whole seconds since the epoch (HTTP dates have no fractions); see FeedCache


def _audit(session: Session, feed: FeedSubscription, action: str, actor: str) -> None:
    session.add(AuditEvent(
        at=utcnow(), actor=actor, entity="feed", entity_id=feed.id, action=action,
        field="name", new_value=feed.name,
    ))


def check_contracts(session: Session, wanted: DeadlineFilter) -> None:
    if not wanted.contracts:
        return
    known = set(session.exec(select(Contract.reference).where(Contract.reference.in_(wanted.contracts))))
    for reference in wanted.contracts:
        if reference not in known:
            raise NotFound(f"no contract with reference {reference!r}")


def create_feed(session: Session, *, name: str, filters: DeadlineFilter, alarms: tuple[int, ...] | None,
                actor: str) -> CreatedFeed:
    from ..calendar.events import format_alarms

    name = " ".join(clean_text(name, field="--name").split())
    if not name:
        raise InvalidInput("--name must not be empty")
    if len(name) > 200:
        raise InvalidInput("--name is too long (200 characters at most)")
    if session.exec(select(FeedSubscription.id).where(
        FeedSubscription.name == name, FeedSubscription.revoked_at.is_(None)
    )).first():
        raise InvalidInput(f"a feed named {name!r} already exists (revoke it first, or choose another name)")
    check_contracts(session, filters)
    token = new_token()
    feed = FeedSubscription(
        name=name, filters=filters.to_json(), alarms=None if alarms is None else format_alarms(alarms),
        token_hash=hash_token(token), created_at=utcnow(), created_by=actor,
    )
    session.add(feed)
    session.flush()
    _audit(session, feed, "created", actor)
    return CreatedFeed(feed=feed, token=token)


def list_feeds(session: Session, *, include_revoked: bool = False) -> list[FeedSubscription]:
    query = select(FeedSubscription)
    if not include_revoked:
        query = query.where(FeedSubscription.revoked_at.is_(None))
    return list(session.exec(query.order_by(FeedSubscription.id)))


def get_feed(session: Session, which: str) -> FeedSubscription:
    """A live feed by its id or its name."""
    live = FeedSubscription.revoked_at.is_(None)
    feed = None
    digits = which.strip()
    if digits.isascii() and digits.isdigit() and len(digits) <= 10 and int(digits) <= INTEGER_MAX:  # fits the column
        feed = session.exec(select(FeedSubscription).where(FeedSubscription.id == int(digits), live)).first()
    if feed is None:
        feed = session.exec(select(FeedSubscription).where(FeedSubscription.name == which.strip(), live)).first()
    if feed is None:
        raise NotFound(f"no live feed with id or name {which!r} (see feed list)")
    return feed


def revoke_feed(session: Session, which: str, *, actor: str) -> FeedSubscription:
    feed = get_feed(session, which)
    if feed.revoked_at is not None:
        raise RuleViolation(f"feed {feed.name!r} is already revoked")
    feed.revoked_at = utcnow()
    session.add(feed)
    _audit(session, feed, "revoked", actor)
    return feed


def feed_for_token(session: Session, token: str) -> FeedSubscription | None:
    """The live feed this token opens, or None (unknown, revoked or malformed: callers must not
    tell these apart to the outside)."""
    if not plausible_token(token):
        return None
    presented = hash_token(token)
    feed = session.exec(select(FeedSubscription).where(FeedSubscription.token_hash == presented)).first()
    if feed is None or feed.revoked_at is not None or not same_hash(feed.token_hash, presented):
        return None
    return feed


def render_feed(session: Session, feed: FeedSubscription, *, as_of: date,
                contract_url: str | None = None) -> RenderedFeed:
    """The feed's calendar as its deadlines stand on `as_of` (the server's today)."""
    from ..calendar.events import AlarmPolicy, parse_alarms
    from ..calendar.ics_writer import write_calendar
    from ..calendar.origin import origin_of

    pieces: list[bytes] = []
    wanted = DeadlineFilter.from_json(feed.filters)
    events = write_calendar(
        pieces.append, calendar_rows(session, wanted, as_of=as_of), origin=origin_of(session, contract_url),
        name=feed.name, description=calendar_description(wanted),
        alarms=AlarmPolicy(override=parse_alarms(feed.alarms)), uid_seed=f"feed-{feed.id}",
    )
    body = b"".join(pieces)
    return RenderedFeed(body=body, etag=etag_of(body), events=events)


class FeedCache:
    """Rendered feeds kept between requests, reused while the selected deadlines are unchanged.

    Calendar apps poll, and most polls find nothing new (then a 304). Whether anything may have
    changed is one primary-key read of the deadline version (change_marker), whatever the size of
    the register; when it moved, the calendar is rebuilt, and an unchanged body keeps its ETag.

    Last-Modified is when this cache first held the feed's current body: a rebuilt body equal to
    the one before keeps its time, a new one gets the current second, always later than the one
    before (two bodies within one second must not share a Last-Modified, or a client holding the
    first would be told the second is "not modified"). A new server process starts with an empty
    cache, so its first answer for each feed says "modified now": at worst one full download more,
    never a stale calendar (its bytes may differ from an older version's).

    Anything else a calendar comes to depend on (the day it is read, say) goes into the key; the
    ETag and Last-Modified follow the body as above."""

    def __init__(self, size: int = 64, *, contract_url: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._size = size
        self._contract_url = contract_url
        self._clock = clock
        self._entries: OrderedDict[int, tuple[tuple, RenderedFeed]] = OrderedDict()
        self._issued: dict[int, int] = {}  # each feed's latest Last-Modified, kept when its body is evicted
        self._lock = threading.Lock()

    def render(self, session: Session, feed: FeedSubscription, *, as_of: date) -> RenderedFeed:
        from ..store.change_marker import deadline_version

        # The day is part of the key: deadlines lapse and fall overdue as days pass, with no write.
        key = (feed.name, feed.filters, feed.alarms, deadline_version(session), as_of)
        with self._lock:
            hit = self._entries.get(feed.id)
            if hit is not None and hit[0] == key:
                self._entries.move_to_end(feed.id)
                return hit[1]
        rendered = render_feed(session, feed, as_of=as_of, contract_url=self._contract_url)
        with self._lock:
            before = self._entries.get(feed.id)
            if before is not None and before[1].etag == rendered.etag:
                rendered = replace(rendered, last_modified=before[1].last_modified)
            else:
                later = max(int(self._clock()), self._issued.get(feed.id, 0) + 1)
                rendered = replace(rendered, last_modified=later)
                self._issued[feed.id] = later
            self._entries[feed.id] = (key, rendered)
            self._entries.move_to_end(feed.id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return rendered
