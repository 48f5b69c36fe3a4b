"""What every dialog and form shares: the frame, the keys, and saving while the dialog stays open.

A form is a `ModalScreen` that returns its value through `dismiss()`. Given `save`, it first
hands the value to a service (in the app's change worker) and closes only once the change is
saved; if the register refuses it, the dialog stays open with everything typed and the reason
beside the field it is about. Ctrl+S submits every form (the footer shows it), Escape cancels,
F1 lists the form's keys. The buttons and the error line stay in view however short the
terminal; the fields above them scroll.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Static

from ..messages import Change, Changed, ChangeFailed
from ..widgets.form_field import FormField
from .confirm import ConfirmScreen

T = TypeVar("T")


class FormScreen(ModalScreen[T], Generic[T]):
    """Subclasses yield their fields from `compose_fields()` and turn them into a value in
    `value()` (None after showing what is wrong). `question(value)` may ask to confirm first."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("f1", "help", "Help", id="form.help"),
    ]
    CONFIRM = "Save"  # the submit button's label
    DANGER = False  # a red submit button
    DIALOG_CLASSES = "form-dialog"

    def __init__(self, *, save: Callable[[T], Change] | None = None, error: str | None = None) -> None:
        super().__init__()
        self._save = save
        self._error = error
        self._saving: T | None = None  # the value being saved, while the change runs

    # The frame -------------------------------------------------------------------------------
    def title_text(self) -> str:
        raise NotImplementedError

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes=self.DIALOG_CLASSES):
            yield Static(self.title_text(), classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            with Vertical(classes="form-foot"):
                yield Static(self._error or "", id="form-error", classes="form-error")
                with Horizontal(classes="dialog-buttons"):
                    yield Button(self.CONFIRM, variant="error" if self.DANGER else "primary", id="confirm")
                    yield Button("Cancel", id="cancel")
        yield Footer()

    # Errors ----------------------------------------------------------------------------------
    def show_error(self, message: str, field: FormField | None = None) -> None:
        """Beside `field` (marked, and focused), else on the form's error line."""
        if field is None:
            self.query_one("#form-error", Static).update(message)
            return
        field.show_error(message)
        field.control.focus()

    def clear_errors(self) -> None:
        self.query_one("#form-error", Static).update("")
        for field in self.query(FormField):
            field.clear_error()

    def refused(self, reason: str) -> None:
        """The register refused the change: say why beside the field it is about, if any."""
        field = next((field for field in self.query(FormField) if field.is_about(reason)), None)
        self.show_error(reason, field)
        if field is not None:  # the error line, next to the buttons, points there
            self.query_one("#form-error", Static).update(f"Not saved: see {field.label}.")

    # Submitting ------------------------------------------------------------------------------
    def value(self) -> T | None:
        raise NotImplementedError

    def question(self, value: T) -> str | None:
        """A question to confirm before saving (None: save at once)."""
        return None

    @on(Button.Pressed, "#confirm")
    def action_submit(self) -> None:
        if self._saving is not None:
            return  # already saving: one change at a time
        self.clear_errors()
        value = self.value()
        if value is None:
            return
        question = self.question(value)
        if question is None:
            self._commit(value)
            return
        def answered(yes: bool | None) -> None:
            if yes:
                self._commit(value)
        self.app.push_screen(ConfirmScreen(question, confirm=self.CONFIRM, danger=self.DANGER), answered)

    def _commit(self, value: T) -> None:
        if self._save is None:
            self.dismiss(value)
            return
        self._saving = value
        self.query_one("#form-error", Static).update("Saving…")
        self.query_one("#confirm", Button).disabled = True
        self.app.change(self._save(value), form=self)

    def on_changed(self, message: Changed) -> None:
        value, self._saving = self._saving, None
        self.dismiss(value)  # the message goes on to the app, which says so and reloads

    def on_change_failed(self, message: ChangeFailed) -> None:
        self._saving = None
        self.query_one("#confirm", Button).disabled = False
        self.query_one("#form-error", Static).update("")
        if message.stale:  # the app offers to reload; then Ctrl+S saves what is typed here on top
            self.show_error("Not saved: someone else changed the contract. Reload, then save again (Ctrl+S).")
            return
        message.stop()
        self.refused(message.error)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self._saving is None:  # a change in flight cannot be called back: wait for its answer
            self.dismiss(None)

    def action_help(self) -> None:
        self.app.action_help()

    def next_or_submit(self, event: Input.Submitted) -> None:
        """Enter in a field: on to the next field, or submit from the last one."""
        inputs = [widget for widget in self.query(Input) if not widget.disabled]
        if event.input is inputs[-1]:
            self.action_submit()
        else:
            self.focus_next()
