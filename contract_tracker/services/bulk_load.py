"""Loading many contracts at once (imports, benchmarks): the same checks as the services, far fewer
round trips.

`register_contract` costs a dozen statements and a re-read per contract, which is right for one
person's change and far too slow for 100,000 contracts. Here each chunk of contracts is checked and
turned into rows by `bulk_rows.prepare_chunk` (the services' own rules, the pure deadline engine
on the facts in memory), in this process or in worker processes a few chunks ahead, and this
process inserts each table's rows of a chunk with one executemany (COPY on PostgreSQL) through the
driver's cursor. A chunk is written whole or not at all: a bad contract rejects its chunk, and the
error names it.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from multiprocessing import get_context

from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from ..errors import InvalidInput
from ..gc_pause import gc_paused
from ..store.change_marker import mark_changed
from .audit import utcnow
from .bulk_rows import (
    AUDIT,
    AUDIT_COLUMNS,
    BREAK,
    BREAK_COLUMNS,
    CONTRACT,
    CONTRACT_COLUMNS,
    DEADLINE,
    DEADLINE_COLUMNS,
    MILESTONE,
    MILESTONE_COLUMNS,
    MILESTONE_KIND,
    OPTION,
    OPTION_COLUMNS,
    SUPPLIER,
    SUPPLIER_COLUMNS,
    BulkContract,
    FirstIds,
    PreparedChunk,
    pack,
    prepare_chunk,
    prepare_packed,
)

__all__ = ["BulkContract", "LoadResult", "bulk_load", "default_workers", "defer_deadline_indexes",
           "load_within", "restore_indexes"]


@dataclass
class LoadResult:
    contracts: int = 0
    deadlines: int = 0


class _Writer:
    """Inserts prepared chunks through the DBAPI cursor of one connection (COPY on PostgreSQL)."""

    def __init__(self, connection: Connection):
        self.connection = connection
        dialect = connection.dialect
        self.marker = "?" if dialect.paramstyle == "qmark" else "%s"
        self.copy = dialect.name == "postgresql" and dialect.driver == "psycopg"
        self.quote = dialect.identifier_preparer

    def cursor(self):
        return self.connection.connection.dbapi_connection.cursor()

    def insert(self, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        name = self.quote.format_table(table)
        quoted = ", ".join(self.quote.quote(column) for column in columns)
        cursor = self.cursor()
        try:
            if self.copy:  # one stream instead of a round trip per row, in the same transaction
                with cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {name} ({quoted}) VALUES ({', '.join([self.marker] * len(columns))})", rows)
        except self.connection.dialect.loaded_dbapi.IntegrityError as error:
            # Someone else wrote a clashing row (the same reference) while this load ran.
            raise InvalidInput(f"the store changed while loading ({str(error).splitlines()[0]})") from None
        finally:
            cursor.close()

    def select(self, sql: str, values: list) -> list[tuple]:
        """`sql` with one IN (...) list, filled with `values`."""
        cursor = self.cursor()
        try:
            if self.copy:
                # Rows just copied in have no statistics yet: PostgreSQL would scan the whole table
                # for each of these look-ups (comparing every row with every value in the list),
                # and a load would slow down chunk by chunk. The indexes are there: use them.
                cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(sql.replace("(...)", f"({', '.join([self.marker] * len(values))})"), values)
            rows = cursor.fetchall()
            if self.copy:
                cursor.execute("SET LOCAL enable_seqscan = on")
            return rows
        finally:
            cursor.close()

    def write(self, chunk: PreparedChunk) -> LoadResult:
        """Insert every row of `chunk`, swapping contract and milestone positions for their ids
        (unless the chunk was prepared with its ids)."""
        taken = self.select("SELECT reference FROM contract WHERE reference IN (...) LIMIT 1", chunk.references)
        if taken:
            raise InvalidInput(f"a contract with reference {taken[0][0]!r} already exists")
        if chunk.with_ids:
            return self._write_as_prepared(chunk)
        self.insert(CONTRACT, CONTRACT_COLUMNS, [row[1:] for row in chunk.contracts])
        ids = dict(self.select("SELECT reference, id FROM contract WHERE reference IN (...)", chunk.references))
        contract_ids = [ids[reference] for reference in chunk.references]
        for table, columns, rows in ((SUPPLIER, SUPPLIER_COLUMNS, chunk.suppliers),
                                     (OPTION, OPTION_COLUMNS, chunk.options),
                                     (BREAK, BREAK_COLUMNS, chunk.breaks)):
            self.insert(table, columns, [(contract_ids[row[0]], *row[1:]) for row in rows])
        self.insert(MILESTONE, MILESTONE_COLUMNS, [(contract_ids[row[1]], *row[2:]) for row in chunk.milestones])
        self.insert(AUDIT, AUDIT_COLUMNS, [(contract_ids[row[0]], contract_ids[row[1]], *row[2:])
                                           for row in chunk.audit])
        milestone_ids = self._milestone_ids(chunk, contract_ids)
        self.insert(DEADLINE, DEADLINE_COLUMNS, [
            (contract_ids[row[0]], milestone_ids[row[1]] if row[2] == MILESTONE_KIND else row[1], *row[2:])
            for row in chunk.deadlines
        ])
        return LoadResult(contracts=len(chunk.contracts), deadlines=len(chunk.deadlines))

    def _write_as_prepared(self, chunk: PreparedChunk) -> LoadResult:
        for table, columns, rows in ((CONTRACT, ("id", *CONTRACT_COLUMNS), chunk.contracts),
                                     (SUPPLIER, SUPPLIER_COLUMNS, chunk.suppliers),
                                     (OPTION, OPTION_COLUMNS, chunk.options),
                                     (BREAK, BREAK_COLUMNS, chunk.breaks),
                                     (MILESTONE, ("id", *MILESTONE_COLUMNS), chunk.milestones),
                                     (AUDIT, AUDIT_COLUMNS, chunk.audit),
                                     (DEADLINE, DEADLINE_COLUMNS, chunk.deadlines)):
            self.insert(table, columns, rows)
        return LoadResult(contracts=len(chunk.contracts), deadlines=len(chunk.deadlines))

    def _milestone_ids(self, chunk: PreparedChunk, contract_ids: list[int]) -> list[int]:
        """Each milestone's id, by its position in the chunk. Ids ascend in insertion order within
        this transaction, and no one else can add milestones to contracts not yet committed."""
        if not chunk.milestones:
            return []
        fresh = [row[0] for row in self.select(
            "SELECT id FROM milestone WHERE contract_id IN (...) ORDER BY contract_id, id", contract_ids)]
        positions = range(len(chunk.milestones))
        if contract_ids != sorted(contract_ids):  # the query orders by contract id; so must we
            positions = sorted(positions, key=lambda n: contract_ids[chunk.milestones[n][1]])
        ids = [0] * len(fresh)
        for position, milestone_id in zip(positions, fresh, strict=True):
            ids[position] = milestone_id
        return ids


def _begin(connection: Connection) -> list[str] | None:
    """Start the load. Into an empty SQLite store, the whole load is one transaction (a savepoint
    per chunk) with the deadline table's secondary indexes dropped: their CREATE statements are
    returned, to rebuild at the end. Else None: each chunk is a transaction of its own.

    Inserting a million and a half deadlines into the (due_date, state) index at random places
    costs more than the rest of SQLite's work; one sort at the end costs a few seconds. Being one
    transaction, a crash or a kill part-way leaves the store as it was, indexes and all.
    """
    if connection.dialect.name != "sqlite":
        return None
    # Index pages for a million deadlines do not fit SQLite's default 2 MB cache.
    connection.exec_driver_sql("PRAGMA cache_size=-131072")
    if connection.exec_driver_sql("SELECT 1 FROM deadline LIMIT 1").first() is None:
        _leave_wal(connection)
    connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now: nobody adds rows meanwhile
    deferred = defer_deadline_indexes(connection)
    if deferred is None:
        connection.rollback()
        _back_to_wal(connection)
    return deferred


def _leave_wal(connection: Connection) -> None:
    """Write a first load into an empty SQLite store straight to the database file, under a
    rollback journal, when no one else has the store open.

    Through the WAL every page is written twice (to the log, then copied into the file at the
    checkpoint): at 100,000 contracts that is 870 MB twice, and the checkpoint alone took 4 s.
    Pages added past the end of the file need no journal, so a rollback journal writes them once,
    and a crash or kill still leaves the store as it was (the journal rolls it back when next
    opened). SQLite refuses the switch at once while another connection is open; the load then
    goes through the WAL as before. `_back_to_wal` restores the store's mode (every connection
    also sets WAL when it opens).
    """
    try:
        connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
    except OperationalError:  # "database is locked": someone else has the store open
        connection.rollback()


def _back_to_wal(connection: Connection) -> None:
    """The store's own journal mode again (a no-op if it never left it). If another connection
    holds the store and the switch cannot be made, this connection is discarded instead, so the
    pool never hands it out in the wrong mode; the next connection opened sets WAL."""
    try:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        connection.commit()  # ends the statement's implicit transaction (SQLite had none)
    except OperationalError:
        connection.invalidate()


# Deadline indexes that cost a load next to nothing, so are kept: rows arrive in contract order
# (each insert lands at the index's end), and the authority's rows are not the load's.
KEPT_WHILE_LOADING = frozenset({"ix_deadline_contract_id", "ux_deadline_authority"})


def defer_deadline_indexes(connection: Connection) -> list[str] | None:
    """In a SQLite transaction that holds the write lock, on a store with no deadlines yet: drop
    the deadline table's secondary indexes (but those KEPT_WHILE_LOADING) and return their CREATE
    statements, for `restore_indexes` once the rows are in (one sort, instead of inserting each
    deadline into each index at a random place). None, and nothing dropped, on other stores and
    databases."""
    if connection.dialect.name != "sqlite":
        return None
    if connection.exec_driver_sql("SELECT 1 FROM deadline LIMIT 1").first() is not None:
        return None
    indexes = [(name, sql) for name, sql in connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deadline' AND sql IS NOT NULL"
    ) if name not in KEPT_WHILE_LOADING]
    for name, _ in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _, sql in indexes]  # the store's own definitions, recreated word for word


def restore_indexes(connection: Connection, statements: list[str] | None) -> None:
    for statement in statements or []:
        connection.exec_driver_sql(statement)


@contextmanager
def _chunk_transaction(connection: Connection, deferred: list[str] | None) -> Iterator[None]:
    """One chunk, written whole or not at all."""
    if deferred is not None:
        with connection.begin_nested():
            yield
        return
    with connection.begin():  # the driver's statements go straight to its cursor: begin here
        yield


def _finish(connection: Connection, deferred: list[str] | None) -> None:
    if deferred is not None:
        restore_indexes(connection, deferred)
        connection.commit()
        _back_to_wal(connection)


def _chunks(items: Iterable[BulkContract], size: int) -> Iterator[list[BulkContract]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def default_workers() -> int:
    """Worker processes worth starting for a large load: one per core, at most three (the writer
    cannot keep more busy); none on a single core. The writer waits part of the time (for SQLite
    and for the chunks), and an extra worker takes up that time: at 100,000 contracts on two
    cores, two workers loaded in 26.5-27 s where one took 27.6-28 s."""
    cores = os.cpu_count() or 1
    return 0 if cores < 2 else min(cores, 3)


def _first_ids(connection: Connection) -> FirstIds:
    """The ids the next contract and milestone will have, for a load that holds the write lock
    throughout (nobody else can take them meanwhile)."""
    return FirstIds(*(connection.exec_driver_sql(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").scalar_one()
                      for table in ("contract", "milestone")))


def _with_first_ids(chunks: Iterator[list[BulkContract]],
                    first: FirstIds | None) -> Iterator[tuple[list[BulkContract], FirstIds | None]]:
    """Each chunk with the ids its first contract and milestone will have: ids are taken in
    order, so each chunk's follow from the counts of the chunks before it."""
    for chunk in chunks:
        yield chunk, first
        if first is not None:
            first = FirstIds(first.contract + len(chunk), first.milestone + sum(len(item.milestones) for item in chunk))


