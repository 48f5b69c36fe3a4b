"""The use cases, on SQLite and PostgreSQL: rules, audit, and the deadline table kept in step."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from contract_tracker.domain.dates import parse_span
from contract_tracker.enums import DeadlineKind, OptionStatus
from contract_tracker.errors import InvalidInput, NotFound, RuleViolation
from contract_tracker.services import (
    ContractFields,
    add_milestone,
    complete_milestone,
    decline_option,
    edit_contract,
    edit_milestone,
    exercise_option,
    get_contract,
    register_contract,
    terminate,
)
from contract_tracker.store.models import AuditEvent, Contract, Deadline, ExtensionOption

ACTOR = "officer"


def _register(store, **overrides):
    fields = dict(reference="C-1", title="SEND Mediation Services", start_date=date(2025, 9, 1),
                  initial_term="3y", options=["3y", "3y"], suppliers=["Provider Ltd"],
                  annual_value=Decimal("250000.00"), owner_role="Head of Commissioning")
    fields.update(overrides)
    with store.session() as session:
        return register_contract(session, ContractFields(**fields), actor=ACTOR)


def _deadlines(store, reference="C-1"):
    with store.session() as session:
        contract = get_contract(session, reference)
        rows = session.exec(select(Deadline).where(Deadline.contract_id == contract.id)).all()
        return {(row.kind, row.ordinal): row for row in rows}


def _audit(store, reference="C-1"):
    with store.session() as session:
        return session.exec(
            select(AuditEvent).where(AuditEvent.contract_reference == reference).order_by(AuditEvent.id)
        ).all()


def test_register_writes_the_deadline_stream_and_audit(store):
    _register(store)
    deadlines = _deadlines(store)
    assert deadlines[(DeadlineKind.EXTENSION_DECISION.value, 1)].due_date == date(2028, 3, 1)
    assert deadlines[(DeadlineKind.EXTENSION_DECISION.value, 2)].due_date == date(2031, 3, 1)
    assert deadlines[(DeadlineKind.CONTRACT_END.value, 0)].due_date == date(2028, 8, 31)
    # Two possible ends, each with its re-procurement start: with both options taken (ordinal 2, in force
    # while option 1 can be decided) and as things stand (ordinal 0, from the day after option 1's date).
    with_options = deadlines[(DeadlineKind.REPROCUREMENT_START.value, 2)]
    assert (with_options.due_date, with_options.ends_on, with_options.holds_until) == (
        date(2033, 9, 1), date(2034, 8, 31), date(2028, 3, 1))
    without = deadlines[(DeadlineKind.REPROCUREMENT_START.value, 0)]
    assert (without.due_date, without.holds_from, without.holds_until) == (
        date(2027, 9, 1), date(2028, 3, 2), date(2028, 8, 31))
    actions = [(event.entity, event.action) for event in _audit(store)]
    assert ("contract", "created") in actions and actions.count(("option", "created")) == 2


def test_money_round_trips_exactly(store):
    _register(store, annual_value=Decimal("1234567.89"), whole_life_value=Decimal("0.01"))
    with store.session() as session:
        contract = get_contract(session, "C-1")
    assert contract.annual_value == Decimal("1234567.89")
    assert contract.whole_life_value == Decimal("0.01")


def test_duplicate_reference_is_refused_and_nothing_written(store):
    _register(store)
    with pytest.raises(InvalidInput, match="already exists"):
        _register(store, title="Another")
    with store.session() as session:
        assert len(session.exec(select(Contract)).all()) == 1


def test_negative_value_refused(store):
    with pytest.raises(InvalidInput, match="negative"):
        _register(store, annual_value=Decimal("-1"))
    with store.session() as session:
        assert session.exec(select(Contract)).all() == []


def test_failed_registration_half_way_leaves_nothing(store):
    with pytest.raises(InvalidInput):
        _register(store, options=["3y", "three years"])
    with store.session() as session:
        assert session.exec(select(Contract)).all() == []
        assert session.exec(select(AuditEvent)).all() == []


def test_exercise_option_moves_end_and_updates_deadlines(store):
    _register(store)
    before = _deadlines(store)[(DeadlineKind.CONTRACT_END.value, 0)]
    with store.session() as session:
        exercise_option(session, "C-1", 1, today=date(2027, 6, 1), actor=ACTOR, note="Cabinet member decision")
    after = _deadlines(store)
    end = after[(DeadlineKind.CONTRACT_END.value, 0)]
    assert end.due_date == date(2031, 8, 31)
    assert end.id == before.id and end.sequence == before.sequence + 1
    assert after[(DeadlineKind.EXTENSION_DECISION.value, 1)].state == "done"
    event = next(e for e in _audit(store) if e.action == "exercised")
    assert (event.actor, event.old_value, event.new_value) == (ACTOR, "available", "exercised")


def test_option_two_before_option_one_is_refused(store):
    _register(store)
    with store.session() as session, pytest.raises(RuleViolation, match="before option 1"):
        exercise_option(session, "C-1", 2, today=date(2027, 6, 1), actor=ACTOR)


def test_late_decision_needs_force_and_a_reason(store):
    _register(store)
    with store.session() as session, pytest.raises(RuleViolation, match="decision date"):
        exercise_option(session, "C-1", 1, today=date(2028, 3, 2), actor=ACTOR)
    with store.session() as session, pytest.raises(InvalidInput, match="reason"):
        exercise_option(session, "C-1", 1, today=date(2028, 3, 2), actor=ACTOR, force_reason=" ")
    with store.session() as session:
        exercise_option(session, "C-1", 1, today=date(2028, 3, 2), actor=ACTOR,
                        force_reason="Supplier agreed to accept short notice")
    assert [e.reason for e in _audit(store) if e.action == "exercised"] == ["Supplier agreed to accept short notice"]


def test_decline_lapses_later_options(store):
    _register(store)
    with store.session() as session:
        decline_option(session, "C-1", 1, today=date(2027, 6, 1), actor=ACTOR)
    with store.session() as session:
        contract = get_contract(session, "C-1")
        statuses = [o.status for o in session.exec(
            select(ExtensionOption).where(ExtensionOption.contract_id == contract.id)
            .order_by(ExtensionOption.ordinal))]
    assert statuses == [OptionStatus.DECLINED, OptionStatus.LAPSED]
    deadlines = _deadlines(store)
    assert deadlines[(DeadlineKind.REPROCUREMENT_START.value, 0)].due_date == date(2027, 9, 1)
    assert deadlines[(DeadlineKind.EXTENSION_DECISION.value, 2)].state == "lapsed"
    assert deadlines[(DeadlineKind.REPROCUREMENT_START.value, 2)].state == "superseded"


def test_terminate_with_reason_lapses_options(store):
    _register(store)
    with store.session() as session, pytest.raises(InvalidInput, match="reason"):
        terminate(session, "C-1", on=date(2026, 12, 31), reason="", actor=ACTOR)
    with store.session() as session:
        terminate(session, "C-1", on=date(2026, 12, 31), reason="Provider failure", actor=ACTOR)
    deadlines = _deadlines(store)
    assert deadlines[(DeadlineKind.CONTRACT_END.value, 0)].due_date == date(2026, 12, 31)
    # Everything is settled except the UK11 notice, which the termination makes due (PA 2023 s.80).
    assert all(row.state != "open" for key, row in deadlines.items() if key[0] != DeadlineKind.UK11_DUE.value)
    assert deadlines[(DeadlineKind.UK11_DUE.value, 0)].due_date == date(2027, 1, 29)
    lapsed = [e for e in _audit(store) if e.action == "lapsed"]
    assert len(lapsed) == 2 and all("Provider failure" in e.reason for e in lapsed)
    with store.session() as session, pytest.raises(RuleViolation, match="terminated"):
        exercise_option(session, "C-1", 1, today=date(2026, 12, 1), actor=ACTOR)


def test_terminate_outside_the_term_is_refused(store):
    _register(store)
    with store.session() as session, pytest.raises(InvalidInput, match="before the contract starts"):
        terminate(session, "C-1", on=date(2025, 1, 1), reason="x", actor=ACTOR)
    with store.session() as session, pytest.raises(InvalidInput, match="after the contract ends"):
        terminate(session, "C-1", on=date(2029, 1, 1), reason="x", actor=ACTOR)


def test_edit_audits_each_changed_field_and_refreshes_deadlines(store):
    _register(store)
    with store.session() as session:
        edit_contract(session, "C-1", {"title": "SEND Mediation", "decision_notice": "9m", "buyer": ""}, actor=ACTOR)
    edits = [(e.field, e.old_value, e.new_value) for e in _audit(store) if e.action == "edited"]
    assert ("title", "SEND Mediation Services", "SEND Mediation") in edits
    assert ("decision_notice", "6m", "9m") in edits
    assert not any(field == "buyer" for field, _, _ in edits)
    deadlines = _deadlines(store)
    assert deadlines[(DeadlineKind.EXTENSION_DECISION.value, 1)].due_date == date(2027, 12, 1)
    assert deadlines[(DeadlineKind.CONTRACT_END.value, 0)].contract_title == "SEND Mediation"


def test_unknown_reference(store):
    with store.session() as session, pytest.raises(NotFound, match="NOPE"):
        edit_contract(session, "NOPE", {"title": "x"}, actor=ACTOR)


def test_milestones_add_edit_complete(store):
    _register(store)
    with store.session() as session:
        span = add_milestone(session, "C-1", kind="mobilisation", name="Mobilisation period",
                             due=parse_span("July/August 2025"), actor=ACTOR)
        day = add_milestone(session, "C-1", kind="itt publication", name="Publish the ITT",
                            due=parse_span("1 April 2025"), actor=ACTOR)
    assert (span.start_date, span.due_date) == (date(2025, 7, 1), date(2025, 8, 31))
    with store.session() as session, pytest.raises(InvalidInput, match="future"):
        complete_milestone(session, "C-1", day.id, met_on=date(2026, 1, 1), today=date(2025, 6, 1), actor=ACTOR)
    with store.session() as session:
        complete_milestone(session, "C-1", day.id, met_on=date(2025, 4, 1), today=date(2025, 6, 1), actor=ACTOR)
        edit_milestone(session, "C-1", span.id, {"owner": "Commissioning Lead"}, actor=ACTOR)
    rows = _deadlines(store)
    assert rows[(DeadlineKind.MILESTONE.value, day.id)].state == "done"
    assert rows[(DeadlineKind.MILESTONE.value, span.id)].start_date == date(2025, 7, 1)
    assert rows[(DeadlineKind.MILESTONE.value, span.id)].owner == "Commissioning Lead"
    with store.session() as session, pytest.raises(InvalidInput, match="kind"):
        add_milestone(session, "C-1", kind="party", name="x", due=parse_span("2025-01-01"), actor=ACTOR)


def test_successor_link_closes_reprocurement(store):
    _register(store, reference="OLD-1", start_date=date(2014, 9, 1), initial_term="11y", options=[])
    _register(store, reference="NEW-1", replaces=["OLD-1"])
    deadlines = _deadlines(store, "OLD-1")
    assert deadlines[(DeadlineKind.REPROCUREMENT_START.value, 0)].state == "done"
