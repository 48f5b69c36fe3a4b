"""`kpi add|rate|edit|list|remove|check`: a contract's key performance indicators (PA 2023 s.52)."""

from __future__ import annotations

import csv
import sys
from enum import StrEnum
from typing import Annotated

import typer

from ..domain.kpis import CITE_KPIS, MIN_KPIS
from ..enums import KpiRating
from .context import console, context, emit_json, table
from .parsing import day

RATINGS = ", ".join(rating.value for rating in KpiRating)

app = typer.Typer(
    help=(f"A contract's key performance indicators. A PA 2023 contract over £5 million that is not "
          f"light-touch needs at least {MIN_KPIS}, set before it is entered into ({CITE_KPIS}), and a "
          f"performance assessment against them at least every 12 months (s.71, the UK9 notice). "
          f"Ratings: {RATINGS}."),
    no_args_is_help=True)

Reference = Annotated[str, typer.Argument(help="The contract's reference.")]
Name = Annotated[str, typer.Argument(help="The KPI's name, as `kpi list` shows it (any case).")]
Note = Annotated[str | None, typer.Option("--note", help="A note: how it is measured, or why it was rated so.")]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[Format, typer.Option("--format", help="table for people; json or csv for scripts.")]


@app.command("add")
def add(
    ctx: typer.Context, reference: Reference,
    name: Annotated[str, typer.Argument(help="A name unique to the contract, e.g. 'Mediations held within 30 days'.")],
    target: Annotated[str, typer.Option("--target", help="What good looks like, e.g. '95% of cases'.")] = "",
    note: Note = None,
) -> None:
    """Add a KPI to a contract."""
    from ..services.kpis import add_kpi

    cli = context(ctx)
    with cli.store().session() as session:
        kpi = add_kpi(session, reference, name=name, target=target, note=note or "", actor=cli.settings.user)
        summary = _summary(session, reference)
    typer.echo(f"added KPI {kpi.name!r} to {reference} ({summary})")


def _summary(session, reference: str) -> str:
    from ..services.kpis import kpi_standing
    from ..services.lookup import get_contract

    return kpi_standing(session, get_contract(session, reference)).summary()


@app.command("rate")
def rate(
    ctx: typer.Context, reference: Reference, name: Name,
    rating: Annotated[str, typer.Argument(help=f"One of: {RATINGS}.")],
    on: Annotated[str | None, typer.Option("--on", help="The day it was assessed (default: today; not later).")] = None,
    note: Note = None,
) -> None:
    """Record a KPI's latest rating, as the contract performance notice (UK9) reports it."""
    from ..services.kpis import rate_kpi

    cli = context(ctx)
    rated_on = day(on, name="--on", today=cli.today) or cli.today
    with cli.store().session() as session:
        kpi = rate_kpi(session, reference, name, rating=rating, on=rated_on, today=cli.today, note=note,
                       actor=cli.settings.user)
    typer.echo(f"{reference} KPI {kpi.name!r} rated {kpi.rating} on {kpi.rated_on}")


@app.command("edit")
def edit(
    ctx: typer.Context, reference: Reference, name: Name,
    new_name: Annotated[str | None, typer.Option("--name", help="A new name (unique to the contract).")] = None,
    target: Annotated[str | None, typer.Option("--target", help="A new target.")] = None,
    note: Note = None,
) -> None:
    """Rename a KPI or change its target or note."""
    from ..services.kpis import edit_kpi

    cli = context(ctx)
    with cli.store().session() as session:
        kpi = edit_kpi(session, reference, name, new_name=new_name, target=target, note=note,
                       actor=cli.settings.user)
    typer.echo(f"updated {reference} KPI {kpi.name!r}")


@app.command("remove")
def remove(ctx: typer.Context, reference: Reference, name: Name) -> None:
    """Remove a KPI (its past ratings stay in `contract history`)."""
    from ..services.kpis import remove_kpi

    cli = context(ctx)
    with cli.store().session() as session:
        removed = remove_kpi(session, reference, name, actor=cli.settings.user)
        summary = _summary(session, reference)
    typer.echo(f"removed KPI {removed!r} from {reference} ({summary})")


def _csv(rows: list[dict], fields: list[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


@app.command("list")
def list_(ctx: typer.Context, reference: Reference, format: FormatOpt = Format.table) -> None:
    """List a contract's KPIs with their latest ratings, and whether it has the KPIs s.52 asks for."""
    from ..read.kpis import KPI_FIELDS, contract_kpis
    from ..services.lookup import get_contract

    cli = context(ctx)
    with cli.store().session() as session:
        view = contract_kpis(session, get_contract(session, reference))
    if format == Format.json:
        emit_json(view)
    elif format == Format.csv:
        _csv([{"reference": view["reference"], **row} for row in view["kpis"]], ["reference", *KPI_FIELDS])
    else:
        out = console()
        out.print(table(f"KPIs of {view['reference']}: {view['summary']}",
                        ["KPI", "Target", "Rating", "Rated on", "Note"],
                        [[k["name"], k["target"], k["rating"] or "not rated", k["rated_on"], k["note"]]
                         for k in view["kpis"]]))
        if view["standing"]["problem"]:
            typer.echo(f"warning: {view['standing']['problem']}", err=True)


@app.command("check")
def check(ctx: typer.Context, format: FormatOpt = Format.table) -> None:
    """List every contract that needs at least three KPIs (s.52) and has fewer: awarded ones (a
    breach) first, then those still being procured. Exits 1 if there is any."""
    from ..read.kpis import kpi_shortfalls

    cli = context(ctx)
    with cli.store().session() as session:
        rows = [standing.as_dict() for standing in kpi_shortfalls(session)]
    if format == Format.json:
        emit_json({"as_of": cli.today.isoformat(), "contracts": rows})
    elif format == Format.csv:
        _csv(rows, ["reference", "required", "recorded", "minimum", "missing", "awarded", "breach", "problem"])
    else:
        out = console()
        out.print(table(f"Contracts short of the KPIs {CITE_KPIS} asks for ({len(rows)})",
                        ["Reference", "KPIs", "Missing", "Awarded", "Problem"],
                        [[r["reference"], r["recorded"], r["missing"], "yes" if r["awarded"] else "not yet",
                          r["problem"]] for r in rows]))
    if rows:
        raise typer.Exit(1)