def _prepared(items: Iterable[BulkContract], chunk_size: int, actor: str, dialect,
              workers: int, reason: str = "bulk load", first: FirstIds | None = None) -> Iterator[PreparedChunk]:
    """Each chunk, prepared in order: in this process, or by `workers` processes a few chunks ahead
    of the writer. A load of one chunk is prepared here (a worker would only cost its start-up).
    With `first` (the load holds the write lock), rows carry their ids and the writer has nothing
    to look up or swap."""
    chunks = _with_first_ids(_chunks(items, chunk_size), first)
    ahead = list(islice(chunks, 2))
    if workers <= 0 or len(ahead) < 2:
        for chunk, ids in chain(ahead, chunks):
            yield prepare_chunk(chunk, utcnow(), actor, dialect, reason, first_ids=ids)
        return
    # "spawn": a clean interpreter, whatever the caller holds (open connections, threads).
    # Workers only build chunks' rows, freed by reference counting: no cyclic collector (see gc_pause).
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=gc.disable)
    pending: deque = deque()

    def submit(chunk: list[BulkContract], ids: FirstIds | None) -> None:
        pending.append(pool.submit(prepare_packed, pack(chunk), utcnow(), actor, type(dialect), reason, ids))

    try:
        later = chain(ahead[1:], chunks)
        for chunk, ids in islice(later, workers + 1):  # a chunk in hand for each worker, and one queued
            submit(chunk, ids)
        # A worker takes about a second to start: this process prepares the first chunk meanwhile.
        chunk, ids = ahead[0]
        yield prepare_chunk(chunk, utcnow(), actor, dialect, reason, first_ids=ids)
        for chunk, ids in later:
            submit(chunk, ids)
            yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)


