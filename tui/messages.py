"""Messages the thread workers post back to the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message import Message


class DataLoaded(Message):
    """A read finished; `payload` is what the backend returned, `token` says which read."""

    def __init__(self, token: str, payload: Any) -> None:
        self.token = token
        self.payload = payload
        super().__init__()


class LoadFailed(Message):
    def __init__(self, token: str, error: str) -> None:
        self.token = token
        self.error = error
        super().__init__()


class Changed(Message):
    """A change went through the services; every screen showing data reloads."""

    def __init__(self, summary: str) -> None:
        self.summary = summary
        super().__init__()


class ChangeFailed(Message):
    """A service refused a change; `retry` reopens the form with the error shown, if there was one."""

    def __init__(self, error: str, retry: Callable[[str], None] | None, stale: bool = False) -> None:
        self.error = error
        self.retry = retry
        self.stale = stale  # made from a copy someone changed since: offer to reload instead of retrying
        super().__init__()


class Exported(Message):
    """An .ics file was written: where, and how many events it holds."""

    def __init__(self, path: str, events: int) -> None:
        self.path = path
        self.events = events
        super().__init__()
