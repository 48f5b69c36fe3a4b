"""Help: every key binding of the app and of each screen, read from the bindings themselves."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = (
    "Contract tracker keeps contracts, their extension options, break clauses and milestones, and "
    "shows every deadline from one stream. The register lists contracts (type to filter, click a "
    "heading or press s to sort); Enter opens a contract: its facts, a timeline of the term and "
    "options, milestones and history. The agenda lists the coming weeks' deadlines, overdue first. "
    "Every change goes through the services and is written to the audit trail. Ctrl+P opens the "
    "command palette. Press F5 to see changes other people have made."
)


def _screens():
    from ..widgets.register_table import RegisterTable
    from .agenda import AgendaScreen
    from .contract import ContractScreen
    from .register import RegisterScreen
    return [("Everywhere", None), ("Register", RegisterScreen), ("Register table", RegisterTable),
            ("Contract", ContractScreen), ("Agenda", AgendaScreen)]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help.close")]

    def rows(self) -> list[tuple[str, str]]:
        """(key, description) lines; a heading has an empty description."""
        rows = []
        for title, owner in _screens():
            rows.append((title, ""))
            bindings = self.app.BINDINGS if owner is None else owner.BINDINGS
            rows += [(binding.key.replace("slash", "/"), binding.description)
                     for binding in bindings if isinstance(binding, Binding)]
        return [*rows, ("Command palette", ""), ("ctrl+p", "Search every action above by name")]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, description in self.rows():
            table.add_row(f"  {key}" if description else f"[b]{key}[/b]", description)
        with VerticalScroll(id="dialog", classes="help-dialog"):
            yield Static("Help", classes="dialog-title")
            yield Static(INTRO, classes="dialog-text")
            yield Static(table)
            yield Static("Press Escape to close.", classes="dialog-text")
