"""The term and its options as one bar: initial term, each option, today, decision dates, breaks.

It draws the dates that `views.contract_detail` already worked out with `lifecycle.option_windows`
and `break_points`; it computes no date of its own, only where each date falls on the bar. A
terminated contract's bar stops at its termination: no term, option or break after that day. Labels
never overlap: each goes on the first line where it has room (today above the bar; the periods,
decision dates and breaks below), and the widget is as tall as that takes.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from rich.text import Text
from textual.widget import Widget

from contract_tracker.enums import OptionStatus

if TYPE_CHECKING:
    from contract_tracker.read.detail import ContractDetail

# (fill character, style): readable without colour too
SEGMENT_STYLE = {
    "initial": ("█", "dodger_blue2"),
    "exercised": ("█", "green4"),
    "available": ("▒", "grey62"),
    "declined": ("·", "grey42"),
    "lapsed": ("·", "grey42"),
}


class Label(NamedTuple):
    at: int  # the column it wants to start at
    text: str
    style: str = ""


def lay_out(labels: list[Label], width: int) -> list[list[Label]]:
    """Lines of labels, none overlapping (one blank cell between): each label on the first line
    with room at its column (moved left if it would run off the end), in the order given."""
    lines: list[list[Label]] = []
    for label in labels:
        text = label.text[:width]
        at = max(0, min(label.at, width - len(text)))
        placed = Label(at, text, label.style)
        for line in lines:
            if all(at + len(text) < other.at or other.at + len(other.text) < at for other in line):
                line.append(placed)
                break
        else:
            lines.append([placed])
    return lines


def _render_line(labels: list[Label], width: int) -> Text:
    line = Text(" " * width)
    for label in labels:
        line = line[:label.at] + Text(label.text, style=label.style) + line[label.at + len(label.text):]
    return line


class TimelineBar(Widget):
    """Give it a contract's detail with `show()`; it redraws to fit its width. Blank until then."""

    DEFAULT_CSS = """
    TimelineBar { height: auto; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.detail: ContractDetail | None = None

    def show(self, detail: ContractDetail) -> None:
        self.detail = detail
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._lines(max(width, 20)))

    def render(self) -> Text:
        return Text("\n").join(self._lines(max(self.content_size.width, 20)))

    def _lines(self, width: int) -> list[Text]:
        detail = self.detail
        if detail is None:
            return [Text("")]  # still loading: nothing rather than a wrong message
        start, initial_end = detail.start_date, detail.initial_end
        if start is None or initial_end is None:
            return [Text("No term to draw: the contract has no start date yet.", style="dim")]
        today = detail.as_of
        segments = [("Initial " + (detail.initial_term or ""), start, initial_end, "initial")]
        segments += [(f"Option {o.option} {o.length}", o.period_start, o.period_end, o.status_as_of.value)
                     for o in detail.options]
        terminated = detail.terminated_on
        if terminated:  # the contract stopped there: nothing of it is drawn after that day
            segments = [(label, seg_start, min(seg_end, terminated), status)
                        for label, seg_start, seg_end, status in segments if seg_start <= terminated]
        first = min(start, today)
        last = max(terminated or segments[-1][2], today)
        span = max((last - first).days, 1)

        def column(day: date) -> int:
            return min(width - 1, max(0, round((day - first).days / span * (width - 1))))

        bar = Text(" " * width)
        below: list[Label] = []
        for label, seg_start, seg_end, status in segments:
            left, right = column(seg_start), column(seg_end)
            fill, style = SEGMENT_STYLE.get(status, ("▒", "grey62"))
            bar = bar[:left] + Text(("▕" if left else fill) + fill * (right - left), style=style) + bar[right + 1:]
            below.append(Label(left, f"{label} ({status})" if status != "initial" else label))
        above = [Label(column(today), f"▼ today {today:%-d %b %Y}", "bold")]
        if terminated:
            bar = bar[:column(terminated)] + Text("✕", style="bold red") + bar[column(terminated) + 1:]
            above.append(Label(column(terminated), f"✕ terminated {terminated:%-d %b %Y}", "bold red"))
        for option in detail.options:
            if option.status_as_of == OptionStatus.AVAILABLE:
                below.append(Label(column(option.decide_by),
                                   f"◆ decide opt {option.option} by {option.decide_by:%-d %b %Y}", "yellow"))
        for point in detail.breaks:
            if terminated and point.break_date > terminated:
                continue
            below.append(Label(column(point.break_date), f"B break {point.break_date:%-d %b %Y}", "magenta"))
        today_at = column(today)
        bar = bar[:today_at] + Text("┃", style="bold") + bar[today_at + 1:]
        ends = Text(f"{start:%-d %b %Y}", style="dim")
        if terminated:
            tail = f"ended {terminated:%-d %b %Y}"
        else:
            tail = f"latest end {detail.maximum_extent:%-d %b %Y}" if detail.maximum_extent else ""
        ends.append(" " * max(1, width - len(ends) - len(tail)) + tail, style="dim")
        above_lines = [_render_line(line, width) for line in reversed(lay_out(above, width))]
        below_lines = [_render_line(line, width) for line in lay_out(below, width)]
        return [*above_lines, bar, *below_lines, ends]
