"""The agenda: the coming weeks of the deadline stream, overdue first, grouped by week or month."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from contract_tracker.calendar.feeds import DeadlineFilter
from contract_tracker.read.agenda import AgendaItem, group_agenda, urgency

from ..backend import ExportScope, NoticeDone
from ..messages import Change
from ..widgets.register_lines import URGENCY_STYLE
from .notice_done import NoticeDoneScreen

HORIZONS = (4, 12, 26, 52)  # weeks


class AgendaScreen(Screen):
    BINDINGS = [
        Binding("g", "toggle_grouping", "Week/month", id="agenda.grouping"),
        Binding("w", "next_horizon", "Horizon", id="agenda.horizon"),
        Binding("i", "export_ics", "Export .ics", id="agenda.export_ics"),
        Binding("d", "notice_done", "Notice done", id="agenda.notice_done"),
    ]

    class AgendaRead(Message):
        """The agenda's deadlines over `weeks` (or why they could not be read)."""

        def __init__(self, weeks: int, items: list[AgendaItem] | None, error: str | None = None) -> None:
            self.weeks, self.items, self.error = weeks, items, error
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self.group_by = "week"
        self.weeks = 12
        self.items = []
        self.shown: dict[str, AgendaItem] = {}  # row key -> the item on that row
        self.loaded_generation = -1

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the agenda…", id="agenda-summary")
        yield DataTable(id="agenda-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Due", Text("Days", justify="right"), "Contract", "Deadline", "Owner")
        self.reload()

    def on_screen_resume(self) -> None:
        if self.loaded_generation != self.app.generation:
            self.reload()

    def reload(self) -> None:
        self.loaded_generation = self.app.generation
        self._load(self.weeks)

    @work(thread=True, exclusive=True, group="agenda-read")
    def _load(self, weeks: int) -> None:
        try:
            message = self.AgendaRead(weeks, self.app.backend.agenda(weeks))
        except Exception as error:
            message = self.AgendaRead(weeks, None, str(error))
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_agenda_screen_agenda_read(self, message: AgendaRead) -> None:
        if message.error is not None:
            self.query_one("#agenda-summary", Static).update(f"Could not read the agenda: {message.error}")
            return
        self.items = message.items
        self._show()

    def _show(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.shown = {}
        overdue = sum(item.overdue for item in self.items)
        for heading, items in group_agenda(self.items, self.group_by):
            style = "bold red" if heading == "Overdue" else "bold"
            table.add_row(Text(heading, style=style), "", Text(f"{len(items)} due", style="dim"), "", "",
                          key=f"heading:{heading}")
            for index, item in enumerate(items):
                colour = URGENCY_STYLE[urgency(item.days_left, int(item.overdue))]
                key = f"item:{item.reference}:{item.kind}:{index}:{heading}"
                self.shown[key] = item
                table.add_row(
                    f"  {item.due_date:%a %-d %b %Y}", Text(str(item.days_left), style=colour, justify="right"),
                    item.reference or Text(item.notice, style="italic"),  # the authority's own: its name
                    Text(item.title, style=colour), item.owner, key=key,
                )
        self.query_one("#agenda-summary", Static).update(
            f"{self.weeks} weeks from {self.app.backend.today:%-d %b %Y} · {len(self.items)} deadlines, "
            f"{overdue} overdue · by {self.group_by} · Enter opens"
        )

    def action_toggle_grouping(self) -> None:
        self.group_by = "month" if self.group_by == "week" else "week"
        self._show()

    def action_next_horizon(self) -> None:
        self.weeks = HORIZONS[(HORIZONS.index(self.weeks) + 1) % len(HORIZONS)]
        self.reload()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        if key.startswith("item:"):
            reference = key.split(":")[1]
            if not reference:  # one of the authority's own notices: no contract to open
                self.notify("The authority's own notice: d marks it done")
                return
            self.app.open_contract(reference)

    def _item_at_cursor(self) -> AgendaItem | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key
        return self.shown.get(str(row_key.value))

    def action_notice_done(self) -> None:
        """Record the authority's notice on the cursor's row as published, with the day and a note."""
        item = self._item_at_cursor()
        if item is None or not item.notice:
            self.notify("Put the cursor on one of the authority's own notices (UK8, payments over £30,000, "
                        "UK9, UK1): a contract's deadlines are met on its own screen", severity="warning")
            return

        def save(done: NoticeDone) -> Change:
            return Change(lambda title: f"{done.key} published {done.on:%-d %b %Y}",
                          lambda backend: backend.notice_done(done), title="Marked done")
        self.app.push_screen(NoticeDoneScreen(item.notice, item.title, day=self.app.backend.today, save=save))

    def action_export_ics(self) -> None:
        """Exactly the deadlines the agenda shows (open ones, overdue and within the horizon)."""
        if not self.items:
            self.notify("The agenda is empty: nothing to export", severity="warning")
            return
        end = self.app.backend.today + timedelta(weeks=self.weeks)
        wanted = DeadlineFilter(contracts=tuple(sorted({item.reference for item in self.items})), end=end)
        only = frozenset((item.reference, item.kind, item.due_date, item.title) for item in self.items)
        self.app.export_ics(ExportScope(f"Agenda: next {self.weeks} weeks", wanted, only),
                            f"The {len(self.items)} deadlines on the agenda (overdue and the next {self.weeks} weeks).",
                            f"agenda-{self.weeks}-weeks.ics")

    def palette_commands(self) -> list[tuple[str, str, object]]:
        return [
            ("Export agenda to .ics", "The deadlines shown, as a calendar file (i)", self.action_export_ics),
            ("Group agenda by week or month", "Toggle the grouping (g)", self.action_toggle_grouping),
            ("Change agenda horizon", "4, 12, 26 or 52 weeks ahead (w)", self.action_next_horizon),
            ("Mark notice done", "The authority's notice on the cursor's row, published: day and note (d)",
             self.action_notice_done),
        ]
