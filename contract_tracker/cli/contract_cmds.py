"""`contract add|list|show|edit|terminate|reprocure|history`."""

from __future__ import annotations

import csv
import sys
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import typer

from ..domain.dates import describe_span
from ..domain.statutory import assumed_regime
from ..errors import InvalidInput
from ..read.detail import ContractDetail, iso
from ..read.views import contract_detail, register_rows
from ..services import (
    BreakInput,
    ContractFields,
    edit_contract,
    get_contract,
    register_contract,
    term_between,
    terminate,
)
from ..services.kpis import award_warning
from .context import console, context, emit_json, table
from .option_cmds import option_table
from .parsing import day, money
from .reprocure_cmds import reprocure

app = typer.Typer(help="Register, list, show, edit, terminate and re-procure contracts.", no_args_is_help=True)
app.command("reprocure")(reprocure)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


Opt = str | None
Title = Annotated[Opt, typer.Option(help="What the contract is for.")]
Start = Annotated[Opt, typer.Option(help="First day of the contract (e.g. 2025-09-01 or 1 Sep 2025).")]
Term = Annotated[Opt, typer.Option(help="Initial term, e.g. 3y, 36m (or give --end).")]
End = Annotated[Opt, typer.Option(help="Last day of the initial term, instead of --term.")]
Description = Annotated[Opt, typer.Option(help="Longer description.")]
Buyer = Annotated[Opt, typer.Option(help="The contracting authority.")]
ServiceArea = Annotated[Opt, typer.Option("--service-area", help="Service area or department.")]
Owner = Annotated[Opt, typer.Option(help="Owner, as a role (e.g. 'Head of Commissioning').")]
OwnerContact = Annotated[Opt, typer.Option("--owner-contact", help="Team or shared mailbox for the owner.")]
Status = Annotated[Opt, typer.Option(help="planned or live (use terminate to end a contract).")]
RegimeOpt = Annotated[Opt, typer.Option("--regime", help="PA2023, PCR2015 or other.")]
ProcedureOpt = Annotated[Opt, typer.Option("--procedure", help="open, competitive flexible, restricted, call-off, direct award, ...")]
TypeOpt = Annotated[Opt, typer.Option("--type", help=(
    "public contract (the default), concession, framework or call-off: concessions need no UK8 or s.70 "
    "payments notices, frameworks and concessions no KPIs or UK9 (PA 2023 ss.52, 69, 70)."))]
AnnualValue = Annotated[Opt, typer.Option("--annual-value", help="Estimated annual value in pounds.")]
WholeLife = Annotated[Opt, typer.Option("--whole-life-value", help="Estimated whole-life value in pounds, all options included.")]
Notice = Annotated[Opt, typer.Option("--decision-notice", help="Notice needed before an extension, e.g. 6m (default 6m).")]
Lead = Annotated[Opt, typer.Option("--reprocurement-lead", help="Time a re-procurement takes, e.g. 12m (default 12m).")]
Suppliers = Annotated[list[str] | None, typer.Option("--supplier", help="A supplier (repeat for several).")]
ExpectVersion = Annotated[int | None, typer.Option(
    "--expect-version", help="Refuse the change if the contract is no longer at this version (see contract show).",
    show_default=False)]


def _fields(**given) -> dict:
    """The contract fields a person gave, parsed; omitted ones are left out."""
    today = given.pop("today")
    out = {}
    for name, value in given.items():
        if value is None:
            continue
        if name == "start_date":
            out[name] = day(value, name="--start", today=today)
        elif name in ("annual_value", "whole_life_value"):
            out[name] = money(value, name="--" + name.replace("_", "-"))
        else:
            out[name] = value
    return out


def _term(start, term: str | None, end: str | None, today) -> str | None:
    if term and end:
        raise InvalidInput("give --term or --end, not both")
    if end:
        if start is None:
            raise InvalidInput("--end needs --start")
        return term_between(start, day(end, name="--end", today=today))
    return term


