"""A chunk of contracts to load, turned into rows the database driver takes as they are.

Pure (no connection), so that chunks can be prepared in worker processes while the main process
writes. Each contract is checked with the services' own rules, and its deadlines are computed by
the pure engine from the facts in memory. Database ids are not known yet: rows name their
contract by its position in the chunk, and a milestone's deadline the milestone by its position;
the writer (`bulk`) swaps the ids in. Values are encoded with each column's own bind processor
(SQLite's date text, pence), exactly as SQLAlchemy would send them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from operator import attrgetter, itemgetter
from types import SimpleNamespace
from typing import NamedTuple

from sqlalchemy.engine import Dialect

from ..domain.deadlines import deadlines_for
from ..domain.memo import Memo
from ..domain.snapshot import MilestoneFacts
from ..enums import DeadlineKind, MilestoneStatus, OptionStatus
from ..errors import InvalidInput
from ..store.models import AuditEvent, BreakClause, Contract, ContractSupplier, Deadline, ExtensionOption, Milestone
from ..store.snapshots import snapshot_of
from .contracts import EDITABLE, KEPT_UNLESS_NAMED, BreakInput, ContractFields
from .deadline_rows import CONTENT, content_values
from .milestones import MilestoneInput
from .validation import (
    check_contract_dates,
    check_dates_fit,
    check_option_lengths,
    check_period,
    clean_break,
    clean_contract_fields,
    milestone_kind,
    milestone_name,
    milestone_status,
    supplier_pairs,
)

CONTRACT = Contract.__table__
SUPPLIER = ContractSupplier.__table__
OPTION = ExtensionOption.__table__
BREAK = BreakClause.__table__
MILESTONE = Milestone.__table__
AUDIT = AuditEvent.__table__
DEADLINE = Deadline.__table__

# The columns each row tuple carries, in order. The first is always `contract_id` (written as the
# contract's position in the chunk); a deadline row's second is its ordinal, which for a
# milestone's deadline is the milestone's position in the chunk until the writer knows its id.
CONTRACT_COLUMNS = tuple(column.name for column in CONTRACT.columns if column.name != "id")
SUPPLIER_COLUMNS = ("contract_id", "position", "name", "identifier")
OPTION_COLUMNS = ("contract_id", "ordinal", "length", "notice", "status", "decided_on", "decided_by", "note",
                  "version")
BREAK_COLUMNS = ("contract_id", "earliest_date", "after", "notice", "party", "note")
MILESTONE_COLUMNS = ("contract_id", "kind", "name", "start_date", "due_date", "status", "met_on", "owner", "notes",
                     "template_key", "version")
AUDIT_COLUMNS = ("contract_id", "entity_id", "at", "actor", "contract_reference", "entity", "action", "field",
                 "old_value", "new_value", "reason", "contract_version")
DEADLINE_COLUMNS = ("contract_id", "ordinal", "kind", *CONTENT, "sequence", "updated_at")
MILESTONE_KIND = DeadlineKind.MILESTONE.value
# Each row's values from its dict, in its columns' order (after the contract's position).
_CONTRACT_VALUES = itemgetter(*CONTRACT_COLUMNS)
_OPTION_VALUES = itemgetter(*OPTION_COLUMNS[1:])
_BREAK_VALUES = itemgetter(*BREAK_COLUMNS[1:])


@dataclass
class BulkContract:
    contract: ContractFields
    milestones: list[MilestoneInput] = field(default_factory=list)
    # The contract's rows from an earlier `check_contract` (an importer checks every row before
    # writing any), so that they are not checked twice.
    checked: CheckedContract | None = None


_FIELDS = [f.name for f in fields(ContractFields)]
_MILESTONE_FIELDS = [f.name for f in fields(MilestoneInput)]
_BREAK_FIELDS = [f.name for f in fields(BreakInput)]
# Each object's field values as a tuple, in its fields' order, taken in C.
_CONTRACT_OF, _MILESTONE_OF, _BREAK_OF = (attrgetter(*names) for names in (_FIELDS, _MILESTONE_FIELDS, _BREAK_FIELDS))
_BREAKS_AT = _FIELDS.index("breaks")


def pack(items: list[BulkContract]) -> list[tuple]:
    """A chunk as plain tuples, to send to a worker process: pickling tuples costs half what
    pickling the dataclasses does, and the loading process pays it for every chunk."""
    packed = []
    for item in items:
        data = item.contract
        values = list(_CONTRACT_OF(data))
        values[_BREAKS_AT] = [_BREAK_OF(clause) for clause in data.breaks]
        packed.append((values, [_MILESTONE_OF(m) for m in item.milestones], item.checked))
    return packed


def unpack(packed: list[tuple]) -> list[BulkContract]:
    items = []
    for values, milestones, checked in packed:
        values[_BREAKS_AT] = [BreakInput(*clause) for clause in values[_BREAKS_AT]]
        items.append(BulkContract(ContractFields(*values), [MilestoneInput(*m) for m in milestones], checked))
    return items


class FirstIds(NamedTuple):
    """The ids a chunk's first contract and first milestone will have, when the writer knows them
    in advance (a load holding the write lock throughout)."""

    contract: int
    milestone: int


def prepare_packed(packed: list[tuple], now: datetime, actor: str, dialect: type[Dialect],
                   reason: str = "bulk load", first_ids: FirstIds | None = None) -> PreparedChunk:
    """`prepare_chunk` of a chunk `pack`ed for a worker process."""
    return prepare_chunk(unpack(packed), now, actor, dialect, reason, first_ids)


@dataclass
class PreparedChunk:
    """Rows of a chunk, encoded. Contract and milestone rows start with their own id, every other
    row names its contract (and a milestone's deadline its milestone) by id: ids if the chunk was
    prepared `with_ids`, else positions in the chunk, for the writer to swap."""

    references: list[str]
    contracts: list[tuple]
    suppliers: list[tuple]
    options: list[tuple]
    breaks: list[tuple]
    milestones: list[tuple]
    audit: list[tuple]
    deadlines: list[tuple]
    with_ids: bool = False


def _encoded(process) -> Memo:
    """A column's bind processor with each distinct value converted once (dates repeat a lot);
    kept from chunk to chunk (Encoder.of), and bounded, as amounts of money seldom repeat."""
    return Memo(process or _as_is, limit=16384, known={None: None})


def _as_is(value):
    return value


class Encoder:
    """Per column, the value the driver gets for a Python value (what SQLAlchemy would send)."""

    def __init__(self, dialect: Dialect | type[Dialect]):
        self.given = dialect
        self.dialect = dialect() if isinstance(dialect, type) else dialect
        self._columns: dict[tuple[str, str], Memo | None] = {}

    @classmethod
    def of(cls, dialect: Dialect | type[Dialect]) -> Encoder:
        """The previous chunk's encoder if it was for the same dialect (class or instance): a load's
        chunks repeat the same days, each then converted once per load, not once per chunk."""
        global _last_encoder
        if _last_encoder is None or _last_encoder.given is not dialect:
            _last_encoder = cls(dialect)
        return _last_encoder

    def column(self, table, name: str) -> Memo | None:
        key = (table.name, name)
        if key not in self._columns:
            # The dialect's own implementation of the column's type (SQLite's DATE, Pence on a
            # BIGINT), as SQLAlchemy binds it; looked up once per column and encoder.
            process = table.columns[name].type.dialect_impl(self.dialect).bind_processor(self.dialect)
            self._columns[key] = _encoded(process) if process is not None else None
        return self._columns[key]

    def rows(self, table, columns: tuple[str, ...], rows: list[tuple]) -> list[tuple]:
        """`rows` with every value that needs it converted (the rest pass as they are)."""
        converting = [(index, encoded) for index, name in enumerate(columns)
                      if (encoded := self.column(table, name)) is not None]
        if not converting:
            return rows
        out = []
        for row in rows:
            values = list(row)
            for index, encoded in converting:
                try:
                    values[index] = encoded[values[index]]
                except TypeError:  # unhashable: convert without the cache
                    values[index] = encoded.make(values[index])
            out.append(tuple(values))
        return out

    def day(self, table) -> Memo:
        """The encoding of a DATE column of `table` (identity where the driver takes dates)."""
        return self.column(table, "due_date") or _encoded(None)


_last_encoder: Encoder | None = None


_CONTRACT_FIELDS = [f.name for f in fields(ContractFields)
                    if f.name in EDITABLE or f.name in KEPT_UNLESS_NAMED or f.name == "reference"]


def _contract_row(data: ContractFields, now: datetime) -> dict:
    """The contract's row as `register_contract` stores it, checked by the same rules."""
    if data.replaces:
        raise InvalidInput("bulk load cannot link predecessors (replaces); link them afterwards")
    values = clean_contract_fields({name: getattr(data, name) for name in _CONTRACT_FIELDS})
    row = dict(currency="GBP", termination_reason="", successor_id=None, terminated_on=None, version=1,
               **values, created_at=now, updated_at=now)
    check_contract_dates(SimpleNamespace(**row))
    return row


def _options(data: ContractFields) -> list[dict]:
    rows = []
    for ordinal, length in enumerate(check_option_lengths(list(data.options)), start=1):
        notice = data.option_notices[ordinal - 1] if ordinal <= len(data.option_notices) else None
        rows.append(dict(
            ordinal=ordinal, length=length, notice=check_period(notice, "option notice") if notice else None,
            status=OptionStatus.AVAILABLE.value, decided_on=None, decided_by="", note="", version=1,
        ))
    return rows


def _breaks(data: ContractFields, start: date | None) -> list[dict]:
    return [{**clean_break(clause.earliest_date, clause.after, clause.notice, clause.party, start), "note": clause.note}
            for clause in data.breaks]


@dataclass
class CheckedContract:
    """A contract's rows (as dicts) once every rule has passed."""

    contract: dict
    options: list[dict]
    breaks: list[dict]
    suppliers: list[tuple[str, str]]


def check_contract(data: ContractFields, now: datetime) -> CheckedContract:
    """Every rule `register_contract` applies to `data`, without a store; InvalidInput names the
    first broken one. Importers call it on every row before writing anything."""
    contract = _contract_row(data, now)
    options = _options(data)
    check_dates_fit(contract["start_date"], contract["initial_term"], [o["length"] for o in options],
                    notices=(contract["decision_notice"], contract["reprocurement_lead"]))
    return CheckedContract(contract, options, _breaks(data, contract.get("start_date")),
                           supplier_pairs(data.suppliers, data.supplier_identifiers))


_PLANNED, _MET = MilestoneStatus.PLANNED.value, MilestoneStatus.MET
_MILESTONE_STATUS = {status.value: status for status in MilestoneStatus}  # as MilestoneStatus(text), quicker


def _milestone(item: MilestoneInput, position: int) -> MilestoneFacts:
    """The milestone as `add_milestone` would store it, as the engine's facts: its id is its
    position until it has one (its row adds the notes)."""
    name = milestone_name(item.name)
    due, start = item.due_date, item.start_date
    if start is not None and start > due:
        raise InvalidInput(f"milestone {name!r}: a span must run forwards")
    status = _MILESTONE_STATUS[milestone_status(item.status or _PLANNED)]
    met_on = item.met_on
    if met_on is None and status is _MET:
        met_on = due
    # In the fields' order, not by keyword: a class called with keywords packs them in a dict first.
    return MilestoneFacts(position, milestone_kind(item.kind), name, due, None if start == due else start, status,
                          met_on, item.owner)


def prepare_chunk(items: list[BulkContract], now: datetime, actor: str, dialect: Dialect | type[Dialect],
                  reason: str = "bulk load", first_ids: FirstIds | None = None) -> PreparedChunk:
    """Check every contract of a chunk and build all its rows; InvalidInput names a bad contract.

    `dialect` may be a dialect class (as sent to a worker process), which is instantiated here.
    Each contract gets one audit event, "created" with `reason`.

    Two passes: the contracts' own rows, then every contract's deadlines. The deadline engine's
    code then stays in the processor's caches from one contract to the next (6% less CPU than
    doing both for each contract in turn). A refusal names the same contract as one pass would:
    the first, in the order each contract is checked, its deadlines counted, its reference matched.

    With `first_ids`, every row names its contract and milestone by id (counted from those) instead
    of by position; "position" below is then the contract's id.
    """
    encoder = Encoder.of(dialect)
    milestone_day = encoder.day(MILESTONE)
    chunk = PreparedChunk([], [], [], [], [], [], [], [], with_ids=first_ids is not None)
    first_contract, first_milestone = first_ids or (0, 0)
    contracts, options, breaks, audit = [], [], [], []
    counted: list[tuple[int, str, CheckedContract, list[MilestoneFacts]]] = []  # whose deadlines to count
    refusal: InvalidInput | None = None  # raised once the deadlines of every contract before it are counted
    seen: set[str] = set()
    for position, item in enumerate(items, start=first_contract):
        data = item.contract
        try:
            if item.checked is None:
                checked = check_contract(data, now)
            else:  # suppliers again: an importer may have matched their numbers since
                checked = item.checked
                checked.suppliers = supplier_pairs(data.suppliers, data.supplier_identifiers)
            first = first_milestone + len(chunk.milestones)
            contract_milestones = [_milestone(m, first + n) for n, m in enumerate(item.milestones)]
        except (InvalidInput, OverflowError, ValueError) as error:
            refusal = _refusal(data.reference, error)
            break
        counted.append((position, data.reference, checked, contract_milestones))
        contract, contract_options, contract_breaks, suppliers = (checked.contract, checked.options, checked.breaks,
                                                                  checked.suppliers)
        reference = contract["reference"]
        if reference in seen:
            refusal = InvalidInput(f"reference {reference!r} appears twice in the load")
            break
        seen.add(reference)
        chunk.references.append(reference)
        contracts.append((position, *_CONTRACT_VALUES(contract)))
        chunk.suppliers += [(position, n, name, identifier) for n, (name, identifier) in enumerate(suppliers, start=1)]
        options += [(position, *_OPTION_VALUES(row)) for row in contract_options]
        breaks += [(position, *_BREAK_VALUES(row)) for row in contract_breaks]
        chunk.milestones += [
            (m.id, position, m.kind, m.name, milestone_day[m.start_date], milestone_day[m.due_date], m.status._value_,
             milestone_day[m.met_on], m.owner, given.notes, None, 1)
            for m, given in zip(contract_milestones, item.milestones, strict=True)
        ]
        # As register_contract's event is stamped: the version the contract was created at.
        audit.append((position, position, now, actor, reference, "contract", "created", "", "", "", reason, 1))
    chunk.deadlines = _deadlines_of(counted, encoder, now)
    if refusal is not None:
        raise refusal from None
    chunk.contracts = encoder.rows(CONTRACT, ("id", *CONTRACT_COLUMNS), contracts)
    chunk.options = encoder.rows(OPTION, OPTION_COLUMNS, options)
    chunk.breaks = encoder.rows(BREAK, BREAK_COLUMNS, breaks)
    chunk.audit = encoder.rows(AUDIT, AUDIT_COLUMNS, audit)
    return chunk


def _refusal(reference: str, error: Exception) -> InvalidInput:
    """`error` as the load reports it, naming the contract."""
    if isinstance(error, InvalidInput):
        return InvalidInput(f"{reference or '(no reference)'}: {error}")
    # OverflowError or ValueError: a milestone or break counted past the year 9999
    return InvalidInput(f"{reference or '(no reference)'}: its dates run outside the years 1 to 9999")


def _deadlines_of(counted: list[tuple[int, str, CheckedContract, list[MilestoneFacts]]], encoder: Encoder,
                  now: datetime) -> list[tuple]:
    """The deadline rows of each contract in `counted`, in order; InvalidInput names the first
    whose dates cannot be counted."""
    day = encoder.day(DEADLINE)
    stamp = (encoder.column(DEADLINE, "updated_at") or _encoded(None))[now]
    rows: list[tuple] = []
    for position, reference, checked, milestones in counted:
        try:
            rows += _deadline_rows(position, checked.contract, checked.options, checked.breaks, milestones, day,
                                   stamp)
        except (InvalidInput, OverflowError, ValueError) as error:
            raise _refusal(reference, error) from None
    return rows


def _deadline_rows(position: int, contract: dict, options: list[dict], breaks: list[dict],
                   milestones: list[MilestoneFacts], day: Memo, stamp) -> list[tuple]:
    """The rows `services.refresh_deadlines` would write for this new contract, in its order.

    `snapshot_of` reads attributes, so plain namespaces stand in for model instances (and takes
    the milestones' facts as they are). Milestone ids are positions, which ascend as the ids will,
    so the engine orders them the same way.
    """
    snapshot = snapshot_of(
        SimpleNamespace(**contract, id=position),
        [SimpleNamespace(**row) for row in options],
        [SimpleNamespace(**row) for row in breaks],
        milestones,
    )
    reference, title, area = contract["reference"], contract["title"], contract["service_area"]
    # Tuples straight from the items, dates encoded once per distinct day: a national load builds a
    # million and a half of these. Keyed as `wanted_content` keys them (the last of a key wins).
    rows = {}
    for item in deadlines_for(snapshot):
        kind = item.kind._value_
        rows[kind, item.ordinal] = (position, item.ordinal, kind, *content_values(item, reference, title, area, day),
                                    0, stamp)
    return list(rows.values())
