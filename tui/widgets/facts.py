"""The facts of one contract, in two columns of label and value."""

from __future__ import annotations

from datetime import date

from rich.table import Table
from rich.text import Text
from textual.widgets import Static


def _day(text: str | None) -> str:
    return f"{date.fromisoformat(text):%-d %b %Y}" if text else "—"


def _money(text: str | None) -> str:
    return f"£{float(text):,.0f}" if text else "—"


class ContractFacts(Static):
    DEFAULT_CSS = """
    ContractFacts { height: auto; padding: 0 1; }
    """

    def show(self, d: dict) -> None:
        grid = Table.grid(padding=(0, 2), expand=True)
        for _ in range(2):
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column(ratio=1)
        decision = d["next_decision"]
        left = [
            ("Status", Text(f"{d['status_as_of']} (recorded {d['status']})")),
            ("Suppliers", "; ".join(d["suppliers"]) or "none recorded"),
            ("Owner", d["owner_role"] or "—"),
            ("Service area", d["service_area"] or "—"),
            ("Regime", f"{d['regime']} · {d['procedure']}" + (" · light-touch" if d["light_touch"] else "")),
            ("Value", f"{_money(d['annual_value'])} a year · {_money(d['whole_life_value'])} whole life"),
        ]
        right = [
            ("Term", f"{_day(d['start_date'])} to {_day(d['initial_end'])} ({d['initial_term'] or '—'})"),
            ("Current end", _day(d["current_end"])),
            ("Latest end", f"{_day(d['final_possible_end'])} still open · {_day(d['maximum_extent'])} at most"),
            ("Next decision",
             f"option {decision['option']} by {_day(decision['decide_by'])}" if decision else "none open"),
            ("Re-procure by", _day(d["reprocurement_start"])),
            ("Replaces", ", ".join(d["replaces"]) or (f"succeeded by {d['successor']}" if d["successor"] else "—")),
        ]
        if d["terminated_on"]:
            right[1] = ("Terminated", Text(f"{_day(d['terminated_on'])}: {d['termination_reason']}", style="red"))
            right[2] = ("Latest end", f"{_day(d['current_end'])} (terminated)")
        for (l_label, l_value), (r_label, r_value) in zip(left, right, strict=True):
            grid.add_row(l_label, l_value, r_label, r_value)
        self.update(grid)
