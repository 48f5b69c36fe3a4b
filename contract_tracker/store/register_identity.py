"""The register's identity: a random UUID made with the store (migration 0014) and carried by its
backups. Calendar UIDs are built from it (calendar.origin), so the same deadline keeps its UID in
every export, feed and restored copy of this register, and no other register ever gives it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel

from ..errors import StoreUnavailable
from .models import RegisterIdentity

_TABLE = SQLModel.metadata.tables[RegisterIdentity.__tablename__]


def read_identity(connection: Connection | Session) -> str:
    """The register's identity (one primary-key read)."""
    identity = connection.execute(select(_TABLE.c.identity).where(_TABLE.c.id == 1)).scalar()
    if not identity:
        raise StoreUnavailable("the store has no register identity (its register_identity row is missing); "
                               "restore it from a backup")
    return identity


def give_identity(connection: Connection | Session) -> str:
    """Give a store that has none (one emptied table by table, as the tests' PostgreSQL stores
    are) a new identity, as its migration would; the identity."""
    identity = str(uuid.uuid4())
    connection.execute(_TABLE.delete())
    connection.execute(_TABLE.insert().values(id=1, identity=identity, created_at=datetime.now(UTC)))
    return identity
