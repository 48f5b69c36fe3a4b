"""The feed server under a flood: slow requests are cut off, idle connections make room, real load
past the cap is refused with 503, and what was shed is reported once a minute, never a traceback
a connection. The flood test runs the real `serve` command with a low open-file limit, as the
report that found the problem did."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from calendar_support import parse
from contract_tracker.calendar.feed_guard import (
    ACCEPT_FAILED,
    DROPPED,
    REFUSED,
    TIMED_OUT,
    Guard,
    Limits,
    LoadReport,
    connection_cap,
)
from contract_tracker.calendar.feed_server import start_app_in_thread, start_in_thread
from contract_tracker.calendar.feeds import DeadlineFilter
from contract_tracker.services.feeds import create_feed

SAFETY = 15  # seconds a socket waits for the server before the test gives up (a hang, not a timing check)


def _wait_until(condition, what: str, within: float = SAFETY) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.01)


def _half_open(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=SAFETY)
    connection.sendall(b"GET /feeds/")  # half a request line, and then nothing
    return connection


def _read_all(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _token(store) -> str:
    with store.session() as session:
        return create_feed(session, name="Everything", filters=DeadlineFilter(), alarms=None,
                           actor="test officer").token


@pytest.mark.parametrize("configured, file_limit, cap", [
    (None, None, 500), (None, 256, 96), (10_000, 1024, 480), (20, 4096, 20), (None, 64, 8),
])
def test_the_cap_stays_well_inside_the_open_file_limit(configured, file_limit, cap):
    assert connection_cap(configured, file_limit) == cap


def test_a_request_that_does_not_arrive_in_time_gets_408_and_is_closed(store):
    running = start_in_thread(store, limits=Limits(request_timeout=0.3))
    try:
        connection = _half_open(running.url)
        answer = _read_all(connection)  # the server closes it
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        connection.close()

        # on a kept-alive connection too: the clock starts again with the next request's first byte
        host, port = running.url.removeprefix("http://").split(":")
        kept = socket.create_connection((host, int(port)), timeout=SAFETY)
        kept.sendall(b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")
        first = b""
        while not first.endswith(b"Not Found"):  # the whole 404, however it is split
            first += kept.recv(65536)
        assert first.startswith(b"HTTP/1.1 404")
        kept.sendall(b"GET /feeds/")
        assert _read_all(kept).startswith(b"HTTP/1.1 408")
        kept.close()
        assert running.guard.report.totals[TIMED_OUT] == 2
    finally:
        running.stop()


def test_at_the_cap_the_connection_idle_longest_makes_room_for_a_subscriber(demo_store):
    token = _token(demo_store)
    # a request timeout far beyond the test, so that only the cap can close a connection here
    running = start_in_thread(demo_store, limits=Limits(max_connections=8, request_timeout=4 * SAFETY))
    try:
        assert running.guard.cap == 8
        idle = []
        for _ in range(8):
            idle.append(_half_open(running.url))
            _wait_until(lambda: running.guard.open_connections == len(idle), "the server to see each connection")
        answer = httpx.get(f"{running.url}/feeds/{token}.ics", timeout=SAFETY)
        assert answer.status_code == 200 and parse(answer.content).walk("VEVENT")
        assert _read_all(idle[0]) == b""  # the oldest was closed to make room, without a word
        assert running.guard.report.totals[DROPPED] == 1
        for connection in idle:
            connection.close()
    finally:
        running.stop()


def test_past_the_cap_with_every_connection_busy_a_newcomer_gets_503(store):
    release = threading.Event()

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        if scope["path"] == "/slow":
            await asyncio.to_thread(release.wait, SAFETY)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})

    running = start_app_in_thread(app, limits=Limits(max_connections=8))
    host, port = running.url.removeprefix("http://").split(":")
    busy = []
    try:
        for _ in range(8):
            connection = socket.create_connection((host, int(port)), timeout=SAFETY)
            connection.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            busy.append(connection)
        _wait_until(lambda: running.guard.busy_connections == 8, "eight requests in hand")
        refused = httpx.get(f"{running.url}/fast", timeout=SAFETY)
        assert refused.status_code == 503 and refused.headers["retry-after"] == "30"
        assert running.guard.report.totals[REFUSED] == 1
        release.set()
        for connection in busy:  # the busy ones were never cut off
            assert connection.recv(65536).startswith(b"HTTP/1.1 200 OK")
        assert httpx.get(f"{running.url}/fast", timeout=SAFETY).status_code == 200
    finally:
        release.set()
        for connection in busy:
            connection.close()
        running.stop()


class _Loop:
    """Enough of an event loop for the report: call_later is kept, and run by hand."""

    def __init__(self) -> None:
        self.later: list = []

    def call_later(self, delay, callback, *args):
        self.later.append((delay, callback))


def test_the_report_logs_one_line_when_shedding_starts_then_one_a_minute_while_it_lasts(caplog):
    caplog.set_level(logging.WARNING)
    loop = _Loop()
    report = LoadReport(logging.getLogger("test.guard"), 60)
    for _ in range(300):
        report.count(TIMED_OUT, loop)
    for _ in range(5):
        report.count(REFUSED, loop)
    assert len(caplog.records) == 1 and "shedding connections" in caplog.records[0].getMessage()
    assert [delay for delay, _ in loop.later] == [60]
    loop.later.pop()[1]()  # a minute later
    assert "300 too slow to send a request (408), 5 refused over the cap (503)" in caplog.records[1].getMessage()
    loop.later.pop()[1]()  # a quiet minute: nothing to say, and the report stops until the next flood
    assert len(caplog.records) == 2 and loop.later == []
    report.count(DROPPED, loop)
    assert len(caplog.records) == 3 and report.totals == {TIMED_OUT: 300, REFUSED: 5, DROPPED: 1}


def test_a_failed_accept_is_counted_not_logged_with_a_traceback(caplog):
    guard = Guard(Limits(), logging.getLogger("test.guard"))
    seen = []

    class Loop(_Loop):
        def default_exception_handler(self, context):
            seen.append(context)

    loop = Loop()
    for _ in range(1000):
        guard.exception_handler(loop, {"message": "socket.accept() out of system resource",
                                       "exception": OSError(errno.EMFILE, "Too many open files")})
    guard.exception_handler(loop, {"message": "something else", "exception": ValueError("x")})
    assert guard.report.totals[ACCEPT_FAILED] == 1000
    assert [context["message"] for context in seen] == ["something else"]


def test_a_flood_of_half_open_connections_under_a_low_file_limit_still_serves_a_subscriber(tmp_path):
    """The report's case: `ulimit -n 256`, 400 connections sending half a request line."""
    resource = pytest.importorskip("resource")
    from contract_tracker.services.demo import load_demo
    from contract_tracker.store.database import Store

    db = f"sqlite:///{tmp_path / 'flood.sqlite'}"
    store = Store.open(db)
    with store.session() as session:
        load_demo(session)
    path = f"/feeds/{_token(store)}.ics"
    store.close()
    ct = [sys.executable, "-c", "from contract_tracker.cli import main; main()", "--db", db]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def low_file_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

    log = tmp_path / "serve.log"
    flood: list[socket.socket] = []
    with log.open("wb") as sink:
        server = subprocess.Popen([*ct, "serve", "--port", str(port)], stdout=sink, stderr=subprocess.STDOUT,
                                  preexec_fn=low_file_limit, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            def listening() -> bool:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    return True
                except OSError:
                    return False

            _wait_until(listening, "serve to listen", within=60)
            for _ in range(400):
                flood.append(_half_open(f"http://127.0.0.1:{port}"))
            answer = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=SAFETY)
            assert answer.status_code == 200
            assert len(parse(answer.content).walk("VEVENT")) > 30
            assert server.poll() is None
        finally:
            for connection in flood:
                connection.close()
            server.terminate()
            server.wait(timeout=SAFETY)
    output = log.read_text()
    assert "at most 96 open connections" in output
    assert "Traceback" not in output and "Too many open files" not in output
    shed = [line for line in output.splitlines() if "under load" in line]
    assert 1 <= len(shed) <= 2, output  # one line when it starts (a minute's counts would follow)
    assert len(output) < 5000
