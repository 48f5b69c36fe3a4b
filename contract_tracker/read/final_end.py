"""A contract's final possible end and the day to start re-procuring for it, as every reader takes them.

The end is the `ends_on` of the re-procurement start that gives the final end on the day asked
(`stream.gives_final_end`: the end with every option still exercisable taken). A planned contract
has no re-procurement rows: its end follows from its terms alone (`lifecycle.final_possible_end`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from ..domain.lifecycle import ContractTerms, final_possible_end
from ..store.models import Contract, Deadline
from .stream import gives_final_end


@dataclass(frozen=True)
class FinalEnd:
    ends_on: date | None  # the latest day the contract can still run to
    reprocure_from: date | None  # the day a re-procurement for that end must begin (None: planned)


def final_end_of(session: Session, contract: Contract, terms: ContractTerms, *, as_of: date) -> FinalEnd:
    row = session.exec(select(Deadline).where(Deadline.contract_id == contract.id, gives_final_end(as_of))).first()
    if row is not None:
        return FinalEnd(row.ends_on, row.due_date)
    return FinalEnd(final_possible_end(terms, as_of), None)
