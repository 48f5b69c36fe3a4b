"""The register as a table: filtered and sorted in memory, so a keystroke never waits on the store.

Rows arrive once (from a worker); the cells and a lower-case search text are built then, and each
filter or sort only picks and orders rows that are already built.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from contract_tracker.agenda import Urgency, urgency
from contract_tracker.views import RegisterRow

URGENCY_STYLE = {
    Urgency.OVERDUE: "bold red",
    Urgency.SOON: "dark_orange",
    Urgency.COMING: "yellow",
    Urgency.LATER: "",
    Urgency.NONE: "dim",
}

# key, heading, width, how to sort (None sorts last)
COLUMNS = [
    ("reference", "Reference", 19, lambda r: r.reference),
    ("title", "Title", 20, lambda r: r.title.lower()),
    ("suppliers", "Suppliers", 14, lambda r: r.suppliers.lower()),
    ("status", "Status", 12, lambda r: r.status),
    ("current_end", "Ends", 10, lambda r: r.current_end),
    ("next_deadline", "Next deadline", 20, lambda r: r.next_deadline),
    ("days_left", "Days", 6, lambda r: r.days_left),
    ("overdue", "!", 2, lambda r: -r.overdue or None),
]


@dataclass(frozen=True)
class RegisterFilter:
    text: str = ""
    status: str | None = None
    owner: str | None = None
    service_area: str | None = None

    def matches(self, row: RegisterRow, haystack: str) -> bool:
        return ((not self.text or self.text in haystack)
                and (self.status is None or row.status == self.status)
                and (self.owner is None or row.owner_role == self.owner)
                and (self.service_area is None or row.service_area == self.service_area))


def _cells(row: RegisterRow) -> tuple:
    style = URGENCY_STYLE[urgency(row.days_left, row.overdue)]
    return (
        row.reference, row.title, row.suppliers or Text("none recorded", style="dim"), row.status,
        row.current_end or "",
        Text(row.next_deadline_title or "", style=style),
        Text("" if row.days_left is None else str(row.days_left), style=style, justify="right"),
        Text(str(row.overdue) if row.overdue else "", style="bold red"),
    )


class RegisterTable(DataTable):
    """A DataTable of RegisterRows; `show()` applies a filter, `sort_on()` a column."""

    BINDINGS = [
        Binding("s", "sort_next", "Sort", id="register.sort"),
        Binding("S", "sort_reverse", "Reverse", id="register.reverse"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._rows: list[tuple[RegisterRow, tuple, str]] = []
        self._filter = RegisterFilter()
        self.sort_key = "next_deadline"
        self.reverse = False
        self.shown: list[RegisterRow] = []

    def on_mount(self) -> None:
        for key, heading, width, _ in COLUMNS:
            label = Text(heading, justify="right") if key == "days_left" else heading
            self.add_column(label, key=key, width=width)

    def load(self, rows: list[RegisterRow]) -> None:
        self._rows = [
            (row, _cells(row), f"{row.reference} {row.title} {row.suppliers} {row.next_deadline_title or ''}".lower())
            for row in rows
        ]
        self._render_rows()

    def show(self, register_filter: RegisterFilter) -> None:
        self._filter = RegisterFilter(register_filter.text.strip().lower(), register_filter.status,
                                      register_filter.owner, register_filter.service_area)
        self._render_rows()

    def sort_on(self, key: str, reverse: bool | None = None) -> None:
        self.reverse = (not self.reverse if key == self.sort_key else False) if reverse is None else reverse
        self.sort_key = key
        self._render_rows()

    def action_sort_next(self) -> None:
        keys = [key for key, *_ in COLUMNS]
        self.sort_on(keys[(keys.index(self.sort_key) + 1) % len(keys)], reverse=False)

    def action_sort_reverse(self) -> None:
        self.sort_on(self.sort_key, reverse=not self.reverse)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_on(str(event.column_key.value))

    def _render_rows(self) -> None:
        by = next(sort for key, _, _, sort in COLUMNS if key == self.sort_key)
        picked = [item for item in self._rows if self._filter.matches(item[0], item[2])]
        present = [item for item in picked if by(item[0]) is not None]
        missing = [item for item in picked if by(item[0]) is None]  # always last, either direction
        present.sort(key=lambda item: by(item[0]), reverse=self.reverse)
        ordered = present + missing
        self.shown = [item[0] for item in ordered]
        selected = self.selected_reference
        self.clear()
        for row, cells, _ in ordered:
            self.add_row(*cells, key=row.reference)
        for key, heading, _, _ in COLUMNS:
            marker = (" ▼" if self.reverse else " ▲") if key == self.sort_key else ""
            self.columns[self._column_key(key)].label = Text(heading + marker, justify="right" if key == "days_left" else "left")
        if selected is not None and selected in self.rows:
            self.move_cursor(row=self.get_row_index(selected))

    def _column_key(self, key: str):
        return next(column_key for column_key in self.columns if column_key.value == key)

    @property
    def selected_reference(self) -> str | None:
        if not self.row_count or self.cursor_row >= self.row_count:
            return None
        return str(self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value)
