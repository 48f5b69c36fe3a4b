"""The deadline version moves with every deadline write, and only then (the feed server's 304s rely on it)."""

from __future__ import annotations

from datetime import date

import pytest

from contract_tracker.domain.dates import parse_span
from contract_tracker.read.views import register_rows
from contract_tracker.services import add_milestone, edit_contract, register_contract
from contract_tracker.services.backup import backup, restore
from contract_tracker.services.contracts import ContractFields
from contract_tracker.services.demo import WARWICKSHIRE_REFERENCE
from contract_tracker.store.change_marker import deadline_version


def _version(store) -> str:
    with store.session() as session:
        return deadline_version(session)


def test_a_new_store_has_a_version(store):
    assert len(_version(store)) == 32


def test_reading_does_not_move_the_version(demo_store, today):
    before = _version(demo_store)
    with demo_store.session() as session:
        assert register_rows(session, as_of=today)
    assert _version(demo_store) == before


def test_every_deadline_write_moves_the_version(demo_store):
    seen = [_version(demo_store)]
    with demo_store.session() as session:
        register_contract(session, ContractFields(
            reference="NEW-1", title="New service", start_date=date(2027, 4, 1), initial_term="2y",
        ), actor="test officer")
    seen.append(_version(demo_store))
    with demo_store.session() as session:
        edit_contract(session, WARWICKSHIRE_REFERENCE, {"title": "SEND mediation (renamed)"}, actor="test officer")
    seen.append(_version(demo_store))
    with demo_store.session() as session:
        add_milestone(session, WARWICKSHIRE_REFERENCE, kind="other", name="Contract review",
                      due=parse_span("2027-03-01"), actor="test officer")
    seen.append(_version(demo_store))
    assert len(set(seen)) == len(seen)


def test_an_edit_that_fails_leaves_the_version(demo_store):
    before = _version(demo_store)
    try:
        with demo_store.session() as session:
            edit_contract(session, WARWICKSHIRE_REFERENCE, {"title": "Half done"}, actor="test officer")
            raise RuntimeError("interrupted")
    except RuntimeError:
        pass
    assert _version(demo_store) == before


def test_a_restore_moves_the_version(demo_store, tmp_path):
    backup(demo_store.engine, tmp_path / "b.json")
    before = _version(demo_store)
    restore(demo_store.engine, tmp_path / "b.json")
    assert _version(demo_store) != before


def test_a_bulk_load_moves_the_deadline_version_and_a_rejected_one_does_not(store):
    from contract_tracker.errors import InvalidInput
    from contract_tracker.services.bulk_load import BulkContract, bulk_load

    def item(reference: str) -> BulkContract:
        return BulkContract(contract=ContractFields(reference=reference, title="x", start_date=date(2025, 1, 1),
                                                    initial_term="3y", options=["3y"]))

    before = _version(store)
    bulk_load(store, [item("BULK-TOKEN-1")], actor="loader")
    loaded = _version(store)
    assert loaded != before
    with pytest.raises(InvalidInput, match="already exists"):  # nothing written
        bulk_load(store, [item("BULK-TOKEN-1")], actor="loader")
    assert _version(store) == loaded
