"""Backups a store can be restored from, on either database.

Two formats, both restorable into SQLite or PostgreSQL:
- `sqlite`: a copy of a SQLite store made with SQLite's online backup API (consistent while others
  read and write), the default for a SQLite store.
- `json`: the tool's own logical dump, JSON lines (gzip when the name ends in .gz): a header with the
  schema revision, then for each table its columns and one line per row, then an end line with the
  counts. The default for PostgreSQL, and the way to move a register between SQLite and PostgreSQL.

A restore never trusts the file: it builds the backup into a scratch SQLite store at the backup's
schema, upgrades it and checks it (restore_scratch), and only then replaces the register in one
step: for PostgreSQL in one transaction (its DDL is transactional), for SQLite by copying the
scratch store over the live one with the backup API (one write transaction).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import sqlite3
import tempfile
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from ..errors import InvalidInput, StoreUnavailable
from ..files import loads_json
from ..store import models  # noqa: F401  (registers every table)
from ..store.change_marker import mark_changed
from ..store.database import build_engine, current_revision, head_revision, known_revisions, upgrade
from .restore_scratch import MADE_BY_MIGRATIONS, NOT_BACKED_UP, build_checked_store

DUMP_FORMAT = "contract-tracker-dump"
DUMP_VERSION = 2  # 2: an end line with the counts of tables and rows, so a cut-off dump is found
READABLE_DUMP_VERSIONS = (1, 2)
SQLITE_MAGIC = b"SQLite format 3\x00"
BATCH = 2000


@dataclass
class Summary:
    """What was written or restored: the format, the schema revision and rows per table."""

    path: Path
    format: str
    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    repaired: int = 0  # contracts whose deadline rows a restore rewrote from their facts

    @property
    def contracts(self) -> int:
        return self.rows.get("contract", 0)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _our_tables() -> list[str]:
    return [table.name for table in SQLModel.metadata.sorted_tables]



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
        out.write(json.dumps({"end": {"tables": len(rows), "rows": sum(rows.values())}}) + "\n")
    return Summary(path=scratch, format="json", revision=revision, rows=rows)


# --- reading backups ----------------------------------------------------------------------------

def backup_format(path: Path) -> str:
    """sqlite or json, from the file's first bytes; InvalidInput for anything else."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"no backup file at {path}")
    try:
        with open(path, "rb") as handle:
            start = handle.read(16)
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror or error}") from None
    if start == SQLITE_MAGIC:
        return "sqlite"
    if start[:2] == b"\x1f\x8b" or start.lstrip()[:1] == b"{":
        return "json"
    raise InvalidInput(f"{path} is not a contract-tracker backup (neither a SQLite store nor a dump)")


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _json_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of a dump, blank lines skipped; a file that cannot be read to its end
    (gzip cut short, not UTF-8) is one InvalidInput."""
    try:
        with _open_text(path, "r", _is_gzip(path)) as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as error:
        reason = "it ends early" if isinstance(error, EOFError) else str(error).splitlines()[0][:80]
        raise InvalidInput(f"{path} is damaged and cannot be read ({reason})") from None


class _Dump:
    """A dump read as a stream: its header, then (table, columns, rows) one table at a time.

    The rows of a table must be consumed before the next table is asked for. A version 2 dump
    ends with a line of row counts, so a file cut off between two lines is found too."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lines = _json_lines(path)
        first = next(self._lines, None)
        if first is None:
            raise InvalidInput(f"{path} is empty")
        self.header = self._header(self._parse(*first))
        self._pending: tuple[int, str] | None = next(self._lines, None)

    def _parse(self, number: int, line: str):
        return loads_json(line, source=f"{self.path} line {number}")

    def _header(self, header) -> dict:
        if not isinstance(header, dict) or header.get("format") != DUMP_FORMAT:
            raise InvalidInput(f"{self.path} is not a contract-tracker dump")
        if header.get("version") not in READABLE_DUMP_VERSIONS:
            raise InvalidInput(f"{self.path} is a dump of version {header.get('version')!r:.20}; this tool reads "
                               f"versions {', '.join(map(str, READABLE_DUMP_VERSIONS))}")
        if not isinstance(header.get("revision"), str) or not header["revision"]:
            raise InvalidInput(f"{self.path} does not say which schema revision it was made at")
        return header

    @property
    def revision(self) -> str:
        return self.header["revision"]

    def tables(self) -> Iterator[tuple[str, list[str], Iterator[list]]]:
        names: list[str] = []
        rows_read = 0
        while self._pending is not None:
            number, line = self._pending
            item = self._parse(number, line)
            if isinstance(item, dict) and "end" in item:
                self._check_end(number, item["end"], len(names), rows_read)
                return
            name, columns = self._table_header(number, item, line)
            names.append(name)
            self._pending = next(self._lines, None)
            counter = [0]
            yield name, columns, self._rows(counter)
            for _ in self._rows(counter):  # whatever the caller left unread
                pass
            rows_read += counter[0]
        if self.header["version"] >= 2:
            raise InvalidInput(f"{self.path} ends early: it was cut off after {rows_read:,} rows (no end line)")

    def _table_header(self, number: int, item, line: str) -> tuple[str, list[str]]:
        if not isinstance(item, dict) or "table" not in item:
            raise InvalidInput(f"{self.path} is damaged: line {number} should name a table, not {line[:40]!r}")
        name, columns = item.get("table"), item.get("columns")
        if not isinstance(name, str) or not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise InvalidInput(f"{self.path} is damaged: line {number} is not a table name with a list of columns")
        if len(set(columns)) != len(columns):
            raise InvalidInput(f"{self.path} is damaged: table {name} lists a column twice")
        return name, columns

    def _rows(self, counter: list[int]) -> Iterator[list]:
        while self._pending is not None and self._pending[1].lstrip().startswith("["):
            number, line = self._pending
            row = self._parse(number, line)
            if not isinstance(row, list):
                raise InvalidInput(f"{self.path} is damaged: line {number} is not a row")
            counter[0] += 1
            self._pending = next(self._lines, None)
            yield row
        if self._pending is not None and not self._pending[1].lstrip().startswith("{"):
            number, line = self._pending
            raise InvalidInput(f"{self.path} is damaged: line {number} is neither a row nor a table: {line[:40]!r}")

    def _check_end(self, number: int, end, tables: int, rows: int) -> None:
        if not isinstance(end, dict) or end.get("tables") != tables or end.get("rows") != rows:
            raise InvalidInput(f"{self.path} is damaged: it holds {tables} tables and {rows:,} rows, but its end "
                               f"line (line {number}) says otherwise")
        extra = next(self._lines, None)
        if extra is not None:
            raise InvalidInput(f"{self.path} is damaged: line {extra[0]} comes after the end line")


