"""`milestone add|list|edit|done`."""

from __future__ import annotations

from typing import Annotated

import typer

from ..domain.dates import describe_span
from ..enums import MilestoneKind
from ..errors import InvalidInput
from ..read.views import milestone_view
from ..services import add_milestone, complete_milestone, edit_milestone, get_contract, milestones_of
from ..services.kpis import award_warning
from .context import console, context, emit_json, table
from .parsing import day, span

app = typer.Typer(help="Add, list, edit and complete procurement and contract milestones.", no_args_is_help=True)

Reference = Annotated[str, typer.Argument(help="The contract's reference.")]
KINDS = ", ".join(kind.value for kind in MilestoneKind)
ExpectVersion = Annotated[int | None, typer.Option(
    "--expect-version", help="Refuse if the contract is no longer at this version (see contract show).",
    show_default=False)]


@app.command("add")
def add(
    ctx: typer.Context, reference: Reference,
    kind: Annotated[str, typer.Option(help=f"One of: {KINDS}.")],
    name: Annotated[str, typer.Option(help="What happens, e.g. 'Publish the Invitation to Tender'.")],
    due: Annotated[str, typer.Option(help="A day (2025-04-01) or a span ('July/August 2025').")],
    owner: Annotated[str, typer.Option(help="Who is responsible, as a role.")] = "",
    notes: Annotated[str, typer.Option(help="Notes.")] = "",
) -> None:
    """Add a milestone to a contract."""
    cli = context(ctx)
    with cli.store().session() as session:
        milestone = add_milestone(session, reference, kind=kind, name=name, due=span(due, name="--due"),
                                  owner=owner, notes=notes, actor=cli.settings.user)
    typer.echo(f"added milestone {milestone.id} to {reference}: {milestone.name}, due "
               f"{describe_span(milestone.start_date, milestone.due_date)}")


@app.command("list")
def list_(ctx: typer.Context, reference: Reference,
          format: Annotated[str, typer.Option("--format", help="table or json.")] = "table") -> None:
    """List a contract's milestones."""
    cli = context(ctx)
    with cli.store().session() as session:
        rows = [milestone_view(m) for m in milestones_of(session, get_contract(session, reference).id)]
    if format == "json":
        emit_json([row.as_dict() for row in rows])
        return
    console().print(table(f"Milestones of {reference}", ["Id", "Kind", "Milestone", "Due", "Status", "Met on", "Owner"], [
        [m.id, m.kind, m.name, f"{m.start_date} to {m.due_date}" if m.start_date else m.due_date,
         m.status, m.met_on, m.owner] for m in rows]))


@app.command("edit")
def edit(
    ctx: typer.Context, reference: Reference,
    milestone: Annotated[int, typer.Argument(help="The milestone's id (see milestone list).")],
    kind: Annotated[str | None, typer.Option(help="New kind.")] = None,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    due: Annotated[str | None, typer.Option(help="New due day or span.")] = None,
    status: Annotated[str | None, typer.Option(help="planned, met, missed or cancelled.")] = None,
    owner: Annotated[str | None, typer.Option(help="New owner.")] = None,
    notes: Annotated[str | None, typer.Option(help="New notes.")] = None,
    expect_version: ExpectVersion = None,
) -> None:
    """Change a milestone."""
    cli = context(ctx)
    changes = {k: v for k, v in dict(kind=kind, name=name, status=status, owner=owner, notes=notes).items() if v is not None}
    if due is not None:
        changes["due"] = span(due, name="--due")
    if not changes:
        raise InvalidInput("nothing to change: give at least one option (see --help)")
    with cli.store().session() as session:
        edited = edit_milestone(session, reference, milestone, changes, actor=cli.settings.user,
                                expected_version=expect_version)
        warning = award_warning(session, reference, step_kind=edited.kind) if "status" in changes else ""
    typer.echo(f"updated milestone {milestone} of {reference}")
    if warning:
        typer.echo(f"warning: {warning}", err=True)


@app.command("done")
def done(
    ctx: typer.Context, reference: Reference,
    milestone: Annotated[int, typer.Argument(help="The milestone's id (see milestone list).")],
    on: Annotated[str | None, typer.Option("--on", help="When it was met (default: today).")] = None,
    expect_version: ExpectVersion = None,
) -> None:
    """Mark a milestone met."""
    cli = context(ctx)
    met_on = day(on, name="--on", today=cli.today) or cli.today
    with cli.store().session() as session:
        done = complete_milestone(session, reference, milestone, met_on=met_on, today=cli.today,
                                  actor=cli.settings.user, expected_version=expect_version)
        warning = award_warning(session, reference, step_kind=done.kind)
    typer.echo(f"milestone {milestone} of {reference} met on {met_on}")
    if warning:
        typer.echo(f"warning: {warning}", err=True)
