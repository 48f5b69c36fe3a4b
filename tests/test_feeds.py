"""Feed subscriptions: tokens kept hashed, and the real server (uvicorn on a free loopback port)
answering over HTTP: 200, 304 with If-None-Match, HEAD, and 404 for unknown and revoked tokens."""

from __future__ import annotations

import logging
from datetime import date

import httpx
import pytest
from sqlmodel import select

from calendar_support import event_keys, expanded, expected_keys, parse
from contract_tracker.calendar.feed_server import start_in_thread
from contract_tracker.calendar.feeds import DeadlineFilter, feed_urls, hash_token, if_none_match_hits
from contract_tracker.errors import InvalidInput, NotFound
from contract_tracker.services import edit_contract
from contract_tracker.services.demo import WARWICKSHIRE_REFERENCE
from contract_tracker.services.feeds import create_feed, feed_for_token, list_feeds, revoke_feed
from contract_tracker.store.models import AuditEvent, FeedSubscription

WARWICKSHIRE = DeadlineFilter(contracts=(WARWICKSHIRE_REFERENCE,))


def _create(store, name="SEND team", filters=WARWICKSHIRE, alarms=None):
    with store.session() as session:
        created = create_feed(session, name=name, filters=filters, alarms=alarms, actor="test officer")
        return created.feed.id, created.token


def test_only_a_hash_of_the_token_is_stored_and_audited_without_it(demo_store):
    feed_id, token = _create(demo_store)
    assert len(token) >= 43  # 32 random bytes
    with demo_store.session() as session:
        feed = session.get(FeedSubscription, feed_id)
        assert feed.token_hash == hash_token(token) != token
        stored = " ".join(str(v) for v in feed.model_dump().values())
        assert token not in stored
        audit = session.exec(select(AuditEvent).where(AuditEvent.entity == "feed")).all()
        assert [(a.action, a.new_value) for a in audit] == [("created", "SEND team")]
        assert all(token not in " ".join(str(v) for v in a.model_dump().values()) for a in audit)


