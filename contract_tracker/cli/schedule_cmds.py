"""`schedule list|show|plan|apply|check`: procurement schedule templates, plans and statutory checks."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from ..domain.dates import describe_span
from ..domain.planning import Plan, parse_overrides, plan
from ..domain.schedule_check import Outcome, broken
from ..domain.templates import Template, get_template, load_templates
from ..domain.workdays import configured_calendar
from ..errors import InvalidInput
from ..paths import config_dir
from .context import console, context, emit_json, table
from .parsing import day

app = typer.Typer(help="Procurement schedule templates: plan a procurement, apply it to a contract, "
                       "check a contract's milestones against statute.", no_args_is_help=True)

TemplateArg = Annotated[str, typer.Argument(help="A template key (see schedule list), e.g. pa2023-open.")]
Format = Annotated[str, typer.Option("--format", help="table or json.")]
ServiceStart = Annotated[str | None, typer.Option("--service-start", help="Plan backwards from this service start date.")]
Itt = Annotated[str | None, typer.Option("--itt", help="Plan forwards from this ITT (tender notice) date.")]
Anchor = Annotated[str | None, typer.Option("--anchor", help="Plan around another step's date: STEP=DATE (e.g. award-notice=2025-06-25).")]
Periods = Annotated[list[str] | None, typer.Option("--period", help="Change a step's period: STEP=LENGTH (e.g. tender-deadline=30d; d, wd, w, m). Repeat.")]
Nations = Annotated[str | None, typer.Option("--nations", help="Whose bank holidays count: UK (default) or e.g. ENG,WLS.")]
Closed = Annotated[list[str] | None, typer.Option("--closed", help="An extra closure day or range (2025-12-29..2025-12-31). Repeat.")]


def _check_format(format: str) -> None:
    if format not in ("table", "json"):
        raise InvalidInput(f"--format: {format!r} is not one of: table, json")


def _anchor(service_start: str | None, itt: str | None, anchor: str | None, today: date) -> tuple[str, date]:
    given = [(name, value) for name, value in (("service start", service_start), ("itt publication", itt),
                                              ("--anchor", anchor)) if value is not None]
    if len(given) != 1:
        raise InvalidInput("give exactly one of --service-start, --itt or --anchor STEP=DATE")
    name, value = given[0]
    if name == "--anchor":
        name, sep, value = value.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"--anchor {anchor!r}: write STEP=DATE, e.g. award-notice=2025-06-25")
    option = {"service start": "--service-start", "itt publication": "--itt"}.get(name, "--anchor")
    return name.strip(), day(value.strip(), name=option, today=today)


def _gap_text(gap) -> str:
    return gap.describe() if gap else ""


def _plan_rows(result: Plan) -> list[dict]:
    rows = []
    for planned in result.steps:
        step = planned.step
        rows.append({
            "step": step.key, "kind": step.kind.value, "name": step.name, "owner": step.owner,
            "start_date": planned.start.isoformat() if planned.start else None,
            "due_date": planned.due.isoformat(),
            "after": step.after, "period": str(planned.period) if planned.period else None,
            "length": planned.length, "length_unit": planned.length_unit,
            "minimum": str(step.minimum) if step.minimum else None,
            "maximum": str(step.maximum) if step.maximum else None,
            "citation": step.citation, "ok": planned.ok,
        })
    return rows


def _length(planned) -> str:
    if planned.length is None:
        return ""
    unit = planned.length_unit[:-1] if planned.length == 1 else planned.length_unit
    return f"{planned.length} {unit}"


def _limit(planned) -> str:
    step = planned.step
    parts = []
    if step.minimum:
        parts.append(f"min {step.minimum.describe()}")
    if step.maximum:
        parts.append(f"max {step.maximum.describe()}")
    return "; ".join(parts)


def _print_plan(result: Plan, calendar) -> None:
    out = console()
    nations = "UK-wide" if len(calendar.nations) == 4 else ", ".join(calendar.nations)
    closures = f", {len(calendar.closures)} closure days" if calendar.closures else ""
    out.print(table(
        f"{result.template.name}: planned around {result.anchor} on {describe_span(None, result.anchor_date)} "
        f"({nations} working days{closures})",
        ["Date", "Step", "Milestone", "After", "Length", "Limit", "Meets", "Owner"],
        [[describe_span(p.start, p.due) if p.start else f"{describe_span(None, p.due)} ({p.due:%a})", p.step.key, p.step.name, p.step.after or "",
          _length(p), _limit(p),
          "" if p.meets_minimum is None and p.within_maximum is None else ("yes" if p.ok else "NO"),
          p.step.owner] for p in result.steps]))
    for p in result.steps:
        if not p.ok:
            out.print(f"breaks the rule: {p.step.key}: {_length(p)}; {_limit(p)} ({p.step.citation})")


@app.command("list")
def list_(format: Format = "table") -> None:
    """List the schedule templates."""
    _check_format(format)
    templates = load_templates().values()
    rows = [{"key": t.key, "name": t.name, "regime": t.regime.value, "procedure": t.procedure.value,
             "light_touch": t.light_touch, "steps": len(t.steps)} for t in templates]
    if format == "json":
        emit_json(rows)
        return
    console().print(table("Schedule templates", ["Key", "Name", "Regime", "Procedure", "Light-touch", "Steps"],
                          [[r["key"], r["name"], r["regime"], r["procedure"], "yes" if r["light_touch"] else "",
                            r["steps"]] for r in rows]))


def _template_dict(template: Template) -> dict:
    return {
        "key": template.key, "name": template.name, "regime": template.regime.value,
        "procedure": template.procedure.value, "light_touch": template.light_touch,
        "description": template.description,
        "steps": [{"key": s.key, "kind": s.kind.value, "name": s.name, "after": s.after,
                   "period": str(s.period) if s.period else None, "inclusive": bool(s.period and s.period.inclusive),
                   "roll": bool(s.period and s.period.roll), "span": s.span,
                   "minimum": str(s.minimum) if s.minimum else None, "maximum": str(s.maximum) if s.maximum else None,
                   "citation": s.citation, "owner": s.owner, "note": s.note} for s in template.steps],
    }


@app.command("show")
def show(template: TemplateArg, format: Format = "table") -> None:
    """Show a template's steps, periods and statutory limits."""
    _check_format(format)
    chosen = get_template(template)
    if format == "json":
        emit_json(_template_dict(chosen))
        return
    out = console()
    out.print(f"{chosen.name} ({chosen.key}): {chosen.regime.value}, {chosen.procedure.value}"
              f"{', light-touch' if chosen.light_touch else ''}")
    if chosen.description:
        out.print(" ".join(chosen.description.split()))
    out.print(table(None, ["Step", "Kind", "Milestone", "After", "Period", "Limit", "Citation", "Owner"], [
        [s.key, s.kind.value, s.name + (" (span)" if s.span else ""), s.after or "", _gap_text(s.period),
         "; ".join(filter(None, [s.minimum and f"min {s.minimum.describe()}", s.maximum and f"max {s.maximum.describe()}"])),
         s.citation, s.owner] for s in chosen.steps]))


