"""Upgrades without data loss: a store made at the first migration and filled with the demo
upgrades to the latest schema with every record intact; the models match the migrations; every
revision goes up, down and up again. On SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel, select

from contract_tracker.errors import StaleEdit
from contract_tracker.services import edit_contract, get_contract
from contract_tracker.services.backup import _load, _reflect
from contract_tracker.services.demo import load_demo
from contract_tracker.services.integrity import check_store
from contract_tracker.store.database import (
    Store,
    _alembic_config,
    build_engine,
    current_revision,
    head_revision,
    upgrade,
)
from contract_tracker.store.models import AuditEvent
from store_rows import table_rows

FIRST = "0001"


def _at_first_revision(url: str):
    """An empty store at the first migration (PostgreSQL's test database is taken down to it)."""
    engine = build_engine(url)
    if current_revision(engine) is None:
        upgrade(engine, FIRST)
    else:
        command.downgrade(_alembic_config(engine), FIRST)
    assert current_revision(engine) == FIRST
    return engine


def _fill_with_the_demo(engine, tmp_path):
    """Load the demo (written by today's code) and copy it into the old store, column by column
    that the old schema has: the register a user of the first release would have had."""
    scratch = Store.open(f"sqlite:///{tmp_path / 'demo-source.sqlite'}")
    with scratch.session() as session:
        load_demo(session)
    with scratch.engine.connect() as reader, engine.begin() as writer:
        old_columns = {t.name: set(t.columns.keys()) for t in _reflect(writer)}
        tables = []
        for table in _reflect(reader):
            if table.name not in old_columns:  # a table added since the first release
                continue
            keep = [c.name for c in table.columns if c.name in old_columns[table.name]]
            query = select(*[table.c[c] for c in keep])
            if table.name == "deadline":  # the authority's own notices (no contract) came with 0016
                query = query.where(table.c.contract_id.is_not(None))
            rows = [list(row) for row in reader.execute(query)]
            tables.append((table.name, keep, rows))
        _load(writer, tables)
    scratch.close()
    return old_columns


def test_a_first_release_store_with_the_demo_upgrades_with_every_record_intact(db_url, tmp_path):
    engine = _at_first_revision(db_url)
    old_columns = _fill_with_the_demo(engine, tmp_path)
    before = table_rows(engine)
    assert sum(len(rows) for rows in before.values()) > 100 and len(before["contract"]) == 10
    engine.dispose()

    store = Store.open(db_url)  # opening an old store upgrades it
    try:
        assert current_revision(store.engine) == head_revision()
        # Every fact is kept as it was. The deadline table is derived from the facts: opening the store
        # rewrote it by this version's rules (stream_upkeep), and `db check` below finds it current.
        after = table_rows(store.engine, only_columns=old_columns)
        derived = {"deadline"}
        assert {t: rows for t, rows in after.items() if t not in derived} == {
            t: rows for t, rows in before.items() if t not in derived}
        assert {row[:4] for row in before["deadline"]} <= {row[:4] for row in after["deadline"]}  # ids kept
        with store.session() as session:
            assert session.exec(select(AuditEvent).where(AuditEvent.contract_version.is_not(None))).first() is None
        report = check_store(store.engine)
        assert report.ok, report.findings
        # and the upgraded register works: a stale edit is refused naming only the new change
        with store.session() as session:
            read = get_contract(session, "WCC-SEND-MED-2025").version
        with store.session() as session:
            edit_contract(session, "WCC-SEND-MED-2025", {"title": "After the upgrade"}, actor="upgrader")
        try:
            with store.session() as session:
                edit_contract(session, "WCC-SEND-MED-2025", {"title": "Stale"}, actor="x", expected_version=read)
        except StaleEdit as error:
            assert "upgrader at" in str(error) and "demo loader" not in str(error)
        else:
            raise AssertionError("a stale edit went through after the upgrade")
    finally:
        store.close()


def test_the_models_match_the_migrations(store):
    """Autogenerate finds nothing to do: no model change was made without its migration."""
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_every_revision_upgrades_downgrades_and_upgrades_again(db_url):
    engine = build_engine(db_url)
    config = _alembic_config(engine)
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    try:
        command.downgrade(config, "base")
        assert not {"contract", "audit_event"} & set(inspect(engine).get_table_names())
        for script in revisions:
            command.upgrade(config, script.revision)
            command.downgrade(config, "-1")
            command.upgrade(config, script.revision)
            assert current_revision(engine) == script.revision
    finally:
        command.upgrade(config, "head")
        engine.dispose()
    assert current_revision(build_engine(db_url)) == head_revision()



def test_a_downgrade_keeps_every_row_that_refers_to_a_contract(demo_store):
    """SQLite alters a table by copying it and dropping the old one: with foreign keys on, taking the
    contract table's new columns away (0018, 0015) deleted every option, milestone and deadline."""
    engine = demo_store.engine
    counted = ("extension_option", "milestone", "contract_supplier", "break_clause")
    def counts() -> dict[str, int]:
        with engine.connect() as connection:
            return {name: connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar() for name in counted}

    before = counts()
    assert all(before.values())
    config = _alembic_config(engine)
    try:
        command.downgrade(config, "0014")
        assert counts() == before
        if engine.dialect.name == "sqlite":  # and the store's connections check links again afterwards
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        command.upgrade(config, "head")
    assert counts() == before