def test_tokens_open_only_their_own_live_feed(demo_store):
    feed_id, token = _create(demo_store)
    other_id, other = _create(demo_store, name="Everything", filters=DeadlineFilter())
    with demo_store.session() as session:
        assert feed_for_token(session, token).id == feed_id
        assert feed_for_token(session, other).id == other_id
        assert feed_for_token(session, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert feed_for_token(session, "short") is None
        assert feed_for_token(session, "../../etc/passwd" * 3) is None
        revoke_feed(session, "SEND team", actor="test officer")
    with demo_store.session() as session:
        assert feed_for_token(session, token) is None
        assert [f.name for f in list_feeds(session)] == ["Everything"]
        assert [f.name for f in list_feeds(session, include_revoked=True)] == ["SEND team", "Everything"]
        with pytest.raises(NotFound):
            revoke_feed(session, str(feed_id), actor="test officer")


def test_feed_names_are_unique_among_live_feeds_and_contracts_must_exist(demo_store):
    _create(demo_store)
    with pytest.raises(InvalidInput, match="already exists"):
        _create(demo_store)
    with pytest.raises(NotFound, match="NOPE"):
        _create(demo_store, name="Other", filters=DeadlineFilter(contracts=("NOPE",)))
    with pytest.raises(InvalidInput):
        _create(demo_store, name="   ")
    with demo_store.session() as session:
        revoke_feed(session, "SEND team", actor="test officer")
    _create(demo_store)  # the name is free again


def test_feed_urls():
    web, webcal = feed_urls("https://calendar.example.gov.uk/contracts/", "TOKEN")
    assert web == "https://calendar.example.gov.uk/contracts/feeds/TOKEN.ics"
    assert webcal == "webcal://calendar.example.gov.uk/contracts/feeds/TOKEN.ics"
    with pytest.raises(InvalidInput):
        feed_urls("ftp://x", "TOKEN")


@pytest.mark.parametrize("header, hit", [
    (None, False), ('"abc"', True), ('W/"abc"', True), ('"x", "abc"', True), ("*", True), ('"abcd"', False),
])
def test_if_none_match(header, hit):
    assert if_none_match_hits(header, '"abc"') is hit


@pytest.fixture
def server(demo_store):
    running = start_in_thread(demo_store, host="127.0.0.1", port=0)
    yield running
    running.stop()


def test_server_serves_a_feed_with_etag_304_head_and_404_after_revoke(demo_store, server, caplog):
    caplog.set_level(logging.DEBUG)
    feed_id, token = _create(demo_store, alarms=(14,))
    url = f"{server.url}/feeds/{token}.ics"
    assert server.url.startswith("http://127.0.0.1:")

    first = httpx.get(url)
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    etag = first.headers["etag"]
    assert etag.startswith('"') and "private" in first.headers["cache-control"]
    with demo_store.session() as session:
        assert (event_keys(expanded(first.content, date(2020, 1, 1), date(2040, 1, 1)))
                == expected_keys(session, WARWICKSHIRE))
    calendar = parse(first.content)
    assert str(calendar["X-WR-CALNAME"]) == "SEND team"
    open_events = [e for e in calendar.walk("VEVENT") if e.walk("VALARM")]
    assert open_events and all(len(e.walk("VALARM")) == 1 for e in open_events)  # the feed's own reminders

    again = httpx.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag

    head = httpx.head(url, headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == etag and int(head.headers["content-length"]) == len(first.content)

    with demo_store.session() as session:
        edit_contract(session, WARWICKSHIRE_REFERENCE, {"title": "SEND Mediation Service"}, actor="test officer")
    changed = httpx.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert b"SEND Mediation Service\r\n" in changed.content

    with demo_store.session() as session:
        revoke_feed(session, str(feed_id), actor="test officer")
    gone = httpx.get(url)
    assert gone.status_code == 404 and gone.text == "Not Found"
    assert httpx.head(url).status_code == 404
    server_lines = [r.getMessage() for r in caplog.records if r.name.startswith(("uvicorn", "contract_tracker"))]
    assert any("-> 304" in line for line in server_lines)  # the server does log requests ...
    assert not any(token in line for line in server_lines)  # ... but never the token


@pytest.mark.parametrize("path", [
    "/feeds/" + "A" * 43 + ".ics",  # well formed, unknown
    "/feeds/nope.ics", "/feeds/", "/", "/feeds/" + "A" * 43, "/feeds/%00.ics",
])
def test_unknown_tokens_and_paths_get_the_same_bare_404(server, path):
    response = httpx.get(server.url + path)
    assert response.status_code == 404 and response.text == "Not Found"
    assert "server" not in response.headers


def test_other_methods_get_404_too(demo_store, server):
    _, token = _create(demo_store)
    response = httpx.post(f"{server.url}/feeds/{token}.ics")
    assert response.status_code == 404 and response.text == "Not Found"


def test_feed_cache_rebuilds_only_when_deadlines_change_and_keeps_the_etag_of_an_unchanged_calendar(demo_store):
    from contract_tracker.domain.dates import parse_span
    from contract_tracker.services import add_milestone
    from contract_tracker.services.feeds import FeedCache

    feed_id, _ = _create(demo_store)
    cache = FeedCache()

    def render(as_of=date(2026, 11, 22)):
        with demo_store.session() as session:
            return cache.render(session, session.get(FeedSubscription, feed_id), as_of=as_of)

    first = render()
    assert render() is first  # nothing changed: no rebuild
    # Another day: rebuilt (deadlines lapse and fall overdue with no write), the same calendar here.
    later = render(date(2026, 12, 1))
    assert later is not first and later.etag == first.etag
    with demo_store.session() as session:
        edit_contract(session, "DEMO-LIB-2022", {"title": "Library system"}, actor="test officer")
    other = render()  # another contract's deadlines changed: rebuilt, but the same calendar
    assert other is not first and other.etag == first.etag and other.body == first.body
    with demo_store.session() as session:
        add_milestone(session, WARWICKSHIRE_REFERENCE, kind="other", name="Contract review",
                      due=parse_span("2027-03-01"), actor="test officer")
    second = render()
    assert second is not first and second.etag != first.etag and second.events == first.events + 1
    with demo_store.session() as session:
        edit_contract(session, WARWICKSHIRE_REFERENCE, {"owner_role": "Head of SEND"}, actor="test officer")
    third = render()
    assert third.etag != second.etag and b"Owner: Head of SEND" in third.body


def test_last_modified_and_if_modified_since(demo_store, server):
    from email.utils import formatdate, parsedate_to_datetime

    _, token = _create(demo_store)
    url = f"{server.url}/feeds/{token}.ics"
    first = httpx.get(url)
    stamp = first.headers["last-modified"]
    modified = parsedate_to_datetime(stamp).timestamp()
    assert stamp.endswith(" GMT")

    same = httpx.get(url, headers={"If-Modified-Since": stamp})
    assert same.status_code == 304 and same.content == b""
    assert same.headers["last-modified"] == stamp and same.headers["etag"] == first.headers["etag"]
    assert httpx.get(url, headers={"If-Modified-Since": formatdate(modified - 1, usegmt=True)}).status_code == 200
    for unreadable in ("yesterday", "", "Thu, 99 Foo 2026 99:99:99 GMT", formatdate(modified + 10**9, usegmt=True)):
        assert httpx.get(url, headers={"If-Modified-Since": unreadable}).status_code == 200, unreadable
    # If-None-Match, when sent, decides alone (RFC 9110 13.2.2)
    assert httpx.get(url, headers={"If-None-Match": '"other"', "If-Modified-Since": stamp}).status_code == 200
    assert httpx.head(url, headers={"If-Modified-Since": stamp}).status_code == 304

    with demo_store.session() as session:
        edit_contract(session, WARWICKSHIRE_REFERENCE, {"title": "SEND Mediation Service"}, actor="test officer")
    changed = httpx.get(url, headers={"If-Modified-Since": stamp})
    assert changed.status_code == 200 and b"SEND Mediation Service\r\n" in changed.content
    assert parsedate_to_datetime(changed.headers["last-modified"]).timestamp() > modified


def test_feeds_are_gzipped_for_clients_that_accept_it(demo_store, server):
    import gzip

    _, token = _create(demo_store, filters=DeadlineFilter())
    url = f"{server.url}/feeds/{token}.ics"
    plain = httpx.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as packed:
        raw = b"".join(packed.iter_raw())
        assert packed.headers["content-encoding"] == "gzip" and "accept-encoding" in packed.headers["vary"].lower()
        assert packed.headers["etag"] == plain.headers["etag"]
    assert gzip.decompress(raw) == plain.content
    assert len(raw) < len(plain.content) / 3


def test_a_feeds_last_modified_moves_only_when_its_body_changes_and_always_forward(demo_store):
    from contract_tracker.services.feeds import FeedCache

    feed_id, _ = _create(demo_store)
    now = [1_800_000_000.4]
    cache = FeedCache(clock=lambda: now[0])

    def render():
        with demo_store.session() as session:
            return cache.render(session, session.get(FeedSubscription, feed_id), as_of=date(2026, 11, 22))

    first = render()
    assert first.last_modified == 1_800_000_000
    now[0] += 3600
    with demo_store.session() as session:  # another contract: rebuilt, the same body, the same time
        edit_contract(session, "DEMO-LIB-2022", {"title": "Library system"}, actor="test officer")
    assert render().last_modified == first.last_modified
    with demo_store.session() as session:
        edit_contract(session, WARWICKSHIRE_REFERENCE, {"owner_role": "Head of SEND"}, actor="test officer")
    second = render()
    assert second.last_modified == 1_800_003_600
    with demo_store.session() as session:  # a second change in the same second: still a later time
        edit_contract(session, WARWICKSHIRE_REFERENCE, {"owner_role": "Head of SEND services"}, actor="test officer")
    assert render().last_modified == 1_800_003_601


def test_migration_0004_creates_and_drops_the_feed_table(tmp_path):
    from alembic import command
    from sqlalchemy import inspect

    from contract_tracker.store.database import Store, _alembic_config

    store = Store.open(f"sqlite:///{tmp_path / 'm.sqlite'}")
    try:
        assert "feed_subscription" in inspect(store.engine).get_table_names()
        command.downgrade(_alembic_config(store.engine), "0001")
        assert "feed_subscription" not in inspect(store.engine).get_table_names()
        command.upgrade(_alembic_config(store.engine), "head")
        columns = {c["name"] for c in inspect(store.engine).get_columns("feed_subscription")}
        assert {"name", "filters", "alarms", "token_hash", "created_at", "revoked_at"} <= columns
    finally:
        store.close()


# The authority's own notices, brought forward to the day a feed is served --------------------
def _serve_on(store, clock: dict):
    from contract_tracker.calendar.feed_server import create_app, start_app_in_thread

    return start_app_in_thread(create_app(store, today=lambda: clock["day"]))


def _notices_as_of(store):
    from contract_tracker.services.notices import notices_as_of

    with store.session() as session:
        return notices_as_of(session)


def _summaries(body: bytes) -> list[str]:
    return sorted(str(event["SUMMARY"]) for event in parse(body).walk("VEVENT"))


def test_a_feed_shows_the_authoritys_uk8_notices_though_no_command_worked_them_out(demo_store):
    """The demo's notices were worked out as of 30 Sep 2026 (what its council had published): the
    UK8 for Oct 2026 to Mar 2027 is not in the stream until a reader with a later day asks."""
    from contract_tracker.services.demo import NOTICES_PUBLISHED_UNTIL

    _, token = _create(demo_store, name="Notices", filters=DeadlineFilter(kinds=("UK8 due",)))
    assert _notices_as_of(demo_store) == NOTICES_PUBLISHED_UNTIL
    running = _serve_on(demo_store, {"day": date(2026, 11, 22)})
    try:
        served = httpx.get(f"{running.url}/feeds/{token}.ics")
    finally:
        running.stop()
    assert served.status_code == 200
    summaries = _summaries(served.content)
    assert any("UK8) for 1 Oct 2026 – 31 Mar 2027" in summary for summary in summaries), summaries
    assert _notices_as_of(demo_store) == date(2026, 11, 22)


def test_a_feed_served_on_a_later_day_brings_the_notices_forward_and_304s_within_a_day(store):
    """Notices last worked out on 31 Mar 2027 (a report run that day); a server left running serves
    1 Apr 2027 with the next year's UK1 pipeline notice, and answers 304 while nothing changes."""
    from contract_tracker.services import ContractFields, register_contract
    from contract_tracker.services.authority import set_authority
    from contract_tracker.store.change_marker import deadline_version

    with store.session() as session:
        register_contract(session, ContractFields(
            reference="PA-1", title="Day services", start_date=date(2025, 10, 1), initial_term="5y",
            regime="PA2023", annual_value=100000), actor="test officer")
        set_authority(session, actor="test officer", today=date(2027, 3, 31), expected_spend="£120,000,000")
    _, token = _create(store, name="Notices", filters=DeadlineFilter(kinds=("UK8 due", "UK1 due")))
    clock = {"day": date(2027, 3, 31)}
    running = _serve_on(store, clock)
    url = f"{running.url}/feeds/{token}.ics"
    try:
        first = httpx.get(url)
        assert first.status_code == 200
        uk1 = [s for s in _summaries(first.content) if "UK1" in s]
        assert [s.split(" for ")[1].split(",")[0] for s in uk1] == ["2026/27", "2027/28"]
        assert any("UK8) for 1 Oct 2027 – 31 Mar 2028" in s for s in _summaries(first.content))
        with store.session() as session:
            version_before = deadline_version(session)
        again = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.headers["etag"] == first.headers["etag"]
        with store.session() as session:  # the same day: checked, nothing written
            assert deadline_version(session) == version_before

        clock["day"] = date(2027, 4, 1)
        later = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert later.status_code == 200 and later.headers["etag"] != first.headers["etag"]
        assert any("UK1) for 2028/29" in s for s in _summaries(later.content)), _summaries(later.content)
        assert _notices_as_of(store) == date(2027, 4, 1)
        assert httpx.get(url, headers={"If-None-Match": later.headers["etag"]}).status_code == 304
    finally:
        running.stop()