@app.command("add")
def add(
    ctx: typer.Context,
    reference: Annotated[str, typer.Option("--ref", help="Unique reference, e.g. WCC-SEND-MED-2025.")],
    title: Annotated[str, typer.Option(help="What the contract is for.")],
    start: Start = None, term: Term = None, end: End = None,
    option: Annotated[list[str] | None, typer.Option("--option", help="An extension option's length, e.g. 3y (repeat, in order).")] = None,
    supplier: Suppliers = None,
    description: Description = None, buyer: Buyer = None, service_area: ServiceArea = None,
    owner: Owner = None, owner_contact: OwnerContact = None, status: Status = None,
    regime: RegimeOpt = None, procedure: ProcedureOpt = None, contract_type: TypeOpt = None,
    light_touch: Annotated[bool, typer.Option("--light-touch", help="Light-touch services (social, health, education).")] = False,
    annual_value: AnnualValue = None, whole_life_value: WholeLife = None,
    decision_notice: Notice = None, reprocurement_lead: Lead = None,
    break_after: Annotated[Opt, typer.Option("--break-after", help="A break clause from this long after the start, e.g. 12m.")] = None,
    break_date: Annotated[Opt, typer.Option("--break-date", help="A break clause on this date.")] = None,
    break_notice: Annotated[str, typer.Option("--break-notice", help="Notice to use the break clause.")] = "3m",
    break_party: Annotated[str, typer.Option("--break-party", help="Who may break: buyer, supplier or either.")] = "either",
    replaces: Annotated[list[str] | None, typer.Option("--replaces", help="Reference of a contract this one replaces (repeat).")] = None,
) -> None:
    """Register a contract, with its options, suppliers and break clause."""
    cli = context(ctx)
    values = _fields(today=cli.today, start_date=start, description=description, buyer=buyer,
                     service_area=service_area, owner_role=owner, owner_contact=owner_contact, status=status,
                     regime=regime, procedure=procedure, contract_type=contract_type, annual_value=annual_value,
                     whole_life_value=whole_life_value, decision_notice=decision_notice,
                     reprocurement_lead=reprocurement_lead)
    values["initial_term"] = _term(values.get("start_date"), term, end, cli.today)
    breaks = []
    if break_after is not None or break_date is not None:
        breaks.append(BreakInput(notice=break_notice, after=break_after, party=break_party,
                                 earliest_date=day(break_date, name="--break-date", today=cli.today)))
    data = ContractFields(reference=reference, title=title, light_touch=light_touch, options=option or [],
                          suppliers=supplier or [], breaks=breaks, replaces=replaces or [], **values)
    with cli.store().session() as session:
        contract = register_contract(session, data, actor=cli.settings.user)
        detail = contract_detail(session, contract, as_of=cli.today)
    typer.echo(f"registered {detail.reference}: ends {iso(detail.current_end) or 'n/a'}, "
               f"at most {iso(detail.maximum_extent) or 'n/a'}")
    if regime is None:
        typer.echo(f"regime: {assumed_regime(values.get('start_date'))[1]} (--regime to set it)", err=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[Opt, typer.Option(help="Only this status (planned, initial term, extended, expired, terminated, ...).")] = None,
    owner: Annotated[Opt, typer.Option(help="Only this owner role.")] = None,
    service_area: Annotated[Opt, typer.Option("--service-area", help="Only this service area.")] = None,
    needs_review: Annotated[bool, typer.Option(
        "--needs-review", help="Only contracts whose extension wording could not be read (imported without options).",
    )] = False,
    format: Annotated[Format, typer.Option("--format", help="table for people; json or csv for scripts.")] = Format.table,
) -> None:
    """List the register with each contract's current end and next deadline."""
    cli = context(ctx)
    with cli.store().session() as session:
        rows = register_rows(session, as_of=cli.today, status=status, owner=owner, service_area=service_area,
                             needs_review=needs_review)
    if format == Format.json:
        emit_json({"as_of": cli.today.isoformat(), "contracts": [row.as_dict() for row in rows]})
    elif format == Format.csv:
        fields = list(rows[0].as_dict()) if rows else ["reference"]
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(row.as_dict() for row in rows)
    else:
        console().print(table(
            f"{len(rows)} contracts as of {cli.today.isoformat()}",
            ["Reference", "Title", "Suppliers", "Status", "Ends", "Next deadline", "Days", "Overdue"],
            [[r.reference, r.title_with_chain(), r.suppliers, r.status, r.current_end,
              r.next_deadline and f"{r.next_deadline} {r.next_deadline_title}", r.days_left, r.overdue or ""]
             for r in rows],
        ))