@app.command("plan")
def plan_(
    ctx: typer.Context, template: TemplateArg, service_start: ServiceStart = None, itt: Itt = None,
    anchor: Anchor = None, period: Periods = None, nations: Nations = None, closed: Closed = None,
    format: Format = "table",
) -> None:
    """Date every step of a template: backwards from a service start or forwards from an ITT.

    Exits 1 when a period given with --period breaks a step's minimum or maximum."""
    _check_format(format)
    cli = context(ctx)
    chosen = get_template(template)
    step, when = _anchor(service_start, itt, anchor, cli.today)
    calendar = configured_calendar(config_dir(), nations=nations, closures=closed or [])
    result = plan(chosen, step, when, calendar, parse_overrides(chosen, period or []))
    if format == "json":
        emit_json({"template": chosen.key, "anchor": result.anchor, "anchor_date": when.isoformat(),
                   "nations": list(calendar.nations), "closures": sorted(d.isoformat() for d in calendar.closures),
                   "ok": result.ok, "steps": _plan_rows(result)})
    else:
        _print_plan(result, calendar)
    if not result.ok:
        raise typer.Exit(1)


@app.command("apply")
def apply(
    ctx: typer.Context, reference: Annotated[str, typer.Argument(help="The contract's reference.")],
    template: TemplateArg, service_start: ServiceStart = None, itt: Itt = None, anchor: Anchor = None,
    period: Periods = None, nations: Nations = None, closed: Closed = None,
) -> None:
    """Create (or update) a contract's milestones from a template. Met milestones are never changed."""
    from ..services.schedules import apply_schedule

    cli = context(ctx)
    chosen = get_template(template)
    step, when = _anchor(service_start, itt, anchor, cli.today)
    calendar = configured_calendar(config_dir(), nations=nations, closures=closed or [])
    with cli.store().session() as session:
        result = apply_schedule(session, reference, chosen.key, anchor=step, anchor_date=when, calendar=calendar,
                                actor=cli.settings.user, periods=parse_overrides(chosen, period or []))
        counts = (len(result.created), len(result.updated), len(result.unchanged), len(result.kept))
    typer.echo(f"applied {chosen.key} to {reference} ({result.plan.anchor} {when.isoformat()}): "
               f"{counts[0]} created, {counts[1]} updated, {counts[2]} unchanged, {counts[3]} kept as recorded")
    if not result.plan.ok:
        typer.echo("warning: the plan breaks a step's minimum or maximum (see schedule plan)", err=True)


