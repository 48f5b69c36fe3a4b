"""The calendar feed server: one small Starlette app, run by uvicorn.

`GET|HEAD /feeds/<token>.ics` answers the feed as text/calendar with an ETag and a Last-Modified
(If-None-Match, or else If-Modified-Since, gives 304), gzipped when the client accepts it.
Anything else, including an unknown, revoked or malformed token and a trailing slash, gets the
same bare 404, so the server says nothing about which tokens exist. The token is part of the path,
so uvicorn's access log is switched off and this app logs the feed's id and name instead.
Connections are guarded against floods (feed_guard): a timeout for each request, a cap on open
connections, and a summary of what was shed once a minute.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date
from email.utils import formatdate, parsedate_to_datetime

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ..services.feeds import FeedCache, RenderedFeed, feed_for_token
from ..services.notices import bring_notices_current
from ..store.database import Store
from . import ics_writer  # noqa: F401 - loaded (with icalendar) when the server starts, not on the first request
from .feed_guard import Guard, Limits, guarded_protocol
from .feeds import if_none_match_hits

log = logging.getLogger("contract_tracker.calendar.feed_server")

CACHE_CONTROL = "private, max-age=300"  # a feed is personal; clients may reuse it for five minutes
GZIP_LEVEL = 5  # a 10 MB feed: about 1.1 MB in 75 ms (level 9: 1.0 MB in 170 ms)
_SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _not_found() -> Response:
    return PlainTextResponse("Not Found", status_code=404, headers=_SECURITY_HEADERS)


def not_modified(request: Request, rendered: RenderedFeed, now: float) -> bool:
    """Whether the client's copy is current (RFC 9110 13.2.2): If-None-Match when sent, else
    If-Modified-Since (a date that cannot be read, or one in the future, is ignored)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return if_none_match_hits(if_none_match, rendered.etag)
    since = request.headers.get("if-modified-since")
    if not since:
        return False
    try:
        parsed = parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    moment = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()  # HTTP dates are GMT
    return rendered.last_modified <= moment <= now


def create_app(store: Store, *, contract_url: str | None = None,
               today: Callable[[], date] = date.today) -> Starlette:
    """The ASGI app, reading feeds from `store` (one short session per request). `contract_url`
    (checked by calendar.contract_url_setting) links each event to its contract's page. Each feed
    shows its deadlines as they stand on `today()`, asked afresh for every request (a server runs
    for days), with the authority's own notices brought forward to that day first (the first
    request of a day works them out; the others find them current in one primary-key read)."""
    cache = FeedCache(contract_url=contract_url)

    # A plain function: Starlette runs it in its thread pool, so database work never blocks the loop.
    def feed(request: Request) -> Response:
        token = request.path_params["token"]
        day = today()
        try:
            bring_notices_current(store, day)
        except Exception as error:  # the feed as stored is still worth serving
            log.warning("could not bring the authority's notices up to %s (%s)", day, type(error).__name__)
        try:
            with store.session() as session:
                subscription = feed_for_token(session, token)
                if subscription is None:
                    log.info("%s feed: unknown or revoked token -> 404", request.method)
                    return _not_found()
                rendered = cache.render(session, subscription, as_of=day)
                label = f"{subscription.id} ({subscription.name})"
        except Exception as error:
            log.error("%s feed: could not build the calendar (%s)", request.method, type(error).__name__)
            return PlainTextResponse("Service Unavailable", status_code=503, headers=_SECURITY_HEADERS)
        headers = {"ETag": rendered.etag, "Last-Modified": formatdate(rendered.last_modified, usegmt=True),
                   "Cache-Control": CACHE_CONTROL, **_SECURITY_HEADERS}
        if not_modified(request, rendered, time.time()):
            log.info("%s feed %s -> 304", request.method, label)
            return Response(status_code=304, headers=headers)
        log.info("%s feed %s -> 200, %d events", request.method, label, rendered.events)
        return Response(
            rendered.body,
            media_type="text/calendar; charset=utf-8",
            headers={**headers, "Content-Disposition": 'inline; filename="deadlines.ics"'},
        )

    async def not_found(request: Request, exc: Exception) -> Response:
        return _not_found()

    app = Starlette(
        routes=[Route("/feeds/{token}.ics", feed, methods=["GET", "HEAD"])],
        exception_handlers={404: not_found, 405: not_found},
        middleware=[Middleware(GZipMiddleware, compresslevel=GZIP_LEVEL)],
    )
    # Starlette answers a path with a trailing slash by a 307 to the path without it, built from
    # the Host header: a feed URL with a slash is an unknown path like any other.
    app.router.redirect_slashes = False
    return app


def _guarded_server(config, guard: Guard):
    """An uvicorn server whose event loop counts failed accepts instead of logging each one."""
    import uvicorn

    class GuardedServer(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            asyncio.get_running_loop().set_exception_handler(guard.exception_handler)
            await super().startup(sockets=sockets)

    return GuardedServer(config)


def _config(app, host: str, port: int, guard: Guard, **ssl):
    import uvicorn

    return uvicorn.Config(
        app, host=host, port=port,
        http=guarded_protocol(guard),
        # asyncio accepts up to `backlog` connections at a time before the guard sees them: keep
        # that within the descriptors the cap leaves free
        backlog=min(2048, guard.cap),
        access_log=False,  # the access log would write the path, and the path holds the token
        log_level="info", server_header=False, proxy_headers=False, lifespan="off", **ssl,
    )


def _log_to_stderr() -> None:
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def serve(store: Store, *, host: str = "127.0.0.1", port: int = 8080,
          ssl_certfile: str | None = None, ssl_keyfile: str | None = None,
          contract_url: str | None = None, limits: Limits = Limits()) -> None:
    """Serve feeds until interrupted."""
    _log_to_stderr()
    ssl = {"ssl_certfile": ssl_certfile, "ssl_keyfile": ssl_keyfile} if ssl_certfile else {}
    guard = Guard(limits, log)
    app = create_app(store, contract_url=contract_url)
    _guarded_server(_config(app, host, port, guard, **ssl), guard).run()


@dataclass
class RunningServer:
    """A server started in a thread (tests, embedding): `url`, its `guard`, and `stop()`."""

    server: object
    thread: threading.Thread
    url: str
    guard: Guard

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_app_in_thread(app, *, host: str = "127.0.0.1", port: int = 0, limits: Limits = Limits(),
                        timeout: float = 10.0) -> RunningServer:
    """Start the real uvicorn server, guarded, with `app` on `host` (port 0: a free port) and
    wait until it listens."""
    guard = Guard(limits, log)
    server = _guarded_server(_config(app, host, port, guard), guard)
    thread = threading.Thread(target=server.run, name="feed-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the feed server did not start")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()
    return RunningServer(server=server, thread=thread, url=f"http://{bound[0]}:{bound[1]}", guard=guard)


def start_in_thread(store: Store, *, host: str = "127.0.0.1", port: int = 0, contract_url: str | None = None,
                    limits: Limits = Limits(), timeout: float = 10.0) -> RunningServer:
    """Start the feed server on `store` in a thread (see start_app_in_thread)."""
    return start_app_in_thread(create_app(store, contract_url=contract_url), host=host, port=port,
                               limits=limits, timeout=timeout)
