"""`ics export`, `feed create|list|revoke` and `serve`: the register in people's calendars.

icalendar, Starlette and uvicorn are imported inside the commands, so other commands never pay for them.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from ..enums import DeadlineKind
from ..errors import InvalidInput
from ..files import open_atomically
from .context import console, context, emit_json, table
from .parsing import day

BASE_URL_ENV = "CONTRACT_TRACKER_FEED_URL"
CONTRACT_URL_ENV = "CONTRACT_TRACKER_CONTRACT_URL"
KINDS = ", ".join(kind.value for kind in DeadlineKind)

ics_app = typer.Typer(help="Export deadlines as an iCalendar (.ics) file.", no_args_is_help=True)
feed_app = typer.Typer(help="Calendar subscriptions: secret feed URLs that stay up to date.", no_args_is_help=True)

Contracts = Annotated[list[str] | None, typer.Option("--contract", metavar="REF", help="Only this contract (reference); repeat for more.", show_default=False)]
Owner = Annotated[str | None, typer.Option("--owner", metavar="ROLE", help="Only deadlines owned by this role.", show_default=False)]
ServiceArea = Annotated[str | None, typer.Option("--service-area", metavar="AREA", help="Only contracts in this service area.", show_default=False)]
Kinds = Annotated[list[str] | None, typer.Option("--kind", metavar="KIND", help=f"Only this kind; repeat for more. One of: {KINDS}.", show_default=False)]
From = Annotated[str | None, typer.Option("--from", metavar="DATE", help="Only deadlines on or after this day.", show_default=False)]
To = Annotated[str | None, typer.Option("--to", metavar="DATE", help="Only deadlines on or before this day.", show_default=False)]
ContractUrl = Annotated[str | None, typer.Option("--contract-url", metavar="URL", envvar=CONTRACT_URL_ENV, help="Link each event to its contract's page: a base URL (the reference is added) or a template with {reference}, e.g. https://intranet.example.gov.uk/contracts/{reference}.", show_default=False)]
Alarms = Annotated[str | None, typer.Option("--alarms", metavar="LIST", help="Reminders before every deadline, e.g. 90d,30d,7d,1d or 2w, or 'none' (default: 90, 30, 7 and 1 days before decisions and break notices, 7 and 1 before milestones).", show_default=False)]


def _filter(cli, contracts, owner, service_area, kinds, from_, to):
    from ..calendar.feeds import DeadlineFilter

    return DeadlineFilter(
        contracts=tuple(contracts or ()), owner=owner or None, service_area=service_area or None,
        kinds=tuple(kinds or ()), start=day(from_, name="--from", today=cli.today),
        end=day(to, name="--to", today=cli.today),
    )


@ics_app.command("export")
def export(
    ctx: typer.Context, contract: Contracts = None, owner: Owner = None, service_area: ServiceArea = None,
    kind: Kinds = None, from_: From = None, to: To = None, alarms: Alarms = None,
    name: Annotated[str, typer.Option("--name", metavar="TEXT", help="The calendar's name in calendar apps.")] = "Contract deadlines",
    output: Annotated[str, typer.Option("-o", "--output", metavar="FILE", help="File to write, or - for standard output.")] = "-",
    include_cancelled: Annotated[bool, typer.Option("--include-cancelled", help="Also every deadline that stopped applying (lapsed, cancelled, superseded) more than 90 days ago, as cancelled events.")] = False,
    contract_url: ContractUrl = None,
) -> None:
    """Write the deadlines (all, or those the options select) as an iCalendar file, as they stand today
    (--today): deadlines that stopped applying in the last 90 days are cancelled events without reminders."""
    from ..calendar.events import AlarmPolicy, contract_url_setting, parse_alarms
    from ..calendar.feeds import calendar_description, calendar_rows
    from ..calendar.ics_writer import write_calendar
    from ..calendar.origin import origin_of
    from ..services.feeds import check_contracts

    cli = context(ctx)
    wanted = _filter(cli, contract, owner, service_area, kind, from_, to)
    policy = AlarmPolicy(override=parse_alarms(alarms))
    contract_url = contract_url_setting(contract_url)
    with cli.current_store().session() as session:
        check_contracts(session, wanted)
        options = dict(origin=origin_of(session, contract_url), name=name,
                       description=calendar_description(wanted), alarms=policy)
        # streamed, row by row, from the database to the file: a national register is 1.5 million events
        rows = calendar_rows(session, wanted, as_of=cli.today, include_stopped=include_cancelled)
        if output == "-":
            write_calendar(typer.get_binary_stream("stdout").write, rows, **options)
            return
        with open_atomically(output) as out:
            events = write_calendar(out.write, rows, **options)
    typer.echo(f"wrote {events} events to {output}", err=True)


@feed_app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", metavar="TEXT", help="What the calendar is called, e.g. 'SEND commissioning'.")],
    contract: Contracts = None, owner: Owner = None, service_area: ServiceArea = None, kind: Kinds = None,
    from_: From = None, to: To = None, alarms: Alarms = None,
    base_url: Annotated[str, typer.Option("--base-url", metavar="URL", envvar=BASE_URL_ENV, help="Where the feed server is reached (behind TLS).")] = "https://localhost:8080",
) -> None:
    """Create a feed and print its secret URLs (shown once: keep them safe)."""
    from ..calendar.events import parse_alarms
    from ..calendar.feeds import feed_urls
    from ..services.feeds import create_feed

    cli = context(ctx)
    wanted = _filter(cli, contract, owner, service_area, kind, from_, to)
    days = parse_alarms(alarms)
    with cli.store().session() as session:
        created = create_feed(session, name=name, filters=wanted, alarms=days, actor=cli.settings.user)
        web, webcal = feed_urls(base_url, created.token)
    typer.echo(f"created feed {created.feed.id} ({created.feed.name}): {wanted.describe()}")
    typer.echo(web)
    typer.echo(webcal)
    typer.echo("The token in these URLs is shown only this once; anyone with it can read the feed. "
               f"Revoke with: contract-tracker feed revoke {created.feed.id}", err=True)


def _stamp(moment) -> str:
    from datetime import UTC

    # SQLite hands back naive datetimes; the store writes UTC
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat(timespec="seconds")


@feed_app.command("list")
def list_(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include revoked feeds.")] = False,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List feeds (their URLs cannot be shown again: only a hash of the token is kept)."""
    from ..calendar.events import format_alarms, parse_alarms
    from ..calendar.feeds import DeadlineFilter
    from ..services.feeds import list_feeds

    if format not in {"table", "json"}:
        raise InvalidInput(f"--format: {format!r} is not one of: table, json")
    cli = context(ctx)
    with cli.store().session() as session:
        rows = [
            {
                "id": feed.id, "name": feed.name, "filters": DeadlineFilter.from_json(feed.filters).describe(),
                "alarms": format_alarms(parse_alarms(feed.alarms)), "created_at": _stamp(feed.created_at),
                "created_by": feed.created_by,
                "revoked_at": _stamp(feed.revoked_at) if feed.revoked_at else None,
            }
            for feed in list_feeds(session, include_revoked=all_)
        ]
    if format == "json":
        emit_json(rows)
        return
    columns = ["Id", "Name", "Shows", "Reminders", "Created", "By"] + (["Revoked"] if all_ else [])
    console().print(table("Calendar feeds", columns, [
        [r["id"], r["name"], r["filters"], r["alarms"], r["created_at"], r["created_by"]] + ([r["revoked_at"]] if all_ else [])
        for r in rows
    ]))