@app.command("check")
def check(
    ctx: typer.Context, reference: Annotated[str, typer.Argument(help="The contract's reference.")],
    template: Annotated[str | None, typer.Option("--template", help="Check against this template (default: the one applied, else the best fit).")] = None,
    format: Format = "table",
) -> None:
    """Check a contract's milestones against statute and its template. Exits 1 if any rule is broken."""
    from ..services.schedules import check_schedule

    _check_format(format)
    cli = context(ctx)
    with cli.store().session() as session:
        chosen, findings = check_schedule(session, reference, as_of=cli.today, template_key=template)
    if format == "json":
        emit_json({"reference": reference, "template": chosen.key if chosen else None, "as_of": cli.today.isoformat(),
                   "broken": broken(findings), "findings": [f.as_dict() for f in findings]})
    else:
        out = console()
        out.print(table(
            f"Schedule check of {reference} against {chosen.key if chosen else 'statute only'} as of {cli.today.isoformat()}",
            ["Outcome", "Rule", "Citation", "Finding"],
            [[f.outcome.value.upper() if f.outcome == Outcome.BROKEN else f.outcome.value, f.rule, f.citation, f.message]
             for f in findings]))
        count = sum(f.outcome == Outcome.BROKEN for f in findings)
        out.print(f"{count} rule{'s' if count != 1 else ''} broken" if count else "no rule broken")
    if broken(findings):
        raise typer.Exit(1)


@app.command("workdays")
def workdays(
    ctx: typer.Context,
    from_: Annotated[str, typer.Option("--from", help="First day (e.g. 2025-12-01).")],
    to: Annotated[str, typer.Option("--to", help="Last day.")],
    nations: Nations = None, closed: Closed = None, format: Format = "table",
) -> None:
    """List the bank holidays and closure days between two dates, and count the working days."""
    _check_format(format)
    cli = context(ctx)
    first, last = day(from_, name="--from", today=cli.today), day(to, name="--to", today=cli.today)
    if last < first:
        raise InvalidInput("--to must not be before --from")
    calendar = configured_calendar(config_dir(), nations=nations, closures=closed or [])
    off = calendar.holidays_between(first, last)
    working = calendar.count(first, last) + (1 if calendar.is_working_day(first) else 0)
    if format == "json":
        emit_json({"from": first.isoformat(), "to": last.isoformat(), "nations": list(calendar.nations),
                   "working_days": working, "holidays": [{"date": d.isoformat(), "name": n} for d, n in off.items()]})
        return
    out = console()
    out.print(table(f"Bank holidays and closures, {describe_span(None, first)} to {describe_span(None, last)}",
                    ["Date", "Day", "Holiday"], [[d.isoformat(), f"{d:%a}", n] for d, n in off.items()]))
    out.print(f"{working} working days ({', '.join(calendar.nations)})")
