"""Finding records by the names people use for them."""

from __future__ import annotations

from sqlmodel import Session, select

from ..domain.limits import INTEGER_MAX
from ..errors import NotFound
from ..store.models import Contract, ExtensionOption, Milestone


def get_contract(session: Session, reference: str) -> Contract:
    contract = session.exec(select(Contract).where(Contract.reference == reference)).first()
    if contract is None:
        raise NotFound(f"no contract with reference {reference!r}")
    return contract


def lock_contract(session: Session, reference: str) -> Contract:
    """The contract, locked until this transaction ends.

    Every change to a contract or to its options, breaks, milestones and figures takes this lock
    before anything else, so concurrent writers queue on one row in one order: none deadlocks (as
    two did on PostgreSQL when each locked an option first), and a writer that had not read the
    contract yet works on what the one before it committed (six first writes of a year's figures
    each keep theirs). A copy this session read earlier is kept as it was, so an edit made from
    it is still refused by the version check if someone changed the contract since (StaleEdit).
    SQLite has no row locks: the transaction takes the database's write lock instead, waiting its
    turn (busy_timeout)."""
    take_write_lock(session)
    contract = session.exec(select(Contract).where(Contract.reference == reference).with_for_update()).first()
    if contract is None:
        raise NotFound(f"no contract with reference {reference!r}")
    return contract


def take_write_lock(session: Session) -> None:
    """On SQLite, begin this transaction as a writer (BEGIN IMMEDIATE) unless it already is one:
    a reader that turns writer later can find its snapshot stale and fail at once, where a
    writer from the start simply waits for the one before it. Nothing to do on PostgreSQL."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    assert driver is not None  # an open connection
    if not driver.in_transaction:
        driver.execute("BEGIN IMMEDIATE")


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
