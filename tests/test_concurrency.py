"""No lost updates: an edit made from a stale copy is refused, naming who changed what since.

Every test runs on SQLite and on PostgreSQL (the `store` fixture)."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

from contract_tracker.domain.dates import parse_span
from contract_tracker.errors import InvalidInput, StaleEdit
from contract_tracker.services import (
    decline_option,
    edit_contract,
    edit_milestone,
    exercise_option,
    get_contract,
    milestones_of,
    options_of,
    terminate,
)
from contract_tracker.store.models import AuditEvent, Contract

WCC = "WCC-SEND-MED-2025"
RACE_TRIALS = 12


def _title_changes(store, reference=WCC) -> list[AuditEvent]:
    with store.session() as session:
        return list(session.exec(select(AuditEvent).where(
            AuditEvent.contract_reference == reference, AuditEvent.field == "title").order_by(AuditEvent.id)))


def _contract(store, reference=WCC) -> Contract:
    with store.session() as session:
        return get_contract(session, reference)


def test_stale_copy_in_a_second_session_is_refused_naming_the_change(demo_store):
    """Alice reads the contract; Bob changes the title and commits; Alice's edit from her copy
    (no version given: the mapper's version column guards the UPDATE) is refused."""
    with pytest.raises(StaleEdit) as refused, demo_store.session() as alice:
        mine = get_contract(alice, WCC)
        read_version = mine.version
        with demo_store.session() as bob:
            edit_contract(bob, WCC, {"title": "Bob's title"}, actor="bob")
        edit_contract(alice, WCC, {"title": "Alice's title"}, actor="alice")
    message = str(refused.value)
    assert "bob" in message and "title" in message and "Bob's title" in message
    assert f"version {read_version}, now {read_version + 1}" in message
    after = _contract(demo_store)
    assert after.title == "Bob's title" and after.version == read_version + 1
    assert [(e.actor, e.new_value) for e in _title_changes(demo_store)] == [("bob", "Bob's title")]


def test_expected_version_refuses_a_change_after_think_time(demo_store):
    read = _contract(demo_store).version
    with demo_store.session() as bob:
        edit_contract(bob, WCC, {"owner_role": "Head of SEND"}, actor="bob", expected_version=read)
    with (pytest.raises(StaleEdit, match=r"bob at .* changed owner_role from .* to 'Head of SEND'"),
          demo_store.session() as alice):
        edit_contract(alice, WCC, {"title": "Alice's title"}, actor="alice", expected_version=read)
    assert _contract(demo_store).title != "Alice's title"
    with demo_store.session() as alice:  # reloaded: the same change now goes through
        edit_contract(alice, WCC, {"title": "Alice's title"}, actor="alice", expected_version=read + 1)
    assert _contract(demo_store).title == "Alice's title"


def test_a_version_the_contract_never_had_is_bad_input(demo_store):
    read = _contract(demo_store).version
    with pytest.raises(InvalidInput, match="never been at version"), demo_store.session() as session:
        edit_contract(session, WCC, {"title": "x"}, actor="a", expected_version=read + 5)


@pytest.mark.parametrize("late_change", ["exercise", "milestone", "terminate"])
def test_options_milestones_and_termination_are_guarded_too(demo_store, today, late_change):
    read = _contract(demo_store, "DEMO-SL-2026").version
    milestone_read = _contract(demo_store, WCC).version
    with demo_store.session() as bob:
        edit_contract(bob, "DEMO-SL-2026", {"title": "Supported living (renamed)"}, actor="bob")
    with pytest.raises(StaleEdit, match=r"bob at .* changed title"), demo_store.session() as alice:
        if late_change == "exercise":
            exercise_option(alice, "DEMO-SL-2026", 1, today=today, actor="alice", expected_version=read,
                            force_reason="test")
        elif late_change == "milestone":
            milestone = milestones_of(alice, get_contract(alice, WCC).id)[0]
            with demo_store.session() as bob:
                edit_contract(bob, WCC, {"title": "Renamed too"}, actor="bob")
            edit_milestone(alice, WCC, milestone.id, {"notes": "late"}, actor="alice",
                           expected_version=milestone_read)
        else:
            terminate(alice, "DEMO-SL-2026", on=today, reason="late", actor="alice", expected_version=read)


def test_two_sessions_deciding_the_same_option_one_is_refused(demo_store, today):
    """Alice and Bob both have option 1 of the Warwickshire contract open; Bob declines first."""
    with pytest.raises(StaleEdit, match=r"bob at .* declined option 1"), demo_store.session() as alice:
        copy = options_of(alice, get_contract(alice, WCC))  # Alice's copy: option 1 available
        with demo_store.session() as bob:
            decline_option(bob, WCC, 1, today=today, actor="bob", note="re-procure instead")
        assert copy[0].status == "available"
        exercise_option(alice, WCC, 1, today=today, actor="alice")
    with demo_store.session() as session:
        statuses = [e.action for e in session.exec(select(AuditEvent).where(
            AuditEvent.contract_reference == WCC, AuditEvent.entity == "option",
            AuditEvent.field == "option 1"))]
    assert "declined" in statuses and "exercised" not in statuses


def test_milestone_edits_race_on_the_milestone_row(demo_store):
    with demo_store.session() as session:
        milestone_id = milestones_of(session, get_contract(session, WCC).id)[0].id
    with pytest.raises(StaleEdit), demo_store.session() as alice:
        from contract_tracker.store.models import Milestone

        copy = (get_contract(alice, WCC), alice.get(Milestone, milestone_id))  # held, as a screen would
        with demo_store.session() as bob:
            edit_milestone(bob, WCC, milestone_id, {"due": parse_span("2025-04-02")}, actor="bob")
        edit_milestone(alice, WCC, milestone_id, {"notes": "from a stale copy"}, actor="alice")
        assert copy


def _race(store, trial: int) -> dict:
    """Two officers read the same contract, then both save a new title at the same moment."""
    barrier = threading.Barrier(2, timeout=30)
    outcome: dict = {}

    def officer(name: str) -> None:
        try:
            with store.session() as session:
                copy = get_contract(session, WCC)  # noqa: F841 - held across the wait
                barrier.wait()
                edit_contract(session, WCC, {"title": f"{name} {trial}"}, actor=name)
            outcome[name] = "saved"
        except StaleEdit as error:
            outcome[name] = error
        except Exception as error:
            outcome[name] = error

    threads = [threading.Thread(target=officer, args=(name,)) for name in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcome


def test_simultaneous_saves_never_lose_an_update(demo_store):
    """RACE_TRIALS races: each has exactly one winner, whose change is the one kept and the only
    one in the history; the other is told who changed the title."""
    start = _contract(demo_store)
    for trial in range(RACE_TRIALS):
        outcome = _race(demo_store, trial)
        winners = [name for name, result in outcome.items() if result == "saved"]
        assert len(winners) == 1, outcome
        loser = next(name for name in outcome if name not in winners)
        assert isinstance(outcome[loser], StaleEdit), outcome
        assert f"{winners[0]} at" in str(outcome[loser]) and f"'{winners[0]} {trial}'" in str(outcome[loser])
        assert _contract(demo_store).title == f"{winners[0]} {trial}"
    changes = _title_changes(demo_store)
    assert len(changes) == RACE_TRIALS
    assert [e.new_value for e in changes] == [f"{e.actor} {i}" for i, e in enumerate(changes)]
    assert _contract(demo_store).version == start.version + RACE_TRIALS


def test_audit_events_carry_the_version_they_produced(demo_store):
    read = _contract(demo_store).version
    with demo_store.session() as session:
        edit_contract(session, WCC, {"title": "One", "buyer": "Two"}, actor="carol")
    with demo_store.session() as session:
        stamped = session.exec(select(AuditEvent.contract_version).where(
            AuditEvent.contract_reference == WCC, AuditEvent.actor == "carol")).all()
    assert stamped == [read + 1, read + 1]


def test_a_rolled_back_edit_leaves_no_trace(demo_store):
    before = _contract(demo_store)
    with pytest.raises(InvalidInput), demo_store.session() as session:
        edit_contract(session, WCC, {"title": "kept?"}, actor="dave")
        edit_contract(session, WCC, {"initial_term": "nonsense"}, actor="dave")
    after = _contract(demo_store)
    assert (after.title, after.version) == (before.title, before.version)
    assert not [e for e in _title_changes(demo_store) if e.actor == "dave"]


def test_bare_sessions_get_the_database_guard(demo_store):
    """Without Store.session() the mapper still refuses the stale UPDATE (no silent overwrite)."""
    from sqlalchemy.orm.exc import StaleDataError

    alice = Session(demo_store.engine)
    try:
        copy = get_contract(alice, WCC)  # noqa: F841 - held, as a screen would
        with demo_store.session() as bob:
            edit_contract(bob, WCC, {"title": "Bob"}, actor="bob")
        with pytest.raises(StaleDataError):
            edit_contract(alice, WCC, {"title": "Alice"}, actor="alice")
            alice.commit()
    finally:
        alice.rollback()
        alice.close()
    assert _contract(demo_store).title == "Bob"
