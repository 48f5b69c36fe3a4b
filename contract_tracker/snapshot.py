"""Plain, frozen copies of a contract's facts for the pure engine, and the adapter from models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .durations import parse_duration
from .enums import BreakParty, ContractStatus, MilestoneStatus, OptionStatus, Regime
from .lifecycle import BreakTerms, ContractTerms, OptionTerms, parse_optional
from .models import BreakClause, Contract, ExtensionOption, Milestone


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
    successor: str = ""  # the successor's reference, when one is linked (see services.sync.successor_references)


def terms_of(contract: Contract, options: list[ExtensionOption], breaks: list[BreakClause]) -> ContractTerms:
    return ContractTerms(
        start=contract.start_date,
        initial_term=parse_optional(contract.initial_term),
        options=tuple(
            OptionTerms(
                ordinal=option.ordinal,
                length=parse_duration(option.length),
                notice=parse_optional(option.notice),
                status=OptionStatus(option.status),
                decided_on=option.decided_on,
            )
            for option in sorted(options, key=lambda o: o.ordinal)
        ),
        breaks=tuple(
            BreakTerms(
                notice=parse_duration(clause.notice),
                earliest_date=clause.earliest_date,
                after=parse_optional(clause.after),
                party=BreakParty(clause.party),
            )
            for clause in breaks
        ),
        decision_notice=parse_duration(contract.decision_notice),
        reprocurement_lead=parse_duration(contract.reprocurement_lead),
        status=ContractStatus(contract.status),
        terminated_on=contract.terminated_on,
    )


def snapshot_of(
    contract: Contract,
    options: list[ExtensionOption],
    breaks: list[BreakClause],
    milestones: list[Milestone],
    successor: str = "",
) -> ContractSnapshot:
    return ContractSnapshot(
        id=contract.id,
        reference=contract.reference,
        title=contract.title,
        owner_role=contract.owner_role,
        service_area=contract.service_area,
        regime=Regime(contract.regime),
        light_touch=contract.light_touch,
        has_successor=contract.successor_id is not None,
        terms=terms_of(contract, options, breaks),
        milestones=tuple(
            MilestoneFacts(
                id=m.id, kind=m.kind, name=m.name, due_date=m.due_date, start_date=m.start_date,
                status=MilestoneStatus(m.status), met_on=m.met_on, owner=m.owner,
                template_key=m.template_key,
            )
            for m in sorted(milestones, key=lambda m: (m.due_date, m.id))
        ),
        procedure=contract.procedure,
        successor=successor if contract.successor_id is not None else "",
    )
