"""`option exercise|decline|list`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from ..errors import InvalidInput
from ..read.detail import OptionView, iso
from ..read.views import contract_detail
from ..services import decline_option, exercise_option, get_contract
from .context import console, context, emit_json, table
from .parsing import day

app = typer.Typer(help="Exercise or decline extension options.", no_args_is_help=True)

Reference = Annotated[str, typer.Argument(help="The contract's reference.")]
Ordinal = Annotated[int, typer.Argument(help="Which option: 1 for the first.")]
On = Annotated[str | None, typer.Option("--on", help="Date of the decision (default: today).")]
Note = Annotated[str, typer.Option("--note", help="A note for the record (e.g. the decision's reference).")]
Force = Annotated[bool, typer.Option("--force", help="Record a decision after its decision date (needs --reason).")]
Reason = Annotated[str | None, typer.Option("--reason", help="Why a late decision is recorded.")]
ExpectVersion = Annotated[int | None, typer.Option(
    "--expect-version", help="Refuse if the contract is no longer at this version (see contract show).",
    show_default=False)]


def _force_reason(force: bool, reason: str | None) -> str | None:
    if force and not (reason and reason.strip()):
        raise InvalidInput("--force needs --reason")
    return reason if force else None


@app.command("exercise")
def exercise(ctx: typer.Context, reference: Reference, option: Ordinal, on: On = None, note: Note = "",
             force: Force = False, reason: Reason = None, expect_version: ExpectVersion = None) -> None:
    """Exercise an option: the contract runs on for the option's length."""
    cli = context(ctx)
    with cli.store().session() as session:
        exercise_option(session, reference, option, today=cli.today, on=day(on, name="--on", today=cli.today),
                        note=note, force_reason=_force_reason(force, reason), actor=cli.settings.user,
                        expected_version=expect_version)
        detail = contract_detail(session, get_contract(session, reference), as_of=cli.today)
    typer.echo(f"exercised option {option} of {reference}: now ends {iso(detail.current_end)}")


@app.command("decline")
def decline(ctx: typer.Context, reference: Reference, option: Ordinal, on: On = None, note: Note = "",
            force: Force = False, reason: Reason = None, expect_version: ExpectVersion = None) -> None:
    """Decline an option: it and any later options lapse."""
    cli = context(ctx)
    with cli.store().session() as session:
        decline_option(session, reference, option, today=cli.today, on=day(on, name="--on", today=cli.today),
                       note=note, force_reason=_force_reason(force, reason), actor=cli.settings.user,
                        expected_version=expect_version)
        detail = contract_detail(session, get_contract(session, reference), as_of=cli.today)
    typer.echo(f"declined option {option} of {reference}: ends {iso(detail.current_end)}")


@app.command("list")
def list_(ctx: typer.Context, reference: Reference,
          format: Annotated[str, typer.Option("--format", help="table or json.")] = "table") -> None:
    """List a contract's options with their periods and decision dates."""
    cli = context(ctx)
    with cli.store().session() as session:
        detail = contract_detail(session, get_contract(session, reference), as_of=cli.today)
    if format == "json":
        emit_json([option.as_dict() for option in detail.options])
        return
    console().print(option_table(f"Options of {reference}", detail.options))


def option_table(title: str, options: Sequence[OptionView]):
    """A contract's options as `option list` and `contract show` print them."""
    return table(title, ["Option", "Length", "Period", "Decide by", "Status"], [
        [o.option, o.length, f"{o.period_start} to {o.period_end}", o.decide_by, o.status_as_of] for o in options])
