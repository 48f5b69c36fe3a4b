"""Export the current view to an .ics file: says what goes in, asks where (a default is given)."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from ..widgets.form_field import FormField
from .form import FormScreen


class ExportScreen(FormScreen[Path]):
    """Returns the file to write (relative names are taken from the current folder), or None."""

    BINDINGS = [Binding("ctrl+s", "submit", "Export", id="form.save")]
    CONFIRM = "Export"
    DIALOG_CLASSES = "form-dialog small"

    def __init__(self, describe: str, *, default: Path, save=None) -> None:
        super().__init__(save=save)
        self.describe, self.default = describe, default

    def title_text(self) -> str:
        return "Export to a calendar file (.ics)"

    def compose_fields(self) -> ComposeResult:
        yield Static(self.describe, id="export-what", classes="dialog-text")
        yield FormField("File", Input(str(self.default), id="path", compact=True), id="field-path")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        self.next_or_submit(event)

    def value(self) -> Path | None:
        field = self.query_one("#field-path", FormField)
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.show_error("give a file name, e.g. deadlines.ics", field)
            return None
        path = Path(text).expanduser()
        path = path if path.is_absolute() else Path.cwd() / path
        try:
            if path.is_dir():
                self.show_error(f"{path} is a folder: give a file name", field)
                return None
            if not path.parent.is_dir():
                self.show_error(f"no such folder: {path.parent}", field)
                return None
        except OSError as error:  # e.g. a name longer than the file system allows
            self.show_error(error.strerror or str(error), field)
            return None
        return path
