"""Each register's identity (the root of its calendar UIDs), kept by backups and restores on both
databases; and SEQUENCE marks, which keep an event's SEQUENCE rising when its deadline's row goes
and comes back."""

from __future__ import annotations

import uuid

from alembic import command
from sqlalchemy import inspect, select
from sqlmodel import Session

from contract_tracker.calendar.origin import origin_of
from contract_tracker.services import edit_contract
from contract_tracker.services.backup import backup, restore
from contract_tracker.store.database import Store, _alembic_config
from contract_tracker.store.models import Deadline
from contract_tracker.store.register_identity import read_identity

SL = "DEMO-SL-2026"  # break clause 30 Sep 2027, initial term 2 years to 31 Mar 2028


def _identity(store: Store) -> str:
    with store.session() as session:
        return read_identity(session)


def test_every_store_is_made_with_a_random_identity_of_its_own(tmp_path, store):
    other = Store.open(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        assert uuid.UUID(_identity(store)) != uuid.UUID(_identity(other))
    finally:
        other.close()


def test_a_backup_restored_anywhere_keeps_the_identity_and_so_the_uids(demo_store, tmp_path):
    identity = _identity(demo_store)
    dump = tmp_path / "register.json.gz"
    backup(demo_store.engine, dump)
    elsewhere = Store.open(f"sqlite:///{tmp_path / 'elsewhere.sqlite'}")
    try:
        assert _identity(elsewhere) != identity  # made with its own, until the restore
        restore(elsewhere.engine, dump)
        assert _identity(elsewhere) == identity
        copy = tmp_path / "copy.sqlite"
        backup(elsewhere.engine, copy)
    finally:
        elsewhere.close()
    with demo_store.engine.begin() as connection:  # the live store is given another identity ...
        from contract_tracker.store.register_identity import give_identity
        give_identity(connection)
    assert _identity(demo_store) != identity
    restore(demo_store.engine, copy)  # ... and gets its own back from a SQLite file, on either database
    assert _identity(demo_store) == identity


def test_a_store_from_before_the_identity_is_given_one_when_upgraded(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'old.sqlite'}")
    try:
        command.downgrade(_alembic_config(store.engine), "0012")
        assert "register_identity" not in inspect(store.engine).get_table_names()
        command.upgrade(_alembic_config(store.engine), "head")
        uuid.UUID(_identity(store))
        command.downgrade(_alembic_config(store.engine), "0012")
        assert "register_identity" not in inspect(store.engine).get_table_names()
    finally:
        store.close()


def _break_row(session: Session) -> Deadline | None:
    return session.exec(select(Deadline).where(Deadline.contract_reference == SL, Deadline.kind == "break notice")
                        ).scalars().first()


def test_a_deadline_that_goes_and_comes_back_keeps_its_row_and_its_sequence_rises(demo_store):
    with demo_store.session() as session:
        for title in ("Supported living A", "Supported living B"):
            edit_contract(session, SL, {"title": title}, actor="test officer")
        assert _break_row(session).sequence == 2
        uid = origin_of(session).uid(_break_row(session).contract_id, "break notice", _break_row(session).ordinal)
    with demo_store.session() as session:
        edit_contract(session, SL, {"initial_term": "1y"}, actor="test officer")  # the break falls after the end
        gone = _break_row(session)
        assert (gone.state, gone.sequence) == ("superseded", 3)  # kept, with its history
    with demo_store.session() as session:
        edit_contract(session, SL, {"initial_term": "2y"}, actor="test officer")
        back = _break_row(session)
        assert (back.state, back.sequence) == ("open", 4)
        assert origin_of(session).uid(back.contract_id, back.kind, back.ordinal) == uid
    with demo_store.session() as session:  # gone again, and back again: still rising
        edit_contract(session, SL, {"initial_term": "1y"}, actor="test officer")
        edit_contract(session, SL, {"initial_term": "2y"}, actor="test officer")
        assert _break_row(session).sequence == 6
