"""The register as a virtual table: filtered and sorted in memory, drawn a visible line at a time.

A DataTable builds and measures every row it holds, which takes seconds at 10,000 contracts, on
load and again on every filter keystroke. This widget keeps the rows as plain tuples built once
per load; a filter or sort only picks and orders them, and `render_line` draws the ~40 lines on
screen. Keys: arrows, page keys, Home/End move; Enter (or a click on the selected row) opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from contract_tracker.agenda import Urgency, urgency
from contract_tracker.views import RegisterRow

from ..backend import status_matches

URGENCY_STYLE = {
    Urgency.OVERDUE: "bold red",
    Urgency.SOON: "dark_orange",
    Urgency.COMING: "yellow",
    Urgency.LATER: "",
    Urgency.NONE: "dim",
}

# key, heading, width, right-aligned, how to sort (None sorts last)
COLUMNS = [
    ("reference", "Reference", 19, False, lambda r: r.reference),
    ("title", "Title", 20, False, lambda r: r.title.lower()),
    ("suppliers", "Suppliers", 14, False, lambda r: r.suppliers.lower()),
    ("status", "Status", 12, False, lambda r: r.status),
    ("current_end", "Ends", 10, False, lambda r: r.current_end),
    ("next_deadline", "Next deadline", 20, False, lambda r: r.next_deadline),
    ("days_left", "Days", 6, True, lambda r: r.days_left),
    ("overdue", "!", 2, True, lambda r: -r.overdue or None),
]
PADDING = 1
TOTAL_WIDTH = sum(width + 2 * PADDING for _, _, width, _, _ in COLUMNS)


@dataclass(frozen=True)
class RegisterFilter:
    text: str = ""
    status: str | None = None
    owner: str | None = None
    service_area: str | None = None

    def matches(self, row: RegisterRow, haystack: str) -> bool:
        return ((not self.text or self.text in haystack)
                and status_matches(row, self.status)
                and (self.owner is None or row.owner_role == self.owner)
                and (self.service_area is None or row.service_area == self.service_area))


@lru_cache(maxsize=64)
def _style(text: str) -> Style:
    return Style.parse(text) if text else Style()


def cells(row: RegisterRow) -> tuple[tuple[str, str], ...]:
    """(text, style) for each column of a row."""
    style = URGENCY_STYLE[urgency(row.days_left, row.overdue)]
    return (
        (row.reference, ""), (row.title, ""),
        (row.suppliers, "") if row.suppliers else ("none recorded", "dim"),
        (row.status, ""), (row.current_end or "", ""), (row.next_deadline_title or "", style),
        ("" if row.days_left is None else str(row.days_left), style),
        (str(row.overdue) if row.overdue else "", "bold red"),
    )


@dataclass(frozen=True)
class PreparedRows:
    """Rows with their cells and filter text, built once, off the UI thread if need be."""

    items: list[tuple[RegisterRow, tuple, str]]


def prepare(rows: list[RegisterRow]) -> PreparedRows:
    """What `RegisterTable.load` needs of each row: about half a second at 100,000 contracts, so
    a thread worker calls this and hands the result to the table."""
    return PreparedRows([
        (row, cells(row), f"{row.reference} {row.title} {row.suppliers} {row.next_deadline_title or ''}".lower())
        for row in rows
    ])


def _fit(text: str, width: int, right: bool) -> str:
    if len(text) > width:
        return text[: width - 1] + "…"
    return set_cell_size(text.rjust(width) if right else text, width)


class RegisterTable(ScrollView, can_focus=True):
    """`load()` the rows once; `show()` a filter and `sort_on()` a column as often as you like."""

    COMPONENT_CLASSES = {"register-table--header", "register-table--cursor", "register-table--odd"}
    DEFAULT_CSS = """
    RegisterTable { background: $surface; }
    RegisterTable > .register-table--header { background: $panel; color: $foreground; text-style: bold; }
    RegisterTable > .register-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    RegisterTable:blur > .register-table--cursor { background: $block-cursor-blurred-background; }
    RegisterTable > .register-table--odd { background: $surface-lighten-1; }
    """
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False, id="register.up"),
        Binding("down", "move(1)", "Down", show=False, id="register.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="register.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="register.page_down"),
        Binding("home", "move_to(0)", "First", show=False, id="register.first"),
        Binding("end", "move_to(-1)", "Last", show=False, id="register.last"),
        Binding("enter", "select", "Open", id="register.select"),
        Binding("s", "sort_next", "Sort", id="register.sort"),
        Binding("S", "sort_reverse", "Reverse", id="register.reverse"),
    ]

    cursor_row: reactive[int] = reactive(0)

    class RowSelected(Message):
        def __init__(self, reference: str) -> None:
            self.reference = reference
            super().__init__()

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._rows: list[tuple[RegisterRow, tuple, str]] = []
        self._filter = RegisterFilter()
        self.sort_key = "next_deadline"
        self.reverse = False
        self.shown: list[RegisterRow] = []
        self._shown_cells: list[tuple] = []

    # Data ------------------------------------------------------------------------------------
    def load(self, rows: list[RegisterRow] | PreparedRows, register_filter: RegisterFilter | None = None) -> None:
        """Show these rows, sorted as before and filtered by `register_filter` (else as before),
        keeping the selected contract selected."""
        self._rows = (rows if isinstance(rows, PreparedRows) else prepare(rows)).items
        if register_filter is not None:
            self._set_filter(register_filter)
        self._arrange()

    def show(self, register_filter: RegisterFilter) -> None:
        self._set_filter(register_filter)
        self._arrange()

    def _set_filter(self, register_filter: RegisterFilter) -> None:
        self._filter = RegisterFilter(register_filter.text.strip().lower(), register_filter.status,
                                      register_filter.owner, register_filter.service_area)

    def sort_on(self, key: str, reverse: bool | None = None) -> None:
        self.reverse = (not self.reverse if key == self.sort_key else False) if reverse is None else reverse
        self.sort_key = key
        self._arrange()

    def _arrange(self) -> None:
        selected = self.selected_reference
        by = next(sort for key, _, _, _, sort in COLUMNS if key == self.sort_key)
        picked = [item for item in self._rows if self._filter.matches(item[0], item[2])]
        present = [item for item in picked if by(item[0]) is not None]
        missing = [item for item in picked if by(item[0]) is None]  # always last, either direction
        present.sort(key=lambda item: by(item[0]), reverse=self.reverse)
        ordered = present + missing
        self.shown = [item[0] for item in ordered]
        self._shown_cells = [item[1] for item in ordered]
        self.virtual_size = Size(TOTAL_WIDTH, len(ordered) + 1)
        where = next((i for i, row in enumerate(self.shown) if row.reference == selected), None)
        self.cursor_row = where if where is not None else 0
        self.refresh()

    @property
    def total(self) -> int:
        """Rows loaded, before filtering."""
        return len(self._rows)

    @property
    def row_count(self) -> int:
        return len(self.shown)

    @property
    def selected_reference(self) -> str | None:
        return self.shown[self.cursor_row].reference if 0 <= self.cursor_row < len(self.shown) else None

    def cell_texts(self, reference: str) -> list[str]:
        """The texts shown in the row for `reference` (for tests and screen readers)."""
        index = next(i for i, row in enumerate(self.shown) if row.reference == reference)
        return [text for text, _ in self._shown_cells[index]]

    # Drawing ---------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("register-table--header")
            segments = []
            for key, heading, col_width, right, _ in COLUMNS:
                marker = (" ▼" if self.reverse else " ▲") if key == self.sort_key else ""
                segments.append(Segment(" " * PADDING + _fit(heading + marker, col_width, right) + " " * PADDING, header))
            return Strip(segments, TOTAL_WIDTH).crop(scroll_x, scroll_x + width).extend_cell_length(width, header)
        index = scroll_y + y - 1
        if index >= len(self._shown_cells):
            return Strip.blank(width, base)
        if index == self.cursor_row:
            row_style = base + self.get_component_rich_style("register-table--cursor")
        elif index % 2:
            row_style = base + self.get_component_rich_style("register-table--odd")
        else:
            row_style = base
        segments = [
            Segment(" " * PADDING + _fit(text, col_width, right) + " " * PADDING, row_style + _style(style))
            for (text, style), (_, _, col_width, right, _) in zip(self._shown_cells[index], COLUMNS)
        ]
        return Strip(segments, TOTAL_WIDTH).crop(scroll_x, scroll_x + width).extend_cell_length(width, row_style)

    # Moving and choosing ---------------------------------------------------------------------
    def watch_cursor_row(self, old: int, new: int) -> None:
        visible = max(self.scrollable_content_region.height - 1, 1)
        top = self.scroll_offset.y
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + visible:
            self.scroll_to(y=new - visible + 1, animate=False, immediate=True)
        self.refresh()

    def _clamp(self, row: int) -> int:
        return max(0, min(row, len(self.shown) - 1))

    def action_move(self, step: int) -> None:
        self.cursor_row = self._clamp(self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        self.cursor_row = self._clamp(self.cursor_row + direction * max(self.size.height - 2, 1))

    def action_move_to(self, row: int) -> None:
        self.cursor_row = self._clamp(row if row >= 0 else len(self.shown) - 1)

    def action_select(self) -> None:
        if self.selected_reference:
            self.post_message(self.RowSelected(self.selected_reference))

    def action_sort_next(self) -> None:
        keys = [key for key, *_ in COLUMNS]
        self.sort_on(keys[(keys.index(self.sort_key) + 1) % len(keys)], reverse=False)

    def action_sort_reverse(self) -> None:
        self.sort_on(self.sort_key, reverse=not self.reverse)

    def on_click(self, event: events.Click) -> None:
        scroll_x, scroll_y = self.scroll_offset
        if event.y == 0:  # a heading: sort by it (again to reverse)
            x = event.x + scroll_x
            for key, _, col_width, _, _ in COLUMNS:
                x -= col_width + 2 * PADDING
                if x < 0:
                    self.sort_on(key)
                    return
            return
        index = scroll_y + event.y - 1
        if 0 <= index < len(self.shown):
            if index == self.cursor_row:
                self.action_select()
            self.cursor_row = index
