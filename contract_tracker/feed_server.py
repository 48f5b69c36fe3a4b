"""The calendar feed server: one small Starlette app, run by uvicorn.

`GET|HEAD /feeds/<token>.ics` answers the feed as text/calendar with an ETag (If-None-Match gives
304). Anything else, including an unknown, revoked or malformed token, gets the same bare 404, so
the server says nothing about which tokens exist. The token is part of the path, so uvicorn's
access log is switched off and this app logs the feed's id and name instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from . import ics_writer  # noqa: F401 - loaded (with icalendar) when the server starts, not on the first request
from .feeds import if_none_match_hits
from .services.feeds import FeedCache, feed_for_token
from .store import Store

log = logging.getLogger("contract_tracker.feed_server")

CACHE_CONTROL = "private, max-age=300"  # a feed is personal; clients may reuse it for five minutes
_SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _not_found() -> Response:
    return PlainTextResponse("Not Found", status_code=404, headers=_SECURITY_HEADERS)


def create_app(store: Store, *, today: Callable[[], date] = date.today) -> Starlette:
    """The ASGI app, reading feeds from `store` (one short session per request). Each feed shows its
    deadlines as they stand on `today()`, asked afresh for every request (a server runs for days)."""
    cache = FeedCache()

    # A plain function: Starlette runs it in its thread pool, so database work never blocks the loop.
    def feed(request: Request) -> Response:
        token = request.path_params["token"]
        try:
            with store.session() as session:
                subscription = feed_for_token(session, token)
                if subscription is None:
                    log.info("%s feed: unknown or revoked token -> 404", request.method)
                    return _not_found()
                rendered = cache.render(session, subscription, as_of=today())
                label = f"{subscription.id} ({subscription.name})"
        except Exception as error:
            log.error("%s feed: could not build the calendar (%s)", request.method, type(error).__name__)
            return PlainTextResponse("Service Unavailable", status_code=503, headers=_SECURITY_HEADERS)
        headers = {"ETag": rendered.etag, "Cache-Control": CACHE_CONTROL, **_SECURITY_HEADERS}
        if if_none_match_hits(request.headers.get("if-none-match"), rendered.etag):
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

    return Starlette(
        routes=[Route("/feeds/{token}.ics", feed, methods=["GET", "HEAD"])],
        exception_handlers={404: not_found, 405: not_found},
    )


def _config(store: Store, host: str, port: int, **ssl):
    import uvicorn

    return uvicorn.Config(
        create_app(store), host=host, port=port,
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
          ssl_certfile: str | None = None, ssl_keyfile: str | None = None) -> None:
    """Serve feeds until interrupted."""
    import uvicorn

    _log_to_stderr()
    ssl = {"ssl_certfile": ssl_certfile, "ssl_keyfile": ssl_keyfile} if ssl_certfile else {}
    uvicorn.Server(_config(store, host, port, **ssl)).run()


@dataclass
class RunningServer:
    """A server started in a thread (tests, embedding): `url`, and `stop()`."""

    server: object
    thread: threading.Thread
    url: str

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_in_thread(store: Store, *, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0) -> RunningServer:
    """Start the real uvicorn server on `host` (port 0: a free port) and wait until it listens."""
    import time

    import uvicorn

    config = _config(store, host, port)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="feed-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the feed server did not start")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()
    return RunningServer(server=server, thread=thread, url=f"http://{bound[0]}:{bound[1]}")
