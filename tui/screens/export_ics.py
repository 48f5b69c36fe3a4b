"""Export the current view to an .ics file: says what goes in, asks where (a default is given)."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


class ExportScreen(ModalScreen[Path | None]):
    """Returns the file to write (relative names are taken from the current folder), or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, describe: str, *, default: Path) -> None:
        super().__init__()
        self.describe, self.default = describe, default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog small"):
            yield Static("Export to a calendar file (.ics)", classes="dialog-title")
            yield Static(self.describe, id="export-what", classes="dialog-text")
            yield Input(str(self.default), id="path", compact=True)
            yield Static("", id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        error = self.query_one("#form-error", Static)
        if not text:
            error.update("give a file name, e.g. deadlines.ics")
            return
        path = Path(text).expanduser()
        path = path if path.is_absolute() else Path.cwd() / path
        if path.is_dir():
            error.update(f"{path} is a folder: give a file name")
            return
        if not path.parent.is_dir():
            error.update(f"no such folder: {path.parent}")
            return
        self.dismiss(path)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
