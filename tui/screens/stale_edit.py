"""A change refused because someone else changed the contract first: say what, offer to reload."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static


class StaleEditScreen(ModalScreen[bool]):
    """Shows the StaleEdit message; True to reload the contract (then redo the change), False to keep the screen."""

    BINDINGS = [
        Binding("escape", "keep", "Not now", id="stale.keep"),
        Binding("r", "reload", "Reload", id="stale.reload"),
        Binding("f1", "help", "Help", id="stale.help"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def title_text(self) -> str:
        return "Not saved: changed by someone else"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog small"):
            yield Static(self.title_text(), classes="dialog-title")
            yield Static(self.message, id="stale-message", classes="dialog-text")
            yield Static("Reload to see their changes. What you typed is kept: then save it again.",
                         classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Reload", variant="primary", id="reload")
                yield Button("Not now", id="keep")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reload", Button).focus()

    @on(Button.Pressed, "#reload")
    def action_reload(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)

    def action_help(self) -> None:
        self.app.action_help()
