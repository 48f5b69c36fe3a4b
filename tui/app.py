"""The Textual app: screens, global key bindings, and the one worker that makes changes.

`create_app` is the one factory the CLI, the tests and the benchmark use. The app receives the
store, the settings and "today"; it never reads the clock or builds an engine itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding

from contract_tracker.errors import StaleEdit

from .backend import CHANGE_ERRORS, Backend, ExportScope, describe_error
from .commands import TrackerCommands
from .messages import Changed, ChangeFailed, Exported
from .screens.agenda import AgendaScreen
from .screens.export_ics import ExportScreen
from .screens.help import HelpScreen
from .screens.register import RegisterScreen
from .screens.stale_edit import StaleEditScreen

if TYPE_CHECKING:
    from contract_tracker.settings import Settings
    from contract_tracker.store import Store


class ContractTrackerApp(App[None]):
    TITLE = "Contract tracker"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {TrackerCommands}
    MODES = {"register": RegisterScreen, "agenda": AgendaScreen}
    DEFAULT_MODE = "register"
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("f2", "switch_mode('register')", "Register", id="app.register"),
        Binding("f3", "switch_mode('agenda')", "Agenda", id="app.agenda"),
        Binding("f5", "reload", "Refresh", id="app.refresh"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, backend: Backend) -> None:
        super().__init__()
        self.backend = backend
        self.generation = 0  # grows with every change or refresh; screens reload when behind
        self.sub_title = f"{backend.store.url.split('://', 1)[0]} · today {backend.today:%-d %b %Y}"

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_reload(self) -> None:
        """Re-read the store: shows changes other people made since the screens loaded."""
        self.generation += 1
        for screen in self.screen_stack:
            reload = getattr(screen, "reload", None)
            if reload:
                reload()

    def change(self, summary: str, call: Callable[[Backend], object],
               retry: Callable[[str], None] | None = None) -> None:
        """Run one service call in a thread; report back with Changed or ChangeFailed."""
        self._run_change(summary, call, retry)

    @work(thread=True, group="change")
    def _run_change(self, summary: str, call: Callable[[Backend], object],
                    retry: Callable[[str], None] | None) -> None:
        try:
            call(self.backend)
        except StaleEdit as error:
            self.post_message(ChangeFailed(str(error), None, stale=True))
        except CHANGE_ERRORS as error:
            self.post_message(ChangeFailed(describe_error(error), retry))
        else:
            self.post_message(Changed(summary))

    def on_changed(self, message: Changed) -> None:
        self.notify(message.summary, title="Saved")
        self.action_reload()

    def on_change_failed(self, message: ChangeFailed) -> None:
        if message.stale:  # someone else changed the contract: show what, and offer to reload
            def answered(reload: bool | None) -> None:
                if reload:
                    self.action_reload()
            self.push_screen(StaleEditScreen(message.error), answered)
            return
        self.notify(message.error, title="Not saved", severity="error", timeout=8)
        if message.retry is not None:
            message.retry(message.error)

    def export_ics(self, scope: ExportScope, describe: str, filename: str) -> None:
        """Ask where to write the .ics file (default in the current folder), then write it in a thread."""
        def chosen(path: Path | None) -> None:
            if path is not None:
                self._run_export(scope, path)
        self.push_screen(ExportScreen(describe, default=Path.cwd() / filename), chosen)

    @work(thread=True, group="export")
    def _run_export(self, scope: ExportScope, path: Path) -> None:
        try:
            events = self.backend.export_ics(scope, path)
        except CHANGE_ERRORS as error:
            self.post_message(ChangeFailed(describe_error(error), None))
        else:
            self.post_message(Exported(str(path), events))

    def on_exported(self, message: Exported) -> None:
        self.notify(f"{message.events} events written to {message.path}", title="Exported")


def create_app(store: Store, settings: Settings, today: date) -> ContractTrackerApp:
    """The app on an open store, with `today` fixed for the whole session."""
    return ContractTrackerApp(Backend(store=store, settings=settings, today=today))
