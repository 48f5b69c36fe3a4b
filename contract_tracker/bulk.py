"""Loading many contracts at once (imports, benchmarks): the same checks as the services, far fewer
round trips.

`register_contract` costs a dozen statements and a re-read per contract, which is right for one
person's change and far too slow for 100,000 contracts. Here each chunk of contracts is checked with
the services' own rules, its facts are inserted with one executemany per table, each contract's
deadlines are computed by the pure engine from the facts already in memory (no re-reading), and the
deadline rows and one audit "created" event per contract are inserted the same way. A chunk is one
transaction: a bad contract rejects its whole chunk and nothing of that chunk is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from itertools import islice
from operator import itemgetter
from types import SimpleNamespace

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from .deadlines import deadlines_for
from .enums import BreakParty, MilestoneStatus, OptionStatus
from .errors import InvalidInput
from .durations import parse_duration
from .models import (
    AuditEvent, BreakClause, Contract, ContractSupplier, Deadline, ExtensionOption, Milestone,
)
from .services.audit import utcnow
from .services.contracts import EDITABLE, ContractFields, _check_dates, _choice, _clean
from .services.milestones import _kind, _status
from .snapshot import snapshot_of

CONTRACT = Contract.__table__
SUPPLIER = ContractSupplier.__table__
OPTION = ExtensionOption.__table__
BREAK = BreakClause.__table__
MILESTONE = Milestone.__table__
AUDIT = AuditEvent.__table__
DEADLINE = Deadline.__table__


@dataclass
class MilestoneInput:
    """A milestone as `add_milestone` takes it: a day (start_date None) or a span ending on due_date."""

    kind: str
    name: str
    due_date: date
    start_date: date | None = None
    status: str = MilestoneStatus.PLANNED.value
    met_on: date | None = None
    owner: str = ""
    notes: str = ""


@dataclass
class BulkContract:
    contract: ContractFields
    milestones: list[MilestoneInput] = field(default_factory=list)


@dataclass
class LoadResult:
    contracts: int = 0
    deadlines: int = 0


def _contract_row(data: ContractFields, now) -> dict:
    if data.replaces:
        raise InvalidInput("bulk load cannot link predecessors (replaces); link them afterwards")
    values = _clean({f.name: getattr(data, f.name) for f in fields(data) if f.name in EDITABLE or f.name == "reference"})
    row = dict(currency="GBP", termination_reason="", successor_id=None, terminated_on=None, version=1,
               **values, created_at=now, updated_at=now)
    _check_dates(SimpleNamespace(**row))  # the same rule as register_contract
    return row


def _option_rows(data: ContractFields) -> list[dict]:
    rows = []
    for ordinal, length in enumerate(data.options, start=1):
        notice = data.option_notices[ordinal - 1] if ordinal <= len(data.option_notices) else None
        rows.append(dict(
            ordinal=ordinal, length=str(parse_duration(length)),
            notice=str(parse_duration(notice)) if notice else None,
            status=OptionStatus.AVAILABLE.value, decided_on=None, decided_by="", note="", version=1,
        ))
    return rows


def _break_rows(data: ContractFields, start: date | None) -> list[dict]:
    rows = []
    for clause in data.breaks:
        if clause.earliest_date is None and not clause.after:
            raise InvalidInput("a break clause needs a break date or a period after the start (e.g. after 12m)")
        if start and clause.earliest_date and clause.earliest_date < start:
            raise InvalidInput("a break date cannot fall before the contract starts")
        rows.append(dict(
            earliest_date=clause.earliest_date,
            after=str(parse_duration(clause.after)) if clause.after else None,
            notice=str(parse_duration(clause.notice)),
            party=_choice(clause.party, BreakParty, "party"),
            note=clause.note,
        ))
    return rows


def _milestone_row(item: MilestoneInput) -> dict:
    if not item.name or not item.name.strip():
        raise InvalidInput("a milestone needs a name")
    if item.start_date is not None and item.start_date > item.due_date:
        raise InvalidInput(f"milestone {item.name!r}: a span must run forwards")
    status = _status(item.status)
    met_on = item.met_on
    if status == MilestoneStatus.MET and met_on is None:
        met_on = item.due_date
    start = None if item.start_date == item.due_date else item.start_date
    return dict(kind=_kind(item.kind), name=item.name.strip(), start_date=start, due_date=item.due_date,
                status=status, met_on=met_on, owner=item.owner, notes=item.notes, template_key=None, version=1)


@dataclass
class _Prepared:
    contract: dict
    suppliers: list[str]
    options: list[dict]
    breaks: list[dict]
    milestones: list[dict]


def _prepare(item: BulkContract, now) -> _Prepared:
    data = item.contract
    try:
        contract = _contract_row(data, now)
        return _Prepared(
            contract=contract,
            suppliers=[name.strip() for name in data.suppliers if name and name.strip()],
            options=_option_rows(data),
            breaks=_break_rows(data, contract.get("start_date")),
            milestones=[_milestone_row(m) for m in item.milestones],
        )
    except InvalidInput as error:
        raise InvalidInput(f"{data.reference or '(no reference)'}: {error}") from None


def deadline_rows(contract: dict, options: list[dict], breaks: list[dict], milestones: list[dict], now) -> list[dict]:
    """The rows `services.refresh_deadlines` would write for a new contract, from in-memory facts.

    Each dict must carry what the models carry (milestones their ids). `snapshot_of` reads
    attributes, so plain namespaces stand in for model instances.
    """
    snapshot = snapshot_of(
        SimpleNamespace(**contract),
        [SimpleNamespace(**row) for row in options],
        [SimpleNamespace(**row) for row in breaks],
        [SimpleNamespace(**row) for row in milestones],
    )
    wanted = {(item.kind._value_, item.ordinal): item for item in deadlines_for(snapshot)}
    contract_id, reference, title, area = (contract["id"], contract["reference"], contract["title"],
                                           contract["service_area"])
    # Dict literals and `_value_` (a plain attribute, where `.value` is a descriptor): a million
    # rows in a national load make each attribute look-up count.
    return [
        {
            "contract_id": contract_id, "kind": kind, "ordinal": ordinal, "start_date": item.start_date,
            "due_date": item.due_date, "state": item.state._value_, "title": item.title, "action": item.action,
            "owner": item.owner, "contract_reference": reference, "contract_title": title,
            "service_area": area, "fingerprint": item.fingerprint(), "sequence": 0, "updated_at": now,
        }
        for (kind, ordinal), item in wanted.items()
    ]


def _insert_many(connection: Connection, table, rows: list[dict]) -> None:
    """INSERT every row with one DBAPI executemany.

    The statement is compiled once and each column's own bind processor (Pence, SQLite dates) is
    applied in a tight loop: SQLAlchemy's per-row parameter building costs about 12 us a row, which
    is most of a 3-million-row load.
    """
    if not rows:
        return
    dialect = connection.dialect
    columns = [column for column in table.columns if column.name in rows[0]]
    processors = [_memo(column.type._cached_bind_processor(dialect)) for column in columns]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer
    sql = (f"INSERT INTO {quote.format_table(table)} ({', '.join(quote.quote(c.name) for c in columns)}) "
           f"VALUES ({', '.join([marker] * len(columns))})")
    row_values = itemgetter(*[column.name for column in columns])
    converting = [(index, process) for index, process in enumerate(processors) if process is not None]
    if len(columns) == 1:
        params = [(row_values(row),) for row in rows]
    elif not converting:
        params = [row_values(row) for row in rows]
    else:
        params = []
        for row in rows:
            values = list(row_values(row))
            for index, process in converting:
                if values[index] is not None:
                    values[index] = process(values[index])
            params.append(tuple(values))
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        _copy(connection, quote.format_table(table), [quote.quote(c.name) for c in columns], params)
        return
    connection.exec_driver_sql(sql, params)


def _copy(connection: Connection, table: str, columns: list[str], params: list[tuple]) -> None:
    """PostgreSQL's COPY, in the same transaction: one stream instead of a round trip per row."""
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for values in params:
                copy.write_row(values)
    finally:
        cursor.close()


