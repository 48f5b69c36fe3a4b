"""Shared fixtures: an isolated environment for every test, and a store on SQLite and PostgreSQL.

PostgreSQL tests use the server on 127.0.0.1:5432 (trust auth). Each test session creates a
database of its own and drops it at the end. When the server cannot be reached those tests are
skipped with the reason, except under CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os
import uuid
from datetime import date

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text

from contract_tracker.store.database import Store

PG_ADMIN_URL = os.environ.get("CONTRACT_TRACKER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TODAY = date(2026, 11, 22)

# Property tests: no deadline anywhere (a busy machine must not fail a test), and in CI the same
# examples every run (derandomised, no example database), so a red run is the code, not the dice.
# A larger search for scheduled runs: HYPOTHESIS_PROFILE=nightly or `pytest --hypothesis-profile=nightly`
# (`make test-nightly`). A failure prints the example and a blob to reproduce it with @reproduce_failure.
_CALM = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "print_blob": True}
settings.register_profile("dev", **_CALM)
settings.register_profile("ci", **_CALM, derandomize=True, database=None)
settings.register_profile("nightly", **_CALM, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev"))


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch):
    """Keep the developer's own register and settings out of every test."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("CONTRACT_TRACKER_DB", f"sqlite:///{tmp_path / 'default.sqlite'}")
    monkeypatch.setenv("CONTRACT_TRACKER_USER", "test officer")


def _postgres_unavailable(reason: str):
    message = f"PostgreSQL at 127.0.0.1:5432 is not reachable ({reason})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + "; CI requires it", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_database():
    """A fresh, migrated PostgreSQL database for this test session (one per xdist worker)."""
    name = f"ct_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        _postgres_unavailable(str(error).splitlines()[0])
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    store = Store.open(url)
    store.close()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(store: Store) -> None:
    from sqlmodel import SQLModel

    from contract_tracker.store.change_marker import mark_changed
    from contract_tracker.store.register_identity import give_identity

    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with store.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        mark_changed(connection)  # as in a freshly migrated store, the deadline version has its row
        give_identity(connection)  # ... and the register its own identity


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """The URL of an empty, migrated store, on each database in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'register.sqlite'}"
    url = request.getfixturevalue("postgres_database")
    store = Store.open(url)
    _truncate_all(store)
    store.close()
    return url


@pytest.fixture
def store(db_url):
    opened = Store.open(db_url)
    yield opened
    opened.close()


@pytest.fixture
def demo_store(store):
    from contract_tracker.services.demo import load_demo

    with store.session() as session:
        load_demo(session)
    return store


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def cli(tmp_path):
    """Run the command line in-process on a SQLite store of its own, as of 2026-11-22 by default."""
    from typer.testing import CliRunner

    from contract_tracker.cli import app

    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"

    def invoke(*args, today="2026-11-22"):
        return runner.invoke(app, ["--db", db, "--today", today, *args], catch_exceptions=False)

    return invoke