def _sqlite_revision(connection: sqlite3.Connection, path: Path) -> str:
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "alembic_version" not in names or "contract" not in names:
        raise InvalidInput(f"{path} is a SQLite file but not a contract-tracker store")
    revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    if len(revisions) != 1 or not isinstance(revisions[0], str):
        raise InvalidInput(f"{path} does not record one schema revision (it has {len(revisions)})")
    return revisions[0]


def read_summary(path: Path) -> Summary:
    """The format, schema revision and row counts of a backup, without restoring it (reading it
    whole: a dump that is cut off or not well formed is refused here, in one line)."""
    path = Path(path)
    kind = backup_format(path)
    if kind == "json":
        dump = _Dump(path)
        counts = {}
        for table, _columns, rows in dump.tables():
            counts[table] = sum(1 for _ in rows)
        return Summary(path=path, format="json", revision=dump.revision, rows=counts)
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise InvalidInput(f"{path} cannot be read as a SQLite store: {error}") from None
    try:
        revision = _sqlite_revision(connection, path)
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                  for name in _our_tables() if name in names and name not in NOT_BACKED_UP}
    except sqlite3.Error as error:
        raise InvalidInput(f"{path} cannot be read as a SQLite store: {error}") from None
    finally:
        connection.close()
    return Summary(path=path, format="sqlite", revision=revision, rows=counts)


