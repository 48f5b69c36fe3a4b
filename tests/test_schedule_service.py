"""`schedule apply` and `schedule check` on a real store (SQLite and PostgreSQL), and the
statutory deadlines they put into the deadline stream."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from contract_tracker.domain.dates import Span
from contract_tracker.domain.schedule_check import Outcome, broken
from contract_tracker.domain.statutory import pa_standstill_end
from contract_tracker.domain.workdays import statutory_calendar
from contract_tracker.enums import DeadlineKind, DeadlineState, MilestoneStatus
from contract_tracker.errors import InvalidInput, NotFound, StaleEdit
from contract_tracker.services import (
    ContractFields,
    add_milestone,
    complete_milestone,
    edit_contract,
    edit_milestone,
    exercise_option,
    get_contract,
    milestones_of,
    register_contract,
)
from contract_tracker.services.schedules import apply_schedule, check_schedule
from contract_tracker.store.models import AuditEvent, Deadline, Milestone

WARWICKSHIRE = "WCC-SEND-MED-2025"
REF = "T-PA-OPEN"
UK = statutory_calendar()


def _register(session, reference=REF, **extra):
    fields = dict(reference=reference, title="Test open procurement", start_date=date(2025, 9, 1),
                  initial_term="2y", options=["1y"], regime="PA2023", procedure="open", owner_role="Head of Service")
    fields.update(extra)
    return register_contract(session, ContractFields(**fields), actor="tester")


def _deadlines(session, reference):
    contract = get_contract(session, reference)
    return {(d.kind, d.ordinal): d for d in session.exec(select(Deadline).where(Deadline.contract_id == contract.id))}


def _milestone(session, reference, key):
    contract = get_contract(session, reference)
    return next(m for m in milestones_of(session, contract.id) if m.template_key == key)


def test_warwickshire_table_two_passes(demo_store, today):
    with demo_store.session() as session:
        template, findings = check_schedule(session, WARWICKSHIRE, as_of=today)
    assert template.key == "pa2023-light-touch"
    assert not broken(findings)
    tender = next(f for f in findings if f.rule == "tender-deadline period")
    assert tender.outcome == Outcome.OK and "41 days" in tender.message and "1 Apr 2025" in tender.message


def test_a_20_day_tender_period_fails_naming_s54(demo_store, today):
    with demo_store.session() as session:
        contract = get_contract(session, WARWICKSHIRE)
        deadline = next(m for m in milestones_of(session, contract.id) if m.kind == "tender deadline")
        edit_milestone(session, WARWICKSHIRE, deadline.id, {"due": Span(date(2025, 4, 21), date(2025, 4, 21))},
                       actor="tester")
    with demo_store.session() as session:
        _, findings = check_schedule(session, WARWICKSHIRE, as_of=today)
    failed = [f for f in findings if f.outcome == Outcome.BROKEN]
    assert len(failed) == 1
    assert "s.54" in failed[0].citation and "20 days" in failed[0].message and "21 Apr 2025" in failed[0].message


def test_apply_creates_updates_and_never_duplicates(store):
    with store.session() as session:
        _register(session)
        first = apply_schedule(session, REF, "pa2023-open", anchor="service start", anchor_date=date(2025, 9, 1),
                               calendar=UK, actor="tester")
    assert len(first.created) == 14 and not first.updated
    with store.session() as session:
        again = apply_schedule(session, REF, "pa2023-open", anchor="service start", anchor_date=date(2025, 9, 1),
                               calendar=UK, actor="tester")
        assert not again.created and not again.updated and len(again.unchanged) == 14
        moved = apply_schedule(session, REF, "pa2023-open", anchor="service start", anchor_date=date(2025, 10, 1),
                               calendar=UK, actor="tester")
        assert not moved.created and len(moved.updated) == 14
        contract = get_contract(session, REF)
        rows = milestones_of(session, contract.id)
        assert len(rows) == 14 and len({m.template_key for m in rows}) == 14
        assert _milestone(session, REF, "pa2023-open:service-start").due_date == date(2025, 10, 1)
        applied = session.exec(select(AuditEvent).where(AuditEvent.action == "schedule applied")).all()
        assert len(applied) == 3


def test_apply_never_overwrites_a_met_milestone(store):
    with store.session() as session:
        _register(session)
        apply_schedule(session, REF, "pa2023-open", anchor="itt", anchor_date=date(2025, 4, 1), calendar=UK,
                       actor="tester")
        itt = _milestone(session, REF, "pa2023-open:itt")
        complete_milestone(session, REF, itt.id, met_on=date(2025, 4, 1), today=date(2025, 4, 2), actor="tester")
    with store.session() as session:
        result = apply_schedule(session, REF, "pa2023-open", anchor="itt", anchor_date=date(2025, 4, 15),
                                calendar=UK, actor="tester")
        itt = _milestone(session, REF, "pa2023-open:itt")
        assert itt.due_date == date(2025, 4, 1) and itt.status == MilestoneStatus.MET
        assert [m.id for m in result.kept] == [itt.id]
        assert _milestone(session, REF, "pa2023-open:tender-deadline").due_date == date(2025, 5, 20)


def test_apply_adopts_a_hand_entered_milestone(demo_store):
    with demo_store.session() as session:
        result = apply_schedule(session, WARWICKSHIRE, "pa2023-light-touch", anchor="service start",
                                anchor_date=date(2025, 9, 1), calendar=UK, actor="tester")
        contract = get_contract(session, WARWICKSHIRE)
        rows = milestones_of(session, contract.id)
        itts = [m for m in rows if m.kind == "itt publication"]
        assert len(itts) == 1 and itts[0].due_date == date(2025, 4, 1)  # met: kept as recorded
        assert itts[0].template_key == "pa2023-light-touch:itt"
        # the six met Table Two milestones, and the demo's signature and UK7 (met)
        assert len(result.kept) == 8
        assert len(rows) == 9 + 13 - 8


def test_apply_from_a_stale_copy_is_refused_and_writes_nothing(demo_store):
    with demo_store.session() as session:
        read = get_contract(session, WARWICKSHIRE).version
        edit_contract(session, WARWICKSHIRE, {"owner_role": "Head of SEND"}, actor="bob")
    with pytest.raises(StaleEdit, match=r"bob at .* changed owner_role"), demo_store.session() as session:
        apply_schedule(session, WARWICKSHIRE, "pa2023-light-touch", anchor="service start",
                       anchor_date=date(2025, 9, 1), calendar=UK, actor="tester", expected_version=read)
    with demo_store.session() as session:
        contract = get_contract(session, WARWICKSHIRE)
        assert not [m for m in milestones_of(session, contract.id) if m.template_key]
        result = apply_schedule(session, WARWICKSHIRE, "pa2023-light-touch", anchor="service start",
                                anchor_date=date(2025, 9, 1), calendar=UK, actor="tester",
                                expected_version=read + 1)
        assert len(result.created) == 5


def test_apply_refuses_bad_input_and_writes_nothing(store):
    with store.session() as session:
        _register(session)
    with pytest.raises(NotFound), store.session() as session:
        apply_schedule(session, REF, "pa2023-nope", anchor="itt", anchor_date=date(2025, 4, 1), calendar=UK,
                       actor="tester")
    with pytest.raises(InvalidInput), store.session() as session:
        apply_schedule(session, REF, "pa2023-open", anchor="contract end", anchor_date=date(2025, 4, 1),
                       calendar=UK, actor="tester")
    with store.session() as session:
        assert session.exec(select(Milestone)).all() == []


def test_statutory_deadlines_join_the_stream(store):
    with store.session() as session:
        _register(session)
        apply_schedule(session, REF, "pa2023-open", anchor="service start", anchor_date=date(2025, 9, 1),
                       calendar=UK, actor="tester")
        rows = _deadlines(session, REF)
        notice = _milestone(session, REF, "pa2023-open:award-notice").due_date
        signature = _milestone(session, REF, "pa2023-open:signature").due_date
        standstill = rows[(DeadlineKind.STANDSTILL_END.value, 0)]
        assert standstill.due_date == pa_standstill_end(notice)
        uk7 = rows[(DeadlineKind.UK7_DUE.value, 0)]
        assert (uk7.due_date - signature).days == 29
        uk11 = rows[(DeadlineKind.UK11_DUE.value, 0)]
        assert (uk11.start_date, uk11.due_date) == (date(2027, 8, 31), date(2027, 9, 29))
        assert (DeadlineKind.UK10_CHECK.value, 1) not in rows


def test_exercising_an_option_asks_for_a_uk10_decision_and_moves_uk11(store):
    with store.session() as session:
        _register(session)
        exercise_option(session, REF, 1, today=date(2027, 1, 10), on=date(2027, 1, 10), actor="tester")
        rows = _deadlines(session, REF)
        check = rows[(DeadlineKind.UK10_CHECK.value, 1)]
        assert check.due_date == date(2027, 1, 10) and check.state == DeadlineState.OPEN
        assert "unsettled" in check.action
        assert rows[(DeadlineKind.UK11_DUE.value, 0)].due_date == date(2028, 9, 29)
        add_milestone(session, REF, kind="contract change notice", name="UK10 not needed: option in the contract",
                      due=Span(date(2027, 1, 12), date(2027, 1, 12)), status="cancelled", actor="tester")
        assert _deadlines(session, REF)[(DeadlineKind.UK10_CHECK.value, 1)].state == DeadlineState.DONE


def test_no_uk10_check_for_light_touch_or_pcr(store):
    with store.session() as session:
        _register(session, reference="LT", light_touch=True)
        _register(session, reference="PCR", regime="PCR2015")
        for reference in ("LT", "PCR"):
            exercise_option(session, reference, 1, today=date(2027, 1, 10), on=date(2027, 1, 10), actor="tester")
            kinds = {kind for kind, _ in _deadlines(session, reference)}
            assert DeadlineKind.UK10_CHECK.value not in kinds
        assert DeadlineKind.UK11_DUE.value not in {kind for kind, _ in _deadlines(session, "PCR")}


def test_check_finds_standstill_uk7_uk11_and_order_breaches(store):
    with store.session() as session:
        _register(session, start_date=date(2026, 1, 7), initial_term="1y", options=[])

        def add(kind, day, status="planned"):
            add_milestone(session, REF, kind=kind, name=kind.capitalize(), due=Span(day, day), status=status,
                          actor="tester")

        add("itt publication", date(2025, 9, 1))
        add("tender deadline", date(2025, 9, 22))  # 21 days: under s.54's 25
        # Sunday 21 Dec 2025: 22, 23, 24, 29, 30, 31 Dec, (1 and 2 Jan) 5, 6 Jan: ends 6 Jan 2026.
        add("award notice", date(2025, 12, 21))
        add("signature", date(2026, 1, 2))  # inside the standstill
        add("contract details notice", date(2026, 2, 10))  # due by 31 Jan 2026
        add("evaluation", date(2025, 8, 29))  # before the tender deadline
    with store.session() as session:
        _, findings = check_schedule(session, REF, as_of=date(2027, 3, 1))
    failed = {f.rule: f for f in findings if f.outcome == Outcome.BROKEN}
    assert "s.54" in failed["tendering period"].citation and "21 days" in failed["tendering period"].message
    assert "ended on 6 Jan 2026" in failed["standstill"].message
    assert "by 31 Jan 2026" in failed["UK7 contract details notice"].message
    uk11 = failed["UK11 contract termination notice"].message
    assert "No UK11 recorded" in uk11 and "(6 Jan 2027), by 4 Feb 2027" in uk11
    assert "comes before" in failed["order of steps"].message
