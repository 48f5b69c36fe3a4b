"""`contract reprocure`: a planned successor from one or more contracts, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from contract_tracker.domain.templates import get_template
from contract_tracker.domain.workdays import statutory_calendar
from contract_tracker.enums import ContractStatus, DeadlineKind, DeadlineState, MilestoneKind
from contract_tracker.errors import InvalidInput, NotFound, RuleViolation
from contract_tracker.read.reports import Filters, overdue_report
from contract_tracker.read.stream import standing_of
from contract_tracker.read.views import contract_detail
from contract_tracker.services import ContractFields, get_contract, milestones_of, register_contract
from contract_tracker.services.reprocurement import reprocure
from contract_tracker.store.models import AuditEvent, Contract, Deadline, Milestone

UK = statutory_calendar()
PROVIDERS = [f"OLD-SEND-2014-{letter}" for letter in "ABC"]


def _reprocure(session, references, **given):
    given.setdefault("as_of", date(2026, 11, 22))
    return reprocure(session, references, calendar=UK, actor="tester", **given)


def _reprocurement_rows(session, reference):
    contract = get_contract(session, reference)
    return list(session.exec(select(Deadline).where(Deadline.contract_id == contract.id,
                                                    Deadline.kind == DeadlineKind.REPROCUREMENT_START.value,
                                                    Deadline.state != DeadlineState.SUPERSEDED.value)))


def test_the_successor_of_demo_lib_starts_the_day_after_its_final_possible_end(demo_store, today):
    with demo_store.session() as session:
        final_end = contract_detail(session, get_contract(session, "DEMO-LIB-2022"), as_of=today).final_possible_end
        result = _reprocure(session, ["DEMO-LIB-2022"], reference="DEMO-LIB-2027", template_key="pa2023-call-off",
                            as_of=today)
    assert final_end == date(2027, 6, 30)  # 5 years from 1 July 2022; its one option was declined
    assert result.start == date(2027, 7, 1) and not result.start_given
    with demo_store.session() as session:
        successor = get_contract(session, "DEMO-LIB-2027")
        milestones = milestones_of(session, successor.id)
        detail = contract_detail(session, successor, as_of=today).as_dict()
        predecessor = contract_detail(session, get_contract(session, "DEMO-LIB-2022"), as_of=today).as_dict()
    assert (successor.status, successor.start_date, successor.initial_term) == ("planned", date(2027, 7, 1), "5y")
    assert (successor.regime, successor.procedure) == ("PA2023", "call-off")
    assert successor.annual_value == Decimal("95000.00")
    template = get_template("pa2023-call-off")
    assert sorted(m.template_key for m in milestones) == sorted(template.milestone_key(s) for s in template.steps)
    service_start = next(m for m in milestones if m.kind == MilestoneKind.SERVICE_START.value)
    assert service_start.due_date == date(2027, 7, 1)
    assert all(m.due_date <= date(2027, 7, 1) and m.status == "planned" for m in milestones)
    assert all(UK.is_working_day(m.due_date) for m in milestones if m.kind != MilestoneKind.MOBILISATION.value)
    assert result.applied.plan.ok and result.findings  # the statutory check ran
    assert detail["replaces"] == ["DEMO-LIB-2022"] and predecessor["successor"] == "DEMO-LIB-2027"


def test_the_start_follows_every_option_still_open(demo_store, today):
    """DEMO-SL-2026 runs 2 years from 1 April 2026 with two 1-year options undecided: its successor
    starts after all of them, on 1 April 2030, unless a start is given."""
    with demo_store.session() as session:
        result = _reprocure(session, ["DEMO-SL-2026"], reference="DEMO-SL-2030", template_key="pa2023-light-touch",
                            as_of=today)
        given = _reprocure(session, ["DEMO-HST-2023"], reference="DEMO-HST-2027", template_key="pcr2015-open",
                           as_of=today, start=date(2027, 9, 1), title="SEND transport routes", initial_term="4y")
    assert result.start == date(2030, 4, 1) and result.follows.final_end == date(2030, 3, 31)
    assert given.start == date(2027, 9, 1) and given.start_given
    assert (given.successor.title, given.successor.initial_term) == ("SEND transport routes", "4y")


def _providers(store):
    with store.session() as session:
        for letter, value in zip("ABC", ("40000", "35000", None), strict=True):
            register_contract(session, ContractFields(
                reference=f"OLD-SEND-2014-{letter}", title=f"SEND mediation provider {letter}",
                start_date=date(2014, 9, 1), initial_term="11y", regime="other", procedure="other",
                light_touch=True, owner_role="SEND Commissioning Lead",
                annual_value=Decimal(value) if value else None), actor="tester")


def _overdue_references(session, as_of):
    return {row["reference"] for row in overdue_report(session, as_of=as_of, filters=Filters()).rows
            if row["kind"] == DeadlineKind.REPROCUREMENT_START.value}


def test_three_predecessors_one_successor_and_their_reprocurement_in_hand(store):
    """The seed's story: three 2014 providers replaced by one contract from 1 September 2025."""
    _providers(store)
    as_of = date(2025, 1, 6)
    with store.session() as session:
        assert _overdue_references(session, as_of) == set(PROVIDERS)  # due 1 Sep 2024, not started
        result = _reprocure(session, list(reversed(PROVIDERS)), reference="SEND-MED-2025", as_of=as_of,
                            template_key="pa2023-light-touch", title="SEND Mediation Services", initial_term="3y")
    assert result.start == date(2025, 9, 1)
    assert result.annual_value == Decimal("75000")  # the values recorded, summed; C has none
    with store.session() as session:
        assert _overdue_references(session, as_of) == set()
        assert _overdue_references(session, date(2025, 8, 31)) == set()
        successor = get_contract(session, "SEND-MED-2025")
        for reference in PROVIDERS:
            assert get_contract(session, reference).successor_id == successor.id
            rows = _reprocurement_rows(session, reference)
            assert [row.state for row in rows] == [DeadlineState.DONE.value]
            assert rows[0].action.endswith("In hand: SEND-MED-2025 replaces this contract.")
            assert standing_of(rows[0], as_of) == "done"
        assert contract_detail(session, successor, as_of=as_of).as_dict()["replaces"] == PROVIDERS
        events = session.exec(select(AuditEvent).where(AuditEvent.contract_id == successor.id)).all()
        actions = {event.action for event in events}
        assert {"created", "reprocurement planned", "schedule applied"} <= actions
        planned = next(e for e in events if e.action == "reprocurement planned")
        assert "first estimate" in planned.reason and planned.new_value == "; ".join(PROVIDERS)
        assert len(session.exec(select(AuditEvent).where(AuditEvent.field == "successor")).all()) == 3
    assert successor.status == ContractStatus.PLANNED.value


