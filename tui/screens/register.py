"""The register: every contract, type to filter, sort by column, filter by status, owner and area."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Select, Static
from textual.worker import get_current_worker

from contract_tracker.feeds import DeadlineFilter
from contract_tracker.gc_pause import gc_paused
from contract_tracker.services.contracts import ContractFields
from contract_tracker.views import RegisterRow

from ..backend import NEEDS_REVIEW, Backend, ExportScope
from ..messages import DataLoaded, LoadFailed
from ..widgets.finance_summary import FinanceSummary
from ..widgets.register_table import PreparedRows, RegisterFilter, RegisterTable, prepare
from .contract import ContractScreen
from .contract_form import ContractFormScreen


@dataclass(frozen=True)
class RegisterLoaded:
    """Register rows read by the worker, with the table's rows prepared from them there too."""

    rows: list[RegisterRow]
    prepared: PreparedRows
    total: int  # contracts in the whole register: more than len(rows) for the first page


def _first_page(backend: Backend, limit: int) -> RegisterLoaded:
    page = backend.register_page(limit)
    return RegisterLoaded(page.rows, prepare(page.rows), page.total)


def _whole_register(backend: Backend) -> RegisterLoaded:
    with gc_paused():  # a million objects at national scale: see gc_pause
        rows = backend.register()
        return RegisterLoaded(rows, prepare(rows), len(rows))


def _outcome(token: str, read: Callable[[], object]) -> DataLoaded | LoadFailed:
    try:
        return DataLoaded(token, read())
    except Exception as error:  # noqa: BLE001 - shown to the user, not swallowed
        return LoadFailed(token, str(error))


def _choices(values) -> list[tuple[str, str]]:
    return [(value, value) for value in sorted({value for value in values if value})]


