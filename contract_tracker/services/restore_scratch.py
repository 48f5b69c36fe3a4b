"""Build a backup into a scratch SQLite store and check it: the register a restore may swap in.

In order, each step refusing with one line that names the first problem:
1. the schema is made by our migrations at the backup's revision (never taken from the file);
2. every table of that revision is in the backup with exactly its columns, and every value fits
   its column (restore_checks.value_checker); rows are loaded with foreign keys off, then
3. every reference between rows must resolve (`PRAGMA foreign_key_check`);
4. the store is upgraded to the current schema;
5. every row loads through its model's validation and the register's rules;
6. `db check` passes: SQLite's integrity check, the foreign keys again, the schema revision, and
   every contract's deadlines as its facts give them. Deadline rows are derived data: stale ones
   (from an older version's rules, say) are rewritten from the facts and counted, not refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, select
from sqlmodel import SQLModel

from ..domain.limits import computed_dates, is_date_range_error
from ..errors import DomainError, InvalidInput
from ..store import models
from ..store.database import build_engine, register_session, upgrade
from ..store.restore_checks import BadValue, row_problem, value_checker

# Not register data: its token changes on every write, and a restore gives it a new one.
NOT_BACKED_UP = {models.DeadlineVersion.__tablename__}
# Rows the migrations make for every store (its identity): a restore puts the backup's own in their place.
MADE_BY_MIGRATIONS = {models.RegisterIdentity.__tablename__}
BATCH = 2000
# Checked row by row through their models; deadlines are derived, and checked against the facts.
CHECKED_MODELS = (models.Contract, models.ContractSupplier, models.ExtensionOption, models.BreakClause,
                  models.Milestone, models.AuditEvent, models.ContractYearFigures, models.FeedSubscription,
                  models.ImportedRecord, models.ContractKpi)

Tables = Iterable[tuple[str, list[str], Iterator]]


def build_checked_store(tables: Tables, *, revision: str, scratch: Path, name: str) -> int:
    """Load `tables` (read from the backup named `name`, made at `revision`) into a new SQLite
    store at `scratch` and check it; return how many contracts' deadlines were rewritten."""
    engine = build_engine(f"sqlite:///{scratch}")
    try:
        upgrade(engine, revision)
        expected = _reflect(engine)
        engine.dispose()
        _load(scratch, expected, tables, name)
        _check_links(scratch, name)
        try:
            upgrade(engine)
        except Exception as error:
            if isinstance(error, DomainError):
                raise
            raise InvalidInput(f"{name} could not be upgraded to the current schema "
                               f"({str(getattr(error, 'orig', None) or error).splitlines()[0]})") from None
        _check_rows(engine, name)
        return _check_deadlines(engine, name)
    finally:
        engine.dispose()


def _reflect(engine: Engine) -> dict[str, Table]:
    metadata = MetaData()
    metadata.reflect(bind=engine)
    return {table_name: table for table_name, table in metadata.tables.items()
            if table_name != "alembic_version" and table_name not in NOT_BACKED_UP}


def _load(scratch: Path, expected: dict[str, Table], tables: Tables, name: str) -> None:
    connection = sqlite3.connect(scratch)
    try:
        connection.execute("PRAGMA foreign_keys=OFF")  # rows come table by table; links are checked after
        seen: set[str] = set()
        for table_name, columns, rows in tables:
            if table_name in NOT_BACKED_UP:
                continue
            table = expected.get(table_name)
            if table is None:
                raise InvalidInput(f"{name} has a table this schema does not: {table_name!r:.60}")
            if table_name in seen:
                raise InvalidInput(f"{name} has the table {table_name} twice")
            seen.add(table_name)
            _check_columns(table, columns, name)
            if table_name in MADE_BY_MIGRATIONS:
                own = list(rows)  # one row
                if own:
                    connection.execute(f'DELETE FROM "{table_name}"')
                rows = iter(own)
            _insert(connection, table, columns, rows, name)
        missing = sorted(set(expected) - seen)
        if missing:
            raise InvalidInput(f"{name} has no {missing[0]} table: it is damaged, or not a whole backup")
        connection.commit()
    finally:
        connection.close()


