"""The term and its options as one bar: initial term, each option, today, decision dates, breaks.

It draws the dates that `views.contract_detail` already worked out with `lifecycle.option_windows`
and `break_points`; it computes no date of its own, only where each date falls on the bar.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widget import Widget

# (fill character, style): readable without colour too
SEGMENT_STYLE = {
    "initial": ("█", "dodger_blue2"),
    "exercised": ("█", "green4"),
    "available": ("▒", "grey62"),
    "declined": ("·", "grey42"),
    "lapsed": ("·", "grey42"),
}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class TimelineBar(Widget):
    """Give it a contract detail dict with `show()`; it redraws to fit its width."""

    DEFAULT_CSS = """
    TimelineBar { height: 5; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.detail: dict | None = None

    def show(self, detail: dict) -> None:
        self.detail = detail
        self.refresh()

    def render(self) -> Text:
        detail = self.detail
        start = _day(detail and detail["start_date"])
        if detail is None or start is None or detail["initial_end"] is None:
            return Text("No term to draw: the contract has no start date yet.", style="dim")
        today = _day(detail["as_of"])
        segments = [("Initial " + (detail["initial_term"] or ""), start, _day(detail["initial_end"]), "initial")]
        segments += [(f"Option {o['option']} {o['length']}", _day(o["period_start"]), _day(o["period_end"]),
                      o["status_as_of"]) for o in detail["options"]]
        first = min(start, today)
        last = max(segments[-1][2], today)
        width = max(self.size.width - 2, 20)
        span = max((last - first).days, 1)

        def column(day: date) -> int:
            return min(width - 1, max(0, round((day - first).days / span * (width - 1))))

        marks = Text(" " * width)
        bar = Text(" " * width)
        labels = Text(" " * width)
        decisions = Text(" " * width)
        for label, seg_start, seg_end, status in segments:
            left, right = column(seg_start), column(seg_end)
            fill, style = SEGMENT_STYLE.get(status, ("▒", "grey62"))
            _place(bar, left, fill * (right - left + 1), style=style)
            _place(bar, left, "▕" if left else fill, style=style)
            name = f"{label} ({status})" if status != "initial" else label
            _place(labels, left, name[: max(right - left, 1)])
        terminated = _day(detail["terminated_on"])
        if terminated:
            _place(bar, column(terminated), "✕", style="bold red")
            _place(marks, column(terminated), "✕ terminated", style="bold red")
        _place(marks, column(today), f"▼ today {today:%-d %b %Y}", style="bold")
        for option in detail["options"]:
            if option["status_as_of"] == "available":
                decide_by = _day(option["decide_by"])
                _place(decisions, column(decide_by), f"◆ decide opt {option['option']} by {decide_by:%-d %b %Y}",
                       style="yellow")
        for point in detail["breaks"]:
            _place(decisions, column(_day(point["break_date"])), "B break", style="magenta")
        _place(bar, column(today), "┃", style="bold")
        ends = Text(f"{start:%-d %b %Y}", style="dim")
        tail = f"latest end {_day(detail['maximum_extent']):%-d %b %Y}" if detail["maximum_extent"] else ""
        ends.append(" " * max(1, width - len(ends) - len(tail)) + tail, style="dim")
        return Text("\n").join([marks, bar, labels, decisions, ends])


def _place(line: Text, at: int, text: str, style: str = "") -> None:
    """Write `text` into `line` at column `at`, shifted left if it would run off the end."""
    width = len(line)
    at = max(0, min(at, width - len(text)))
    text = text[: width - at]
    plain = line.plain
    styles = line.spans
    new = Text(plain[:at] + text + plain[at + len(text):])
    new.spans = list(styles)
    if style:
        new.stylize(style, at, at + len(text))
    line.plain, line.spans = new.plain, new.spans
