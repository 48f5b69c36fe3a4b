"""The bulk-load path writes exactly what the services would, and checks input the same way."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from sqlmodel import select

from contract_tracker.domain.durations import add, last_day_to_give_notice, parse_duration, period_end, subtract
from contract_tracker.errors import InvalidInput
from contract_tracker.services import BreakInput, ContractFields, refresh_deadlines
from contract_tracker.services.bulk_load import BulkContract, bulk_load
from contract_tracker.services.milestones import MilestoneInput
from contract_tracker.store.database import Store
from contract_tracker.store.models import (
    AuditEvent,
    Contract,
    ContractSupplier,
    Deadline,
    ExtensionOption,
    Milestone,
)
from store_rows import table_rows

COMPARED = ("kind", "ordinal", "start_date", "due_date", "state", "title", "action", "owner",
            "contract_reference", "contract_title", "service_area", "fingerprint", "sequence")


def _contracts() -> list[BulkContract]:
    return [
        BulkContract(
            contract=ContractFields(
                reference="BULK-SEND-2025", title="SEND mediation", start_date=date(2025, 9, 1),
                initial_term="3y", options=["3y", "3y", "3y"], owner_role="Head of Commissioning",
                service_area="Children and Families", annual_value=Decimal("120000.50"),
                suppliers=["Global Mediation Ltd"], breaks=[BreakInput(after="12m", notice="3m", party="buyer")],
            ),
            milestones=[
                MilestoneInput(kind="market engagement", name="Consultation", start_date=date(2024, 7, 1),
                               due_date=date(2024, 8, 31), status="met"),
                MilestoneInput(kind="itt publication", name="Publish the ITT", due_date=date(2025, 1, 15)),
                MilestoneInput(kind="award decision", name="Award", due_date=date(2025, 5, 1), status="missed",
                               owner="Procurement Lead"),
            ],
        ),
        BulkContract(contract=ContractFields(
            reference="BULK-HWY-2019", title="Winter gritting", start_date=date(2019, 2, 28), initial_term="18m",
            options=["6m"], option_notices=["2m"], decision_notice="3m", reprocurement_lead="9m",
            breaks=[BreakInput(earliest_date=date(2020, 2, 29), notice="1m")],
        )),
        BulkContract(contract=ContractFields(reference="BULK-PLAN-2030", title="Planned", status="planned")),
    ]


def _deadline_rows(session, contract_id: int) -> list[tuple]:
    rows = session.exec(select(Deadline).where(Deadline.contract_id == contract_id)).all()
    return sorted(tuple(getattr(row, name) for name in COMPARED) for row in rows)


def _assert_the_services_write_the_same(session, contracts: list[Contract], loaded: dict[int, list[tuple]]) -> None:
    """Rewrite every contract's deadlines through the services, from scratch, and compare."""
    for row in session.exec(select(Deadline)).all():
        session.delete(row)
    session.flush()
    for contract in contracts:
        refresh_deadlines(session, contract)
    session.flush()
    for contract in contracts:
        assert _deadline_rows(session, contract.id) == loaded[contract.id], contract.reference


def test_bulk_loaded_deadlines_equal_what_the_services_write(store):
    result = bulk_load(store, _contracts(), actor="loader", chunk_size=2)
    assert result.contracts == 3
    with store.session() as session:
        contracts = session.exec(select(Contract).order_by(Contract.reference)).all()
        assert [c.reference for c in contracts] == ["BULK-HWY-2019", "BULK-PLAN-2030", "BULK-SEND-2025"]
        loaded = {c.id: _deadline_rows(session, c.id) for c in contracts}
        assert sum(len(rows) for rows in loaded.values()) == result.deadlines
        send = next(c for c in contracts if c.reference == "BULK-SEND-2025")
        assert send.annual_value == Decimal("120000.50")
        # options, break, end, re-procurement (with every option taken, and without), UK11 (PA 2023), milestones
        assert len(loaded[send.id]) == 3 + 1 + 1 + 2 + 1 + 3
        _assert_the_services_write_the_same(session, contracts, loaded)


