"""A change to the register, and the messages its worker posts back to the UI thread.

Reads post their own typed messages, declared on the screen that asks for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message


@dataclass(frozen=True)
class Change:
    """One call to the backend that changes something (or writes a file), run in a thread.

    `summary` is what the notice says once done: a text, or made from what the call returned
    (e.g. how many events were written)."""

    summary: str | Callable[[object], str]
    call: Callable[[object], object]  # called with the app's Backend
    title: str = "Saved"
    reloads: bool = True  # every screen showing data reloads afterwards

    def describe(self, result: object) -> str:
        return self.summary(result) if callable(self.summary) else self.summary


def with_warning(summary: str) -> Callable[[object], str]:
    """A change's notice that carries the warning the backend returned, if any (e.g. an award that
    leaves a contract short of the KPIs the Act asks for)."""
    return lambda warning: f"{summary}. Warning: {warning}" if warning else summary


class Changed(Message):
    """A change went through; the form that asked closes, the app says so and (if `reloads`) reloads."""

    def __init__(self, summary: str, title: str = "Saved", reloads: bool = True) -> None:
        self.summary, self.title, self.reloads = summary, title, reloads
        super().__init__()


class ChangeFailed(Message):
    """The register refused a change; the form that asked shows why and keeps what was typed."""

    def __init__(self, error: str, stale: bool = False) -> None:
        self.error = error
        self.stale = stale  # made from a copy someone changed since: the app offers to reload
        super().__init__()
