"""The agenda: the coming weeks of the deadline stream, overdue first, grouped by week or month.

A read model like `views`: it reads the materialised deadline table with one indexed range query
and decides nothing of its own beyond ordering and grouping. `urgency` is the one place that
says how close a deadline must be to count as "soon", so the TUI and reports colour alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from ..domain.authority_notices import notice_key
from ..domain.deadline_item import AUTHORITY_KINDS, INFORMATIONAL
from ..store.models import Deadline
from .stream import is_open

SOON_DAYS = 30  # within a month: act now
COMING_DAYS = 90  # within a quarter: plan for it


class Urgency(StrEnum):
    OVERDUE = "overdue"
    SOON = "soon"
    COMING = "coming"
    LATER = "later"
    NONE = "none"


def urgency(days_left: int | None, overdue: int = 0) -> Urgency:
    """How pressing a contract (or one deadline) is, from its days left and overdue count."""
    if overdue or (days_left is not None and days_left < 0):
        return Urgency.OVERDUE
    if days_left is None:
        return Urgency.NONE
    if days_left <= SOON_DAYS:
        return Urgency.SOON
    if days_left <= COMING_DAYS:
        return Urgency.COMING
    return Urgency.LATER


@dataclass(frozen=True)
class AgendaItem:
    reference: str
    contract_title: str
    kind: str
    title: str
    action: str
    owner: str
    start_date: date | None
    due_date: date
    days_left: int
    overdue: bool
    notice: str = ""  # one of the authority's own notices: its name, to record it done (e.g. "UK8 2026/27-H1")


def agenda_items(session: Session, *, as_of: date, weeks: int = 12, owner: str | None = None) -> list[AgendaItem]:
    """Deadlines open on `as_of` (stream.is_open) due within `weeks`, overdue ones first."""
    horizon = as_of + timedelta(weeks=weeks)
    query = select(Deadline).where(is_open(as_of), Deadline.due_date <= horizon)
    if owner:
        query = query.where(Deadline.owner == owner)
    items = []
    for row in session.exec(query.order_by(Deadline.due_date, Deadline.contract_reference, Deadline.kind,
                                           Deadline.ordinal)):
        overdue = row.due_date < as_of  # open and past its day (a past contract end is not open)
        items.append(AgendaItem(
            reference=row.contract_reference, contract_title=row.contract_title, kind=row.kind,
            title=row.title, action=row.action, owner=row.owner, start_date=row.start_date,
            due_date=row.due_date, days_left=(row.due_date - as_of).days, overdue=overdue,
            notice=notice_key(row.kind, row.ordinal, row.contract_reference) if row.kind in AUTHORITY_KINDS else "",
        ))
    return sorted(items, key=lambda item: (not item.overdue, item.due_date))


@dataclass(frozen=True)
class NoticesStanding:
    """The authority's own notices on a day: those open and past their day, and the next to come."""

    overdue: tuple[str, ...] = ()  # their names, soonest first ("UK8 2026/27-H1")
    next_name: str = ""
    next_due: date | None = None

    def describe(self) -> str:
        """One line for a screen's header; empty when the register calls for no notice at all."""
        parts = []
        if self.overdue:
            more = len(self.overdue) - 3
            named = ", ".join(self.overdue[:3]) + (f" and {more} more" if more > 0 else "")
            parts.append(f"{len(self.overdue)} overdue ({named})")
        if self.next_due is not None:
            parts.append(f"next {self.next_name} by {self.next_due:%-d %b %Y}")
        # Overdue first: on a narrow screen the line is cut from the end.
        return f"Authority's notices: {' · '.join(parts)}" if parts else ""


def notices_standing(session: Session, *, as_of: date) -> NoticesStanding:
    """The authority's notices open on `as_of` (stream.is_open, as every reader asks), in brief."""
    rows = session.exec(
        select(col(Deadline.kind), col(Deadline.ordinal), col(Deadline.contract_reference), col(Deadline.due_date))
        .where(is_open(as_of), col(Deadline.kind).in_(AUTHORITY_KINDS))
        .order_by(Deadline.due_date, Deadline.kind, Deadline.ordinal)
    ).all()
    overdue = tuple(notice_key(kind, ordinal, reference) for kind, ordinal, reference, due in rows if due < as_of)
    coming = next(((notice_key(kind, ordinal, reference), due)
                   for kind, ordinal, reference, due in rows if due >= as_of), None)
    return NoticesStanding(overdue, *(coming or ("", None)))


def group_agenda(items: list[AgendaItem], by: str = "week") -> list[tuple[str, list[AgendaItem]]]:
    """Headings and their items: "Overdue" first, then each week (from Monday) or month."""
    if by not in ("week", "month"):
        raise ValueError(f"group by week or month, not {by!r}")
    groups: dict[str, list[AgendaItem]] = {}
    for item in items:
        if item.overdue:
            heading = "Overdue"
        elif by == "week":
            monday = item.due_date - timedelta(days=item.due_date.weekday())
            heading = f"Week of {monday.day} {monday:%b %Y}"
        else:
            heading = f"{item.due_date:%B %Y}"
        groups.setdefault(heading, []).append(item)
    return list(groups.items())


__all__ = ["INFORMATIONAL", "AgendaItem", "Urgency", "agenda_items", "group_agenda", "urgency"]
