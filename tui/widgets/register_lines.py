"""The register's lines and columns: what each row shows, and how wide each column is at a given width.

Pure functions and plain values, so they run in a thread worker (100,000 rows) and in tests
without an app. `RegisterTable` draws what these decide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from contract_tracker.read.agenda import Urgency, urgency

from ..backend import RegisterRow, status_matches

URGENCY_STYLE = {
    Urgency.OVERDUE: "bold red",
    Urgency.SOON: "dark_orange",
    Urgency.COMING: "yellow",
    Urgency.LATER: "",
    Urgency.NONE: "dim",
}


@dataclass(frozen=True)
class Column:
    """A column: fixed ones always get `base` cells; flexible ones get between `least` (or are
    hidden, `hide` says in which order) and as much as their longest text, `grow` sharing out
    the width left over once every column has its `base`."""

    key: str
    heading: str
    base: int
    right: bool = False
    sort: Callable[[RegisterRow], object] = lambda row: None
    least: int | None = None  # None: fixed width
    grow: int = 0
    hide: int = 0  # flexible columns are hidden in rising order of this when the width is short


COLUMNS = (
    Column("reference", "Reference", 19, sort=lambda r: r.reference),
    Column("title", "Title", 20, sort=lambda r: r.title.lower(), least=12, grow=1, hide=2),
    Column("suppliers", "Suppliers", 14, sort=lambda r: r.suppliers.lower(), least=10, hide=1),
    Column("status", "Status", 12, sort=lambda r: r.status),
    Column("current_end", "Ends", 10, sort=lambda r: r.current_end),
    Column("next_deadline", "Next deadline", 24, sort=lambda r: r.next_deadline, least=22, grow=1, hide=3),
    Column("days_left", "Days", 5, right=True, sort=lambda r: r.days_left),
    Column("overdue", "!", 2, right=True, sort=lambda r: -r.overdue or None),
)
BY_KEY = {column.key: column for column in COLUMNS}
GAP = 1  # cells between columns, and before the first
GROWING_FIRST = ("next_deadline", "title", "suppliers")  # who gets width first, up to its base


def next_deadline_urgency(row: RegisterRow) -> Urgency:
    """How pressing the row's next deadline is, by its own date: the one value its cells are
    coloured by. The contract's overdue deadlines are counted in the "!" column, not here."""
    return urgency(row.days_left)


class Line(NamedTuple):
    """One row as the table shows it: its texts by column, the urgency that colours the next
    deadline, and the lower-case text the filter searches."""

    row: RegisterRow
    texts: tuple[str, ...]  # in COLUMNS order
    urgency: Urgency
    haystack: str


def line(row: RegisterRow) -> Line:
    deadline = f"{row.next_deadline} {row.next_deadline_title}" if row.next_deadline else ""
    title = row.title_with_chain()
    texts = (row.reference, title, row.suppliers or "none recorded", row.status, row.current_end or "",
             deadline, "" if row.days_left is None else str(row.days_left), str(row.overdue) if row.overdue else "")
    return Line(row, texts, next_deadline_urgency(row),
                f"{row.reference} {title} {row.suppliers} {row.next_deadline_title or ''}".lower())


@dataclass(frozen=True)
class PreparedRows:
    """Lines built once, off the UI thread if need be, with each column's longest text."""

    lines: list[Line]
    longest: dict[str, int]


def prepare(rows: list[RegisterRow], cancelled: Callable[[], bool] = lambda: False) -> PreparedRows | None:
    """What `RegisterTable.load` needs: about half a second at 100,000 contracts, so a thread
    worker calls this. None if `cancelled()` turns true on the way (checked every 5,000 rows)."""
    lines = []
    for start in range(0, len(rows), 5000):
        if cancelled():
            return None
        lines.extend(map(line, rows[start:start + 5000]))
    longest = {column.key: max((len(texts[i]) for _, texts, _, _ in lines), default=0)
               for i, column in enumerate(COLUMNS) if column.least is not None or column.key == "reference"}
    return PreparedRows(lines, longest)


def fit(width: int, longest: dict[str, int]) -> dict[str, int]:
    """Each column's width (0: hidden) in `width` cells. Fixed columns always show; Suppliers,
    then Title, give way first, and the next deadline last; past every column's base width the
    extra goes to Title and Next deadline, up to their longest text, then to Suppliers."""
    widths = {c.key: c.base for c in COLUMNS if c.least is None}
    widths["reference"] = max(len("Reference"), min(longest.get("reference", 0) or 19, 24))
    flexible = [c for c in COLUMNS if c.least is not None]
    cap = {c.key: max(c.least, longest.get(c.key, c.base)) for c in flexible}
    room = width - GAP - sum(w + GAP for w in widths.values())
    shown = sorted(flexible, key=lambda c: -c.hide)  # the last to hide first
    while shown and sum(c.least + GAP for c in shown) > room:
        shown.pop()
    widths.update({c.key: 0 for c in flexible})
    if not shown:
        return widths
    room -= GAP * len(shown)
    for c in shown:
        widths[c.key] = c.least
    room -= sum(c.least for c in shown)
    order = [BY_KEY[key] for key in GROWING_FIRST if BY_KEY[key] in shown]
    for c in order:  # up to each one's base (or its longest text, if shorter), in turn
        more = max(0, min(room, min(c.base, cap[c.key]) - widths[c.key]))
        widths[c.key] += more
        room -= more
    while room > 0:  # past the base: shared by `grow`, each up to its longest text
        growing = [c for c in order if c.grow and widths[c.key] < cap[c.key]]
        if not growing:
            break
        share = max(1, room // sum(c.grow for c in growing))
        for c in growing:
            more = min(room, share * c.grow, cap[c.key] - widths[c.key])
            widths[c.key] += more
            room -= more
    for c in order:  # then whoever still has text to show
        more = max(0, min(room, cap[c.key] - widths[c.key]))
        widths[c.key] += more
        room -= more
    return widths


def total_width(widths: dict[str, int]) -> int:
    return GAP + sum(w + GAP for w in widths.values() if w)


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