def test_bulk_load_writes_facts_and_one_audit_event_per_contract(store):
    bulk_load(store, _contracts(), actor="loader")
    with store.session() as session:
        send = session.exec(select(Contract).where(Contract.reference == "BULK-SEND-2025")).one()
        options = session.exec(select(ExtensionOption).where(ExtensionOption.contract_id == send.id)).all()
        assert sorted((o.ordinal, o.length, o.status) for o in options) == [
            (1, "3y", "available"), (2, "3y", "available"), (3, "3y", "available")]
        milestones = session.exec(select(Milestone).where(Milestone.contract_id == send.id)).all()
        consultation = next(m for m in milestones if m.name == "Consultation")
        assert consultation.met_on == date(2024, 8, 31)  # met with no date: met on its due date
        suppliers = session.exec(select(ContractSupplier.name).where(ContractSupplier.contract_id == send.id)).all()
        assert suppliers == ["Global Mediation Ltd"]
        events = session.exec(select(AuditEvent)).all()
        assert sorted((e.contract_reference, e.action, e.actor) for e in events) == [
            ("BULK-HWY-2019", "created", "loader"), ("BULK-PLAN-2030", "created", "loader"),
            ("BULK-SEND-2025", "created", "loader")]


@pytest.mark.parametrize("bad, message", [
    (ContractFields(reference="BAD 1", title="x", start_date=date(2025, 1, 1), initial_term="1y"), "spaces"),
    (ContractFields(reference="BAD-2", title="x", start_date=date(2025, 1, 1)), "initial term"),
    (ContractFields(reference="BAD-3", title="x", start_date=date(2025, 1, 1), initial_term="1y",
                    options=["3 fortnights"]), "not a period"),
    (ContractFields(reference="BAD-4", title="x", start_date=date(2025, 1, 1), initial_term="1y",
                    breaks=[BreakInput(earliest_date=date(2024, 1, 1))]), "before the contract starts"),
    (ContractFields(reference="BULK-SEND-2025", title="again", status="planned"), "appears twice"),
])
def test_a_bad_contract_rejects_its_whole_chunk(store, bad, message):
    items = [*_contracts(), BulkContract(contract=bad)]
    with pytest.raises(InvalidInput, match=message):
        bulk_load(store, items, actor="loader")
    with store.session() as session:
        assert session.exec(select(Contract)).all() == []
        assert session.exec(select(Deadline)).all() == []


def test_a_reference_already_in_the_store_is_refused(store):
    bulk_load(store, _contracts()[:1], actor="loader")
    with pytest.raises(InvalidInput, match="already exists"):
        bulk_load(store, _contracts(), actor="loader")
    with store.session() as session:
        assert len(session.exec(select(Contract)).all()) == 1


def test_a_bad_milestone_is_refused_naming_its_contract(store):
    item = BulkContract(contract=ContractFields(reference="BULK-M", title="x", status="planned"),
                        milestones=[MilestoneInput(kind="coffee", name="Coffee", due_date=date(2025, 1, 1))])
    with pytest.raises(InvalidInput, match="BULK-M: kind"):
        bulk_load(store, [item], actor="loader")


def test_a_refusal_names_the_first_bad_contract_in_the_load(store):
    """Deadlines are counted after every contract is checked, yet a contract whose dates cannot be
    counted is still named before a later one refused by its checks, as if each went in turn."""
    far = BulkContract(contract=ContractFields(reference="BULK-FAR", title="x", start_date=date(9989, 1, 1),
                                               initial_term="1y", breaks=[BreakInput(after="12y")]))
    spaced = BulkContract(contract=ContractFields(reference="BAD 1", title="x", start_date=date(2025, 1, 1),
                                                  initial_term="1y"))
    with pytest.raises(InvalidInput, match="BULK-FAR: its dates run outside the years 1 to 9999"):
        bulk_load(store, [far, spaced], actor="loader")
    with pytest.raises(InvalidInput, match="BAD 1: reference must not contain spaces"):
        bulk_load(store, [spaced, far], actor="loader")


