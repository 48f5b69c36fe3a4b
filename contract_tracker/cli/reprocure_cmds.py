"""`contract reprocure`: plan the successor of one or more contracts in one step."""

from __future__ import annotations

from typing import Annotated

import typer

from ..domain.dates import describe_span
from ..domain.schedule_check import Outcome
from .context import context
from .parsing import day


def reprocure(
    ctx: typer.Context,
    references: Annotated[list[str], typer.Argument(help="The contract(s) the successor replaces.", show_default=False)],
    reference: Annotated[str, typer.Option("--ref", help="The successor's reference, e.g. WCC-SEND-MED-2025.")],
    template: Annotated[str, typer.Option("--template", help="The schedule template to plan (see schedule list), e.g. pa2023-open.")],
    start: Annotated[str | None, typer.Option("--start", help="The successor's first day (default: the day after the latest final possible end among the contracts replaced).")] = None,
    title: Annotated[str | None, typer.Option("--title", help="What the successor is for (default: the title of the contract that ends last).")] = None,
    term: Annotated[str | None, typer.Option("--term", help="The successor's initial term, e.g. 3y (default: that of the contract that ends last).")] = None,
) -> None:
    """Plan a successor: a planned contract replacing REF..., its milestones planned back from its start.

    The successor starts the day after the latest final possible end (every option still open
    taken) among the contracts it replaces, or on --start. The template's milestones are planned
    backwards from that start on UK-wide working days and checked against statute; the annual
    values are carried over, summed, as a first estimate; and each predecessor's "Start
    re-procurement" deadline is marked in hand. Nothing is written if any part is refused."""
    from ..domain.workdays import configured_calendar
    from ..paths import config_dir
    from ..services.reprocurement import reprocure as plan_successor

    cli = context(ctx)
    with cli.store().session() as session:
        result = plan_successor(
            session, references, reference=reference, template_key=template, as_of=cli.today,
            calendar=configured_calendar(config_dir()), actor=cli.settings.user,
            start=day(start, name="--start", today=cli.today), title=title, initial_term=term)
        successor, first = result.successor.reference, min(m.due for m in result.applied.plan.steps)
        term_text = result.successor.initial_term
    replaced = ", ".join(p.reference for p in result.predecessors)
    follows = result.follows
    why = ("as given" if result.start_given or follows.final_end is None
           else f"the day after {follows.reference}'s final possible end, {describe_span(None, follows.final_end)}")
    typer.echo(f"planned {successor} to replace {replaced}: starts {describe_span(None, result.start)} ({why})")
    typer.echo(f"{len(result.applied.plan.steps)} milestones of {result.template.key} planned back from the "
               f"service start, the first on {describe_span(None, first)}")
    late = sum(planned.due < cli.today for planned in result.applied.plan.steps)
    if late:
        typer.echo(f"warning: {late} of them fall before today ({describe_span(None, cli.today)}): the template's "
                   "periods do not fit before that start (see report overdue; a later --start, or schedule apply "
                   "--period, to re-plan)", err=True)
    if result.annual_value is None:
        typer.echo("annual value: none recorded on the contracts replaced")
    else:
        typer.echo(f"annual value £{result.annual_value:,.2f}: the annual values of {replaced} summed, "
                   "carried over as a first estimate (contract edit --annual-value to change it)")
    typer.echo(f"title, owner and initial term ({term_text}) taken from {follows.reference} where not given")
    typer.echo(f"the re-procurement of {replaced} is marked in hand, linked to {successor}")
    broken = [f for f in result.findings if f.outcome == Outcome.BROKEN]
    for finding in broken:
        typer.echo(f"warning: breaks {finding.rule} ({finding.citation}): {finding.message}", err=True)
    if not broken:
        typer.echo("schedule check: no rule broken (schedule check for the details)")
