"""The forward plan (F4): every procurement that must start in the next 24 months, as a Gantt by
financial year, grouped by service area or owner. Enter opens the contract."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from contract_tracker.domain.forward_plan import GROUPINGS, ForwardPlan

if TYPE_CHECKING:
    from ..app import ContractTrackerApp

from ..widgets.plan_chart import LATE_STYLE, TODAY_MARK, TODAY_STYLE, Scale, axis, bar, rule

UK1_MARK = "£2m+"
# The fixed columns: (heading, width). The chart takes what is left; a title column only when wide.
FIXED = (("Starts", 11), ("Days", 5), ("UK1", len(UK1_MARK)))
NAME_WIDTH = (18, 28)  # the first column (references, and the groups' headings): at most, narrow and wide
WIDE_FROM = 120
TITLE_FROM = 160  # table width at which the contract's title is shown too
TITLE_WIDTH = 34
LEAST_CHART = 16


class PlanScreen(Screen):
    BINDINGS = [
        Binding("o", "toggle_grouping", "Area/owner", id="plan.grouping"),
    ]

    class PlanRead(Message):
        """The forward plan (or why it could not be read)."""

        def __init__(self, plan: ForwardPlan | None, error: str | None = None) -> None:
            self.plan, self.error = plan, error
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self.group_by = GROUPINGS[0]
        self.plan: ForwardPlan | None = None
        self.loaded_generation = -1
        self._drawn_width = 0
        self._references: dict[str, str] = {}  # row key -> the contract's reference

    @property
    def tracker(self) -> ContractTrackerApp:
        return cast("ContractTrackerApp", self.app)

    def title_text(self) -> str:
        return "Plan"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the plan…", id="plan-summary")
        yield Static("", id="plan-legend")
        yield DataTable(id="plan-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        if self.loaded_generation != self.tracker.generation:
            self.reload()

    def reload(self) -> None:
        self.loaded_generation = self.tracker.generation
        self._load()

    @work(thread=True, exclusive=True, group="plan-read")
    def _load(self) -> None:
        try:
            message = self.PlanRead(self.tracker.backend.forward_plan())
        except Exception as error:
            message = self.PlanRead(None, str(error))
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_plan_screen_plan_read(self, message: PlanRead) -> None:
        if message.error is not None:
            self.query_one("#plan-summary", Static).update(f"Could not read the plan: {message.error}")
            return
        self.plan = message.plan
        self._show()

    def on_resize(self) -> None:
        if self.plan is not None and self._table_width() != self._drawn_width:
            self._show()

    def _table_width(self) -> int:
        table = self.query_one(DataTable)
        return table.scrollable_content_region.width or self.size.width

    def _show(self) -> None:
        plan = self.plan
        if plan is None:
            return
        table = self.query_one(DataTable)
        width = self._drawn_width = self._table_width()
        groups = plan.groups(self.group_by)
        longest = max([len(text) for heading, rows in groups for text in (heading, *(r.reference for r in rows))],
                      default=8)
        fixed = [("Contract", min(longest, NAME_WIDTH[width >= WIDE_FROM])), *FIXED]
        titled = width >= TITLE_FROM
        if titled:
            fixed.insert(1, ("Title", TITLE_WIDTH))
        chart_width = max(LEAST_CHART, width - sum(w + 2 for _, w in fixed) - 2)  # 2: each cell's padding
        scale = Scale(tuple(plan.years), chart_width)
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        selected = self._references.get(str(row_key))  # the contract to stay on after the redraw
        table.clear(columns=True)
        self._references.clear()
        for heading, column_width in fixed:
            label = Text(heading, justify="right") if heading == "Days" else Text(heading)
            table.add_column(label, width=column_width, key=heading)
        table.add_column(axis(scale), width=chart_width, key="chart")
        blanks = [""] * (len(fixed) - 1)
        for heading, rows in groups:
            table.add_row(Text(heading, style="bold", overflow="ellipsis"), *blanks, rule(scale, plan.today),
                          key=f"heading:{heading}")
            for row in rows:
                late = LATE_STYLE if row.overdue else ""
                cells = [Text(row.reference, style=late, overflow="ellipsis"),
                         Text(f"{row.start:%d %b %Y}", style=late),
                         Text(str(row.days_left), style=late, justify="right"),
                         Text(UK1_MARK, style="bold magenta") if row.uk1 else ""]
                if titled:
                    cells.insert(1, Text(row.title, overflow="ellipsis"))
                key = f"item:{len(self._references)}"
                self._references[key] = row.reference
                table.add_row(*cells, bar(row, scale, plan.today), key=key)
        # The same contract after a redraw (a resize, the grouping, a reload), else the first
        # procurement rather than its heading.
        keys = [key for key, reference in self._references.items() if reference == selected] or list(self._references)
        if keys:
            table.move_cursor(row=table.get_row_index(keys[0]))
        self._summarise(plan)

    def _summarise(self, plan: ForwardPlan) -> None:
        count = len(plan.rows)
        self.query_one("#plan-summary", Static).update(
            f"{count} to start by {plan.until:%-d %b %Y} · {plan.overdue} overdue · {plan.uk1} over £2m (UK1) · "
            f"by {self.group_by}" if count else f"No procurement must start by {plan.until:%-d %b %Y}")
        legend = Text.assemble(
            (TODAY_MARK, TODAY_STYLE), f" today {plan.today:%-d %b %Y}  ", ("◆━", "cyan"), " start to contract end  ",
            ("◆━", LATE_STYLE), " overdue  ", (UK1_MARK, "bold magenta"), " UK1 pipeline  ",
            ("Enter opens · o groups by area or owner", "dim"))
        self.query_one("#plan-legend", Static).update(legend)

    def action_toggle_grouping(self) -> None:
        self.group_by = GROUPINGS[(GROUPINGS.index(self.group_by) + 1) % len(GROUPINGS)]
        self._show()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        reference = self._references.get(str(event.row_key.value))
        if reference is not None:
            self.tracker.open_contract(reference)

    def palette_commands(self) -> list[tuple[str, str, object]]:
        return [
            ("Group plan by service area or owner", "Toggle the grouping (o)", self.action_toggle_grouping),
        ]
