"""The facts of one contract, in two columns of label and value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal

    from contract_tracker.read.detail import ContractDetail


def _long(day: date | None) -> str:
    return f"{day:%-d %b %Y}" if day else "—"


def _pounds(value: Decimal | None) -> str:
    return f"£{float(value):,.0f}" if value is not None else "—"


class ContractFacts(Static):
    DEFAULT_CSS = """
    ContractFacts { height: auto; padding: 0 1; }
    """

    def show(self, d: ContractDetail, kpis: str = "") -> None:
        grid = Table.grid(padding=(0, 2), expand=True)
        for _ in range(2):
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column(ratio=1)
        decision = d.next_decision
        left = [
            ("Status", Text(f"{d.status_as_of} (recorded {d.status})")),
            ("Suppliers", "; ".join(d.suppliers) or "none recorded"),
            ("Owner", d.owner_role or "—"),
            ("Service area", d.service_area or "—"),
            ("Regime", " · ".join(d.regime_parts())),
            ("Value", f"{_pounds(d.annual_value)} a year · {_pounds(d.whole_life_value)} whole life"),
        ]
        right = [
            ("Term", f"{_long(d.start_date)} to {_long(d.initial_end)} ({d.initial_term or '—'})"),
            ("Current end", _long(d.current_end)),
            ("Latest end", f"{_long(d.final_possible_end)} still open · {_long(d.maximum_extent)} at most"),
            ("Next decision",
             f"option {decision.option} by {_long(decision.decide_by)}" if decision else "none open"),
            ("Re-procure by", _long(d.reprocurement_start)),
            ("Replaces", ", ".join(d.replaces) or (f"succeeded by {d.successor}" if d.successor else "—")),
        ]
        if kpis:
            left.append(("KPIs", kpis))
            right.append(("", ""))
        if d.terminated_on:
            right[1] = ("Terminated", Text(f"{_long(d.terminated_on)}: {d.termination_reason}", style="red"))
            right[2] = ("Latest end", f"{_long(d.current_end)} (terminated)")
        for (l_label, l_value), (r_label, r_value) in zip(left, right, strict=True):
            grid.add_row(l_label, l_value, r_label, r_value)
        self.update(grid)
