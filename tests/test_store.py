"""The store: created by migrations, upgraded on open, SQLite pragmas, and the default location."""

import sqlite3

import pytest
from sqlalchemy import inspect, text

from contract_tracker import paths
from contract_tracker.settings import resolve
from contract_tracker.store.database import Store, build_engine, current_revision, head_revision, upgrade


def test_a_new_store_is_made_by_migrations(db_url):
    store = Store.open(db_url)
    try:
        assert current_revision(store.engine) == head_revision()
        tables = set(inspect(store.engine).get_table_names())
        assert {"contract", "extension_option", "break_clause", "milestone", "audit_event", "deadline",
                "alembic_version"} <= tables
    finally:
        store.close()


def test_an_older_store_is_upgraded_when_opened(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = build_engine(url)
    upgrade(engine, "0001")
    engine.dispose()
    store = Store.open(url)
    assert current_revision(store.engine) == head_revision()
    store.close()


def test_sqlite_has_foreign_keys_and_wal(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'p.sqlite'}")
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    store.close()


def test_default_store_lives_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("CONTRACT_TRACKER_DB")
    settings = resolve()
    assert settings.database_url == f"sqlite:///{paths.default_database_file()}"
    assert str(paths.default_database_file()).startswith(str(tmp_path))
    store = Store.open(settings.database_url)
    store.close()
    assert sqlite3.connect(paths.default_database_file()).execute("select count(*) from contract").fetchone() == (0,)


def test_flag_beats_environment(monkeypatch):
    monkeypatch.setenv("CONTRACT_TRACKER_DB", "sqlite:///env.sqlite")
    assert resolve("flag.sqlite").database_url == "sqlite:///flag.sqlite"
    assert resolve().database_url == "sqlite:///env.sqlite"
    assert resolve("postgresql://u@h/db").database_url == "postgresql+psycopg://u@h/db"


def test_a_store_being_written_under_a_rollback_journal_is_refused_in_one_line(tmp_path):
    """A first bulk load into an empty store holds it under a rollback journal: anyone opening it
    meanwhile is told why it cannot be opened, at once and without a traceback."""
    from contract_tracker.errors import StoreUnavailable

    path = tmp_path / "register.sqlite"
    Store.open(f"sqlite:///{path}").close()
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode=DELETE")
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM contract")
        with pytest.raises(StoreUnavailable, match="database is locked: another process is writing it"):
            Store.open(f"sqlite:///{path}")
    finally:
        writer.close()
    Store.open(f"sqlite:///{path}").close()  # and opens again once the writer has gone
