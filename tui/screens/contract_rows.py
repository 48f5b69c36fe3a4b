"""What the contract screen's tables show: rows (key, cells) built from views.contract_detail.

Read defensively (`.get`) where the detail may grow or change shape, e.g. deadline states."""

from __future__ import annotations

from rich.text import Text

TABLES = {
    "milestones": ("Due", "Milestone", "Kind", "Status", "Met on", "Owner"),
    "terms": ("What", "Period", "Decide by", "Status", "Note"),
    "deadlines": ("Due", "Days", "Deadline", "State"),
    "history": ("When (UTC)", "Who", "What", "Change", "Reason"),
}
STATE_STYLE = {"met": "green", "exercised": "green", "done": "green", "missed": "red", "declined": "dim",
               "lapsed": "dim", "cancelled": "dim"}


def styled(value: str | None) -> Text:
    return Text(value or "", style=STATE_STYLE.get(value or "", ""))


def table_rows(d: dict) -> dict[str, list[tuple[str, tuple]]]:
    """Each table's rows, by table name (TABLES' keys)."""
    milestones = [
        (str(m["id"]), (m["due_date"] if not m.get("start_date") else f"{m['start_date']}…{m['due_date']}",
                        m["name"], m["kind"], styled(m["status"]), m.get("met_on") or "", m.get("owner") or ""))
        for m in d["milestones"]
    ]
    terms = [(f"option-{o['option']}", (f"Option {o['option']} ({o['length']})",
                                        f"{o['period_start']} to {o['period_end']}", o["decide_by"],
                                        styled(o["status_as_of"]), o.get("note") or ""))
             for o in d["options"]]
    terms += [(f"break-{i}", ("Break clause", f"ends {b['break_date']}", b["serve_notice_by"],
                              f"{b['notice']} notice", ""))
              for i, b in enumerate(d.get("breaks", []))]
    deadlines = [
        (f"{x['kind']}-{x.get('ordinal')}-{i}",
         (x["due_date"], Text(str(x.get("days_left", "")), justify="right"),
          Text(x["title"], style="bold red" if x.get("overdue") else ""), styled(x.get("state"))))
        for i, x in enumerate(d.get("deadlines", []))
    ]
    history = [
        (str(i), (f"{e['at']:%Y-%m-%d %H:%M}", e["actor"], f"{e['entity']} {e['action']}",
                  f"{e['field']}: {e['old']} → {e['new']}" if e["field"] else e["new"], e["reason"]))
        for i, e in enumerate(reversed(d.get("history", [])))
    ]
    return {"milestones": milestones, "terms": terms, "deadlines": deadlines, "history": history}
