"""Every row of every table of a store, normalised so that stores on SQLite and PostgreSQL (and
stores before and after a migration or a restore) can be compared for equality."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, MetaData, inspect, select
from sqlmodel import SQLModel

from contract_tracker.store import models  # noqa: F401

# Not register data: a random token that changes on every deadline write and on a restore.
NOT_COMPARED = {"deadline_version"}


def _normal(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def table_rows(engine: Engine, *, drop_columns: tuple[str, ...] = (),
               only_columns: dict[str, set[str]] | None = None) -> dict[str, list[tuple]]:
    """{table: sorted rows as tuples of (column, value) pairs} for every register table
    (with `only_columns`, just those tables and columns)."""
    with engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        names = [t.name for t in SQLModel.metadata.sorted_tables
                 if t.name in present and t.name not in NOT_COMPARED
                 and (only_columns is None or t.name in only_columns)]
        metadata = MetaData()
        metadata.reflect(bind=connection, only=names)
        out = {}
        for name in names:
            table = metadata.tables[name]
            columns = [c.name for c in table.columns if c.name not in drop_columns
                       and (only_columns is None or c.name in only_columns[name])]
            rows = connection.execute(select(*[table.c[c] for c in columns])).all()
            out[name] = sorted(tuple((c, _normal(v)) for c, v in zip(columns, row, strict=True)) for row in rows)
        return out


def counts(engine: Engine) -> dict[str, int]:
    return {name: len(rows) for name, rows in table_rows(engine).items()}
