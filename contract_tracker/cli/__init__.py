"""The `contract-tracker` command. Thin: parse, call a service or a view, render.

Heavy libraries (Textual, icalendar, the ASGI stack) are imported inside the commands that need
them, so that `--help` and scripted reports start fast.
"""

from __future__ import annotations

import sys
from datetime import date
from functools import cache
from importlib import import_module
from typing import Annotated, NoReturn

import typer
from typer.core import TyperGroup

from .. import __version__
from ..domain.limits import FIRST_YEAR, LAST_YEAR, argument_problem, is_date_range_error
from ..errors import DomainError
from ..settings import DB_ENV, USER_ENV, resolve
from .context import CliContext

# Command groups, loaded when first used: name -> (module in this package, attribute, short help).
# `--help` lists them from here without importing them, so it never pays for SQLAlchemy (about
# 0.5 s), Textual, icalendar or the ASGI stack. Add a command group with one line here.
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "contract": ("contract_cmds", "app", "Register, list, show, edit, terminate and re-procure contracts."),
    "option": ("option_cmds", "app", "Exercise or decline extension options."),
    "milestone": ("milestone_cmds", "app", "Add, list, edit and complete procurement and contract milestones."),
    "kpi": ("kpi_cmds", "app", "A contract's key performance indicators (PA 2023 s.52): add, rate, list, remove, check."),
    "authority": ("authority_cmds", "app", "The authority's own settings (name, nation, expected spend, opt-outs) and notices."),
    "db": ("db_cmds", "app", "Look after the store: where it is, its schema, backup, restore and checks."),
    "demo": ("db_cmds", "demo", "Load the demo register (Warwickshire SEND mediation and others) into an empty store."),
    "schedule": ("schedule_cmds", "app", "Procurement schedule templates: plan, apply to a contract, check against statute."),
    "report": ("report_cmds", "app", "Reports of upcoming decisions, breaks, expiries, overdue items, pipeline and spend."),
    "finance": ("finance_cmds", "app", "Money by financial year: budgets, spend, unit costs, savings and thresholds."),
    "ics": ("calendar_cmds", "ics_app", "Export deadlines as an iCalendar (.ics) file."),
    "feed": ("calendar_cmds", "feed_app", "Calendar subscriptions: secret feed URLs that stay up to date."),
    "serve": ("calendar_cmds", "serve", "Serve calendar feeds over HTTP (loopback by default)."),
    "import": ("io_cmds", "import_app", "Import published registers: OCDS or Transparency Code CSV."),
    "export": ("io_cmds", "export_app", "Export the register as Transparency Code CSV or an OCDS release package."),
}


@cache  # built once per process: a run in-process (tests, the TUI) reuses it
def _load_command(name: str):
    module, attribute, _help = LAZY_COMMANDS[name]
    target = getattr(import_module(f"{__name__}.{module}"), attribute)
    # Built as add_typer/command on the root would, so help looks the same (plain, -h).
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    return typer.main.get_group(holder).commands[name]


def _is_database_error(error: Exception) -> bool:
    # SQLAlchemy is imported only by commands that use the store; if it was never imported,
    # the error cannot be one of its own.
    exc = sys.modules.get("sqlalchemy.exc")
    return exc is not None and isinstance(error, exc.DBAPIError)


def _refuse(error: typer.TyperException) -> NoReturn:
    """Typer's own refusals (an unknown option, a missing argument, a value not among the choices)
    in one line like every other, with where to read how the command goes."""
    where = getattr(error, "ctx", None)
    hint = f" (see {where.command_path} -h)" if where is not None else ""
    message = error.format_message().replace("Value error, ", "")
    typer.echo(f"error: {message}{hint}", err=True)
    raise typer.Exit(getattr(error, "exit_code", 2)) from None


class _Group(TyperGroup):
    """Loads command groups on first use; turns domain and database errors into one line on
    stderr and exit code 2."""

    def list_commands(self, ctx):
        return [*super().list_commands(ctx), *(name for name in LAZY_COMMANDS if name not in self.commands)]

    def get_command(self, ctx, name):
        if name not in self.commands and name in LAZY_COMMANDS:
            self.add_command(_load_command(name), name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx, formatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.commands:
                command = self.commands[name]
                if not command.hidden:
                    rows.append((name, command.get_short_help_str(formatter.width - 6 - len(name))))
            else:
                rows.append((name, LAZY_COMMANDS[name][2]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def main(self, args=None, *more, **options):
        # Text the shell could not decode arrives as lone surrogates; no command can use it, and
        # passing it on would fail deep inside (printing it, or handing it to the database).
        arguments = sys.argv[1:] if args is None else list(args)
        for position, argument in enumerate(arguments, start=1):
            if isinstance(argument, str) and (problem := argument_problem(argument)):
                typer.echo(f"error: argument {position} {problem}", err=True)
                sys.exit(2)
        return super().main(args, *more, **options)

    def make_context(self, info_name, args, parent=None, **extra):
        try:  # the options before the command (--db, --today, ...) are read here
            return super().make_context(info_name, args, parent, **extra)
        except typer.TyperException as error:
            _refuse(error)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except typer.TyperException as error:
            _refuse(error)
        except DomainError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(error.exit_code) from None
        except (OverflowError, ValueError) as error:
            # The services refuse dates they would work out past the year 9999 (limits.computed_dates);
            # this catches the same failure in a read-only command (a report window, a plan).
            if not is_date_range_error(error):
                raise
            typer.echo(f"error: a date worked out from the input would fall outside the years "
                       f"{FIRST_YEAR} to {LAST_YEAR}", err=True)
            raise typer.Exit(2) from None
        except Exception as error:
            if not _is_database_error(error):
                raise
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
    db: Annotated[str | None, typer.Option("--db", help=f"Database URL or SQLite file (default: ${DB_ENV}, then a file in your user data folder).", show_default=False)] = None,
    user: Annotated[str | None, typer.Option("--user", help=f"Name recorded in the audit trail (default: ${USER_ENV}, then your login).", show_default=False)] = None,
    today: Annotated[str | None, typer.Option("--today", help="Treat this date as today (2026-12-03, 03/12/2026 or 3 Dec 2026), for what-ifs and tests.", show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    from .parsing import day

    try:
        chosen_today = day(today, name="--today") if today is not None else date.today()
    except DomainError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    ctx.obj = CliContext(settings=resolve(db, user), today=chosen_today)
    if ctx.invoked_subcommand is None:
        from .front import open_front_end

        open_front_end(ctx.obj)


def _register_commands() -> None:
    """Commands registered eagerly (imported with the CLI). Prefer a line in LAZY_COMMANDS."""


_register_commands()


def main() -> None:
    app(prog_name="contract-tracker")


if __name__ == "__main__":
    sys.exit(main())
