"""The register as a virtual table: filtered and sorted in memory, drawn a visible line at a time.

A DataTable builds and measures every row it holds, which takes seconds at 10,000 contracts, on
load and again on every filter keystroke. This widget keeps the lines built once per load
(`register_lines`); a filter or sort only picks and orders them, and `render_line` draws the ~40
lines on screen, in columns fitted to the width (`register_lines.fit`). Keys: arrows, page keys,
Home/End move; Enter (or a click on the selected row) opens.
"""

from __future__ import annotations

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

from ..backend import RegisterRow
from .register_lines import (
    BY_KEY,
    COLUMNS,
    GAP,
    URGENCY_STYLE,
    Line,
    PreparedRows,
    RegisterFilter,
    fit,
    prepare,
    total_width,
)

__all__ = ["URGENCY_STYLE", "PreparedRows", "RegisterFilter", "RegisterTable", "prepare"]
DEADLINE_COLUMNS = {"next_deadline", "days_left"}


@lru_cache(maxsize=64)
def _style(text: str) -> Style:
    return Style.parse(text) if text else Style()


def _fit(text: str, width: int, right: bool) -> str:
    if len(text) > width:
        return text[: width - 1] + "…"
    return set_cell_size(text.rjust(width) if right else text, width)


def _cell_style(key: str, text: str, line: Line) -> str:
    if key in DEADLINE_COLUMNS:
        return URGENCY_STYLE[line.urgency]
    if key == "overdue":
        return "bold red"
    if key == "suppliers" and not line.row.suppliers:
        return "dim"
    return ""


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
        Binding("enter", "select", "Open", show=False, id="register.select"),  # the status line says so
        Binding("s", "sort_next", "Sort", id="register.sort"),
        Binding("S", "sort_reverse", "Reverse", show=False, id="register.reverse"),
    ]

    cursor_row: reactive[int] = reactive(0)

    class RowSelected(Message):
        def __init__(self, reference: str) -> None:
            self.reference = reference
            super().__init__()

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._lines: list[Line] = []
        self._longest: dict[str, int] = {}
        self._filter = RegisterFilter()
        self.sort_key = "next_deadline"
        self.reverse = False
        self.shown: list[RegisterRow] = []
        self._shown_lines: list[Line] = []
        self._widths: tuple[int, dict[str, int]] | None = None  # (for this width, each column's)

    # Data ------------------------------------------------------------------------------------
    def load(self, rows: list[RegisterRow] | PreparedRows, register_filter: RegisterFilter | None = None) -> None:
        """Show these rows, sorted as before and filtered by `register_filter` (else as before),
        keeping the selected contract selected."""
        prepared = rows if isinstance(rows, PreparedRows) else prepare(rows)
        self._lines, self._longest, self._widths = prepared.lines, prepared.longest, None
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
        by = BY_KEY[self.sort_key].sort
        picked = [line for line in self._lines if self._filter.matches(line.row, line.haystack)]
        present = [line for line in picked if by(line.row) is not None]
        missing = [line for line in picked if by(line.row) is None]  # always last, either direction
        present.sort(key=lambda line: by(line.row), reverse=self.reverse)
        self._shown_lines = present + missing
        self.shown = [line.row for line in self._shown_lines]
        self._size_virtually()
        where = next((i for i, row in enumerate(self.shown) if row.reference == selected), None)
        self.cursor_row = where if where is not None else 0
        self.refresh()

    @property
    def total(self) -> int:
        """Rows loaded, before filtering."""
        return len(self._lines)

    @property
    def row_count(self) -> int:
        return len(self.shown)

    @property
    def selected_reference(self) -> str | None:
        return self.shown[self.cursor_row].reference if 0 <= self.cursor_row < len(self.shown) else None

    def cell_texts(self, reference: str) -> dict[str, str]:
        """The texts of the row for `reference` by column key, shown or not (for tests and screen readers)."""
        line = next(line for line in self._shown_lines if line.row.reference == reference)
        return {column.key: text for column, text in zip(COLUMNS, line.texts, strict=True)}

    # Columns ---------------------------------------------------------------------------------
    def column_widths(self) -> dict[str, int]:
        """Each column's width at the table's present width (0: hidden)."""
        width = self.scrollable_content_region.width
        if self._widths is None or self._widths[0] != width:
            self._widths = (width, fit(width, self._longest))
        return self._widths[1]

    def _size_virtually(self) -> None:
        """Rows plus the heading; as wide as the columns (wider than the table only when even
        the columns that always show do not fit, and then it scrolls sideways)."""
        self.virtual_size = Size(total_width(self.column_widths()), len(self._shown_lines) + 1)

    def on_resize(self) -> None:
        self._size_virtually()

    # Drawing ---------------------------------------------------------------------------------
    def _strip(self, texts, styles, base: Style, widths: dict[str, int]) -> Strip:
        segments = [Segment(" " * GAP, base)]
        for column, text, style in zip(COLUMNS, texts, styles, strict=True):
            width = widths[column.key]
            if width:
                segments.append(Segment(_fit(text, width, column.right), base + _style(style)))
                segments.append(Segment(" " * GAP, base))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        widths = self.column_widths()
        full = total_width(widths)
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("register-table--header")
            headings = []
            for column in COLUMNS:
                marker = (" ▼" if self.reverse else " ▲") if column.key == self.sort_key else ""
                room = widths[column.key] - len(marker)
                heading = column.heading if len(column.heading) <= room else column.heading[:max(room - 1, 0)] + "…"
                headings.append(heading + marker)
            strip = self._strip(headings, [""] * len(COLUMNS), header, widths)
            return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, header)
        index = scroll_y + y - 1
        if index >= len(self._shown_lines):
            return Strip.blank(width, base)
        if index == self.cursor_row:
            row_style = base + self.get_component_rich_style("register-table--cursor")
        elif index % 2:
            row_style = base + self.get_component_rich_style("register-table--odd")
        else:
            row_style = base
        line = self._shown_lines[index]
        styles = [_cell_style(column.key, text, line) for column, text in zip(COLUMNS, line.texts, strict=True)]
        strip = self._strip(line.texts, styles, row_style, widths)
        return strip.crop(scroll_x, scroll_x + min(width, full)).extend_cell_length(width, row_style)

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
        keys = [column.key for column in COLUMNS if self.column_widths()[column.key]]
        at = keys.index(self.sort_key) if self.sort_key in keys else -1
        self.sort_on(keys[(at + 1) % len(keys)], reverse=False)

    def action_sort_reverse(self) -> None:
        self.sort_on(self.sort_key, reverse=not self.reverse)

    def column_at(self, x: int) -> str | None:
        """The key of the column drawn at `x` cells from the table's left edge (scrolled)."""
        x += self.scroll_offset.x - GAP
        for column in COLUMNS:
            width = self.column_widths()[column.key]
            if not width:
                continue
            if x < width + GAP:
                return column.key if x < width else None
            x -= width + GAP
        return None

    def on_click(self, event: events.Click) -> None:
        scroll_y = self.scroll_offset.y
        if event.y == 0:  # a heading: sort by it (again to reverse)
            key = self.column_at(event.x)
            if key:
                self.sort_on(key)
            return
        index = scroll_y + event.y - 1
        if 0 <= index < len(self.shown):
            if index == self.cursor_row:
                self.action_select()
            self.cursor_row = index