def test_month_arithmetic_matches_relativedelta():
    """durations computes month shifts directly (for speed); it must agree with dateutil."""
    rng = random.Random(7)
    days = [date(2024, 2, 29), date(2023, 1, 31), date(2025, 8, 31), date(2025, 12, 31)]
    days += [date(2015, 1, 1) + timedelta(days=rng.randint(0, 6000)) for _ in range(400)]
    for day in days:
        for text in ("1m", "6m", "18m", "1y", "3y", "12w", "90d"):
            period = parse_duration(text)
            assert add(day, period) == day + relativedelta(**{period.unit: period.amount}), (day, text)
            assert subtract(day, period) == day - relativedelta(**{period.unit: period.amount}), (day, text)
            notice_by = last_day_to_give_notice(day, period)
            # the latest day from which the notice has run by `day`
            assert period_end(notice_by, period) <= day < period_end(notice_by + timedelta(days=1), period)


def _register(count: int) -> list[BulkContract]:
    """`count` varied contracts (terms, options, breaks, spans, statuses, regimes)."""
    items = []
    for n in range(count):
        start = date(2016, 1, 1) + timedelta(days=97 * n)
        items.append(BulkContract(
            contract=ContractFields(
                reference=f"MANY-{n:03d}", title=f"Service {n}", start_date=start,
                initial_term=["1y", "3y", "18m"][n % 3],
                options=["1y"] * (n % 4), owner_role="Category Manager", service_area="Highways",
                regime=["PA2023", "PCR2015", "other"][n % 3], suppliers=[f"Supplier {n} Ltd"],
                breaks=[BreakInput(after="12m", notice="3m", party="buyer")],
            ),
            milestones=[
                MilestoneInput(kind="award notice", name="Award notice", due_date=start - timedelta(days=140),
                               status="met"),
                MilestoneInput(kind="signature", name="Sign", due_date=start - timedelta(days=110),
                               status=["met", "planned", "missed"][n % 3]),
                MilestoneInput(kind="mobilisation", name="Mobilise", start_date=start - timedelta(days=90),
                               due_date=start - timedelta(days=1)),
            ],
        ))
    return items


TIMESTAMPS = ("created_at", "updated_at", "at")
RANDOM = ("identity",)  # each store's own (register_identity)


@pytest.mark.parametrize("workers", [1, 2])
def test_worker_processes_write_the_same_rows_as_one_process(tmp_path, workers):
    serial, parallel = (Store.open(f"sqlite:///{tmp_path / name}.sqlite") for name in ("serial", "parallel"))
    try:
        assert bulk_load(serial, _register(23), actor="loader", chunk_size=5, workers=0).deadlines > 0
        bulk_load(parallel, _register(23), actor="loader", chunk_size=5, workers=workers)
        expected = table_rows(serial.engine, drop_columns=TIMESTAMPS + RANDOM)
        assert expected["deadline"] and expected["milestone"]
        assert table_rows(parallel.engine, drop_columns=TIMESTAMPS + RANDOM) == expected
    finally:
        serial.close()
        parallel.close()


def test_deadlines_loaded_by_workers_equal_what_the_services_write(store):
    result = bulk_load(store, _register(9), actor="loader", chunk_size=2, workers=1)
    assert result.contracts == 9
    with store.session() as session:
        contracts = session.exec(select(Contract)).all()
        loaded = {c.id: _deadline_rows(session, c.id) for c in contracts}
        _assert_the_services_write_the_same(session, contracts, loaded)


def test_ids_given_in_advance_follow_the_rows_already_in_the_store(tmp_path):
    """A load holding the write lock (into a SQLite store with no deadlines yet) gives rows their
    ids as it prepares them: after the contracts and milestones already there, chunk after chunk,
    with workers too, and each milestone's deadline names its own milestone."""
    store = Store.open(f"sqlite:///{tmp_path / 'register.sqlite'}")
    try:
        bulk_load(store, _register(3), actor="loader")
        with store.engine.begin() as connection:  # contracts and milestones, but no deadlines
            connection.exec_driver_sql("DELETE FROM deadline")
            connection.exec_driver_sql("DELETE FROM milestone WHERE id = (SELECT max(id) FROM milestone)")
        more = [BulkContract(item.contract, item.milestones) for item in _register(12)[3:]]
        bulk_load(store, more, actor="loader", chunk_size=2, workers=1)
        with store.session() as session:
            contracts = session.exec(select(Contract).order_by(Contract.id)).all()
            assert [c.id for c in contracts] == list(range(1, 13))
            milestones = session.exec(select(Milestone).order_by(Milestone.id)).all()
            assert [m.id for m in milestones] == sorted({m.id for m in milestones})
            loaded = {c.id: _deadline_rows(session, c.id) for c in contracts[3:]}
            assert all(loaded.values())
            _assert_the_services_write_the_same(session, contracts[3:], loaded)
    finally:
        store.close()


