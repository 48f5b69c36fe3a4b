"""A long, import-like write in one transaction, for the crash test: registers COUNT contracts
(each with an option, a supplier, a milestone and its deadlines) through the services in a single
session, printing progress so that the test can kill it half-way. Run as a script:

    python tests/crash_writer.py URL COUNT [bulk]

With "bulk", the contracts go through `bulk_load` instead (into an empty store: one transaction,
under a rollback journal on SQLite).
"""

from __future__ import annotations

import sys
from datetime import date

from sqlalchemy import event

from contract_tracker.domain.dates import parse_span
from contract_tracker.services import ContractFields, add_milestone, register_contract
from contract_tracker.services.bulk_load import BulkContract, bulk_load
from contract_tracker.services.milestones import MilestoneInput
from contract_tracker.store.database import Store


def bulk(url: str, count: int) -> None:
    store = Store.open(url)

    def small_cache(_connection, _cursor, statement, parameters, _context, _many):
        # As below: spill the open transaction to disk long before the commit.
        return statement.replace("PRAGMA cache_size=-131072", "PRAGMA cache_size=20"), parameters

    event.listen(store.engine, "before_cursor_execute", small_cache, retval=True)

    def contracts():
        for number in range(1, count + 1):
            yield BulkContract(ContractFields(
                reference=f"CRASH-{number:06d}", title=f"Imported contract {number}", start_date=date(2024, 4, 1),
                initial_term="3y", options=["1y"], suppliers=[f"Supplier {number}"], service_area="Imports",
            ), [MilestoneInput(kind="award decision", name="Award", due_date=date(2024, 3, 1))])
            if number % 25 == 0:
                print(f"registered {number}", flush=True)

    bulk_load(store, contracts(), actor="importer", chunk_size=25)
    print("committed", flush=True)


def main(url: str, count: int) -> None:
    store = Store.open(url)
    with store.session() as session:
        if store.engine.dialect.name == "sqlite":
            # A small page cache makes SQLite spill the open transaction into the WAL file long
            # before the commit, so that the kill leaves uncommitted pages on disk to be ignored.
            session.connection().exec_driver_sql("PRAGMA cache_size=20")
        for number in range(1, count + 1):
            reference = f"CRASH-{number:06d}"
            register_contract(session, ContractFields(
                reference=reference, title=f"Imported contract {number}", start_date=date(2024, 4, 1),
                initial_term="3y", options=["1y"], suppliers=[f"Supplier {number}"], service_area="Imports",
            ), actor="importer")
            add_milestone(session, reference, kind="award decision", name="Award", due=parse_span("2024-03-01"),
                          actor="importer")
            if number % 25 == 0:
                session.flush()
                print(f"registered {number}", flush=True)
    print("committed", flush=True)


if __name__ == "__main__":
    (bulk if sys.argv[3:] == ["bulk"] else main)(sys.argv[1], int(sys.argv[2]))
