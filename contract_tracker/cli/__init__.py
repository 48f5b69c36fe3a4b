"""The `contract-tracker` command. Thin: parse, call a service or a view, render.

Heavy libraries (Textual, icalendar, the ASGI stack) are imported inside the commands that need
them, so that `--help` and scripted reports start fast.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, Optional

import typer
from sqlalchemy.exc import DBAPIError
from typer.core import TyperGroup

from .. import __version__
from ..errors import DomainError
from ..settings import DB_ENV, USER_ENV, resolve
from .context import CliContext


class _Group(TyperGroup):
    """Turns domain and database errors into one line on stderr and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DomainError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(error.exit_code) from None
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
            typer.echo(f"error: the database refused the request: {reason}", err=True)
            raise typer.Exit(2) from None
        finally:
            if isinstance(ctx.obj, CliContext):
                ctx.obj.close()


app = typer.Typer(
    cls=_Group,
    help="Keep a register of public contracts, their extension options, break clauses and "
         "procurement milestones, and never miss a deadline. Run with no command to open the app.",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"contract-tracker {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option("--db", help=f"Database URL or SQLite file (default: ${DB_ENV}, then a file in your user data folder).", show_default=False)] = None,
    user: Annotated[Optional[str], typer.Option("--user", help=f"Name recorded in the audit trail (default: ${USER_ENV}, then your login).", show_default=False)] = None,
    today: Annotated[Optional[str], typer.Option("--today", help="Treat this date as today (YYYY-MM-DD), for what-ifs and tests.", show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    from .parsing import day

    try:
        chosen_today = day(today, name="--today") if today else date.today()
    except DomainError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    ctx.obj = CliContext(settings=resolve(db, user), today=chosen_today)
    if ctx.invoked_subcommand is None:
        from .front import open_front_end

        open_front_end(ctx.obj)


def _register_commands() -> None:
    from . import (
        calendar_cmds, contract_cmds, db_cmds, finance_cmds, io_cmds, milestone_cmds, option_cmds,
        report_cmds, schedule_cmds,
    )

    app.add_typer(contract_cmds.app, name="contract")
    app.add_typer(option_cmds.app, name="option")
    app.add_typer(milestone_cmds.app, name="milestone")
    app.add_typer(db_cmds.app, name="db")
    app.add_typer(finance_cmds.app, name="finance")
    app.add_typer(schedule_cmds.app, name="schedule")
    report_cmds.app.command("spend")(finance_cmds.spend)  # the money reports sit with the others
    report_cmds.app.command("savings")(finance_cmds.savings)
    app.add_typer(report_cmds.app, name="report")
    app.command("demo")(db_cmds.demo)
    calendar_cmds.register(app)  # ics, feed, serve
    app.add_typer(io_cmds.import_app, name="import")
    app.add_typer(io_cmds.export_app, name="export")


_register_commands()


def main() -> None:
    app(prog_name="contract-tracker")


if __name__ == "__main__":
    sys.exit(main())
