"""`db upgrade|path` and `demo`."""

from __future__ import annotations

import typer

from ..store import describe_url
from .context import context

app = typer.Typer(help="Look after the store: where it is, and upgrading its schema.", no_args_is_help=True)


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print the URL of the store in use (password hidden)."""
    typer.echo(describe_url(context(ctx).settings.database_url))


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Create the store, or bring its schema up to date (opening it does this too)."""
    from ..store import current_revision

    store = context(ctx).store()
    typer.echo(f"store at {describe_url(store.url)} is at schema revision {current_revision(store.engine)}")


def demo(ctx: typer.Context) -> None:
    """Load the demo register (Warwickshire SEND mediation and others) into an empty store."""
    from ..demo import load_demo

    cli = context(ctx)
    with cli.store().session() as session:
        count = load_demo(session)
    typer.echo(f"loaded {count} demo contracts into {describe_url(cli.settings.database_url)}")