def test_a_bad_contract_prepared_by_a_worker_is_named_and_rejects_its_chunk(store):
    items = _register(7)
    items[5].contract.initial_term = "3 fortnights"
    with pytest.raises(InvalidInput, match="MANY-005: initial_term: not a period"):
        bulk_load(store, items, actor="loader", chunk_size=2, workers=1)
    with store.session() as session:  # chunks 1 and 2 stay loaded; nothing of chunk 3 (MANY-004, MANY-005)
        references = session.exec(select(Contract.reference).order_by(Contract.reference)).all()
        assert references == ["MANY-000", "MANY-001", "MANY-002", "MANY-003"]
        assert len({row.contract_id for row in session.exec(select(Deadline)).all()}) == 4


def _index_definitions(store) -> list[tuple]:
    with store.engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all()


def test_a_load_into_an_empty_sqlite_store_keeps_its_indexes_word_for_word(tmp_path):
    """Into an empty SQLite store the deadline indexes are rebuilt after the load: the same ones."""
    fresh, loaded, failed = (Store.open(f"sqlite:///{tmp_path / name}.sqlite")
                             for name in ("fresh", "loaded", "failed"))
    try:
        expected = _index_definitions(fresh)
        assert any(name == "ix_deadline_due_state" for name, _, _ in expected)
        bulk_load(loaded, _register(5), actor="loader", chunk_size=2)
        assert _index_definitions(loaded) == expected
        bad = _register(5)
        bad[4].contract.initial_term = None
        with pytest.raises(InvalidInput, match="MANY-004"):
            bulk_load(failed, bad, actor="loader", chunk_size=2)
        assert _index_definitions(failed) == expected
        with failed.session() as session:
            assert len(session.exec(select(Contract)).all()) == 4
    finally:
        for opened in (fresh, loaded, failed):
            opened.close()


def test_a_load_that_fails_unexpectedly_into_an_empty_store_leaves_it_as_it_was(tmp_path):
    """One transaction for the whole load: an error that is not bad input (here the source of
    contracts failing half-way, as a crash would) leaves nothing behind and the indexes in place."""
    store = Store.open(f"sqlite:///{tmp_path / 'register.sqlite'}")
    try:
        expected = _index_definitions(store)

        def failing_source():
            yield from _register(5)
            raise OSError("the import file went away")

        with pytest.raises(OSError, match="went away"):
            bulk_load(store, failing_source(), actor="loader", chunk_size=2)
        assert _index_definitions(store) == expected
        with store.session() as session:
            assert session.exec(select(Contract)).all() == []
            assert session.exec(select(Deadline)).all() == []
    finally:
        store.close()


def _header_mode(path) -> str:
    """The journal mode the database file itself records (bytes 18 and 19 of its header: 1 for a
    rollback journal, 2 for WAL), read without opening a connection that would take a lock."""
    with open(path, "rb") as file:
        header = file.read(20)
    return {(1, 1): "rollback", (2, 2): "wal"}[(header[18], header[19])]


def test_a_first_load_alone_writes_straight_to_the_file_and_leaves_the_store_in_wal(tmp_path):
    """Into an empty store nobody else has open, the load runs under a rollback journal (pages are
    written once, not to the WAL and again at the checkpoint); afterwards the store is in WAL again,
    and so are the connections the pool hands out."""
    path = tmp_path / "register.sqlite"
    store = Store.open(f"sqlite:///{path}")
    seen = []

    def watched():
        for number, item in enumerate(_register(6)):
            if number == 4:  # half-way: the first chunks are written
                seen.append(_header_mode(path))
            yield item

    try:
        bulk_load(store, watched(), actor="loader", chunk_size=2)
        assert seen == ["rollback"]
        assert _header_mode(path) == "wal"
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        with store.session() as session:
            assert len(session.exec(select(Contract)).all()) == 6
    finally:
        store.close()