def _check_columns(table: Table, columns: list[str], name: str) -> None:
    unknown = [column for column in columns if column not in table.c]
    if unknown:
        raise InvalidInput(f"{name}: the table {table.name} has columns this schema does not: "
                           f"{', '.join(repr(c) for c in unknown)[:120]}")
    missing = [column.name for column in table.columns if column.name not in columns]
    if missing:
        raise InvalidInput(f"{name}: the table {table.name} lacks the column {missing[0]}")


def _insert(connection: sqlite3.Connection, table: Table, columns: list[str], rows, name: str) -> None:
    checks = [value_checker(table.c[column]) for column in columns]
    key = columns.index("id") if "id" in columns else None
    sql = (f'INSERT INTO "{table.name}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) '
           f'VALUES ({", ".join("?" for _ in columns)})')
    batch: list[list] = []
    for number, raw in enumerate(rows, start=1):
        if not isinstance(raw, (list, tuple)) or len(raw) != len(columns):
            raise InvalidInput(f"{name} is damaged: {_where(table, number, raw, key)} does not match the table's "
                               f"{len(columns)} columns")
        try:
            batch.append([check(value) for check, value in zip(checks, raw, strict=True)])
        except BadValue:
            for column, check, value in zip(columns, checks, raw, strict=True):  # which one: say so
                try:
                    check(value)
                except BadValue as problem:
                    raise InvalidInput(f"{name}: {_where(table, number, raw, key)}: {column} {problem}") from None
        if len(batch) >= BATCH:
            _write(connection, sql, batch, table.name, name)
            batch = []
    if batch:
        _write(connection, sql, batch, table.name, name)


def _where(table: Table, number: int, raw, key: int | None) -> str:
    """ "contract row 3 (id 7)": which row, for a message."""
    has_id = key is not None and isinstance(raw, (list, tuple)) and len(raw) > key
    return f"{table.name} row {number}" + (f" (id {raw[key]!r:.20})" if has_id else "")


def _write(connection: sqlite3.Connection, sql: str, batch: list[list], table: str, name: str) -> None:
    try:
        connection.executemany(sql, batch)
    except sqlite3.IntegrityError as error:  # a duplicate id or unique pair
        raise InvalidInput(f"{name}: the table {table} breaks a rule of the schema ({error})") from None


def _check_links(scratch: Path, name: str) -> None:
    connection = sqlite3.connect(scratch)
    try:
        broken = connection.execute("PRAGMA foreign_key_check").fetchmany(1)
    finally:
        connection.close()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise InvalidInput(f"{name}: {table} row (id {rowid}) refers to a {parent} that is not in the backup")


def _check_rows(engine: Engine, name: str) -> None:
    with engine.connect() as connection:
        for model in CHECKED_MODELS:
            table = SQLModel.metadata.tables[str(model.__tablename__)]
            try:
                result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
                    select(table).order_by(table.c.id))
                for row in result:
                    problem = row_problem(model, dict(row._mapping))
                    if problem:
                        raise InvalidInput(f"{name}: {table.name} (id {row.id}): {problem}")
            except (ValueError, TypeError, ArithmeticError) as error:  # a value the column's type cannot read
                raise InvalidInput(f"{name}: the table {table.name} cannot be read "
                                   f"({str(error).splitlines()[0][:100]})") from None


def _check_deadlines(engine: Engine, name: str) -> int:
    from .integrity import check_store

    try:
        repaired = check_store(engine, repair=True)
    except (OverflowError, ValueError) as error:
        if not is_date_range_error(error):
            raise
        _name_contract_out_of_range(engine, name)
        raise InvalidInput(f"{name}: a date worked out from a contract falls outside the years 1 to 9999") from None
    except InvalidInput as error:
        raise InvalidInput(f"{name}: {error}") from None
    # Checked once more only if rows were rewritten: otherwise that pass was the check itself.
    report = check_store(engine) if repaired.repaired and not repaired.findings else repaired
    if report.findings:
        raise InvalidInput(f"{name} fails the store check: {report.findings[0]}")
    return repaired.repaired


def _name_contract_out_of_range(engine: Engine, name: str) -> None:
    """Find the contract whose dates cannot be worked out, and refuse naming it."""
    from ..domain.deadlines import deadlines_for
    from .sync import load_snapshot

    with register_session(engine) as session:
        for contract in session.scalars(select(models.Contract).order_by(models.Contract.reference)):
            with computed_dates(f"{name}: contract {contract.reference}"):
                deadlines_for(load_snapshot(session, contract))

