"""The forward plan's Gantt, drawn as text: an axis of financial years and one bar per procurement.

Drawing only: which procurements, when they start and whether they are late come from
contract_tracker.domain.forward_plan. Each day maps to a column of a chart `width` cells wide spanning
whole financial years; the Plan screen puts these texts in its table's chart column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text

from contract_tracker.domain.finance import FinancialYear
from contract_tracker.domain.forward_plan import PlanRow
from contract_tracker.read.agenda import urgency

from .register_lines import URGENCY_STYLE

TODAY_STYLE = "bold yellow"
LATE_STYLE = "bold red"  # from an overdue start to today: the time already lost
BAR_STYLE = "cyan"
YEAR_EDGE = "┊"  # where a financial year begins (1 April)
TODAY_MARK = "┃"
START_MARK = "◆"
BAR = "━"


@dataclass(frozen=True)
class Scale:
    """Days to columns, `width` cells shared out between whole financial years, so that each year
    begins on a cell of its own: 31 March never shares a cell with the next 1 April."""

    years: tuple[FinancialYear, ...]
    width: int

    def _starts(self) -> list[int]:
        """The first cell of each year, and the width after the last."""
        return [index * self.width // len(self.years) for index in range(len(self.years) + 1)]

    def column(self, day: date) -> int:
        """The cell a day falls in (days outside the chart are held to its edges)."""
        if day < self.years[0].start:
            return 0
        starts = self._starts()
        for year, left, right in zip(self.years, starts, starts[1:], strict=False):
            if day <= year.end:
                days = (year.end - year.start).days + 1
                return left + (day - year.start).days * (right - left) // days
        return self.width - 1

    def edges(self) -> list[int]:
        """The column where each year after the first begins."""
        return self._starts()[1:-1]


def _background(scale: Scale) -> list[str]:
    cells = [" "] * scale.width
    for at in scale.edges():
        cells[at] = YEAR_EDGE
    return cells


def axis(scale: Scale) -> Text:
    """The years' labels, each at its start: "2026/27" where it fits, else "26/27", else none."""
    cells = _background(scale)
    starts = [0, *scale.edges(), scale.width]
    for year, left, right in zip(scale.years, starts, starts[1:], strict=False):
        room = right - left - 1
        for label in (year.label, year.label[2:]):
            if len(label) <= room:
                cells[left + 1:left + 1 + len(label)] = label
                break
    return Text("".join(cells), style="bold")


def rule(scale: Scale, today: date) -> Text:
    """An empty line of the chart (under a heading): the years' edges and today."""
    text = Text("".join(_background(scale)), style="dim")
    at = scale.column(today)
    text = text[:at] + Text(TODAY_MARK, style=TODAY_STYLE) + text[at + 1:]
    return text


def bar(row: PlanRow, scale: Scale, today: date) -> Text:
    """A procurement's bar: a diamond at its re-procurement start, a line to the contract's end,
    red from an overdue start to today, and today's mark across it."""
    cells = _background(scale)
    styles = ["dim"] * scale.width
    left, right, now = scale.column(row.start), scale.column(row.end), scale.column(today)
    colour = URGENCY_STYLE[urgency(row.days_left, int(row.overdue))] or BAR_STYLE
    for at in range(left, right + 1):
        cells[at] = BAR
        styles[at] = LATE_STYLE if row.overdue and at <= now else BAR_STYLE
    cells[left], styles[left] = START_MARK, colour
    if cells[now] in (" ", YEAR_EDGE):
        cells[now] = TODAY_MARK
    styles[now] = TODAY_STYLE if cells[now] == TODAY_MARK else f"{styles[now]} reverse"
    text = Text()
    for cell, style in zip(cells, styles, strict=True):
        text.append(cell, style=style)
    return text
