"""The deadline version: a random id that changes whenever any deadline row is written (kept in
the one row of `deadline_version`, whose column is named `token` for history's sake; it is no
secret, unlike a feed's token).

Every ORM flush that adds, changes or deletes a Deadline gives it a new version (a listener on every
register session, installed by store.database, so no service can forget it); code that writes
deadline rows without the ORM (the bulk load, a restore) calls `mark_changed` itself. Readers such
as the feed server compare the version with the one they saw last: equal means no deadline changed,
in one primary-key read.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from .models import Deadline, DeadlineVersion

_TABLE = DeadlineVersion.__table__


def mark_changed(connection: Connection | Session) -> str:
    """Give the deadlines a new version (inside the caller's transaction) and return it."""
    version = uuid.uuid4().hex
    if connection.execute(update(_TABLE).where(_TABLE.c.id == 1).values(token=version)).rowcount == 0:
        connection.execute(_TABLE.insert().values(id=1, token=version))
    return version


def deadline_version(connection: Connection | Session) -> str:
    """The deadlines' current version ("" in a store that has none yet)."""
    return connection.execute(select(_TABLE.c.token).where(_TABLE.c.id == 1)).scalar() or ""


def _touches_deadlines(session: Session) -> bool:
    return any(isinstance(obj, Deadline) for group in (session.new, session.deleted) for obj in group) or any(
        isinstance(obj, Deadline) and session.is_modified(obj) for obj in session.dirty
    )


def _mark_deadline_writes(session: Session, flush_context, instances) -> None:
    if _touches_deadlines(session):
        mark_changed(session)


# Installed on the store's sessions by store.database.install_listeners, not by importing this module.
LISTENERS = (("before_flush", _mark_deadline_writes),)

