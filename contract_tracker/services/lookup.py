"""Finding records by the names people use for them."""

from __future__ import annotations

from sqlmodel import Session, select

from ..errors import NotFound
from ..limits import INTEGER_MAX
from ..models import Contract, ExtensionOption, Milestone


def get_contract(session: Session, reference: str) -> Contract:
    contract = session.exec(select(Contract).where(Contract.reference == reference)).first()
    if contract is None:
        raise NotFound(f"no contract with reference {reference!r}")
    return contract


def options_of(session: Session, contract: Contract) -> list[ExtensionOption]:
    return list(session.exec(
        select(ExtensionOption).where(ExtensionOption.contract_id == contract.id).order_by(ExtensionOption.ordinal)
    ))


def get_option(session: Session, contract: Contract, ordinal: int) -> ExtensionOption:
    for option in options_of(session, contract):
        if option.ordinal == ordinal:
            return option
    raise NotFound(f"{contract.reference} has no option {ordinal}")


def get_milestone(session: Session, contract: Contract, milestone_id: int) -> Milestone:
    if not 1 <= milestone_id <= INTEGER_MAX:  # no such id can be stored, and the driver would refuse to ask
        raise NotFound(f"{contract.reference} has no milestone {milestone_id}")
    milestone = session.get(Milestone, milestone_id)
    if milestone is None or milestone.contract_id != contract.id:
        raise NotFound(f"{contract.reference} has no milestone {milestone_id}")
    return milestone
