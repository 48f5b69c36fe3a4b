"""`finance set|import|show|spend|savings|threshold`.

`spend` and `savings` are plain functions taking a Typer context, so they can also be mounted
under another group: `report_app.command("spend")(finance_cmds.spend)`.
"""

from __future__ import annotations

import csv
import sys
from typing import Annotated

import typer

from ..domain.finance import SpendBasis, parse_financial_year
from ..domain.money import format_money, parse_money
from ..errors import InvalidInput
from .context import console, context, emit_json, table
from .parsing import day

app = typer.Typer(help="Money by financial year: budgets, spend, unit costs, savings and thresholds.",
                  no_args_is_help=True)

Reference = Annotated[str, typer.Argument(help="The contract's reference.")]
Year = Annotated[str | None, typer.Option("--fy", help="Only this financial year, e.g. 2024/25.", show_default=False)]
Format = Annotated[str, typer.Option("--format", help="table, csv, json or markdown.")]
FORMATS = ("table", "csv", "json", "markdown")
CLEARABLE = ("budget", "baseline", "spend", "volume", "volume_unit", "note")


def _format(value: str) -> str:
    if value not in FORMATS:
        raise InvalidInput(f"--format: {value!r} is not one of: {', '.join(FORMATS)}")
    return value


def _pounds(text: str | None) -> str:
    return "" if text is None else format_money(parse_money(text))


def _signed(text: str | None) -> str:
    if text is None:
        return ""
    amount = parse_money(text.lstrip("-"))
    return ("-" if text.startswith("-") else "+" if amount else "") + format_money(amount)


def _render(format: str, title: str, columns: list[tuple[str, str]], rows: list[dict],
            shown: list[list[str]] | None = None) -> None:
    """CSV gets the raw fields of `rows`; table and markdown get the formatted `shown` cells."""
    if format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([key for key, _ in columns])
        for row in rows:
            writer.writerow(["" if row.get(key) is None else row[key] for key, _ in columns])
        return
    headers = [header for _, header in columns]
    cells = shown if shown is not None else [["" if r.get(k) is None else str(r[k]) for k, _ in columns] for r in rows]
    if format == "markdown":
        typer.echo(f"## {title}\n")
        typer.echo("| " + " | ".join(headers) + " |")
        typer.echo("|" + "|".join("---" for _ in headers) + "|")
        for line in cells:
            typer.echo("| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |")
        return
    console().print(table(title, headers, cells))


# ---- setting and importing figures -------------------------------------------------------------

@app.command("set")
def set_(
    ctx: typer.Context, reference: Reference,
    financial_year: Annotated[str, typer.Argument(help="The financial year, e.g. 2024/25.")],
    budget: Annotated[str | None, typer.Option(help="Budget for the year, in pounds.")] = None,
    baseline: Annotated[str | None, typer.Option(help="Baseline budget a savings target is measured against.")] = None,
    spend: Annotated[str | None, typer.Option(help="Spend for the year; say --forecast or --actual.")] = None,
    forecast: Annotated[bool, typer.Option("--forecast", help="The spend is a forecast.")] = False,
    actual: Annotated[bool, typer.Option("--actual", help="The spend is what was spent.")] = False,
    volume: Annotated[int | None, typer.Option(help="Activity in the year, e.g. families or cases.", min=0)] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="What the volume counts, e.g. families.")] = None,
    note: Annotated[str | None, typer.Option(help="A note on the year's figures.")] = None,
    clear: Annotated[list[str] | None, typer.Option("--clear", help=f"Remove a figure: {', '.join(CLEARABLE)}.")] = None,
) -> None:
    """Set a contract's figures for one financial year (only the ones given change)."""
    from ..services.finance import set_year_figures

    cli = context(ctx)
    if forecast and actual:
        raise InvalidInput("give --forecast or --actual, not both")
    year = parse_financial_year(financial_year)
    changes: dict = {}
    for name, text in (("budget", budget), ("baseline", baseline), ("spend", spend)):
        if text is not None:
            changes[name] = parse_money(text, field=f"--{name}")
            if changes[name] is None:
                raise InvalidInput(f"--{name}: empty (use --clear {name} to remove it)")
    if forecast or actual:
        changes["spend_basis"] = SpendBasis.FORECAST.value if forecast else SpendBasis.ACTUAL.value
    for name, value in (("volume", volume), ("volume_unit", unit), ("note", note)):
        if value is not None:
            changes[name] = value
    for name in clear or []:
        if name not in CLEARABLE:
            raise InvalidInput(f"--clear: {name!r} is not one of: {', '.join(CLEARABLE)}")
        if name in changes:
            raise InvalidInput(f"--clear {name}: also given a new value")
        changes[name] = "" if name in ("volume_unit", "note") else None
    with cli.store().session() as session:
        set_year_figures(session, reference, year, changes, actor=cli.settings.user, today=cli.today)
    typer.echo(f"set {year.label} figures of {reference}: {', '.join(sorted(changes))}")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="A CSV file ('-' for standard input): reference, financial_year, "
                                             "and any of budget, baseline, spend, basis, volume, volume_unit, note.")],
) -> None:
    """Import figures from CSV: all rows or none (a bad row is named by its line)."""
    from ..files import read_text
    from ..interchange.finance_csv import read_figures_csv
    from ..services.finance import import_year_figures

    cli = context(ctx)
    rows = read_figures_csv(read_text(file, stdin=typer.get_binary_stream("stdin")))
    with cli.store().session() as session:
        count = import_year_figures(session, rows, actor=cli.settings.user, today=cli.today)
    typer.echo(f"imported {count} row(s) of figures from {file}")


