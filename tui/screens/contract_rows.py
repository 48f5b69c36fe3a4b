"""What the contract screen's tables show: rows (key, cells) built from the contract's detail
(views.contract_detail) and history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from ..backend import ContractView

TABLES = {
    "milestones": ("Due", "Milestone", "Kind", "Status", "Met on", "Owner"),
    "terms": ("What", "Period", "Decide by", "Status", "Note"),
    "deadlines": ("Due", "Days", "Deadline", "State"),
    "history": ("When (UTC)", "Who", "What", "Change", "Reason"),
}
STATE_STYLE = {"met": "green", "exercised": "green", "done": "green", "missed": "red", "overdue": "bold red",
               "declined": "dim", "lapsed": "dim", "cancelled": "dim", "passed": "dim", "pending": "dim",
               "superseded": "dim"}


def styled(value: str | None) -> Text:
    return Text(value or "", style=STATE_STYLE.get(value or "", ""))


def table_rows(view: ContractView) -> dict[str, list[tuple[str, tuple]]]:
    """Each table's rows, by table name (TABLES' keys)."""
    d = view.detail
    milestones = [
        (str(m.id), (f"{m.start_date}…{m.due_date}" if m.start_date else str(m.due_date),
                     m.name, m.kind.value, styled(m.status.value), str(m.met_on or ""), m.owner))
        for m in d.milestones
    ]
    terms = [(f"option-{o.option}", (f"Option {o.option} ({o.length})", f"{o.period_start} to {o.period_end}",
                                     str(o.decide_by), styled(o.status_as_of.value), o.note))
             for o in d.options]
    terms += [(f"break-{i}", ("Break clause", f"ends {b.break_date}", str(b.serve_notice_by), f"{b.notice} notice", ""))
              for i, b in enumerate(d.breaks)]
    deadlines = [
        (f"{x.kind.value}-{x.ordinal}-{i}",
         (str(x.due_date), Text(str(x.days_left), justify="right"),
          Text(x.title, style="bold red" if x.overdue else ""), styled(x.standing.value)))
        for i, x in enumerate(d.deadlines)
    ]
    history = [
        (str(i), (f"{e.at:%Y-%m-%d %H:%M}", e.actor, f"{e.entity} {e.action}",
                  f"{e.field}: {e.old_value} → {e.new_value}" if e.field else e.new_value, e.reason))
        for i, e in enumerate(reversed(view.history))
    ]
    return {"milestones": milestones, "terms": terms, "deadlines": deadlines, "history": history}
