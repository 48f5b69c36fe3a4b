"""`db path|upgrade|backup|restore|check` and `demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..store.database import describe_url
from .context import context

app = typer.Typer(help="Look after the store: where it is, its schema, backups and checks.", no_args_is_help=True)


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print the URL of the store in use (password hidden)."""
    typer.echo(describe_url(context(ctx).settings.database_url))


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Create the store, or bring its schema up to date (opening it does this too)."""
    from ..store.database import current_revision

    store = context(ctx).store()
    typer.echo(f"store at {describe_url(store.url)} is at schema revision {current_revision(store.engine)}")


def demo(ctx: typer.Context) -> None:
    """Load the demo register (Warwickshire SEND mediation and others) into an empty store."""
    from ..services.demo import load_demo
    from ..services.notices import keep_notices_current

    cli = context(ctx)
    with cli.store().session() as session:
        count = load_demo(session)
        keep_notices_current(session, cli.today)  # the authority's own notices, for the app to show too
    typer.echo(f"loaded {count} demo contracts into {describe_url(cli.settings.database_url)}")


def _rows(summary) -> str:
    others = sum(count for name, count in summary.rows.items() if name != "contract")
    return f"{summary.contracts} contracts, {others} other rows, schema {summary.revision}"


@app.command("backup")
def backup_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The backup file to write (replaced if it exists).")],
    format: Annotated[str | None, typer.Option(
        "--format", help="sqlite (a copy of a SQLite store) or json (the tool's own dump; .gz to compress). "
                         "Default: sqlite for a SQLite store, json for PostgreSQL.", show_default=False)] = None,
) -> None:
    """Back up the store while others keep working; `db restore` reads either format into either database."""
    from ..services.backup import backup

    store = context(ctx).store()
    summary = backup(store.engine, file, format=format)
    typer.echo(f"backed up {describe_url(store.url)} to {summary.path} ({summary.format}): {_rows(summary)}")


@app.command("restore")
def restore_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A backup written by `db backup` (either format).")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before replacing the register.")] = False,
) -> None:
    """Replace the whole register with a backup (upgraded to this version's schema)."""
    from ..services.backup import read_summary, restore

    cli = context(ctx)
    summary = read_summary(file)
    target = describe_url(cli.settings.database_url)
    if not yes and not typer.confirm(f"replace everything in {target} with {file} ({_rows(summary)})?"):
        typer.echo("nothing restored", err=True)
        raise typer.Exit(1)
    store = cli.store()
    restored = restore(store.engine, file)
    repaired = (f"; the deadlines of {restored.repaired} contracts were worked out again from their facts"
                if restored.repaired else "")
    typer.echo(f"restored {file} into {target}: {_rows(restored)}{repaired}")


@app.command("check")
def check(
    ctx: typer.Context,
    repair: Annotated[bool, typer.Option("--repair", help="Rewrite any contract's deadlines that are not current.")] = False,
) -> None:
    """Check the store's integrity and that every contract's deadlines are current (exit 1 on findings)."""
    from ..services.integrity import SHOWN, check_store

    cli = context(ctx)
    store = cli.store()
    report = check_store(store.engine, repair=repair, as_of=cli.today)
    for finding in report.findings[:SHOWN]:
        typer.echo(finding)
    if len(report.findings) > SHOWN:
        typer.echo(f"... and {len(report.findings) - SHOWN} more")
    if report.repaired:
        typer.echo(f"repaired the deadlines of {report.repaired} contracts: {', '.join(report.stale_contracts[:SHOWN])}")
    count = len(report.findings)
    verdict = "ok" if report.ok else f"{count} problem{'s' if count != 1 else ''}"
    if report.open is not None:
        typer.echo(f"as of {cli.today}: {report.open} deadlines open, {report.overdue} of them overdue")
    typer.echo(f"checked {report.contracts} contracts and {report.deadlines} deadlines in "
               f"{describe_url(store.url)}: {verdict}")
    if not report.ok:
        raise typer.Exit(1)
