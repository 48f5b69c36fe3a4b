"""`report upcoming|decisions|breaks|expiring|overdue|pipeline`: for people and for cron.

Exit codes: 0 done, 1 the report is not empty and --fail-if-any was given, 2 bad input.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..read.reports.render import Format
from .context import console, context
from .finance_cmds import savings as _savings
from .finance_cmds import spend as _spend
from .parsing import day, money

app = typer.Typer(
    help="Reports on the deadline stream: table for people, csv, json or markdown for scripts.",
    no_args_is_help=True,
)

AsOf = Annotated[str | None, typer.Option("--as-of", metavar="DATE", help="Report as of this day (default: today, or --today).", show_default=False)]
Owner = Annotated[str | None, typer.Option("--owner", metavar="ROLE", help="Only deadlines owned by this role (exact).", show_default=False)]
ServiceArea = Annotated[str | None, typer.Option("--service-area", metavar="AREA", help="Only this service area (exact).", show_default=False)]
Kinds = Annotated[list[str] | None, typer.Option("--kind", metavar="KIND", help="Only this kind of deadline, e.g. milestone, 'extension decision' (repeat for several).", show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", help="table for people; csv, json or markdown for scripts.")]
FailIfAny = Annotated[bool, typer.Option("--fail-if-any", help="Exit with code 1 when the report is not empty (for cron).")]
Within = Annotated[str, typer.Option("--within", metavar="PERIOD", help="How far ahead to look, e.g. 6m, 12w, 1y.")]


def _run(ctx: typer.Context, build, *, as_of: str | None, within: str | None, owner, service_area,
         kinds=None, fmt: Format, fail_if_any: bool, **extra) -> None:
    """Parse the shared options, build the report in one short session, print it, and set the exit code."""
    from ..read.reports import Filters, parse_kind, window

    cli = context(ctx)
    when = day(as_of, name="--as-of", today=cli.today) if as_of is not None else cli.today
    filters = Filters(owner=owner, service_area=service_area,
                      kinds=tuple(dict.fromkeys(parse_kind(k) for k in kinds or [])))
    if within is not None:
        extra["win"] = window(when, within)
    with cli.current_store().session() as session:
        report = build(session, as_of=when, filters=filters, **extra)
    if fmt == Format.table:
        from ..read.reports.render import tables

        _print(tables(report))
    else:
        from ..read.reports.render import render

        render(report, fmt, sys.stdout)
    if fail_if_any and report.rows:
        raise typer.Exit(1)


def _print(renderables: list) -> None:
    out = console()
    if sys.stdout.isatty():
        for renderable in renderables:
            out.print(renderable)
        return
    # Piped (to mail, a file): plain text without the padding Rich adds to fill the width.
    with out.capture() as captured:
        for renderable in renderables:
            out.print(renderable)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


@app.command("upcoming")
def upcoming(
    ctx: typer.Context, within: Within = "6m",
    as_of: AsOf = None, owner: Owner = None, service_area: ServiceArea = None, kind: Kinds = None,
    format: FormatOpt = Format.table, fail_if_any: FailIfAny = False,
) -> None:
    """Every open deadline in the window.

    Extension decisions, last days to serve break notice, contract ends, re-procurement starts,
    milestones and statutory notices, with days left, owner and what to do."""
    from ..read.reports import upcoming_report

    _run(ctx, upcoming_report, as_of=as_of, within=within, owner=owner, service_area=service_area,
         kinds=kind, fmt=format, fail_if_any=fail_if_any)


@app.command("decisions")
def decisions(
    ctx: typer.Context, within: Within = "12m",
    as_of: AsOf = None, owner: Owner = None, service_area: ServiceArea = None,
    format: FormatOpt = Format.table, fail_if_any: FailIfAny = False,
) -> None:
    """Extension options awaiting a decision.

    With the decide-by date, the new end if exercised, and what lapses if it is missed."""
    from ..read.reports import decisions_report

    _run(ctx, decisions_report, as_of=as_of, within=within, owner=owner, service_area=service_area,
         fmt=format, fail_if_any=fail_if_any)


@app.command("breaks")
def breaks(
    ctx: typer.Context, within: Within = "12m",
    as_of: AsOf = None, owner: Owner = None, service_area: ServiceArea = None,
    format: FormatOpt = Format.table, fail_if_any: FailIfAny = False,
) -> None:
    """Last days to serve break notice, with the day each break takes effect."""
    from ..read.reports import breaks_report

    _run(ctx, breaks_report, as_of=as_of, within=within, owner=owner, service_area=service_area,
         fmt=format, fail_if_any=fail_if_any)


@app.command("expiring")
def expiring(
    ctx: typer.Context, within: Within = "18m",
    as_of: AsOf = None, owner: Owner = None, service_area: ServiceArea = None,
    format: FormatOpt = Format.table, fail_if_any: FailIfAny = False,
) -> None:
    """Contracts whose final possible end falls in the window.

    With the options still open, when re-procurement must start and whether a successor is linked."""
    from ..read.reports import expiring_report

    _run(ctx, expiring_report, as_of=as_of, within=within, owner=owner, service_area=service_area,
         fmt=format, fail_if_any=fail_if_any)


@app.command("overdue")
def overdue(
    ctx: typer.Context, as_of: AsOf = None, owner: Owner = None, service_area: ServiceArea = None,
    kind: Kinds = None, format: FormatOpt = Format.table, fail_if_any: FailIfAny = False,
) -> None:
    """Deadlines past due and not acted on.

    Milestones not met, decisions missed, re-procurements not started, break notices not served.
    Contract ends are informational and never overdue."""
    from ..read.reports import overdue_report

    _run(ctx, overdue_report, as_of=as_of, within=None, owner=owner, service_area=service_area,
         kinds=kind, fmt=format, fail_if_any=fail_if_any)


@app.command("pipeline")
def pipeline(
    ctx: typer.Context,
    within: Annotated[str | None, typer.Option("--within", metavar="PERIOD", help="How far ahead to look (default 36m; 18m with --uk1).", show_default=False)] = None,
    over: Annotated[str | None, typer.Option("--over", metavar="POUNDS", help="Only whole-life values over this many pounds.", show_default=False)] = None,
    uk1: Annotated[bool, typer.Option("--uk1", help="The UK1 pipeline notice view: over £2m, to start in the next 18 months.")] = False,
    as_of: AsOf = None, owner: Owner = None, service_area: ServiceArea = None,
    format: FormatOpt = Format.table, fail_if_any: FailIfAny = False,
) -> None:
    """Procurements to start, by UK financial year.

    Grouped by financial year (1 April to 31 March, written 2024/25), with whole-life values;
    --uk1 gives the contracts over £2m to advertise in the next 18 months."""
    from ..read.reports import pipeline_report
    from ..read.reports.pipeline import UK1_THRESHOLD, UK1_WITHIN

    threshold = money(over, name="--over")
    if uk1:
        threshold = UK1_THRESHOLD if threshold is None else threshold
        within = within or UK1_WITHIN
    _run(ctx, pipeline_report, as_of=as_of, within=within or "36m", owner=owner, service_area=service_area,
         fmt=format, fail_if_any=fail_if_any, over=threshold)


@app.command("obligations")
def obligations(
    ctx: typer.Context,
    fy: Annotated[str, typer.Option("--fy", metavar="YEAR", help="The financial year, e.g. 2026/27 (1 April 2026 to 31 March 2027).")],
    as_of: AsOf = None, owner: Owner = None, service_area: ServiceArea = None, kind: Kinds = None,
    format: FormatOpt = Format.table, fail_if_any: FailIfAny = False,
) -> None:
    """Every notice the Procurement Act 2023 asks for in a financial year, with how each stands.

    The authority's own (UK8 s.69, payments over £30,000 s.70, UK9 s.71, UK1 s.93) and each contract's
    (UK4 tender, UK6 award, UK7 details, UK10 change, UK11 termination), for the team's annual plan."""
    from ..domain.finance import parse_financial_year
    from ..read.reports import obligations_report

    year = parse_financial_year(fy)
    _run(ctx, obligations_report, as_of=as_of, within=None, owner=owner, service_area=service_area,
         kinds=kind, fmt=format, fail_if_any=fail_if_any, fy=year)


# The money reports sit with the others (their logic lives with the finance commands).
app.command("spend")(_spend)
app.command("savings")(_savings)