class RegisterScreen(Screen):
    BINDINGS = [
        Binding("n", "new", "New contract", id="register.new"),
        Binding("slash", "focus_filter", "Filter", id="register.filter"),
        Binding("escape", "clear_filter", "Clear filter", id="register.clear"),
        Binding("i", "export_ics", "Export .ics", id="register.export_ics"),
    ]
    PAGE_ROWS = 200  # rows shown while the rest of a large register loads: several screenfuls

    def __init__(self) -> None:
        super().__init__()
        self.loaded_generation = -1
        self.loading_total: int | None = None  # set while only the register's first page is shown

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="register-filters"):
            yield Input(placeholder="Type to filter: reference, title, supplier", id="filter-text")
            yield Select([], prompt="Any status", id="filter-status", compact=True)
            yield Select([], prompt="Any owner", id="filter-owner", compact=True)
            yield Select([], prompt="Any service area", id="filter-area", compact=True)
        yield RegisterTable(id="register-table")
        yield FinanceSummary(id="register-finance")
        yield Static("Loading the register…", id="register-count")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter-text", Input).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.loaded_generation != getattr(self.app, "generation", 0):
            self.reload()

    def reload(self) -> None:
        self.loaded_generation = getattr(self.app, "generation", 0)
        backend = self.app.backend
        self._start("finance", backend.finance_summary)
        if self.query_one(RegisterTable).total == 0:
            # The first time, the first screenful first: the whole register takes seconds at
            # national scale. A reload keeps the rows shown until the new ones are in.
            self._start("register-page", partial(_first_page, backend, self.PAGE_ROWS))
        else:
            self._start("register", partial(_whole_register, backend))

    def _start(self, token: str, read: Callable[[], object]) -> None:
        """Run `read` in a worker; one at a time for the register (a newer read replaces an older
        one), one for the finance summary."""
        if token == "register":
            self.run_worker(self._read_in_daemon(token, read), group="register-load", exclusive=True)
            return
        group = "finance-load" if token == "finance" else "register-load"
        self.run_worker(partial(self._read, token, read), group=group, exclusive=True, thread=True)

    def _read(self, token: str, read: Callable[[], object]) -> None:
        message = _outcome(token, read)
        if not get_current_worker().is_cancelled:  # if replaced, the newer read's result is the one to show
            self.post_message(message)

    async def _read_in_daemon(self, token: str, read: Callable[[], object]) -> None:
        """`_read` in a daemon thread. The whole register takes seconds at national scale, and a
        thread worker's thread is joined when the app exits: quitting while it loads would leave
        the terminal waiting for rows nobody will see. A daemon thread ends with the process
        (it only reads). Cancelling this worker (a newer read, or quitting) drops its result."""
        loop = asyncio.get_running_loop()
        result: asyncio.Future[DataLoaded | LoadFailed] = loop.create_future()

        def deliver(message: DataLoaded | LoadFailed) -> None:
            if not result.done():
                result.set_result(message)

        def run() -> None:
            message = _outcome(token, read)
            try:
                loop.call_soon_threadsafe(deliver, message)
            except RuntimeError:  # the app has exited and its loop is closed
                pass

        threading.Thread(target=run, name=f"read {token}", daemon=True).start()
        self.post_message(await result)

    def on_data_loaded(self, message: DataLoaded) -> None:
        if message.token == "finance":
            self.query_one(FinanceSummary).show(message.payload)
            return
        loaded: RegisterLoaded = message.payload
        self.loading_total = None
        if message.token == "register-page" and len(loaded.rows) < loaded.total:
            self.loading_total = loaded.total
            # The rest once the page is on screen, so that reading it does not hold up the first paint.
            self.call_after_refresh(self._start, "register", partial(_whole_register, self.app.backend))
        rows = loaded.rows
        table = self.query_one(RegisterTable)
        with self.app.batch_update():
            statuses = [r.status for r in rows] + [NEEDS_REVIEW] * any(r.needs_review for r in rows)
            for select_id, values in (("#filter-status", statuses),
                                      ("#filter-owner", (r.owner_role for r in rows)),
                                      ("#filter-area", (r.service_area for r in rows))):
                select = self.query_one(select_id, Select)
                current, choices = select.value, _choices(values)
                select.set_options(choices)
                if current != Select.NULL and current in {value for _, value in choices}:
                    select.value = current
            table.load(loaded.prepared, self._filter())
        self._count()

    def on_load_failed(self, message: LoadFailed) -> None:
        if message.token == "finance":
            self.query_one(FinanceSummary).update(f"Could not read this year's figures: {message.error}")
            return
        if message.token == "register-page":  # try the whole register, which says what is wrong if it fails too
            self._start("register", partial(_whole_register, self.app.backend))
            return
        self.loading_total = None
        self.query_one("#register-count", Static).update(f"Could not read the register: {message.error}")

    def _filter(self) -> RegisterFilter:
        def value(select_id: str) -> str | None:
            chosen = self.query_one(select_id, Select).value
            return None if chosen == Select.NULL else chosen
        return RegisterFilter(self.query_one("#filter-text", Input).value, value("#filter-status"),
                              value("#filter-owner"), value("#filter-area"))

    def _count(self) -> None:
        table = self.query_one(RegisterTable)
        total = table.total
        if self.loading_total is not None:
            self.query_one("#register-count", Static).update(
                f"Loading {self.loading_total:,} contracts… {len(table.shown):,} of the first {total:,} shown · "
                f"as of {self.app.backend.today:%-d %b %Y}"
            )
            return
        self.query_one("#register-count", Static).update(
            f"{len(table.shown):,} of {total:,} contracts · as of {self.app.backend.today:%-d %b %Y} · "
            "Enter opens · click a heading or press s to sort"
        )

    @on(Input.Changed, "#filter-text")
    @on(Select.Changed)
    def _refilter(self) -> None:
        self.query_one(RegisterTable).show(self._filter())
        self._count()

    @on(Input.Submitted, "#filter-text")
    def _to_table(self) -> None:
        self.query_one(RegisterTable).focus()

    def key_down(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one(RegisterTable).focus()

    @on(RegisterTable.RowSelected)
    def _row_selected(self, event: RegisterTable.RowSelected) -> None:
        self.open_contract(event.reference)

    def open_contract(self, reference: str) -> None:
        self.app.push_screen(ContractScreen(reference))

    def action_focus_filter(self) -> None:
        self.query_one("#filter-text", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter-text", Input).value = ""
        for select in self.query(Select):
            select.clear()
        self.query_one(RegisterTable).focus()

    def action_new(self, draft: ContractFields | None = None, error: str | None = None) -> None:
        def saved(result: ContractFields | None) -> None:
            if result is not None:
                self.app.change(f"Registered {result.reference}", lambda backend: backend.add_contract(result),
                                retry=partial(self.action_new, result))
        self.app.push_screen(ContractFormScreen(draft, error=error), saved)

    def action_export_ics(self) -> None:
        """The deadlines of the contracts shown: every contract's when nothing is filtered out."""
        if self.loading_total is not None:
            self.notify("The register is still loading: export once every contract is shown", severity="warning")
            return
        table = self.query_one(RegisterTable)
        shown = tuple(row.reference for row in table.shown)
        if not shown:
            self.notify("No contract is shown: nothing to export", severity="warning")
            return
        if len(shown) == table.total:
            scope, what = ExportScope("Contract deadlines", DeadlineFilter()), f"all {len(shown)} contracts"
        else:
            scope, what = ExportScope("Contract deadlines (filtered)", DeadlineFilter(contracts=shown)), \
                f"the {len(shown)} contracts shown"
        self.app.export_ics(scope, f"Every deadline of {what}, with reminders.", "contract-deadlines.ics")

    def palette_commands(self) -> list[tuple[str, str, object]]:
        table = self.query_one(RegisterTable)
        commands = [("New contract", "Register a contract with its options and suppliers (n)", self.action_new),
                    ("Export to .ics", "The deadlines of the contracts shown, as a calendar file (i)",
                     self.action_export_ics)]
        commands += [(f"Open {row.reference}", row.title, partial(self.open_contract, row.reference))
                     for row in table.shown[:500]]
        return commands
