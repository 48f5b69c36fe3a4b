"""Plain, frozen copies of a contract's facts for the pure engine (store/snapshots.py makes them
from the tables)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..enums import MilestoneStatus, Regime
from .lifecycle import ContractTerms


@dataclass(frozen=True, init=False)
class MilestoneFacts:
    id: int
    kind: str
    name: str
    due_date: date
    start_date: date | None
    status: MilestoneStatus
    met_on: date | None
    owner: str
    template_key: str | None  # set by `schedule apply`: "<template>:<step>"

    def __init__(self, id: int, kind: str, name: str, due_date: date, start_date: date | None,
                 status: MilestoneStatus, met_on: date | None, owner: str, template_key: str | None = None):
        # Filled in through its __dict__, as DeadlineItem is: a bulk load makes a million.
        fields = self.__dict__
        fields["id"] = id
        fields["kind"] = kind
        fields["name"] = name
        fields["due_date"] = due_date
        fields["start_date"] = start_date
        fields["status"] = status
        fields["met_on"] = met_on
        fields["owner"] = owner
        fields["template_key"] = template_key


@dataclass(frozen=True)
class ContractSnapshot:
    id: int
    reference: str
    title: str
    owner_role: str
    service_area: str
    regime: Regime
    light_touch: bool
    has_successor: bool
    terms: ContractTerms
    milestones: tuple[MilestoneFacts, ...] = ()
    procedure: str = "open"
    successor: str = ""  # the successor's reference, when one is linked (see store.snapshots.successor_references)