# ---- reports -----------------------------------------------------------------------------------

SPEND_COLUMNS = [
    ("reference", "Reference"), ("financial_year", "Year"), ("budget", "Budget"), ("forecast", "Forecast"),
    ("actual", "Actual"), ("variance", "Variance"), ("volume", "Volume"), ("volume_unit", "Unit"),
    ("unit_cost", "Unit cost"),
]


def _spend_cells(label: str, year: str, row: dict) -> list[str]:
    return [label, year, _pounds(row["budget"]), _pounds(row["forecast"]), _pounds(row["actual"]),
            _signed(row["variance"]), "" if row["volume"] is None else str(row["volume"]),
            row.get("volume_unit") or "", _pounds(row["unit_cost"])]


def spend(ctx: typer.Context, fy: Year = None, format: Format = "table") -> None:
    """Budget, forecast, actual, variance, volume and unit cost by contract and financial year, with totals.

    Variance is spend less budget: + is an overspend. A year's spend is a forecast or an actual.
    """
    from ..read.finance_views import spend_report

    format = _format(format)
    year = parse_financial_year(fy) if fy else None
    with context(ctx).store().session() as session:
        report = spend_report(session, year)
    if format == "json":
        emit_json(report)
        return
    title = f"Spend {year.label}" if year else "Spend by financial year"
    if format == "csv":
        columns = [("reference", "Reference"), ("title", "Title"), *SPEND_COLUMNS[1:],
                   ("spend", "Spend"), ("spend_basis", "Basis"), ("baseline", "Baseline"),
                   ("savings_target", "Savings target"), ("note", "Note")]
        _render(format, title, columns, report["rows"])
        return
    shown = []
    for contract in report["contracts"]:
        shown += [_spend_cells(row["reference"], row["financial_year"], row)
                  for row in report["rows"] if row["reference"] == contract["reference"]]
        shown.append(_spend_cells(f"{contract['reference']} total", "", contract))
    shown.append(_spend_cells("All contracts", year.label if year else "", report["total"]))
    _render(format, title, SPEND_COLUMNS, report["rows"], shown)


SAVINGS_COLUMNS = [
    ("reference", "Reference"), ("financial_year", "Year"), ("baseline", "Baseline"), ("budget", "Budget"),
    ("target", "Target"), ("spend", "Spend"), ("spend_basis", "Basis"), ("achieved", "Achieved"),
    ("shortfall", "Shortfall"), ("status", "Status"),
]


