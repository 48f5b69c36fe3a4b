"""What the deadline stream says about how each contract ends, as of a day.

The stream is written without a day in mind: its re-procurement-start row assumes every option
still open will be taken. As of a day there are two cases, told apart by the earliest open
extension decision:
- it is still ahead (or there is none to take): the options still open can all be taken, so the
  stream's dates hold as they are;
- it has passed undecided (or there is none): the options have lapsed (lifecycle.option_windows),
  the contract can run only to its current end (the contract-end row), and re-procurement must
  start a lead time before that (lifecycle.start_to_replace).
Both cases need only the rows; the tests check the result against the lifecycle engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..durations import ONE_DAY, parse_duration
from ..enums import DeadlineKind
from ..lifecycle import start_to_replace
from ..models import Contract, Deadline
from .common import EXTENSION, OPEN, chunks


@dataclass(frozen=True)
class EndFacts:
    contract_id: int
    reference: str
    title: str
    owner: str
    service_area: str
    current_end: date  # the contract-end row: term plus options taken, or the termination
    next_decision: date | None  # the earliest open extension decision
    stream_reprocurement_start: date | None  # the re-procurement-start row, if the contract has one
    reprocurement_lead: str
    successor_id: int | None
    terminated_on: date | None
    whole_life_value: Decimal | None
    annual_value: Decimal | None

    def options_open(self, as_of: date) -> bool:
        """Whether any option can still be taken as of `as_of`."""
        return self.next_decision is not None and self.next_decision >= as_of

    def final_end_bounds(self, as_of: date) -> tuple[date, date] | None:
        """The final possible end, or a few days' range around it, from the rows alone.

        With options lapsed it is the current end. With options open the stream's
        re-procurement start is final end + 1 day - lead; adding the lead back gives the final end
        to within 3 days (month arithmetic clamps at month ends: 31 Mar - 1m + 1m = 28 Mar), so
        only contracts near a window's edge need the lifecycle engine for the exact day.
        """
        if not self.options_open(as_of):
            return self.current_end, self.current_end
        if self.stream_reprocurement_start is None:
            return None  # a planned contract: no re-procurement row to read
        low = self.stream_reprocurement_start + parse_duration(self.reprocurement_lead).delta() - ONE_DAY
        return low, low + timedelta(days=3)

    def reprocurement_start(self, as_of: date) -> date | None:
        if self.options_open(as_of):
            return self.stream_reprocurement_start
        return start_to_replace(self.current_end, parse_duration(self.reprocurement_lead))


def end_facts(session: Session, contract_ids: set[int]) -> list[EndFacts]:
    """EndFacts of these contracts (those with a contract-end row), one query per 5,000."""
    ends = aliased(Deadline)
    starts = aliased(Deadline)
    next_decision = (
        select(func.min(Deadline.due_date))
        .where(Deadline.contract_id == ends.contract_id, Deadline.kind == EXTENSION, Deadline.state == OPEN)
        .scalar_subquery()
    )
    out = []
    for ids in chunks(contract_ids):
        query = (
            select(
                ends.contract_id, Contract.reference, Contract.title, Contract.owner_role, Contract.service_area,
                ends.due_date, next_decision, starts.due_date, Contract.reprocurement_lead, Contract.successor_id,
                Contract.terminated_on, Contract.whole_life_value, Contract.annual_value,
            )
            .join(Contract, Contract.id == ends.contract_id)
            .outerjoin(starts, (starts.contract_id == ends.contract_id)
                       & (starts.kind == DeadlineKind.REPROCUREMENT_START.value))
            .where(ends.kind == DeadlineKind.CONTRACT_END.value, ends.contract_id.in_(ids))
        )
        out.extend(EndFacts(*row) for row in session.exec(query))
    return out
