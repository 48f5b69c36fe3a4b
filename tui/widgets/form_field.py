"""One line of a form: a label, its control, and the reason a value was refused, right under it."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static


class FormField(Horizontal):
    """`show_error()` puts a message under the control and marks it; `clear_error()` takes it away.

    `words` are the words a refusal uses when it is about this field (e.g. "termination date"),
    so that a service's message lands beside the field it is about (see FormScreen.refused)."""

    DEFAULT_CSS = """
    FormField { height: auto; }
    FormField > Label { width: 22; color: $text-muted; }
    FormField > Vertical { height: auto; width: 1fr; }
    FormField .field-error { color: $error; height: auto; display: none; }
    FormField.-invalid .field-error { display: block; }
    FormField.-invalid Input { background: $error 30%; }
    """

    def __init__(self, label: str, control: Widget, *, words: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        self.label, self.control = label, control
        self.words = tuple(word.lower() for word in words) + (label.lower(),) + \
            ((control.id.replace("_", " "), control.id) if control.id else ())

    def compose(self) -> ComposeResult:
        yield Label(self.label)
        with Vertical():
            yield self.control
            yield Static("", classes="field-error")

    def show_error(self, message: str) -> None:
        self.query_one(".field-error", Static).update(message)
        self.add_class("-invalid")

    def clear_error(self) -> None:
        self.query_one(".field-error", Static).update("")
        self.remove_class("-invalid")

    @property
    def error(self) -> str:
        return str(self.query_one(".field-error", Static).render()) if self.has_class("-invalid") else ""

    def is_about(self, message: str) -> bool:
        text = message.lower()
        return any(re.search(rf"\b{re.escape(word)}\b", text) for word in self.words if word)
