"""The feed server's defence against floods of slow or idle connections.

Four hundred connections that each send half a request line and wait used to hold a file
descriptor each until the process ran out (uvicorn has no timeout for a request's head), after
which asyncio logged a traceback for every failed accept, hundreds a second, and real subscribers
got nothing. Here, for every connection of one server (`Guard`):

- A request must arrive whole (head and body) within `Limits.request_timeout` seconds of its
  first byte (of the connection, for the first request): else 408 and the connection is closed.
- At most `Limits.max_connections` are open at once (by default well below the process's
  open-file limit). A connection beyond the cap takes the place of the connection idle longest
  (one still waiting for its request, or between requests); only when every open connection is
  busy with a response is the newcomer answered 503 and closed. So a flood of idle connections
  cannot lock out a subscriber, and real load past the cap is refused, not queued.
- What was shed is counted and logged as one line a minute while it lasts (`LoadReport`); a failed
  accept (too many open files) is counted there too instead of a traceback each time.

The guard is an uvicorn HTTP protocol (h11) with these checks added (`guarded_protocol`), passed
to uvicorn through its `http` setting.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_REQUEST_TIMEOUT = 5.0
DEFAULT_MAX_CONNECTIONS = 500
RESERVED_FILES = 64  # descriptors kept for the database, the thread pool, logs and the listening socket
REPORT_EVERY = 60.0

_TIMEOUT = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 15\r\n"
            b"connection: close\r\n\r\nRequest Timeout")
_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 19\r\n"
         b"retry-after: 30\r\nconnection: close\r\n\r\nService Unavailable")
_ACCEPT_FAILURES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}

# What the report counts, in the words of its log line.
TIMED_OUT = "too slow to send a request (408)"
DROPPED = "idle, closed to make room"
REFUSED = "refused over the cap (503)"
ACCEPT_FAILED = "not accepted (out of file descriptors)"


def open_file_limit() -> int | None:
    """This process's soft limit on open files, or None when unlimited or unknown."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else soft


def connection_cap(configured: int | None = None, file_limit: int | None = None) -> int:
    """The cap on open connections: as configured, but never more than half the descriptors left
    after RESERVED_FILES (the other half is for connections accepted in one burst before the
    guard sees them), and at least 8."""
    cap = configured or DEFAULT_MAX_CONNECTIONS
    if file_limit is not None:
        cap = min(cap, (file_limit - RESERVED_FILES) // 2)
    return max(8, cap)


@dataclass(frozen=True)
class Limits:
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT  # seconds for a request's head and body
    max_connections: int | None = None  # None: DEFAULT_MAX_CONNECTIONS within the open-file limit
    report_every: float = REPORT_EVERY  # seconds between the lines that report shed connections

    def cap(self) -> int:
        return connection_cap(self.max_connections, open_file_limit())


class LoadReport:
    """Counts what was shed and logs it: one line when shedding starts, then one line a minute
    with the counts while it goes on; nothing while the server is quiet."""

    def __init__(self, log: logging.Logger, every: float) -> None:
        self._log = log
        self._every = every
        self._pending: Counter[str] = Counter()
        self._loop: asyncio.AbstractEventLoop | None = None  # set while a report is due
        self.totals: Counter[str] = Counter()

    def count(self, what: str, loop: asyncio.AbstractEventLoop) -> None:
        self.totals[what] += 1
        self._pending[what] += 1
        if self._loop is None:
            self._loop = loop
            self._log.warning("feed server under load: shedding connections (%s); "
                              "counts follow every %.0f s while it lasts", what, self._every)
            loop.call_later(self._every, self._flush)

    def _flush(self) -> None:
        if not self._pending:  # a quiet interval: the flood is over
            self._loop = None
            return
        parts = ", ".join(f"{count:,} {what}" for what, count in self._pending.most_common())
        self._log.warning("feed server under load, last %.0f s: %s", self._every, parts)
        self._pending.clear()
        if self._loop is not None:
            self._loop.call_later(self._every, self._flush)


class Guard:
    """What one server's connections share: the open ones, oldest first, and the report."""

    def __init__(self, limits: Limits, log: logging.Logger) -> None:
        self.limits = limits
        self.cap = limits.cap()
        self.report = LoadReport(log, limits.report_every)
        self._open: OrderedDict[Any, None] = OrderedDict()  # protocols, idle longest first

    @property
    def open_connections(self) -> int:
        return len(self._open)

    @property
    def busy_connections(self) -> int:
        # over a snapshot: tests read this from another thread while the server's loop changes it
        return sum(1 for connection in tuple(self._open) if connection.busy())

    def admit(self, connection, loop: asyncio.AbstractEventLoop) -> bool:
        """Make room for `connection` (closing the connection idle longest if at the cap); False
        when every open connection is busy, and it must be refused."""
        if len(self._open) >= self.cap:
            victim = next((other for other in self._open if not other.busy()), None)
            if victim is None:
                self.report.count(REFUSED, loop)
                return False
            del self._open[victim]
            victim.drop()
            self.report.count(DROPPED, loop)
        self._open[connection] = None
        return True

    def idle(self, connection) -> None:
        """`connection` finished a response: it is idle from now (the last to be dropped)."""
        if connection in self._open:
            self._open.move_to_end(connection)

    def release(self, connection) -> None:
        self._open.pop(connection, None)

    def exception_handler(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        """The event loop's handler: a failed accept is counted, anything else logged as usual."""
        error = context.get("exception")
        if isinstance(error, OSError) and error.errno in _ACCEPT_FAILURES and "accept" in context.get("message", ""):
            self.report.count(ACCEPT_FAILED, loop)
            return
        loop.default_exception_handler(context)


def guarded_protocol(guard: Guard) -> type[H11Protocol]:
    """uvicorn's h11 protocol, with `guard`'s timeout and cap."""

    class GuardedH11Protocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _refused = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if not guard.admit(self, self.loop):
                self._refused = True
                transport.write(_BUSY)
                transport.close()
                return
            self._start_clock()

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            if self._deadline is None:  # the first byte of the next request on a kept-alive connection
                self._start_clock()
            super().data_received(data)
            if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):  # the whole request is in
                self._stop_clock()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            guard.idle(self)

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_clock()
            guard.release(self)
            super().connection_lost(exc)

        def busy(self) -> bool:
            """Answering a request (which must not be cut off to make room)."""
            return self.cycle is not None and not self.cycle.response_complete and not self._refused

        def drop(self) -> None:
            self._stop_clock()
            self.transport.close()

        def _start_clock(self) -> None:
            self._deadline = self.loop.call_later(guard.limits.request_timeout, self._too_slow)

        def _stop_clock(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if self.transport.is_closing():
                return
            guard.report.count(TIMED_OUT, self.loop)
            answering = self.cycle is not None and self.cycle.response_started and not self.cycle.response_complete
            if not answering:  # (a response half-written cannot be followed by another)
                self.transport.write(_TIMEOUT)
            self.transport.close()

    return GuardedH11Protocol
