"""The deadline stream as of a day (contract_tracker.read.stream), on SQLite and PostgreSQL.

- the Python and SQL forms of the one rule agree on every row and day;
- every reader (register, contract detail as `contract show` prints it, agenda, report upcoming and
  overdue, a calendar feed) gives the same open deadlines for every demo contract, weekly for two years;
- the stream agrees with the lifecycle engine on options and re-procurement starts;
- the cases issue 15 reported, each pinned.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select as core_select
from sqlmodel import select

from calendar_support import parse
from contract_tracker.calendar.events import AlarmPolicy
from contract_tracker.calendar.feeds import DeadlineFilter, calendar_rows
from contract_tracker.calendar.ics_writer import calendar_bytes
from contract_tracker.calendar.origin import origin_of
from contract_tracker.domain.dates import parse_span
from contract_tracker.domain.deadline_item import INFORMATIONAL, OPPORTUNITIES
from contract_tracker.domain.lifecycle import option_windows, reprocurement_start
from contract_tracker.enums import DeadlineKind, DeadlineState, OptionStatus, Standing
from contract_tracker.errors import RuleViolation
from contract_tracker.read.agenda import agenda_items, notices_standing
from contract_tracker.read.reports import Filters, overdue_report, upcoming_report, window
from contract_tracker.read.stream import is_open, is_overdue, standing, standing_sql
from contract_tracker.read.views import contract_detail, register_rows
from contract_tracker.services import (
    ContractFields,
    add_milestone,
    complete_milestone,
    exercise_option,
    get_contract,
    register_contract,
    terminate,
)
from contract_tracker.services.sync import load_snapshot
from contract_tracker.store.models import Contract, Deadline

SWEEP = [date(2025, 12, 1) + timedelta(weeks=n) for n in range(105)]  # two years, weekly
OPEN = (Standing.OPEN.value, Standing.OVERDUE.value)


# --- one rule, two forms ---------------------------------------------------------------------------

_days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@pytest.fixture(scope="module")
def one_row(tmp_path_factory):
    """A SQLite store holding one contract and one deadline row, rewritten for each example."""
    from contract_tracker.store.database import Store

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('rule') / 'rule.sqlite'}")
    with store.session() as session:
        _contract(session, "ONE", options=["1y"])
    with store.session() as session:
        row_id = session.exec(select(Deadline.id)).first()
    yield store, row_id
    store.close()


@settings(max_examples=400, deadline=None)
@given(state=st.sampled_from([s.value for s in DeadlineState]), kind=st.sampled_from([k.value for k in DeadlineKind]),
       due=_days, holds_from=st.one_of(st.none(), _days), holds_until=st.one_of(st.none(), _days), as_of=_days)
def test_python_and_sql_forms_of_the_rule_agree(one_row, state, kind, due, holds_from, holds_until, as_of):
    store, row_id = one_row
    table = Deadline.__table__
    with store.engine.begin() as connection:
        connection.execute(table.update().where(table.c.id == row_id).values(
            state=state, kind=kind, ordinal=999, due_date=due, holds_from=holds_from, holds_until=holds_until))
        by_sql, opened, late = connection.execute(
            core_select(standing_sql(as_of), is_open(as_of), is_overdue(as_of)).where(table.c.id == row_id)).one()
    expected = standing(state=state, kind=kind, due_date=due, holds_from=holds_from, holds_until=holds_until,
                        as_of=as_of)
    assert by_sql == expected.value
    assert bool(opened) == expected.is_open
    assert bool(late) == (expected == Standing.OVERDUE)


def test_sql_and_python_standings_agree_on_every_stored_row_and_day(demo_store):
    with demo_store.session() as session:
        rows = session.exec(select(Deadline)).all()
        for as_of in [*SWEEP[::4], date(2026, 11, 30), date(2026, 12, 1), date(2028, 3, 1), date(2028, 3, 2)]:
            by_sql = dict(session.exec(select(Deadline.id, standing_sql(as_of))).all())
            opened = set(session.exec(select(Deadline.id).where(is_open(as_of))).all())
            late = set(session.exec(select(Deadline.id).where(is_overdue(as_of))).all())
            for row in rows:
                python = standing(state=row.state, kind=row.kind, due_date=row.due_date, holds_from=row.holds_from,
                                  holds_until=row.holds_until, as_of=as_of)
                assert by_sql[row.id] == python.value, (row.contract_reference, row.kind, row.ordinal, as_of)
                assert (row.id in opened) == python.is_open
                assert (row.id in late) == (python == Standing.OVERDUE)


@pytest.mark.parametrize("state", [s.value for s in DeadlineState])
@pytest.mark.parametrize("kind", ["extension decision", "contract end", "break notice", "milestone"])
def test_the_rules_in_order(state, kind):
    day = date(2027, 6, 1)
    judge = lambda **kw: standing(**{"state": state, "kind": kind, "due_date": day, "holds_from": None,  # noqa: E731
                                      "holds_until": None, **kw})
    if state == "superseded":
        assert judge(as_of=day) == Standing.SUPERSEDED
        return
    assert judge(as_of=day, holds_from=day + timedelta(days=1)) == Standing.PENDING
    closed = judge(as_of=day + timedelta(days=10), holds_until=day + timedelta(days=5))
    if state == "open" and kind not in OPPORTUNITIES:
        assert closed == Standing.MISSED  # fell due while it applied, and was not acted on
    else:
        assert closed == Standing.LAPSED
    assert judge(as_of=day + timedelta(days=10), holds_until=day - timedelta(days=1)) == Standing.LAPSED
    late = judge(as_of=day + timedelta(days=1))
    if state != "open":
        assert late == Standing(state)
    else:
        assert late == (Standing.PASSED if kind in INFORMATIONAL else Standing.OVERDUE)
        assert judge(as_of=day) == Standing.OPEN


# --- every reader, the same answer -----------------------------------------------------------------

def _feed_open(session, as_of) -> set[tuple[str, str, int, date]]:
    """Open deadlines as a subscribed calendar carries them: events with reminders (only open ones get
    any), read back from the bytes, mapped back to deadlines by UID."""
    rows = list(calendar_rows(session, DeadlineFilter(), as_of=as_of))
    origin = origin_of(session)
    by_uid = {origin.uid(r.contract_id, r.kind, r.ordinal): r for r in rows}
    body = calendar_bytes(rows, alarms=AlarmPolicy(override=(1,)), origin=origin)
    out = set()
    for event in parse(body).walk("VEVENT"):
        if event.walk("VALARM"):
            assert str(event["STATUS"]) == "CONFIRMED"
            row = by_uid[str(event["UID"])]
            out.add((row.contract_reference, row.kind, row.ordinal, row.due_date))
    return out


def test_every_reader_gives_the_same_open_deadlines_weekly_for_two_years(demo_store):
    with demo_store.session() as session:
        contracts = session.exec(select(Contract).order_by(Contract.reference)).all()
        for as_of in SWEEP:
            details = {c.reference: contract_detail(session, c, as_of=as_of).as_dict() for c in contracts}
            shown = {(ref, d["kind"], d["ordinal"], date.fromisoformat(d["due_date"]))
                     for ref, detail in details.items() for d in detail["deadlines"] if d["standing"] in OPEN}
            forever = window(as_of, "30y")
            upcoming = upcoming_report(session, as_of=as_of, win=forever, filters=Filters()).rows
            overdue = overdue_report(session, as_of=as_of, filters=Filters()).rows
            everything = {(r["reference"], r["kind"], r["ordinal"], date.fromisoformat(r["due_date"]))
                          for r in upcoming + overdue}
            reported = {row for row in everything if row[0]}  # the authority's own notices name no contract
            assert reported == shown, as_of
            agenda_all = {(i.reference, i.kind, i.title, i.due_date)
                          for i in agenda_items(session, as_of=as_of, weeks=52 * 30)}
            agenda = {item for item in agenda_all if item[0]}
            titled = {(ref, d["kind"], d["title"], date.fromisoformat(d["due_date"]))
                      for ref, detail in details.items() for d in detail["deadlines"] if d["standing"] in OPEN}
            assert agenda == titled, as_of
            feed = _feed_open(session, as_of)
            assert {row for row in feed if row[0]} == shown, as_of
            # The authority's notices: the same open ones in the reports, the agenda and the feed.
            notices = everything - reported
            assert {row for row in feed if not row[0]} == notices, as_of
            assert {(kind, due) for _, kind, _, due in agenda_all - agenda} == {
                (kind, due) for _, kind, _, due in notices}, as_of
            assert len(notices_standing(session, as_of=as_of).overdue) == sum(due < as_of for *_, due in notices)
            for row in register_rows(session, as_of=as_of):
                mine = sorted((due, d) for (ref, _, _, due), d in
                              ((key, key) for key in shown) if ref == row.reference)
                ahead = [due for due, _ in mine if due >= as_of]
                assert row.next_deadline == (min(ahead).isoformat() if ahead else None), (row.reference, as_of)
                assert row.overdue == sum(1 for due, _ in mine if due < as_of), (row.reference, as_of)
                assert row.status == details[row.reference]["status_as_of"]


def test_the_stream_agrees_with_the_lifecycle_engine_weekly(demo_store):
    with demo_store.session() as session:
        contracts = session.exec(select(Contract)).all()
        terms = {c.reference: load_snapshot(session, c).terms for c in contracts}
        for as_of in SWEEP:
            for contract in contracts:
                detail = contract_detail(session, contract, as_of=as_of).as_dict()
                engine = {w.ordinal: w.status for w in option_windows(terms[contract.reference], as_of)}
                decisions = {d["ordinal"]: d["standing"] for d in detail["deadlines"]
                             if d["kind"] == DeadlineKind.EXTENSION_DECISION.value}
                for ordinal, status in engine.items():
                    expected = {OptionStatus.AVAILABLE: "open", OptionStatus.OVERDUE: "overdue",
                                OptionStatus.EXERCISED: "done", OptionStatus.DECLINED: "done"}.get(status)
                    if expected is None:  # lapsed: the deadline lapsed, or was missed if it fell due first
                        assert decisions.get(ordinal) in ("lapsed", "missed", "cancelled"), (contract.reference, as_of)
                    else:
                        assert decisions.get(ordinal) == expected, (contract.reference, ordinal, as_of)
                assert [o["status_as_of"] for o in detail["options"]] == [s.value for s in engine.values()]
                starts = [d for d in detail["deadlines"] if d["kind"] == DeadlineKind.REPROCUREMENT_START.value
                          and d["standing"] in OPEN]
                live = (contract.status == "live" and contract.successor_id is None
                        and as_of <= date.fromisoformat(detail["current_end"]))
                if live:
                    assert [d["due_date"] for d in starts] == [
                        reprocurement_start(terms[contract.reference], as_of).isoformat()], (contract.reference, as_of)
                else:
                    assert starts == [], (contract.reference, as_of)


# --- the cases the issue reported --------------------------------------------------------------------

def _contract(session, reference, **fields):
    values = dict(reference=reference, title=reference, start_date=date(2025, 9, 1), initial_term="3y",
                  options=["3y", "3y"], decision_notice="6m", reprocurement_lead="12m")
    values.update(fields)
    return register_contract(session, ContractFields(**values), actor="test")


def _open(session, reference, as_of):
    contract = get_contract(session, reference)
    return sorted((row.kind, row.ordinal, row.due_date) for row in session.exec(
        select(Deadline).where(Deadline.contract_id == contract.id, is_open(as_of))))


def test_1_lapsed_options_stay_closed_everywhere_on_the_demo(demo_store):
    """DEMO-HST-2023 ended on 30 Nov 2026 with both options lapsed: on 3 Dec 2026 nothing of it is open."""
    as_of = date(2026, 12, 3)
    with demo_store.session() as session:
        row = next(r for r in register_rows(session, as_of=as_of) if r.reference == "DEMO-HST-2023")
        assert (row.status, row.next_deadline, row.overdue) == ("expired", None, 0)
        assert _open(session, "DEMO-HST-2023", as_of) == []
        detail = contract_detail(session, get_contract(session, "DEMO-HST-2023"), as_of=as_of).as_dict()
        standing_of = {(d["kind"], d["ordinal"]): d["standing"] for d in detail["deadlines"]}
        assert standing_of[("extension decision", 1)] == "missed"  # fell due, never decided
        assert standing_of[("extension decision", 2)] == "lapsed"  # lapsed with option 1
        assert standing_of[("reprocurement start", 0)] == "missed"
        assert standing_of[("contract end", 0)] == "passed"
        rows = list(calendar_rows(session, DeadlineFilter(contracts=("DEMO-HST-2023",)), as_of=as_of))
        origin = origin_of(session)
    body = calendar_bytes(rows, origin=origin)
    events = {str(e["SUMMARY"]): e for e in parse(body).walk("VEVENT")}
    missed = events["Missed: Extension decision due: option 1, Home to school transport: SEND routes"]
    assert not missed.walk("VALARM")
    assert all(not e.walk("VALARM") for e in events.values())  # nothing left to remind anyone of


def test_1_a_3_3_3_whose_option_1_passed_undecided_keeps_no_later_option_open(store):
    with store.session() as session:
        _contract(session, "T-333", options=["3y", "3y", "3y"])
    with store.session() as session:
        assert [k for k in _open(session, "T-333", date(2028, 3, 1)) if k[0] == "extension decision"] == [
            ("extension decision", 1, date(2028, 3, 1)), ("extension decision", 2, date(2031, 3, 1)),
            ("extension decision", 3, date(2034, 3, 1))]
        after = _open(session, "T-333", date(2028, 3, 2))
        assert [k for k in after if k[0] == "extension decision"] == [("extension decision", 1, date(2028, 3, 1))]
        assert [k for k in _open(session, "T-333", date(2028, 9, 1)) if k[0] == "extension decision"] == []


def test_2_re_procurement_moves_earlier_when_the_options_lapse_and_is_reported_overdue(store):
    with store.session() as session:
        _contract(session, "T-RP", options=["3y", "3y", "3y"])
    with store.session() as session:
        starts = lambda day: [k[2] for k in _open(session, "T-RP", day) if k[0] == "reprocurement start"]  # noqa: E731
        assert starts(date(2026, 1, 1)) == [date(2036, 9, 1)]  # every option still possible
        assert starts(date(2028, 3, 2)) == [date(2027, 9, 1)]  # option 1 passed undecided
        overdue = overdue_report(session, as_of=date(2028, 3, 2), filters=Filters()).rows
        assert ("T-RP", "reprocurement start", "2027-09-01") in {(r["reference"], r["kind"], r["due_date"])
                                                                 for r in overdue}


def test_3_standstill_and_uk7_count_from_the_day_the_event_happened(store):
    with store.session() as session:
        _contract(session, "T-SS", regime="PA2023", start_date=date(2026, 2, 1), options=[])
        add_milestone(session, "T-SS", kind="award notice", name="UK6", due=parse_span("2025-12-19"), actor="t")

    def due(kind):
        with store.session() as session:
            contract = get_contract(session, "T-SS")
            return session.exec(select(Deadline.due_date).where(Deadline.contract_id == contract.id,
                                                                Deadline.kind == kind)).one()

    assert due("standstill end") == date(2026, 1, 5)  # planned 19 Dec: 8 working days
    with store.session() as session:
        notice = next(m for m in load_snapshot(session, get_contract(session, "T-SS")).milestones if m.name == "UK6")
        complete_milestone(session, "T-SS", notice.id, met_on=date(2025, 12, 23), today=date(2026, 1, 2), actor="t")
    assert due("standstill end") == date(2026, 1, 7)  # published 23 Dec: Christmas and New Year skipped
    with store.session() as session:
        add_milestone(session, "T-SS", kind="signature", name="Signed", due=parse_span("2026-01-08"), actor="t")
    assert due("UK7 due") == date(2026, 2, 6)  # 30 days beginning with the planned signature
    with store.session() as session:
        signed = next(m for m in load_snapshot(session, get_contract(session, "T-SS")).milestones if m.name == "Signed")
        complete_milestone(session, "T-SS", signed.id, met_on=date(2026, 1, 20), today=date(2026, 1, 20), actor="t")
    assert due("UK7 due") == date(2026, 2, 18)  # counted from the late signature


def test_4_decisions_are_judged_by_their_own_date(store):
    with store.session() as session:
        _contract(session, "T-DEC")
    with store.session() as session, pytest.raises(RuleViolation, match="lapsed when the term it extends ended"):
        exercise_option(session, "T-DEC", 1, today=date(2029, 2, 1), on=date(2029, 1, 1), actor="t")
    with store.session() as session, pytest.raises(RuleViolation, match="force it and give a reason"):
        exercise_option(session, "T-DEC", 1, today=date(2028, 5, 1), on=date(2028, 4, 1), actor="t")
    with store.session() as session:  # decided on time, recorded a month later: accepted
        exercise_option(session, "T-DEC", 1, today=date(2028, 4, 1), on=date(2028, 2, 20), actor="t")
    with store.session() as session:
        assert get_contract(session, "T-DEC").version == 2


def test_7_termination_cancels_later_milestones_and_passed_dates_read_passed(store):
    with store.session() as session:
        _contract(session, "T-TERM", options=[])
        add_milestone(session, "T-TERM", kind="other", name="Annual review", due=parse_span("2027-09-01"), actor="t")
        terminate(session, "T-TERM", on=date(2027, 3, 31), reason="Provider failure", actor="t")
    with store.session() as session:
        assert ("milestone" not in {k[0] for k in _open(session, "T-TERM", date(2027, 1, 1))})
        detail = contract_detail(session, get_contract(session, "T-TERM"), as_of=date(2027, 4, 2)).as_dict()
    by_title = {d["title"]: d["standing"] for d in detail["deadlines"]}
    assert by_title["Annual review"] == "cancelled"
    assert by_title["Contract terminated"] == "done"
    with store.session() as session:
        _contract(session, "T-END", options=[])
        detail = contract_detail(session, get_contract(session, "T-END"), as_of=date(2028, 9, 2)).as_dict()
    assert {d["title"]: d["standing"] for d in detail["deadlines"]}["Contract ends"] == "passed"


def test_6_a_planned_procurement_notice_a_year_and_a_day_before_does_not_qualify():
    from contract_tracker.domain.statutory import qualifying_planned_notice, tender_minimum

    assert not qualifying_planned_notice(date(2025, 3, 31), date(2026, 4, 1))  # 366 days: more than a year
    assert qualifying_planned_notice(date(2025, 4, 1), date(2026, 4, 1))  # exactly a year
    assert qualifying_planned_notice(date(2027, 2, 28), date(2028, 2, 29))  # a year back from 29 Feb
    assert not qualifying_planned_notice(date(2026, 2, 21), date(2026, 4, 1))  # 39 days: too close
    rule = tender_minimum("PA2023", "open", False, itt=date(2026, 4, 1), planned_notice=date(2025, 3, 31))
    assert rule.gap is not None and rule.gap.amount == 25


def test_9_the_regime_defaults_by_the_start_date_and_says_so(cli):
    old = cli("contract", "add", "--ref", "OLD-2020", "--title", "Old", "--start", "2020-04-01", "--term", "5y")
    assert old.exit_code == 0 and "PCR 2015 assumed" in old.stderr
    new = cli("contract", "add", "--ref", "NEW-2026", "--title", "New", "--start", "2026-04-01", "--term", "2y")
    assert new.exit_code == 0 and "PA 2023 assumed" in new.stderr
    chosen = cli("contract", "add", "--ref", "SET-2020", "--title", "Set", "--start", "2020-04-01", "--term", "5y",
                 "--regime", "other")
    assert chosen.exit_code == 0 and "assumed" not in chosen.stderr
    import json

    regimes = {ref: json.loads(cli("contract", "show", ref, "--format", "json").stdout)["regime"]
               for ref in ("OLD-2020", "NEW-2026", "SET-2020")}
    assert regimes == {"OLD-2020": "PCR2015", "NEW-2026": "PA2023", "SET-2020": "other"}


def test_9_the_ocds_export_calls_an_expired_contract_terminated_and_a_running_one_active(demo_store):
    from datetime import UTC, datetime

    from contract_tracker.interchange.exporters.ocds import register_package

    with demo_store.session() as session:
        package = register_package(session, as_of=date(2026, 12, 3), published=datetime(2026, 12, 3, tzinfo=UTC),
                                   publisher="test")
    status = {r["tender"]["id"]: r["contracts"][0]["status"] for r in package["releases"] if r.get("contracts")}
    assert status["DEMO-HST-2023"] == "terminated"  # ran to its end on 30 Nov 2026
    assert status["WCC-SEND-MED-2014-A"] == "terminated"
    assert status["DEMO-YOUTH-2024"] == "terminated"
    assert status["WCC-SEND-MED-2025"] == "active"


def test_rows_no_longer_produced_are_kept_superseded_and_sequences_never_go_back(store):
    with store.session() as session:
        _contract(session, "T-SUP", options=["1y"])
    with store.session() as session:
        before = {(r.kind, r.ordinal): r.sequence for r in session.exec(select(Deadline))}
        exercise_option(session, "T-SUP", 1, today=date(2028, 1, 1), on=date(2028, 1, 1), actor="t")
    with store.session() as session:
        after = {(r.kind, r.ordinal): (r.state, r.sequence) for r in session.exec(select(Deadline))}
    assert set(before) <= set(after)  # nothing deleted
    assert after[("reprocurement start", 0)][0] == "superseded"  # the end without option 1 is no longer possible
    assert all(after[key][1] >= sequence for key, sequence in before.items())


def test_a_store_written_by_other_rules_is_rewritten_when_opened(db_url):
    from sqlalchemy import update

    from contract_tracker.services.integrity import check_store
    from contract_tracker.store.database import Store
    from contract_tracker.store.models import DeadlineVersion

    store = Store.open(db_url)
    with store.session() as session:
        _contract(session, "T-OLD", start_date=date(2024, 2, 29), initial_term="1y", options=[])
    with store.engine.begin() as connection:  # as an earlier release would have written it
        connection.execute(update(Deadline).where(Deadline.kind == "contract end").values(due_date=date(2025, 2, 27)))
        connection.execute(update(DeadlineVersion).values(rules="an earlier release"))
    assert not check_store(store.engine).ok
    store.close()
    store = Store.open(db_url)
    try:
        assert check_store(store.engine).ok
        with store.session() as session:
            end = session.exec(select(Deadline.due_date).where(Deadline.kind == "contract end")).one()
        assert end == date(2025, 2, 28)
    finally:
        store.close()
