"""What every command shares: the settings, "today", the store (opened on first use) and output."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import typer

from ..settings import Settings


@dataclass
class CliContext:
    settings: Settings
    today: date
    _store: object = field(default=None, repr=False)

    def store(self):
        """The store, opened (and migrated) the first time a command needs it."""
        if self._store is None:
            from ..store.database import Store

            self._store = Store.open(self.settings.database_url)
        return self._store

    def current_store(self):
        """The store, with the authority's notices worked out as of today first (they move on
        with the calendar: the yearly UK1, open-ended contracts); for commands that read the stream."""
        from ..services.notices import keep_notices_current

        store = self.store()
        with store.session() as session:
            keep_notices_current(session, self.today)
        return store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def context(ctx: typer.Context) -> CliContext:
    return ctx.find_root().obj


def emit_json(data) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def console():
    """A Rich console for people: colour on a terminal, plain text in a pipe."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 200)


def table(title: str | None, columns: list[str], rows: Sequence[Sequence[object]]):
    """A table for people; each cell is shown as str(cell), None as blank."""
    from rich import box
    from rich.table import Table

    out = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for column in columns:
        out.add_column(column, overflow="fold")
    for row in rows:
        out.add_row(*["" if cell is None else str(cell) for cell in row])
    return out
