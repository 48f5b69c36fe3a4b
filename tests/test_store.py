"""The store: created by migrations, upgraded on open, SQLite pragmas, and the default location."""

import sqlite3

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