def bulk_load(store, items: Iterable[BulkContract], *, actor: str, chunk_size: int = 2000,
              workers: int = 0) -> LoadResult:
    """Register every contract in `items`, `chunk_size` at a time; returns the counts.

    Each chunk is written whole or not at all. Raises InvalidInput (naming the contract) on the
    first bad one; earlier chunks stay loaded. With `workers` (e.g. `default_workers()`), that many
    processes check and compute the chunks while this one writes; the rows are the same. They are
    started with "spawn", so a calling script needs the `if __name__ == "__main__":` guard.
    """
    total = LoadResult()
    with gc_paused(), store.engine.connect() as connection:
        deferred = _begin(connection)
        writer = _Writer(connection)
        try:
            first = _first_ids(connection) if deferred is not None else None
            with closing(_prepared(items, chunk_size, actor, connection.dialect, workers, first=first)) as chunks:
                for chunk in chunks:
                    with _chunk_transaction(connection, deferred):
                        loaded = writer.write(chunk)
                        mark_changed(connection)  # feeds re-read: these deadlines bypass the ORM
                    total.contracts += loaded.contracts
                    total.deadlines += loaded.deadlines
        except InvalidInput:
            _finish(connection, deferred)  # keep the chunks written before the bad one
            _refresh_authority(connection)
            raise
        except BaseException:
            if deferred is not None:  # the whole load rolls back; the store's mode comes back
                connection.rollback()
                _back_to_wal(connection)
            raise
        _finish(connection, deferred)
        _refresh_authority(connection)
    return total


