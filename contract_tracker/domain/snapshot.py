"""Plain, frozen copies of a contract's facts for the pure engine (store/snapshots.py makes them
from the tables)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..enums import MilestoneStatus, Regime
from .lifecycle import ContractTerms
from .quick_init import quick_init


@quick_init
@dataclass(frozen=True)
class MilestoneFacts:
    id: int
    kind: str
    name: str
    due_date: date
    start_date: date | None
    status: MilestoneStatus
    met_on: date | None
    owner: str
    template_key: str | None = None  # set by `schedule apply`: "<template>:<step>"


@quick_init
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
