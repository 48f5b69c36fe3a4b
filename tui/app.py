"""The Textual app: screens, global key bindings, and the one worker that makes changes.

`create_app` is the one factory the CLI, the tests and the benchmark use. The app receives the
store, the settings and "today"; it never reads the clock or builds an engine itself.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from contract_tracker.settings import Settings
    from contract_tracker.store.database import Store

from contract_tracker.errors import StaleEdit

from .backend import CHANGE_ERRORS, AuthorityInput, Backend, ExportScope, describe_error
from .commands import ContractCommands, TrackerCommands
from .messages import Change, Changed, ChangeFailed
from .screens.agenda import AgendaScreen
from .screens.authority import AuthorityScreen
from .screens.contract import ContractScreen
from .screens.export_ics import ExportScreen
from .screens.help import HelpScreen
from .screens.register import RegisterScreen
from .screens.stale_edit import StaleEditScreen


def _plan_screen() -> Screen:
    """The Plan screen, imported when first opened: the register's first paint does without it."""
    from .screens.plan import PlanScreen

    return PlanScreen()


class ContractTrackerApp(App[None]):
    TITLE = "Contract tracker"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {TrackerCommands, ContractCommands}
    MODES = {"register": RegisterScreen, "agenda": AgendaScreen, "plan": _plan_screen}
    DEFAULT_MODE = "register"
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("f2", "go('register')", "Register", id="app.register"),
        Binding("f3", "go('agenda')", "Agenda", id="app.agenda"),
        Binding("f4", "go('plan')", "Plan", id="app.plan"),
        Binding("f5", "reload", "Refresh", id="app.refresh"),
        # Not in the footer (it would crowd every screen's); the help and the palette list it.
        Binding("f6", "authority", "Authority settings", id="app.authority", show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, backend: Backend) -> None:
        super().__init__()
        self.backend = backend
        self.generation = 0  # grows with every change or refresh; screens reload when behind
        self.sub_title = f"{backend.store.url.split('://', 1)[0]} · today {backend.today:%-d %b %Y} · F1 keys"

    # Where to go ---------------------------------------------------------------------------
    def action_go(self, mode: str) -> None:
        """To the register (F2), the agenda (F3) or the plan (F4) itself, whatever was opened on top of it."""
        if self.current_mode != mode:
            self.switch_mode(mode)
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def open_contract(self, reference: str) -> None:
        """Open a contract on top of the screen shown (from the register, the agenda, the plan, the palette)."""
        if not (isinstance(self.screen, ContractScreen) and self.screen.reference == reference):
            self.push_screen(ContractScreen(reference))

    def action_help(self) -> None:
        """The keys of the screen shown (a dialog's, when one is open)."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_authority(self) -> None:
        """The authority's settings (name, nation, expected spend, opt-outs), read, then in a dialog."""
        if not isinstance(self.screen, AuthorityScreen):
            self._open_authority()

    @work(thread=True, exclusive=True, group="authority-read")
    def _open_authority(self) -> None:
        try:
            current = self.backend.authority()
        except CHANGE_ERRORS as error:
            self.call_from_thread(self.notify, f"Could not read the authority's settings: {describe_error(error)}",
                                  severity="error")
            return

        def save(values: AuthorityInput) -> Change:
            return Change("The authority's settings saved; its notices worked out again",
                          lambda backend: backend.set_authority(values))
        self.call_from_thread(self.push_screen, AuthorityScreen(current, save=save))

    def action_reload(self) -> None:
        """Re-read the store: shows changes other people made since the screens loaded."""
        self.generation += 1
        for screen in self.screen_stack:
            reload = getattr(screen, "reload", None)
            if reload:
                reload()

    # Changes ---------------------------------------------------------------------------------
    def change(self, change: Change, form: Screen | None = None) -> None:
        """Make the change in a thread; the outcome (Changed or ChangeFailed) goes to the form that
        asked, which closes or shows why, and from there to the app."""
        self._run_change(change, form)

    @work(thread=True, group="change")
    def _run_change(self, change: Change, form: Screen | None) -> None:
        to = form or self
        try:
            result = change.call(self.backend)
        except StaleEdit as error:
            to.post_message(ChangeFailed(str(error), stale=True))
        except CHANGE_ERRORS as error:
            to.post_message(ChangeFailed(describe_error(error)))
        else:
            to.post_message(Changed(change.describe(result), change.title, change.reloads))

    def on_changed(self, message: Changed) -> None:
        self.notify(message.summary, title=message.title)
        if message.reloads:
            self.action_reload()

    def on_change_failed(self, message: ChangeFailed) -> None:
        if message.stale:  # someone else changed the contract: show what, and offer to reload
            def answered(reload: bool | None) -> None:
                if reload:
                    self.action_reload()
            self.push_screen(StaleEditScreen(message.error), answered)
            return
        self.notify(message.error, title="Not saved", severity="error", timeout=8)

    def export_ics(self, scope: ExportScope, describe: str, filename: str) -> None:
        """Ask where to write the .ics file (default in the current folder); the dialog stays
        open until it is written, or says why it could not be."""
        def save(path: Path) -> Change:
            return Change(lambda events: f"{events} events written to {path}",
                          lambda backend: backend.export_ics(scope, path), title="Exported", reloads=False)
        self.push_screen(ExportScreen(describe, default=Path.cwd() / filename, save=save))


def create_app(store: Store, settings: Settings, today: date) -> ContractTrackerApp:
    """The app on an open store, with `today` fixed for the whole session."""
    return ContractTrackerApp(Backend(store=store, settings=settings, today=today))