@app.command("show")
def show(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="The contract's reference.")],
    format: Annotated[Format, typer.Option("--format", help="table for people; json for scripts.")] = Format.table,
) -> None:
    """Show a contract: its facts, term and options, breaks, milestones and deadlines."""
    cli = context(ctx)
    with cli.store().session() as session:
        detail = contract_detail(session, get_contract(session, reference), as_of=cli.today)
    if format != Format.table:
        emit_json(detail.as_dict())
        return
    _print_detail(detail)


def _print_detail(d: ContractDetail) -> None:
    out = console()
    out.print(f"[bold]{d.reference}[/bold]  {d.title}")
    facts = [
        ("Status", f"{d.status_as_of} (as of {d.as_of})"),
        ("Buyer", d.buyer), ("Service area", d.service_area), ("Owner", d.owner_role),
        ("Suppliers", "; ".join(f"{name} ({identifier})" if identifier else name
                                for name, identifier in zip(d.suppliers, d.supplier_identifiers, strict=True))),
        ("Regime", ", ".join(d.regime_parts())),
        ("Start", iso(d.start_date)), ("Initial term", f"{d.initial_term} to {iso(d.initial_end)}" if d.initial_term else "not set yet"),
        ("Current end", iso(d.current_end)), ("Maximum extent", iso(d.maximum_extent)),
        ("Re-procure from", iso(d.reprocurement_start)),
        ("Annual value", _pounds(d.annual_value)), ("Whole-life value", _pounds(d.whole_life_value)),
        ("Replaces", ", ".join(d.replaces)), ("Replaced by", d.successor),
        ("Terminated", d.terminated_on and f"{d.terminated_on}: {d.termination_reason}"),
        ("Extension wording", d.extension_wording
         + ("\n(not read: no options taken from it; add them, or clear the wording, once reviewed)"
            if d.needs_review else "")),
        ("Version", d.version),
    ]
    out.print(table(None, ["Fact", "Value"], [[k, v] for k, v in facts if v]))
    if d.options:
        out.print(option_table("Extension options", d.options))
    if d.breaks:
        out.print(table("Break clauses", ["Break date", "Serve notice by", "Notice"], [
            [b.break_date, b.serve_notice_by, b.notice] for b in d.breaks]))
    if d.milestones:
        out.print(table("Milestones", ["Id", "Kind", "Milestone", "Due", "Status"], [
            [m.id, m.kind, m.name, describe_span(m.start_date, m.due_date), m.status] for m in d.milestones]))
    if d.deadlines:
        out.print(table(f"Deadlines as of {d.as_of}", ["Due", "Days", "Deadline", "Standing"], [
            [x.due_date, x.days_left, x.title, x.standing] for x in d.deadlines]))


def _pounds(value: Decimal | None) -> str | None:
    return None if value is None else f"£{float(value):,.2f}"


