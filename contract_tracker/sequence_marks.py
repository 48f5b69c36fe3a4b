"""SEQUENCE never goes down for a UID, even when a deadline's row is removed and comes back.

A calendar app that holds an event with SEQUENCE 3 ignores a copy with SEQUENCE 0 as older. A
deadline's row may be removed (an option declined, a milestone deleted) and later come back with
the same identity (contract, kind, ordinal), hence the same UID: the new row would start again at 0.
So when a flush removes deadline rows, the highest sequence each had is kept as a mark
(`deadline_sequence_mark`), and a row added later for the same identity starts above its mark.

A listener on the Session class, like change_marker's, so no service can forget it; the bulk load
only adds rows for new contracts, which have no marks. Nothing is read unless a flush adds or
removes deadline rows.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, event, select, update
from sqlmodel import Session

from .models import Deadline, DeadlineSequenceMark

_MARKS = DeadlineSequenceMark.__table__


def _key(row: Deadline) -> tuple[int, str, int]:
    return (row.contract_id, row.kind, row.ordinal)


def _is(key: tuple[int, str, int]):
    return and_(_MARKS.c.contract_id == key[0], _MARKS.c.kind == key[1], _MARKS.c.ordinal == key[2])


def _marks(session: Session, keys: set[tuple[int, str, int]]) -> dict[tuple[int, str, int], int]:
    found = session.execute(
        select(_MARKS.c.contract_id, _MARKS.c.kind, _MARKS.c.ordinal, _MARKS.c.sequence)
        .where(_MARKS.c.contract_id.in_({key[0] for key in keys}))
    )
    return {(contract_id, kind, ordinal): sequence for contract_id, kind, ordinal, sequence in found
            if (contract_id, kind, ordinal) in keys}


def remember(session: Session, removed: list[Deadline]) -> None:
    """Keep the highest sequence of each removed row (raising an older mark, never lowering it)."""
    highest: dict[tuple[int, str, int], int] = {}
    for row in removed:
        key = _key(row)
        highest[key] = max(highest.get(key, 0), row.sequence or 0)
    known = _marks(session, set(highest))
    for key, sequence in highest.items():
        if key not in known:
            session.execute(_MARKS.insert().values(
                contract_id=key[0], kind=key[1], ordinal=key[2], sequence=sequence))
        elif sequence > known[key]:
            session.execute(update(_MARKS).where(_is(key)).values(sequence=sequence))


def resume(session: Session, added: list[Deadline]) -> None:
    """Start each added row above the mark its identity left, and drop the mark (the row carries
    the sequence on from here)."""
    keys = {_key(row) for row in added}
    known = _marks(session, keys)
    if not known:
        return
    for row in added:
        mark = known.get(_key(row))
        if mark is not None and (row.sequence or 0) <= mark:
            row.sequence = mark + 1
    for key in known:
        session.execute(delete(_MARKS).where(_is(key)))


@event.listens_for(Session, "before_flush")
def _keep_sequences_rising(session: Session, flush_context, instances) -> None:
    removed = [obj for obj in session.deleted if isinstance(obj, Deadline)]
    added = [obj for obj in session.new if isinstance(obj, Deadline)]
    if removed:
        remember(session, removed)
    if added:
        resume(session, added)