@feed_app.command("revoke")
def revoke(
    ctx: typer.Context,
    feed: Annotated[str, typer.Argument(help="The feed's id or name (see feed list).")],
) -> None:
    """Revoke a feed: its URL answers 404 from now on."""
    from ..services.feeds import revoke_feed

    cli = context(ctx)
    with cli.store().session() as session:
        revoked = revoke_feed(session, feed, actor=cli.settings.user)
    typer.echo(f"revoked feed {revoked.id} ({revoked.name})")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; loopback unless you mean to publish.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8080,
    ssl_certfile: Annotated[str | None, typer.Option("--ssl-certfile", help="Serve HTTPS with this certificate (PEM).", show_default=False)] = None,
    ssl_keyfile: Annotated[str | None, typer.Option("--ssl-keyfile", help="The certificate's private key (PEM).", show_default=False)] = None,
    contract_url: ContractUrl = None,
    request_timeout: Annotated[float, typer.Option("--request-timeout", min=0.5, max=300, metavar="SECONDS", help="Close a connection whose request has not arrived whole within this time.")] = 5.0,
    max_connections: Annotated[int | None, typer.Option("--max-connections", min=8, max=100_000, help="Open connections at most (beyond it the one idle longest is closed, or 503 when all are busy); default 500, within the open-file limit.", show_default=False)] = None,
) -> None:
    """Serve calendar feeds at /feeds/<token>.ics until interrupted (Ctrl+C)."""
    from ..calendar.events import contract_url_setting
    from ..calendar.feed_guard import Limits
    from ..calendar.feed_server import serve as run

    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise InvalidInput("give both --ssl-certfile and --ssl-keyfile, or neither")
    contract_url = contract_url_setting(contract_url)
    limits = Limits(request_timeout=request_timeout, max_connections=max_connections)
    cli = context(ctx)
    store = cli.store()
    if not _is_loopback(host):
        typer.echo(f"warning: listening on {host}, not loopback: put it behind TLS (a reverse proxy or "
                   "--ssl-certfile) before anyone subscribes", err=True)
    scheme = "https" if ssl_certfile else "http"
    typer.echo(f"serving calendar feeds on {scheme}://{host}:{port}/feeds/<token>.ics (Ctrl+C to stop)", err=True)
    typer.echo(f"at most {limits.cap():,} open connections; {request_timeout:g} s for each request", err=True)
    run(store, host=host, port=port, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile, contract_url=contract_url,
        limits=limits)
