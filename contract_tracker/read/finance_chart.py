"""Text charts of a contract's money, for the terminal: plain strings, no Textual, no clock.

`spend_chart` draws spend by financial year as horizontal bars against the budget line (a `│`
in each year's row at that year's budget); actual spend is solid, forecast spend shaded, so the
two can never be mistaken. `unit_cost_chart` draws the unit-cost trend. Both scale to the largest
figure shown, so the widest bar is `width` cells. The TUI can put the lines in a Static.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..domain.finance import SpendBasis, YearFigures, percent_change

ACTUAL, FORECAST, BUDGET, EMPTY = "█", "░", "│", " "
SPARKS = "▁▂▃▄▅▆▇█"


def short_money(value: Decimal | None) -> str:
    """£174,129 for whole pounds, £1,016.36 otherwise; an em dash when missing."""
    if value is None:
        return "—"
    return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"


def _cells(value: Decimal, scale: Decimal, width: int) -> int:
    if scale <= 0:
        return 0
    return int((value * width / scale).to_integral_value(rounding=ROUND_HALF_UP))


def spend_chart(figures: list[YearFigures], *, width: int = 40, title: str | None = None) -> list[str]:
    """One line per financial year with a spend or a budget: bar, budget marker, amounts."""
    shown = [f for f in figures if f.spend is not None or f.budget is not None]
    lines = [title or f"Spend by financial year against budget ({ACTUAL} actual, {FORECAST} forecast, "
                      f"{BUDGET} budget)"]
    if not shown:
        return [*lines, "no spend or budget recorded"]
    scale = max(max(f.spend or 0, f.budget or 0) for f in shown)
    amounts = []
    for item in shown:
        fill = FORECAST if item.basis == SpendBasis.FORECAST else ACTUAL
        bar = [fill] * _cells(item.spend, scale, width) if item.spend is not None else []
        bar += [EMPTY] * (width - len(bar))
        if item.budget is not None:
            bar[max(_cells(item.budget, scale, width) - 1, 0)] = BUDGET
        spend = f"{short_money(item.spend)} {item.basis.value}" if item.spend is not None else "no spend"
        budget = f"budget {short_money(item.budget)}" if item.budget is not None else ""
        amounts.append((item.year.label, "".join(bar), spend, budget))
    spend_width = max(len(spend) for _, _, spend, _ in amounts)
    for label, bar, spend, budget in amounts:
        lines.append(f"{label} {bar} {spend:<{spend_width}}  {budget}".rstrip())
    return lines


def sparkline(values: list[Decimal]) -> str:
    """One character per value, from ▁ (the lowest) to █ (the highest)."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return SPARKS[-1] * len(values)
    steps = len(SPARKS) - 1
    return "".join(SPARKS[_cells(value - low, high - low, steps)] for value in values)


def _singular(unit: str) -> str:
    # "families" -> "family", "cases" -> "case"; other words are left as they are.
    if unit.endswith("ies"):
        return unit[:-3] + "y"
    return unit[:-1] if unit.endswith("s") and not unit.endswith("ss") else unit


def unit_cost_chart(figures: list[YearFigures], *, width: int = 30) -> list[str]:
    """The unit cost by year as bars, and the change from the first year to the last."""
    costed = [f for f in figures if f.unit_cost is not None]
    units = sorted({f.volume_unit for f in costed if f.volume_unit})
    per = f"per {_singular(units[0]) if len(units) == 1 else 'unit'}"
    lines = [f"Unit cost ({per}) by financial year"]
    if not costed:
        return [*lines, "no spend with a volume recorded"]
    scale = max(f.unit_cost for f in costed)
    for item in costed:
        marker = " forecast" if item.basis == SpendBasis.FORECAST else ""
        bar = ACTUAL * _cells(item.unit_cost, scale, width)
        lines.append(f"{item.year.label} {bar:<{width}} {short_money(item.unit_cost)}{marker}")
    first, last = costed[0], costed[-1]
    change = percent_change(first.unit_cost, last.unit_cost)
    trend = sparkline([f.unit_cost for f in costed])
    if change is not None and len(costed) > 1:
        lines.append(f"trend {trend} {change:+}% from {first.year.label} to {last.year.label}")
    return lines
