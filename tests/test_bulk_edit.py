"""Editing many contracts at once (`bulk_edit.edit_fields`): the fields it may change are ones no
deadline depends on, and what it writes (the contract, its suppliers, the audit trail, the
version) is what `services.edit_contract` writes. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from contract_tracker.errors import StaleEdit
from contract_tracker.services import edit_contract, get_contract
from contract_tracker.services.bulk_edit import NO_DEADLINE_DEPENDS_ON, FieldEdit, edit_fields
from contract_tracker.services.contracts import supplier_pairs_of
from contract_tracker.store.models import AuditEvent, Contract, Deadline

NEW_VALUES = {
    "description": "A new description", "buyer": "Another Council", "owner_contact": "team@example.gov.uk",
    "annual_value": Decimal("123456.78"), "whole_life_value": Decimal("999999.99"),
    "extension_wording": "two further periods of 6 months",
}
NEW_SUPPLIERS = [("Grit & Salt Ltd", "GB-COH-01234567"), ("Other plc", "")]


def _deadlines(session) -> list[tuple]:
    return sorted((d.contract_id or 0, d.kind, d.ordinal, d.due_date, d.state, d.title, d.action, d.owner,  # 0: the
                   d.fingerprint, d.sequence) for d in session.exec(select(Deadline)))  # authority's notices


def test_no_deadline_depends_on_those_fields(demo_store):
    """Each field changed on every demo contract through the services: not one deadline row moves."""
    assert set(NEW_VALUES) == NO_DEADLINE_DEPENDS_ON
    with demo_store.session() as session:
        before = _deadlines(session)
        for contract in session.exec(select(Contract)).all():
            for name, value in NEW_VALUES.items():
                edit_contract(session, contract.reference, {name: value}, actor="tester")
            edit_contract(session, contract.reference, {}, suppliers=[n for n, _ in NEW_SUPPLIERS],
                          supplier_identifiers=[i for _, i in NEW_SUPPLIERS], actor="tester")
        session.flush()
        assert _deadlines(session) == before


def _state(session, reference: str, read: int) -> tuple:
    """The edited fields, the versions gone up since `read`, suppliers and the edit's audit events."""
    contract = get_contract(session, reference)
    session.refresh(contract)
    events = session.exec(select(AuditEvent).where(AuditEvent.contract_id == contract.id, AuditEvent.actor == "editor")
                          .order_by(AuditEvent.id)).all()
    return ({name: getattr(contract, name) for name in NO_DEADLINE_DEPENDS_ON}, contract.version - read,
            supplier_pairs_of(session, contract),
            [(e.entity, e.action, e.field, e.new_value, e.contract_version - read) for e in events])


def test_a_bulk_edit_writes_what_the_services_write(demo_store):
    with demo_store.session() as session:
        references = sorted(session.exec(select(Contract.reference)).all())[:2]
        contracts = [get_contract(session, reference) for reference in references]
        edits = [FieldEdit(contract_id=c.id, reference=c.reference, version=c.version,
                           old={name: getattr(c, name) for name in NEW_VALUES}, new=dict(NEW_VALUES),
                           old_suppliers=supplier_pairs_of(session, c), new_suppliers=NEW_SUPPLIERS)
                 for c in contracts]
    with demo_store.session() as session:  # the first by the services
        edit_contract(session, references[0], dict(NEW_VALUES), suppliers=[n for n, _ in NEW_SUPPLIERS],
                      supplier_identifiers=[i for _, i in NEW_SUPPLIERS], actor="editor")
    with demo_store.session() as session:  # the second in bulk
        edit_fields(session.connection(), [edits[1]], actor="editor", now=datetime.now(UTC))
    with demo_store.session() as session:
        by_services = _state(session, references[0], edits[0].version)
        in_bulk = _state(session, references[1], edits[1].version)
    assert by_services[0] == in_bulk[0] == NEW_VALUES
    assert by_services[1] == in_bulk[1] == 1
    assert by_services[2] == in_bulk[2] == NEW_SUPPLIERS
    assert by_services[3] == in_bulk[3] and len(in_bulk[3]) >= len(NEW_VALUES) + 1
    with demo_store.session() as session:  # and each event names the value it replaced
        contract = get_contract(session, references[1])
        olds = {e.field: e.old_value for e in session.exec(select(AuditEvent).where(
            AuditEvent.contract_id == contract.id, AuditEvent.actor == "editor", AuditEvent.field.in_(NEW_VALUES)))}
    assert olds == {name: "" if value is None else str(value) for name, value in edits[1].old.items()
                    if value != NEW_VALUES[name]}


def test_a_contract_changed_meanwhile_is_not_overwritten(demo_store):
    with demo_store.session() as session:
        contract = session.exec(select(Contract)).first()
        stale = FieldEdit(contract_id=contract.id, reference=contract.reference, version=contract.version - 1,
                          old={"buyer": contract.buyer}, new={"buyer": "Someone else"})
    with pytest.raises(StaleEdit, match="changed by someone else"), demo_store.session() as session:
        edit_fields(session.connection(), [stale], actor="editor", now=datetime.now(UTC))
    with demo_store.session() as session:
        assert get_contract(session, stale.reference).buyer != "Someone else"


def test_a_field_a_deadline_depends_on_is_refused(demo_store):
    with demo_store.session() as session:
        contract = session.exec(select(Contract)).first()
        with pytest.raises(ValueError, match="deadlines depend on them"):
            edit_fields(session.connection(), [FieldEdit(contract.id, contract.reference, contract.version,
                                                         old={}, new={"title": "x"})],
                        actor="editor", now=datetime.now(UTC))
