"""What `contract-tracker` with no command opens: the Textual app on the configured store."""

from __future__ import annotations

from .context import CliContext


def open_front_end(ctx: CliContext) -> None:
    # Textual is imported here only, so that scripted commands and --help never pay for it.
    from contract_tracker.tui.app import create_app

    create_app(ctx.store(), ctx.settings, ctx.today).run()
