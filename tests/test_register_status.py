"""The register's cheap status (views._status_from) must agree with the lifecycle engine."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from contract_tracker.domain.lifecycle import current_end, initial_end, status_as_of
from contract_tracker.read.views import register_rows
from contract_tracker.services.sync import load_snapshot
from contract_tracker.store.models import Contract


def _days_to_check(terms_list) -> list[date]:
    # Every quarter from 2012 to 2040, and the days either side of every contract's turning points.
    days = {date(2012, 1, 1) + timedelta(days=91 * n) for n in range(4 * 29)}
    for terms in terms_list:
        for turning in (terms.start, initial_end(terms), current_end(terms), terms.terminated_on):
            if turning is not None:
                days.update(turning + timedelta(days=shift) for shift in (-1, 0, 1))
    return sorted(days)


def test_register_status_equals_status_as_of_for_every_demo_contract(demo_store):
    with demo_store.session() as session:
        contracts = session.exec(select(Contract)).all()
        terms = {contract.reference: load_snapshot(session, contract).terms for contract in contracts}
        days = _days_to_check(terms.values())
        seen = set()
        for day in days:
            rows = {row.reference: row.status for row in register_rows(session, as_of=day)}
            assert rows.keys() == terms.keys()
            for reference, contract_terms in terms.items():
                expected = status_as_of(contract_terms, day).value
                assert rows[reference] == expected, (reference, day)
                seen.add(expected)
    # The demo covers every state, so each branch of the cheap form was compared.
    assert seen >= {"planned", "not started", "initial term", "extended", "expired", "terminated"}, seen
