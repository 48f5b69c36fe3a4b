"""Backups a store can be restored from, on either database.

Two formats, both restorable into SQLite or PostgreSQL:
- `sqlite`: a copy of a SQLite store made with SQLite's online backup API (consistent while others
  read and write), the default for a SQLite store.
- `json`: the tool's own logical dump, JSON lines (gzip when the name ends in .gz): a header with the
  schema revision, then for each table its columns and one line per row. The default for PostgreSQL,
  and the way to move a register between SQLite and PostgreSQL.

A restore replaces the whole register in one step: for PostgreSQL in one transaction (its DDL is
transactional); for SQLite by building the new store in a scratch file and copying it over with the
backup API. A backup made at an older schema is restored at that schema and then upgraded.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from . import models  # noqa: F401  (registers every table)
from .change_marker import mark_changed
from .errors import InvalidInput, StoreUnavailable
from .models import DeadlineVersion, RegisterIdentity
from .store import build_engine, current_revision, head_revision, known_revisions, upgrade

DUMP_FORMAT = "contract-tracker-dump"
DUMP_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
BATCH = 2000


@dataclass
class Summary:
    """What was written or restored: the format, the schema revision and rows per table."""

    path: Path
    format: str
    revision: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def contracts(self) -> int:
        return self.rows.get("contract", 0)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _our_tables() -> list[str]:
    return [table.name for table in SQLModel.metadata.sorted_tables]


# Not register data: its token changes on every write, and a restore gives it a new one.
NOT_BACKED_UP = {DeadlineVersion.__tablename__}
# Rows the migrations make for every store (its identity): a restore puts the backup's own in their place.
MADE_BY_MIGRATIONS = {RegisterIdentity.__tablename__}


def _reflect(connection: Connection) -> list[Table]:
    """Our tables as they are in this database (any revision), parents before children."""
    present = set(inspect(connection).get_table_names())
    metadata = MetaData()
    metadata.reflect(bind=connection, only=[name for name in _our_tables() if name in present])
    return list(metadata.sorted_tables)


@contextmanager
def _atomic_file(path: Path) -> Iterator[Path]:
    """Write to a scratch file beside `path`, then rename: a crash never leaves half a backup."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        yield Path(scratch)
        os.replace(scratch, path)
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)


# --- backup -------------------------------------------------------------------------------------

