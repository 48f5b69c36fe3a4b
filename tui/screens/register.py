"""The register: every contract, type to filter, sort by column, filter by status, owner and area."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Select, Static
from textual.worker import get_current_worker

from contract_tracker.calendar.feeds import DeadlineFilter

from ..backend import NEEDS_REVIEW, ContractFields, ExportScope, ReadInterrupted, RegisterRow
from ..messages import Change
from ..widgets.finance_summary import FinanceSummary
from ..widgets.register_table import PreparedRows, RegisterFilter, RegisterTable, prepare
from .contract_form import ContractFormScreen


@dataclass(frozen=True)
class RegisterLoaded:
    """Register rows read by the worker, with the table's rows prepared from them there too."""

    rows: list[RegisterRow]
    prepared: PreparedRows
    total: int  # contracts in the whole register: more than len(rows) for the first page


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

    class PageRead(Message):
        """The register's first rows (or why they could not be read)."""

        def __init__(self, loaded: RegisterLoaded | None, error: str | None = None) -> None:
            self.loaded, self.error = loaded, error
            super().__init__()

    class RegisterRead(Message):
        """The whole register (or why it could not be read)."""

        def __init__(self, loaded: RegisterLoaded | None, error: str | None = None) -> None:
            self.loaded, self.error = loaded, error
            super().__init__()

    class FinanceRead(Message):
        """This financial year's money line (or why it could not be read)."""

        def __init__(self, summary: dict | None, error: str | None = None) -> None:
            self.summary, self.error = summary, error
            super().__init__()

    class NoticesRead(Message):
        """The authority's own notices in brief (or why they could not be read)."""

        def __init__(self, text: str, error: str | None = None) -> None:
            self.text, self.error = text, error
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self.loaded_generation = -1
        self.loading_total: int | None = None  # set while only the register's first page is shown

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="register-filters"):
            yield Input(placeholder="Type to filter (reference, title, supplier)", id="filter-text")
            yield Select([], prompt="Any status", id="filter-status", compact=True)
            yield Select([], prompt="Any owner", id="filter-owner", compact=True)
            yield Select([], prompt="Any service area", id="filter-area", compact=True)
        yield RegisterTable(id="register-table")
        yield FinanceSummary(id="register-finance")
        yield Static("", id="register-notices")
        yield Static("Loading the register…", id="register-count")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter-text", Input).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.loaded_generation != getattr(self.app, "generation", 0):
            self.reload()

    def on_unmount(self) -> None:
        # The app is closing (or the screen went away): stop a whole-register read in flight, so
        # that its thread, which the app waits for, ends now rather than seconds from now.
        self.app.backend.interrupt_reads()

    def reload(self) -> None:
        self.loaded_generation = getattr(self.app, "generation", 0)
        self._read_finance()
        self._read_notices()
        if self.query_one(RegisterTable).total == 0:
            # The first time, the first screenful first: the whole register takes seconds at
            # national scale. A reload keeps the rows shown until the new ones are in.
            self._read_page()
        else:
            self._read_register()

    # Reads, each in a thread worker; a newer read of the register replaces an older one -----
    @work(thread=True, exclusive=True, group="finance-read")
    def _read_finance(self) -> None:
        try:
            message = self.FinanceRead(self.app.backend.finance_summary())
        except Exception as error:
            message = self.FinanceRead(None, str(error))
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @work(thread=True, exclusive=True, group="notices-read")
    def _read_notices(self) -> None:
        try:
            message = self.NoticesRead(self.app.backend.notices_standing().describe())
        except Exception as error:
            message = self.NoticesRead("", str(error))
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @work(thread=True, exclusive=True, group="register-read")
    def _read_page(self) -> None:
        try:
            page = self.app.backend.register_page(self.PAGE_ROWS)
            message = self.PageRead(RegisterLoaded(page.rows, prepare(page.rows), page.total))
        except Exception as error:
            message = self.PageRead(None, str(error))
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def _read_register(self) -> None:
        self.app.backend.interrupt_reads()  # an older read still going is replaced: stop it
        self._read_whole_register()

    @work(thread=True, exclusive=True, group="register-read")
    def _read_whole_register(self) -> None:
        worker = get_current_worker()
        try:
            rows = self.app.backend.register()
            prepared = prepare(rows, cancelled=lambda: worker.is_cancelled)
            message = self.RegisterRead(RegisterLoaded(rows, prepared, len(rows)) if prepared else None)
        except ReadInterrupted:
            return
        except Exception as error:
            message = self.RegisterRead(None, str(error))
        if not worker.is_cancelled:  # if replaced, the newer read's result is the one to show
            self.post_message(message)

    def on_register_screen_finance_read(self, message: FinanceRead) -> None:
        finance = self.query_one(FinanceSummary)
        if message.error is not None:
            finance.update(f"Could not read this year's figures: {message.error}")
        else:
            finance.show(message.summary)

    def on_register_screen_notices_read(self, message: NoticesRead) -> None:
        line = self.query_one("#register-notices", Static)
        text = f"Could not read the authority's notices: {message.error}" if message.error else message.text
        line.update(text)
        line.display = bool(text)  # no line at all where the register calls for no notice

    def on_register_screen_page_read(self, message: PageRead) -> None:
        if message.error is not None:  # try the whole register, which says what is wrong if it fails too
            self._read_register()
            return
        loaded = message.loaded
        self.loading_total = None
        if len(loaded.rows) < loaded.total:
            self.loading_total = loaded.total
            # The rest once the page is on screen, so that reading it does not hold up the first paint.
            self.call_after_refresh(self._read_register)
        self._show(loaded)

    def on_register_screen_register_read(self, message: RegisterRead) -> None:
        if message.error is not None:
            self.loading_total = None
            self.query_one("#register-count", Static).update(f"Could not read the register: {message.error}")
            return
        if message.loaded is not None:
            self.loading_total = None
            self._show(message.loaded)

    def _show(self, loaded: RegisterLoaded) -> None:
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
            "Enter opens · s sorts"
        )

    @on(Input.Changed, "#filter-text")
    @on(Select.Changed)
    def _refilter(self) -> None:
        self.query_one(RegisterTable).show(self._filter())
        self._count()

    @on(Input.Submitted, "#filter-text")
    def _to_table(self) -> None:
        self.query_one(RegisterTable).focus()

    def key_down(self, event: events.Key) -> None:
        if isinstance(self.focused, Input):
            # Into the table, on its first row: the key itself must not also move the cursor there.
            event.prevent_default()
            event.stop()
            self.query_one(RegisterTable).focus()

    @on(RegisterTable.RowSelected)
    def _row_selected(self, event: RegisterTable.RowSelected) -> None:
        self.open_contract(event.reference)

    def open_contract(self, reference: str) -> None:
        self.app.open_contract(reference)

    def action_focus_filter(self) -> None:
        self.query_one("#filter-text", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter-text", Input).value = ""
        for select in self.query(Select):
            select.clear()
        self.query_one(RegisterTable).focus()

    def action_new(self) -> None:
        def save(fields: ContractFields) -> Change:
            return Change(f"Registered {fields.reference}", lambda backend: backend.add_contract(fields))
        self.app.push_screen(ContractFormScreen(save=save))

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
        return [("New contract", "Register a contract with its options and suppliers (n)", self.action_new),
                ("Export to .ics", "The deadlines of the contracts shown, as a calendar file (i)",
                 self.action_export_ics)]