def _refresh_authority(connection: Connection) -> None:
    """The authority's notices follow the register (services.notices), in a transaction of their own."""
    from .notices import refresh_in

    with connection.begin():
        if refresh_in(connection):
            mark_changed(connection)


def load_within(connection: Connection, items: Iterable[BulkContract], *, actor: str, reason: str,
                chunk_size: int = 2000, workers: int = 0,
                progress: Callable[[int], None] | None = None) -> LoadResult:
    """Register every contract in `items` in `connection`'s open transaction, which the caller
    commits or rolls back: an import's new contracts, written whole with the rest of its file or
    not at all. Each gets one audit event, "created" with `reason`. `progress` is told how many
    contracts each chunk added."""
    total = LoadResult()
    writer = _Writer(connection)
    with gc_paused(), closing(_prepared(items, chunk_size, actor, connection.dialect, workers, reason)) as chunks:
        for chunk in chunks:
            loaded = writer.write(chunk)
            total.contracts += loaded.contracts
            total.deadlines += loaded.deadlines
            if progress is not None:
                progress(loaded.contracts)
    if total.contracts:
        from .notices import refresh_in  # the authority's notices follow the register

        refresh_in(connection)
        mark_changed(connection)  # feeds re-read: these deadlines bypass the ORM
    return total
