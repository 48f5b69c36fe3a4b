"""A register's calendar origin: its identity, kept by the store, and the contract link setting."""

from __future__ import annotations

from sqlmodel import Session

from ..store.register_identity import read_identity
from .events import Origin, contract_url_setting


def origin_of(session: Session, contract_url: str | None = None) -> Origin:
    """The calendar origin of the register behind `session`, with contract links when configured."""
    return Origin(register=read_identity(session), contract_url=contract_url_setting(contract_url))
