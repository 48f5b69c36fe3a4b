"""What `contract-tracker` with no command opens: the register, shown in the terminal."""

from __future__ import annotations

from ..views import register_rows
from .context import CliContext, console, table


def open_front_end(ctx: CliContext) -> None:
    with ctx.store().session() as session:
        rows = register_rows(session, as_of=ctx.today)
    out = console()
    out.print(table(
        f"Contract register ({len(rows)} contracts) as of {ctx.today.isoformat()}",
        ["Reference", "Title", "Status", "Current end", "Next deadline", "Days", "Overdue"],
        [[r.reference, r.title, r.status, r.current_end, r.next_deadline_title and f"{r.next_deadline} {r.next_deadline_title}",
          r.days_left, r.overdue or ""] for r in rows],
    ))