@app.command("edit")
def edit(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="The contract's reference.")],
    new_reference: Annotated[Opt, typer.Option("--new-ref", help="Change the reference.")] = None,
    title: Title = None, start: Start = None, term: Term = None, end: End = None,
    supplier: Suppliers = None,
    description: Description = None, buyer: Buyer = None, service_area: ServiceArea = None,
    owner: Owner = None, owner_contact: OwnerContact = None, status: Status = None,
    regime: RegimeOpt = None, procedure: ProcedureOpt = None, contract_type: TypeOpt = None,
    light_touch: Annotated[bool | None, typer.Option("--light-touch/--not-light-touch", help="Light-touch services or not.", show_default=False)] = None,
    annual_value: AnnualValue = None, whole_life_value: WholeLife = None,
    decision_notice: Notice = None, reprocurement_lead: Lead = None,
    extension_wording: Annotated[Opt, typer.Option(
        "--extension-wording", help="The options as the contract words them (\"\" clears it, e.g. once reviewed).",
    )] = None,
    expect_version: ExpectVersion = None,
) -> None:
    """Change a contract's facts; every change is recorded in its history."""
    cli = context(ctx)
    changes = _fields(today=cli.today, reference=new_reference, title=title, start_date=start,
                      description=description, buyer=buyer, service_area=service_area, owner_role=owner,
                      owner_contact=owner_contact, status=status, regime=regime, procedure=procedure,
                      contract_type=contract_type, light_touch=light_touch, annual_value=annual_value, whole_life_value=whole_life_value,
                      decision_notice=decision_notice, reprocurement_lead=reprocurement_lead,
                      extension_wording=extension_wording)
    with cli.store().session() as session:
        contract = get_contract(session, reference)
        new_term = _term(changes.get("start_date", contract.start_date), term, end, cli.today)
        if new_term is not None:
            changes["initial_term"] = new_term
        if not changes and supplier is None:
            raise InvalidInput("nothing to change: give at least one option (see --help)")
        contract = edit_contract(session, reference, changes, suppliers=supplier, actor=cli.settings.user,
                                 expected_version=expect_version)
        detail = contract_detail(session, contract, as_of=cli.today)
        # Awarded, or now a kind of contract that needs KPIs: say so if it has too few.
        warning = award_warning(session, contract.reference) if changes.keys() & {"status", "contract_type"} else ""
    typer.echo(f"updated {detail.reference}: ends {iso(detail.current_end) or 'n/a'}")
    if warning:
        typer.echo(f"warning: {warning}", err=True)


@app.command("terminate")
def terminate_(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="The contract's reference.")],
    on: Annotated[str, typer.Option("--on", help="Last day of the contract.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it ends early (recorded in the history).")],
    expect_version: ExpectVersion = None,
) -> None:
    """End a contract early; options not yet exercised lapse."""
    cli = context(ctx)
    with cli.store().session() as session:
        contract = terminate(session, reference, on=day(on, name="--on", today=cli.today), reason=reason,
                             actor=cli.settings.user, expected_version=expect_version)
    typer.echo(f"terminated {contract.reference} with effect from {contract.terminated_on}")


@app.command("history")
def history_(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="The contract's reference.")],
    format: Annotated[Format, typer.Option("--format", help="table for people; json or csv for scripts.")] = Format.table,
) -> None:
    """Show who changed what and when: each field's old and new value, oldest first."""
    from ..read.views import change_view, history

    cli = context(ctx)
    with cli.store().session() as session:
        contract = get_contract(session, reference)
        rows = [change_view(event).as_dict() for event in history(session, contract)]
    if format == Format.json:
        emit_json({"reference": contract.reference, "version": contract.version, "events": rows})
    elif format == Format.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(HISTORY_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        console().print(table(
            f"History of {contract.reference} ({len(rows)} changes; now version {contract.version})",
            ["When (UTC)", "Who", "What", "Field", "Old -> New", "Reason"],
            [[r["at"][:16].replace("T", " "), r["actor"], f"{r['action']} {r['entity']}", r["field"],
              _change(r["old_value"], r["new_value"]), r["reason"]] for r in rows],
        ))


HISTORY_FIELDS = ("at", "actor", "entity", "entity_id", "action", "field", "old_value", "new_value", "reason",
                  "contract_version")


def _change(old: str, new: str) -> str:
    if not old and not new:
        return ""
    return f"{old or '(blank)'} -> {new or '(blank)'}"