def backup(engine: Engine, path: Path, *, format: str | None = None) -> Summary:
    """Write a backup of the store behind `engine` to `path`."""
    path = Path(path)
    if format is None:
        named_json = path.name.endswith((".json", ".jsonl", ".gz"))
        format = "sqlite" if is_sqlite(engine) and not named_json else "json"
    if format == "sqlite" and not is_sqlite(engine):
        raise InvalidInput("a PostgreSQL store is backed up as json (the tool's own dump); use --format json")
    if format not in ("sqlite", "json"):
        raise InvalidInput(f"backup format must be sqlite or json, not {format!r}")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give a file name for the backup")
    try:
        with _atomic_file(path) as scratch:
            summary = _backup_sqlite(engine, scratch) if format == "sqlite" else _backup_json(engine, scratch, path)
    except (DBAPIError, sqlite3.Error, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise StoreUnavailable(f"the backup to {path} failed ({reason}); no backup was written") from None
    summary.path = path
    return summary


def _backup_sqlite(engine: Engine, scratch: Path) -> Summary:
    target = sqlite3.connect(scratch)
    try:
        with engine.connect() as connection:
            connection.connection.driver_connection.backup(target)
        problems = target.execute("PRAGMA integrity_check").fetchall()
        if problems != [("ok",)]:
            raise InvalidInput(f"the backup failed its integrity check: {problems[0][0]}")
    finally:
        target.close()
    return read_summary(scratch)


def _open_text(path: Path, mode: str, compressed: bool):
    if compressed:
        return gzip.open(path, mode + "t", encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def _plain(value):
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _backup_json(engine: Engine, scratch: Path, named: Path) -> Summary:
    rows: dict[str, int] = {}
    # One repeatable-read snapshot on PostgreSQL, so the dump is consistent while others write.
    options = {} if is_sqlite(engine) else {"isolation_level": "REPEATABLE READ"}
    with engine.connect().execution_options(**options) as connection, \
            _open_text(scratch, "w", named.name.endswith(".gz")) as out, connection.begin():
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        out.write(json.dumps({"format": DUMP_FORMAT, "version": DUMP_VERSION, "revision": revision,
                              "created_at": datetime.now(UTC).isoformat(timespec="seconds")}) + "\n")
        for table in _reflect(connection):
            if table.name in NOT_BACKED_UP:
                continue
            columns = [column.name for column in table.columns]
            out.write(json.dumps({"table": table.name, "columns": columns}) + "\n")
            count = 0
            order = [table.c[name] for name in ("id",) if name in table.c]
            result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
                select(table).order_by(*order))
            for row in result:
                out.write(json.dumps([_plain(value) for value in row], ensure_ascii=False) + "\n")
                count += 1
            rows[table.name] = count
    return Summary(path=scratch, format="json", revision=revision, rows=rows)


# --- reading backups ----------------------------------------------------------------------------

def backup_format(path: Path) -> str:
    """sqlite or json, from the file's first bytes; InvalidInput for anything else."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"no backup file at {path}")
    with open(path, "rb") as handle:
        start = handle.read(16)
    if start == SQLITE_MAGIC:
        return "sqlite"
    if start[:2] == b"\x1f\x8b" or start.lstrip()[:1] == b"{":
        return "json"
    raise InvalidInput(f"{path} is not a contract-tracker backup (neither a SQLite store nor a dump)")


def _json_header(path: Path) -> dict:
    try:
        with _open_text(path, "r", _is_gzip(path)) as handle:
            header = json.loads(handle.readline())
    except (OSError, ValueError, EOFError):
        raise InvalidInput(f"{path} is not a readable contract-tracker dump") from None
    if not isinstance(header, dict) or header.get("format") != DUMP_FORMAT:
        raise InvalidInput(f"{path} is not a contract-tracker dump")
    if header.get("version") != DUMP_VERSION:
        raise InvalidInput(f"{path} is a dump of version {header.get('version')}; "
                           f"this tool reads version {DUMP_VERSION}")
    return header


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _json_tables(path: Path) -> Iterator[tuple[str, list[str], Iterator[list]]]:
    """(table, columns, rows) in file order; the rows must be consumed before the next table."""
    with _open_text(path, "r", _is_gzip(path)) as handle:
        handle.readline()
        pending: dict | None = None
        line = handle.readline()
        while line:
            item = json.loads(line)
            if not isinstance(item, dict) or "table" not in item:
                raise InvalidInput(f"{path} is damaged: expected a table header, found {line[:60]!r}")
            pending = item

            def rows() -> Iterator[list]:
                nonlocal line
                line = handle.readline()
                while line and line.startswith("["):
                    yield json.loads(line)
                    line = handle.readline()

            yield pending["table"], pending["columns"], rows()


def read_summary(path: Path) -> Summary:
    """The format, schema revision and row counts of a backup, without restoring it."""
    path = Path(path)
    kind = backup_format(path)
    if kind == "json":
        header = _json_header(path)
        counts = {}
        for table, _columns, rows in _json_tables(path):
            counts[table] = sum(1 for _ in rows)
        return Summary(path=path, format="json", revision=header["revision"], rows=counts)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in names or "contract" not in names:
            raise InvalidInput(f"{path} is a SQLite file but not a contract-tracker store")
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        counts = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                  for name in _our_tables() if name in names and name not in NOT_BACKED_UP}
    except sqlite3.DatabaseError as error:
        raise InvalidInput(f"{path} cannot be read as a SQLite store: {error}") from None
    finally:
        connection.close()
    return Summary(path=path, format="sqlite", revision=revision, rows=counts)


def _check_revision(summary: Summary) -> None:
    if summary.revision not in known_revisions():
        raise InvalidInput(f"{summary.path} was made by a newer contract-tracker (schema {summary.revision}); "
                           "upgrade the tool before restoring it")


# --- restore ------------------------------------------------------------------------------------

def restore(engine: Engine, path: Path) -> Summary:
    """Replace the register behind `engine` with the backup at `path`, then bring it to the
    current schema. Nothing is changed if the backup cannot be read."""
    path = Path(path)
    summary = read_summary(path)
    _check_revision(summary)
    try:
        _restore(engine, path, summary)
    except (DBAPIError, sqlite3.Error, ValueError, EOFError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise InvalidInput(f"{path} could not be restored ({reason}); the store is unchanged") from None
    engine.dispose()
    with engine.begin() as connection:
        mark_changed(connection)  # every deadline may differ: feed servers must rebuild
    summary.revision = current_revision(engine)
    return summary


def _restore(engine: Engine, path: Path, summary: Summary) -> None:
    with tempfile.TemporaryDirectory(prefix="ct-restore-") as scratch_dir:
        if summary.format == "sqlite":
            # Work on a copy: the backup file itself is never migrated or changed.
            source = Path(scratch_dir) / "source.sqlite"
            shutil.copyfile(path, source)
            source_engine = build_engine(f"sqlite:///{source}")
            try:
                upgrade(source_engine)
                if is_sqlite(engine):
                    _copy_sqlite_over(source, engine)
                else:
                    with source_engine.connect() as reader:
                        tables = [(t.name, [c.name for c in t.columns],
                                   (list(row) for row in reader.execute(select(t))))
                                  for t in _reflect(reader)]
                        _replace_postgres(engine, head_revision(), tables)
            finally:
                source_engine.dispose()
        elif is_sqlite(engine):
            scratch = Path(scratch_dir) / "restored.sqlite"
            scratch_engine = build_engine(f"sqlite:///{scratch}")
            try:
                with scratch_engine.begin() as connection:
                    upgrade(None, summary.revision, connection=connection)
                    _load(connection, _json_tables(path))
                upgrade(scratch_engine)
            finally:
                scratch_engine.dispose()
            _copy_sqlite_over(scratch, engine)
        else:
            _replace_postgres(engine, summary.revision, _json_tables(path))


def _copy_sqlite_over(source: Path, engine: Engine) -> None:
    """Copy a complete SQLite store over the live one with the backup API (one atomic step)."""
    reader = sqlite3.connect(source)
    try:
        with engine.connect() as connection:
            reader.backup(connection.connection.driver_connection)
    finally:
        reader.close()


def _replace_postgres(engine: Engine, revision: str, tables) -> None:
    """Drop the register, rebuild it at `revision`, load the rows, upgrade: one transaction."""
    with engine.begin() as connection:
        existing = _reflect(connection)
        for table in reversed(existing):
            table.drop(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(None, revision, connection=connection)
        _load(connection, tables)
        upgrade(None, "head", connection=connection)


def _load(connection: Connection, tables) -> None:
    """Insert every table's rows; a column that refers to its own table (a contract's successor)
    is filled in afterwards, so that rows can come in any order."""
    target = {table.name: table for table in _reflect(connection)}
    for name, columns, rows in tables:
        if name in NOT_BACKED_UP:  # from a SQLite backup moved to PostgreSQL: the migration made the row
            for _ in rows:  # read past them (a dump is read as a stream)
                pass
            continue
        table = target.get(name)
        if table is None:
            raise InvalidInput(f"the backup has a table this schema does not: {name}")
        unknown = set(columns) - set(table.c.keys())
        if unknown:
            raise InvalidInput(f"the backup's table {name} has columns this schema does not: "
                               f"{', '.join(sorted(unknown))}")
        if name in MADE_BY_MIGRATIONS:
            rows = list(rows)  # one row
            if rows:
                connection.execute(table.delete())
        self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table.name == name]
        convert = {column: _converter(table.c[column]) for column in columns}
        later: list[dict] = []
        batch: list[dict] = []
        for raw in rows:
            if not isinstance(raw, list) or len(raw) != len(columns):
                raise InvalidInput(f"the backup is damaged: a row of {name} does not match its columns")
            row = {column: convert[column](value) for column, value in zip(columns, raw, strict=True)}
            if self_refs and any(row.get(column) is not None for column in self_refs):
                later.append({"_id": row["id"], **{column: row[column] for column in self_refs}})
                row.update(dict.fromkeys(self_refs))
            batch.append(row)
            if len(batch) >= BATCH:
                connection.execute(table.insert(), batch)
                batch = []
        if batch:
            connection.execute(table.insert(), batch)
        if later:
            from sqlalchemy import bindparam

            connection.execute(
                table.update().where(table.c.id == bindparam("_id")).values(
                    {column: bindparam(column) for column in self_refs}),
                later,
            )
        _move_sequences_past_loaded_ids(connection, table)


def _move_sequences_past_loaded_ids(connection: Connection, table: Table) -> None:
    """PostgreSQL: rows loaded with their ids leave the id sequence behind; move it past them."""
    if connection.dialect.name == "postgresql" and "id" in table.c:
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
            f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM \"{table.name}\""))


def _converter(column):
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return lambda value: value
    if kind is datetime:
        return lambda value: datetime.fromisoformat(value) if isinstance(value, str) else value
    if kind is date:
        return lambda value: date.fromisoformat(value) if isinstance(value, str) else value
    return lambda value: value
