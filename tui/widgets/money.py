"""A contract's money: the core's text charts (finance_chart) with colour for the bars and budget line."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from contract_tracker.read.finance_chart import ACTUAL, BUDGET, FORECAST


class MoneyPanel(Static):
    """Shows the lines of spend_chart and unit_cost_chart; headings bold, the budget marker red."""

    DEFAULT_CSS = """
    MoneyPanel { height: auto; padding: 1 1; }
    """

    def show(self, lines: list[str]) -> None:
        text = Text()
        heading = True  # the first line of each chart (they are separated by a blank line)
        for line in lines:
            if heading:
                text.append(line + "\n", style="bold")
            else:
                row = Text(line + "\n")
                row.highlight_regex(f"{ACTUAL}+", "blue")
                row.highlight_regex(f"{FORECAST}+", "yellow")
                row.highlight_regex(BUDGET, "bold red")
                row.highlight_regex(r"[▁▂▃▄▅▆▇]+", "cyan")
                text.append_text(row)
            heading = line == ""
        text.rstrip()
        self.update(text)
