"""Are you sure? Asked before a change that cannot be taken back (terminate, decline an option)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static


class ConfirmScreen(ModalScreen[bool]):
    """True to go ahead. "Go back" has the focus, so that Enter alone never goes ahead; Ctrl+S
    (the key that submits every dialog) or the button does."""

    BINDINGS = [
        Binding("ctrl+s", "yes", "Go ahead", id="confirm.yes"),
        Binding("escape", "no", "Go back", id="confirm.no"),
        Binding("f1", "help", "Help", id="confirm.help"),
    ]

    def __init__(self, question: str, *, confirm: str, danger: bool = True) -> None:
        super().__init__()
        self.question, self.confirm, self.danger = question, confirm, danger

    def title_text(self) -> str:
        return "Are you sure?"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog small"):
            yield Static(self.title_text(), classes="dialog-title")
            yield Static(self.question, id="question", classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm, variant="error" if self.danger else "primary", id="yes")
                yield Button("Go back", id="no")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)

    def action_help(self) -> None:
        self.app.action_help()