def _counts(store):
    with store.session() as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (Contract, Milestone, Deadline, AuditEvent))


def _successor_ids(store):
    with store.session() as session:
        return sorted((c.reference, c.successor_id) for c in session.exec(select(Contract)))


@pytest.mark.parametrize(("references", "given", "error", "message"), [
    (["DEMO-LIB-2022", "NO-SUCH-REF"], {}, NotFound, "no contract with reference 'NO-SUCH-REF'"),
    (["DEMO-LIB-2022"], {"reference": "DEMO-HST-2023"}, InvalidInput, "'DEMO-HST-2023' already exists"),
    (["DEMO-LIB-2022", "WCC-SEND-MED-2014-B"], {}, RuleViolation,
     "WCC-SEND-MED-2014-B is already replaced by WCC-SEND-MED-2025"),
    (["DEMO-LIB-2022"], {"template_key": "pa2023-closed"}, NotFound, "no schedule template 'pa2023-closed'"),
    (["WSCC-SEND-MDR-2020"], {}, InvalidInput, "has no end date to start after"),
    ([" "], {}, InvalidInput, "at least one contract"),
    (["DEMO-LIB-2022"], {"reference": "DEMO-LIB-2022"}, InvalidInput, "cannot replace itself"),
])
def test_each_refusal_is_one_line_and_writes_nothing(demo_store, references, given, error, message):
    before, links = _counts(demo_store), _successor_ids(demo_store)
    given = {"reference": "NEW-2027", "template_key": "pa2023-open", **given}
    with pytest.raises(error) as refused, demo_store.session() as session:
        _reprocure(session, references, **given)
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert _counts(demo_store) == before and _successor_ids(demo_store) == links


def test_the_command_says_what_it_planned_and_refuses_in_one_line(cli):
    assert cli("demo").exit_code == 0
    result = cli("contract", "reprocure", "DEMO-LIB-2022", "--ref", "DEMO-LIB-2027", "--template", "pa2023-call-off")
    assert result.exit_code == 0, result.output
    assert "starts 1 Jul 2027 (the day after DEMO-LIB-2022's final possible end, 30 Jun 2027)" in result.output
    assert "first estimate" in result.output and "£95,000.00" in result.output
    assert "marked in hand" in result.output
    shown = cli("contract", "show", "DEMO-LIB-2022")
    assert "Replaced by" in shown.output and "DEMO-LIB-2027" in shown.output
    again = cli("contract", "reprocure", "DEMO-LIB-2022", "--ref", "OTHER", "--template", "pa2023-call-off")
    assert again.exit_code == 2
    assert again.output.strip() == "error: DEMO-LIB-2022 is already replaced by DEMO-LIB-2027"
    late = cli("contract", "reprocure", "DEMO-HST-2023", "--ref", "DEMO-HST-2027", "--template", "pcr2015-open",
               "--start", "2027-01-04")
    assert late.exit_code == 0 and "fall before today (22 Nov 2026)" in late.output
    bad_day = cli("contract", "reprocure", "DEMO-HST-2023", "--ref", "X", "--template", "pcr2015-open",
                  "--start", "31 Feb 2027")
    assert bad_day.exit_code == 2 and bad_day.output.startswith("error: --start")


def test_the_predecessors_deadline_names_its_successor_whichever_way_the_stream_is_written(demo_store, today):
    """The services, the rewrite after a rules change and the integrity check all name the successor
    alike, and renaming the successor renames it in its predecessors' deadlines."""
    from contract_tracker.services import edit_contract
    from contract_tracker.services.integrity import check_store
    from contract_tracker.services.stream_upkeep import rewrite_all

    with demo_store.session() as session:
        _reprocure(session, ["DEMO-LIB-2022"], reference="DEMO-LIB-2027", template_key="pa2023-call-off", as_of=today)
    with demo_store.session() as session:
        [row] = _reprocurement_rows(session, "DEMO-LIB-2022")
        assert "In hand: DEMO-LIB-2027 replaces this contract." in row.action
        for reference in ("WCC-SEND-MED-2014-A", "WCC-SEND-MED-2014-C"):  # linked at registration
            assert "In hand: WCC-SEND-MED-2025 replaces" in _reprocurement_rows(session, reference)[0].action
        edit_contract(session, "DEMO-LIB-2027", {"reference": "LIB-REGIONAL-2027"}, actor="tester")
    with demo_store.session() as session:
        [row] = _reprocurement_rows(session, "DEMO-LIB-2022")
        assert "In hand: LIB-REGIONAL-2027 replaces this contract." in row.action
    assert check_store(demo_store.engine).ok
    with demo_store.engine.begin() as connection:
        assert rewrite_all(connection) == 0  # the rewrite after a rules change finds nothing to change
