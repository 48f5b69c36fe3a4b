"""`authority show|set`: the authority-wide settings its own recurring notices depend on."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from ..domain.money import format_money
from ..errors import InvalidInput
from ..services.authority import OPT_OUT_KINDS, AuthorityView, authority_settings, set_authority
from .context import console, context, emit_json, table

app = typer.Typer(help="The authority's own settings (name, nation, expected spend, opt-outs) and notices.",
                  no_args_is_help=True)

OPT_OUTS = ", ".join(f"'{kind}'" for kind in OPT_OUT_KINDS)


def _print(view: AuthorityView) -> None:
    data = view.as_dict()
    console().print(table("The authority", ["Setting", "Value"], [
        ["Name", view.name or "(not set)"],
        ["Nation", f"{view.nation} ({data['nation_name']})" if view.nation else "(not set)"],
        ["Expected spend", format_money(view.expected_spend) or "(not set)"],
        ["Opts out of", ", ".join(view.opt_outs) or "(none)"],
    ]))


class Format(StrEnum):
    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="table for people; json for scripts.")]


@app.command("show")
def show(ctx: typer.Context, format: FormatOpt = Format.table) -> None:
    """Show the authority's settings."""
    cli = context(ctx)
    with cli.store().session() as session:
        view = authority_settings(session)
    if format == "json":
        emit_json(view.as_dict())
    else:
        _print(view)


@app.command("set")
def set_(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="The authority's name, e.g. 'Warwickshire County Council'.",
                                             show_default=False)] = None,
    nation: Annotated[str | None, typer.Option(
        help="ENG, WLS, SCT or NIR (or England, Wales, Scotland, Northern Ireland); '' to unset.",
        show_default=False)] = None,
    expected_spend: Annotated[str | None, typer.Option(
        "--expected-spend", help="What the authority expects to spend on public contracts in the coming "
        "financial year, e.g. '£120,000,000'; over £100m a pipeline notice (UK1, PA 2023 s.93) is due "
        "each April-May. '' to unset.", show_default=False)] = None,
    opt_out: Annotated[list[str] | None, typer.Option(
        "--opt-out", help=f"A notice the authority is not subject to (repeat for more): {OPT_OUTS}. Schools and "
        "transferred Northern Ireland authorities opt out of 'UK8 due' (PA 2023 s.69).", show_default=False)] = None,
    no_opt_outs: Annotated[bool, typer.Option("--no-opt-outs", help="Clear every opt-out.")] = False,
) -> None:
    """Change the authority's settings; the authority's notices are worked out again."""
    if opt_out and no_opt_outs:
        raise InvalidInput("give --opt-out or --no-opt-outs, not both")
    opt_outs = [] if no_opt_outs else opt_out
    if name is None and nation is None and expected_spend is None and opt_outs is None:
        raise InvalidInput("nothing to change: give at least one option (see --help)")
    cli = context(ctx)
    changes: dict = {"name": name, "nation": nation, "opt_outs": opt_outs}
    if expected_spend is not None:
        changes["expected_spend"] = expected_spend
    with cli.store().session() as session:
        view = set_authority(session, actor=cli.settings.user, today=cli.today, **changes)
    _print(view)


NoticeKey = Annotated[str, typer.Argument(help="The notice's name as `authority notices` lists it, e.g. 'UK8 2025/26-H2'.")]


@app.command("notices")
def notices(ctx: typer.Context, format: FormatOpt = Format.table) -> None:
    """List the authority's own notices (UK8, payments over £30,000, UK9, UK1) and how each stands today."""
    from ..domain.authority_notices import notice_key
    from ..read.stream import standing_of
    from ..services.notices import authority_rows

    cli = context(ctx)
    with cli.current_store().session() as session:
        rows: list[dict[str, str | None]] = [{"notice": notice_key(row.kind, row.ordinal, row.contract_reference), "kind": row.kind,
                 "due_date": row.due_date.isoformat(),
                 "start_date": row.start_date.isoformat() if row.start_date else None,
                 "standing": standing_of(row, cli.today).value, "title": row.title, "action": row.action}
                for row in authority_rows(session)]
    if format == "json":
        emit_json({"as_of": cli.today.isoformat(), "notices": rows})
        return
    console().print(table(f"The authority's notices as of {cli.today}", ["Notice", "Due", "Standing", "What"],
                          [[str(r[key]) for key in ("notice", "due_date", "standing", "title")] for r in rows]))


@app.command("done")
def done(
    ctx: typer.Context, notice: NoticeKey,
    on: Annotated[str | None, typer.Option("--on", help="When it was published (default: today).",
                                           show_default=False)] = None,
    note: Annotated[str, typer.Option("--note", help="A note, e.g. where it was published.")] = "",
) -> None:
    """Record one of the authority's notices as published, with the day and a note."""
    from ..services.notices import record_notice_done
    from .parsing import day

    cli = context(ctx)
    done_on = day(on, name="--on", today=cli.today) or cli.today
    with cli.current_store().session() as session:
        row = record_notice_done(session, notice, done_on=done_on, today=cli.today, note=note, actor=cli.settings.user)
        title = row.title
    typer.echo(f"{title}: published {done_on}")


@app.command("reopen")
def reopen(ctx: typer.Context, notice: NoticeKey) -> None:
    """Take back a notice recorded as published by mistake."""
    from ..services.notices import reopen_notice

    cli = context(ctx)
    with cli.current_store().session() as session:
        row = reopen_notice(session, notice, today=cli.today, actor=cli.settings.user)
        title = row.title
    typer.echo(f"{title}: open again")
