"""The adapter from the tables to the engine's facts: a contract's rows as a frozen snapshot.

Reads attributes only, so the bulk path's plain rows can stand in for model instances; its
milestones come as the engine's facts already."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import col, select

from ..domain.durations import parse_duration
from ..domain.lifecycle import BreakTerms, ContractTerms, OptionTerms, parse_optional
from ..domain.snapshot import ContractSnapshot, MilestoneFacts
from ..enums import BreakParty, ContractStatus, MilestoneStatus, OptionStatus, Regime
from .models import BreakClause, Contract, ExtensionOption, Milestone


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


_milestone_order = attrgetter("due_date", "id")


def _facts(milestone: Milestone | MilestoneFacts) -> MilestoneFacts:
    if isinstance(milestone, MilestoneFacts):  # the bulk path makes its milestones' facts directly
        return milestone
    return MilestoneFacts(
        id=milestone.id, kind=milestone.kind, name=milestone.name, due_date=milestone.due_date,
        start_date=milestone.start_date, status=MilestoneStatus(milestone.status), met_on=milestone.met_on,
        owner=milestone.owner, template_key=milestone.template_key,
    )


def snapshot_of(
    contract: Contract,
    options: list[ExtensionOption],
    breaks: list[BreakClause],
    milestones: list[Milestone] | list[MilestoneFacts],
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
        milestones=tuple(_facts(m) for m in sorted(milestones, key=_milestone_order)),
        procedure=contract.procedure,
        successor=successor if contract.successor_id is not None else "",
    )


def successor_references(connection: Any, ids: list[int]) -> dict[int, str]:
    """The reference of each successor of the contracts `ids`, by the predecessor's id (a Session or
    a Core connection): what `snapshot_of` names in a predecessor's re-procurement deadlines."""
    successor = aliased(Contract)
    query = (select(Contract.id, successor.reference)
             .join(successor, col(successor.id) == col(Contract.successor_id)).where(col(Contract.id).in_(ids)))
    return {row[0]: row[1] for row in connection.execute(query)}
