"""Milestones as a text Gantt chart: one line each, a bar for a span, a diamond for a day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget

if TYPE_CHECKING:
    from contract_tracker.read.detail import MilestoneView

STATUS_STYLE = {"met": "green", "planned": "yellow", "missed": "bold red", "cancelled": "dim"}
NAME_WIDTH = 30


class MilestoneGantt(Widget):
    DEFAULT_CSS = """
    MilestoneGantt { height: auto; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.milestones: Sequence[MilestoneView] = ()
        self.today: date | None = None

    def show(self, milestones: Sequence[MilestoneView], today: date) -> None:
        self.milestones = milestones
        self.today = today
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.milestones) + 2 if self.milestones else 1

    def render(self) -> Text:
        if not self.milestones or self.today is None:
            return Text("No milestones yet: press m to add one.", style="dim")
        starts = [m.start_date or m.due_date for m in self.milestones]
        ends = [m.due_date for m in self.milestones]
        first, last = min([*starts, self.today]), max([*ends, self.today])
        width = max(self.size.width - NAME_WIDTH - 3, 10)
        span = max((last - first).days, 1)

        def column(day: date) -> int:
            return min(width - 1, max(0, round((day - first).days / span * (width - 1))))

        axis = [" "] * width
        for year in range(first.year + 1, last.year + 1):
            at = column(date(year, 1, 1))
            label = str(year)
            if at + len(label) <= width and all(ch == " " for ch in axis[at:at + len(label)]):
                axis[at:at + len(label)] = label
        lines = [Text(" " * (NAME_WIDTH + 1) + "".join(axis), style="dim")]
        today_at = column(self.today)
        for milestone, start, end in zip(self.milestones, starts, ends, strict=True):
            row = [" "] * width
            left, right = column(start), column(end)
            if start == end:
                row[left] = "◆"
            else:
                row[left:right + 1] = "━" * (right - left + 1)
            if row[today_at] == " ":
                row[today_at] = "│"
            line = Text(milestone.name[:NAME_WIDTH].ljust(NAME_WIDTH) + " ")
            bar = Text("".join(row), style=STATUS_STYLE.get(milestone.status, ""))
            if row[today_at] == "│":
                bar.stylize("dim", today_at, today_at + 1)
            lines.append(line + bar)
        lines.append(Text(" " * (NAME_WIDTH + 1 + today_at) + "│ today", style="dim"))
        return Text("\n").join(lines)