def savings(ctx: typer.Context, fy: Year = None, format: Format = "table") -> None:
    """Savings targets (baseline less budget) against savings achieved (baseline less spend)."""
    from ..read.finance_views import savings_report

    format = _format(format)
    year = parse_financial_year(fy) if fy else None
    with context(ctx).store().session() as session:
        report = savings_report(session, year)
    if format == "json":
        emit_json(report)
        return
    money_keys = {"baseline", "budget", "target", "spend", "achieved", "shortfall"}
    shown = [[(_pounds(row[key]) if key in money_keys else row[key] or "") for key, _ in SAVINGS_COLUMNS]
             for row in report["rows"]]
    shown.append(["All contracts", year.label if year else "", "", "", _pounds(report["total"]["target"]), "", "",
                  _pounds(report["total"]["achieved"]), "", ""])
    _render(format, f"Savings {year.label}" if year else "Savings against baseline", SAVINGS_COLUMNS,
            report["rows"], shown)


app.command("spend")(spend)
app.command("savings")(savings)


THRESHOLD_COLUMNS = [
    ("reference", "Reference"), ("category", "Category"), ("procurement_start", "Procurement start"),
    ("value_checked", "Whole-life value"), ("threshold", "Threshold"), ("verdict", "Verdict"),
    ("procurement_start_basis", "Start taken from"),
]


@app.command("threshold")
def threshold(
    ctx: typer.Context,
    references: Annotated[list[str] | None, typer.Argument(help="Contracts to check (default: all).", show_default=False)] = None,
    category: Annotated[str | None, typer.Option(help="goods and services, light touch or works "
                                                         "(default: from the contract's light-touch flag).")] = None,
    on: Annotated[str | None, typer.Option("--on", help="Check against the thresholds in force on this day "
                                                           "(default: the procurement's start).")] = None,
    above_only: Annotated[bool, typer.Option("--above-only", help="Only contracts at or above their threshold.")] = False,
    format: Format = "table",
) -> None:
    """Whole-life value (initial term and every option) against the threshold in force when the
    procurement started."""
    from ..domain.thresholds import parse_category
    from ..read.finance_views import threshold_report

    format = _format(format)
    chosen = parse_category(category) if category else None
    when = day(on, name="--on", today=context(ctx).today)
    with context(ctx).store().session() as session:
        rows = threshold_report(session, references or None, category=chosen, on=when)
    if above_only:
        rows = [row for row in rows if row["above"]]
    if format == "json":
        emit_json(rows)
        return
    shown = [[row["reference"], row["category"], row["procurement_start"] or "", _pounds(row["value_checked"]),
              _pounds(row["threshold"]), row["verdict"] + "".join(f"; {n}" for n in row["notes"]),
              row["procurement_start_basis"]] for row in rows]
    _render(format, "Whole-life value against procurement thresholds", THRESHOLD_COLUMNS, rows, shown)


@app.command("show")
def show(ctx: typer.Context, reference: Reference,
         format: Annotated[str, typer.Option("--format", help="table (with charts) or json.")] = "table") -> None:
    """One contract's figures by financial year, with the spend and unit-cost charts."""
    from ..domain.finance import totals
    from ..read.finance_chart import spend_chart, unit_cost_chart
    from ..read.finance_views import contract_figures, totals_row, year_row

    if format not in ("table", "json"):
        raise InvalidInput(f"--format: {format!r} is not one of: table, json")
    with context(ctx).store().session() as session:
        contract, figures = contract_figures(session, reference)
    if format == "json":
        emit_json({"reference": contract.reference, "title": contract.title,
                   "years": [year_row(item) for item in figures], "total": totals_row(totals(figures))})
        return
    cells = []
    for row in (year_row(item) for item in figures):
        line = _spend_cells(row["financial_year"], "", row)
        cells.append(line[:1] + line[2:] + [row["note"]])  # the year stands in the reference's column
    out = console()
    out.print(table(f"{contract.reference}: {contract.title}", [h for _, h in SPEND_COLUMNS[1:]] + ["Note"], cells))
    for line in [*spend_chart(figures), "", *unit_cost_chart(figures)]:
        out.print(line, markup=False)