def test_a_load_while_someone_else_has_the_store_open_goes_through_the_wal(tmp_path):
    """SQLite refuses to leave WAL while another connection is open: the load goes through the WAL,
    and the other connection's reads are never blocked."""
    path = tmp_path / "register.sqlite"
    store = Store.open(f"sqlite:///{path}")
    other = sqlite3.connect(path)
    seen = []

    def watched():
        for number, item in enumerate(_register(6)):
            if number == 4:
                seen.append((_header_mode(path), other.execute("SELECT count(*) FROM contract").fetchone()[0]))
            yield item

    try:
        other.execute("SELECT count(*) FROM contract").fetchone()
        bulk_load(store, watched(), actor="loader", chunk_size=2)
        assert seen == [("wal", 0)]  # the reader saw the store as it was before the load
        assert other.execute("SELECT count(*) FROM contract").fetchone()[0] == 6
    finally:
        other.close()
        store.close()


def test_a_load_that_fails_in_the_rollback_journal_leaves_the_store_in_wal(tmp_path):
    path = tmp_path / "register.sqlite"
    store = Store.open(f"sqlite:///{path}")

    def failing_source():
        yield from _register(5)
        raise OSError("the import file went away")

    try:
        with pytest.raises(OSError, match="went away"):
            bulk_load(store, failing_source(), actor="loader", chunk_size=2)
        assert _header_mode(path) == "wal"
        bulk_load(store, _register(3), actor="loader", chunk_size=2)  # and the store takes a load again
        with store.session() as session:
            assert len(session.exec(select(Contract)).all()) == 3
    finally:
        store.close()


def test_bulk_rows_are_stored_as_the_orm_stores_them(tmp_path):
    """The driver gets the same values SQLAlchemy would send: SQLite's date and timestamp text."""
    store = Store.open(f"sqlite:///{tmp_path / 'register.sqlite'}")
    columns = ("contract_id, kind, ordinal, start_date, due_date, state, title, action, owner, contract_reference, "
               "contract_title, service_area, fingerprint, sequence, typeof(updated_at), length(updated_at)")
    try:
        bulk_load(store, _register(4), actor="loader")
        with store.engine.connect() as connection:
            loaded = sorted(connection.exec_driver_sql(f"SELECT {columns} FROM deadline").all())
            stamp = connection.exec_driver_sql("SELECT created_at FROM contract LIMIT 1").scalar()
        assert len(stamp) == len("2026-11-22 10:00:00.000000")
        with store.session() as session:
            for row in session.exec(select(Deadline)).all():
                session.delete(row)
            session.flush()
            for contract in session.exec(select(Contract)).all():
                refresh_deadlines(session, contract)
            session.commit()
        with store.engine.connect() as connection:
            assert sorted(connection.exec_driver_sql(f"SELECT {columns} FROM deadline").all()) == loaded
    finally:
        store.close()


def test_a_reference_repeated_in_a_later_chunk_rejects_that_chunk_only(store):
    """Found by the writer (the store has it by then): chunk 1 stays, nothing of chunk 2 is written."""
    items = _register(4)
    items[3].contract.reference = "MANY-000"  # chunk 2 (MANY-002, then MANY-000 again)
    with pytest.raises(InvalidInput, match="'MANY-000' already exists"):
        bulk_load(store, [*items[:2], items[2], items[3]], actor="loader", chunk_size=2)
    with store.session() as session:
        assert session.exec(select(Contract.reference).order_by(Contract.reference)).all() == ["MANY-000", "MANY-001"]
        assert len(session.exec(select(Milestone)).all()) == 2 * 3
        assert len({row.contract_id for row in session.exec(select(Deadline)).all()}) == 2


def test_the_cyclic_collector_is_paused_while_loading_and_resumed_after(store):
    import gc

    during = []

    def items():
        for item in _contracts():
            during.append(gc.isenabled())
            yield item

    assert gc.isenabled()
    bulk_load(store, items(), actor="loader")
    assert during and not any(during)
    assert gc.isenabled()