def _check_revision(summary: Summary) -> None:
    if summary.revision not in known_revisions():
        raise InvalidInput(f"{summary.path} is at schema revision {summary.revision!r:.40}, which this version does "
                           "not know (made by a newer contract-tracker?); upgrade the tool before restoring it")


def _sqlite_tables(copy: Path, original: Path) -> Iterator[tuple[str, list[str], Iterator[list]]]:
    """The tables of a SQLite backup (our copy of it), after SQLite's own integrity check."""
    connection = sqlite3.connect(copy)
    try:
        problems = connection.execute("PRAGMA integrity_check").fetchmany(1)
        if problems != [("ok",)]:
            raise InvalidInput(f"{original} fails SQLite's integrity check: {problems[0][0] if problems else '?'}")
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for name in names:
            if name == "alembic_version":
                continue
            quoted = '"' + name.replace('"', '""') + '"'
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({quoted})")]
            cursor = connection.execute(f"SELECT {', '.join(chr(34) + c + chr(34) for c in columns)} FROM {quoted}")
            yield name, columns, iter(cursor)
    except sqlite3.Error as error:
        raise InvalidInput(f"{original} cannot be read as a SQLite store: {str(error).splitlines()[0]}") from None
    finally:
        connection.close()


# --- restore ------------------------------------------------------------------------------------

SCRATCH_PREFIX = "ct-restore-"


def restore(engine: Engine, path: Path) -> Summary:
    """Replace the register behind `engine` with the backup at `path`, brought to the current schema.

    The backup is first built into a scratch store and checked there (restore_scratch); only a
    backup that passes every check is swapped in, in one step. Otherwise InvalidInput names the
    first problem and the register is exactly as it was."""
    path = Path(path)
    summary = read_summary(path)
    _check_revision(summary)
    remove_stale_scratch()
    with scratch_folder() as folder:
        scratch = folder / "restored.sqlite"
        if summary.format == "sqlite":
            copy = folder / "backup.sqlite"  # the backup file itself is never opened for writing
            shutil.copyfile(path, copy)
            tables = _sqlite_tables(copy, path)
        else:
            tables = _Dump(path).tables()
        summary.repaired = build_checked_store(tables, revision=summary.revision, scratch=scratch, name=str(path))
        try:
            if is_sqlite(engine):
                _copy_sqlite_over(scratch, engine)
            else:
                _replace_postgres_from(scratch, engine)
        except (DBAPIError, sqlite3.Error, OSError) as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise InvalidInput(f"{path} could not be restored ({reason}); the store is unchanged") from None
    engine.dispose()
    with engine.begin() as connection:
        mark_changed(connection)  # every deadline may differ: feed servers must rebuild
    summary.revision = current_revision(engine)
    return summary


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """A scratch folder, removed when the block ends, on an error, Ctrl+C or SIGTERM alike. A
    process killed outright (SIGKILL) cannot clean up: its folder carries its process id, and
    the next restore removes it (remove_stale_scratch)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
    previous = _exit_on_sigterm()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm():
    """Make SIGTERM raise SystemExit (so `finally` blocks run); the previous handler, or None
    when this is not the main thread (only it may set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    return signal.signal(signal.SIGTERM, stop)


def remove_stale_scratch(folder: Path | None = None) -> list[Path]:
    """Remove scratch folders left by restores whose process no longer runs; the ones removed."""
    removed = []
    for candidate in Path(folder or tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        pid = candidate.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        try:
            if not candidate.is_dir() or candidate.stat().st_uid != os.getuid() or not pid.isdigit():
                continue
        except OSError:
            continue
        if int(pid) != os.getpid() and not _running(int(pid)):
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _replace_postgres_from(scratch: Path, engine: Engine) -> None:
    """Copy the checked scratch store (at the current schema) into PostgreSQL in one transaction."""
    source = build_engine(f"sqlite:///{scratch}")
    try:
        with source.connect() as reader:
            tables = [(t.name, [c.name for c in t.columns], (list(row) for row in reader.execute(select(t))))
                      for t in _reflect(reader)]
            _replace_postgres(engine, head_revision(), tables)
    finally:
        source.dispose()


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