def _memo(process):
    """A bind processor that converts each distinct value once (dates and stamps repeat a lot)."""
    if process is None:
        return None
    seen: dict = {}

    def convert(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = converted = process(value)
            return converted
        except TypeError:  # unhashable
            return process(value)

    return convert


def _ids_by_reference(connection: Connection, references: list[str]) -> dict[str, int]:
    rows = connection.execute(select(CONTRACT.c.reference, CONTRACT.c.id).where(CONTRACT.c.reference.in_(references)))
    return dict(rows.all())


def _load_chunk(connection: Connection, items: list[BulkContract], *, actor: str) -> LoadResult:
    now = utcnow()
    prepared = [_prepare(item, now) for item in items]
    references = [p.contract["reference"] for p in prepared]
    if len(set(references)) != len(references):
        seen: set[str] = set()
        duplicate = next(r for r in references if r in seen or seen.add(r))
        raise InvalidInput(f"reference {duplicate!r} appears twice in the load")
    taken = connection.execute(select(CONTRACT.c.reference).where(CONTRACT.c.reference.in_(references))).first()
    if taken:
        raise InvalidInput(f"a contract with reference {taken[0]!r} already exists")

    _insert_many(connection, CONTRACT, [p.contract for p in prepared])
    ids = _ids_by_reference(connection, references)
    suppliers, options, breaks, milestones, audit = [], [], [], [], []
    for p in prepared:
        contract_id = p.contract["id"] = ids[p.contract["reference"]]
        suppliers += [dict(contract_id=contract_id, position=n, name=name, identifier="")
                      for n, name in enumerate(p.suppliers, start=1)]
        for rows, into in ((p.options, options), (p.breaks, breaks), (p.milestones, milestones)):
            for row in rows:
                row["contract_id"] = contract_id
            into += rows
        audit.append(dict(at=now, actor=actor, contract_id=contract_id, contract_reference=p.contract["reference"],
                          entity="contract", entity_id=contract_id, action="created", field="",
                          old_value="", new_value="", reason="bulk load"))
    for table, rows in ((SUPPLIER, suppliers), (OPTION, options), (BREAK, breaks), (AUDIT, audit),
                        (MILESTONE, milestones)):
        _insert_many(connection, table, rows)
    # The deadline ordinal of a milestone is its id. Ids ascend in insertion order within this
    # transaction, and no one else can add milestones to contracts not yet committed.
    if milestones:
        fresh = connection.execute(
            select(MILESTONE.c.id).where(MILESTONE.c.contract_id.in_(list(ids.values())))
            .order_by(MILESTONE.c.contract_id, MILESTONE.c.id)
        ).scalars().all()
        ordered = sorted(milestones, key=lambda row: row["contract_id"])  # stable: keeps list order
        for milestone_id, row in zip(fresh, ordered, strict=True):
            row["id"] = milestone_id

    deadlines = [row for p in prepared
                 for row in deadline_rows(p.contract, p.options, p.breaks, p.milestones, now)]
    _insert_many(connection, DEADLINE, deadlines)
    return LoadResult(contracts=len(prepared), deadlines=len(deadlines))


def _chunks(items: Iterable[BulkContract], size: int) -> Iterator[list[BulkContract]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def bulk_load(store, items: Iterable[BulkContract], *, actor: str, chunk_size: int = 2000) -> LoadResult:
    """Register every contract in `items`, `chunk_size` to a transaction; returns the counts.

    Raises InvalidInput (naming the contract) on the first bad one; earlier chunks stay loaded.
    """
    total = LoadResult()
    for chunk in _chunks(items, chunk_size):
        with store.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                # Index pages for a million deadlines do not fit SQLite's default 2 MB cache.
                connection.exec_driver_sql("PRAGMA cache_size=-131072")
            loaded = _load_chunk(connection, chunk, actor=actor)
        total.contracts += loaded.contracts
        total.deadlines += loaded.deadlines
    return total
