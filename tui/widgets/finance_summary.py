"""The register's money line: this financial year's total budget, spend and variance (year_summary)."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.widgets import Static

from contract_tracker.read.finance_chart import short_money


def _amount(text: str | None) -> str:
    return short_money(Decimal(text)) if text is not None else "—"


class FinanceSummary(Static):
    """E.g. "2026/27 · budget £250,000 · spend £262,500 (actual) · variance +£12,500 over"."""

    def show(self, summary: dict) -> None:
        spend = _amount(summary["spend"])
        if summary["spend"] is not None:
            basis = [name for name in ("actual", "forecast") if summary.get(name) is not None]
            spend += f" ({' and '.join(basis)})" if basis else ""
        else:
            spend = "none recorded"
        line = Text.assemble((f"{summary['financial_year']}", "bold"), f" · budget {_amount(summary['budget'])}",
                             f" · spend {spend} · variance ")
        variance = summary["variance"]
        if variance is None:
            line.append("—")
        else:
            amount = Decimal(variance)
            sign, words, style = ("+", "over budget", "red") if amount > 0 else ("−", "under budget", "green") \
                if amount < 0 else ("", "on budget", "")
            line.append(f"{sign}{short_money(abs(amount))} {words}", style=style)
        self.update(line)
