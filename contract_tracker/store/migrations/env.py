"""Alembic environment: runs against the engine the store hands over (never a second config)."""

from alembic import context
from sqlmodel import SQLModel

from contract_tracker.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # the caller's transaction (a restore replaces a store in one)
        _run(connection)
        return
    engine = config.attributes.get("engine")
    if engine is None:
        from contract_tracker.settings import resolve
        from contract_tracker.store.database import build_engine

        engine = build_engine(config.get_main_option("sqlalchemy.url") or resolve().database_url)
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            _run(connection)
        return
    with engine.connect() as connection:
        # SQLite alters a table by copying it and dropping the old one (batch mode); with foreign
        # keys on, dropping the contract table deletes every row that refers to it. So they are off
        # while the migration runs (the pragma only takes effect outside a transaction), and every
        # link is checked before it commits.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        try:
            with connection.begin():
                _run(connection)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                if broken is not None:
                    raise RuntimeError(f"the migration left rows of {broken[0]} pointing at rows that do not exist")
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")  # the pooled connection is used again
            connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; open the store instead")
run_migrations_online()
