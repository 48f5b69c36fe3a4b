"""KPIs on contracts (PA 2023 s.52): the rule, the services on SQLite and PostgreSQL, the check at
award, the migration from 0016, backups and `db check`."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from contract_tracker.domain.kpis import KpiStanding, kpis_required
from contract_tracker.domain.schedule_check import Outcome
from contract_tracker.errors import InvalidInput, NotFound
from contract_tracker.read.kpis import contract_kpis, kpi_shortfalls
from contract_tracker.services import ContractFields, add_milestone, complete_milestone, get_contract, register_contract
from contract_tracker.services.backup import backup, restore
from contract_tracker.services.demo import load_demo
from contract_tracker.services.integrity import check_store
from contract_tracker.services.kpis import (
    add_kpi,
    award_warning,
    edit_kpi,
    kpi_standing,
    kpis_of,
    rate_kpi,
    remove_kpi,
)
from contract_tracker.services.schedules import check_schedule
from contract_tracker.store.database import _alembic_config, current_revision, head_revision, upgrade
from contract_tracker.store.models import AuditEvent, ContractKpi
from store_rows import table_rows

TODAY = date(2026, 11, 22)
BIG = "BIG-PA-2026"


def _register(session, reference=BIG, **extra):
    fields = dict(reference=reference, title="Highways maintenance", start_date=date(2026, 4, 1), initial_term="4y",
                  regime="PA2023", procedure="open", whole_life_value=Decimal("6000000"))
    fields.update(extra)
    return register_contract(session, ContractFields(**fields), actor="tester")


def _with_kpis(store, count: int, **extra) -> None:
    with store.session() as session:
        _register(session, **extra)
        for n in range(1, count + 1):
            add_kpi(session, extra.get("reference", BIG), name=f"KPI {n}", target=f"target {n}", actor="tester")


def _kpi_finding(store, reference=BIG):
    with store.session() as session:
        _template, findings = check_schedule(session, reference, as_of=TODAY)
    return [f for f in findings if f.rule == "KPIs"]


# --- the rule, pure ------------------------------------------------------------------------------

@pytest.mark.parametrize("regime,light_touch,whole_life,annual,required", [
    ("PA2023", False, "6000000", None, True),
    ("PA2023", False, "5000000", None, False),  # "more than £5 million"
    ("PA2023", False, "5000000.01", None, True),
    ("PA2023", True, "9000000", None, False),  # light-touch: outside s.52
    ("PCR2015", False, "9000000", None, False),
    ("PA2023", False, None, "5500000", True),  # only an annual value recorded
    ("PA2023", False, "4000000", "5500000", False),  # the whole-life value is the estimate
    ("PA2023", False, None, None, False),
])
def test_which_contracts_need_kpis(regime, light_touch, whole_life, annual, required):
    assert kpis_required(regime=regime, light_touch=light_touch, contract_type="public contract",
                         whole_life_value=Decimal(whole_life) if whole_life else None,
                         annual_value=Decimal(annual) if annual else None) is required


def test_a_standing_says_what_is_missing_and_whether_it_is_a_breach():
    awarded = KpiStanding(reference="X", required=True, recorded=2, awarded=True)
    assert awarded.short and awarded.breach and awarded.missing == 1
    assert "awarded with 2 KPIs" in awarded.problem() and "PA 2023 s.52" in awarded.problem()
    planned = KpiStanding(reference="X", required=True, recorded=0, awarded=False)
    assert planned.short and not planned.breach and planned.missing == 3 and "no KPIs" in planned.problem()
    assert KpiStanding(reference="X", required=True, recorded=3, awarded=True).problem() == ""
    assert KpiStanding(reference="X", required=False, recorded=0, awarded=True).problem() == ""


# --- the check at award ---------------------------------------------------------------------------

def test_a_6m_contract_awarded_with_two_kpis_is_broken_and_with_three_is_not(store):
    _with_kpis(store, 2)
    [finding] = _kpi_finding(store)
    assert finding.outcome == Outcome.BROKEN and finding.citation == "PA 2023 s.52"
    assert "awarded with 2 KPIs" in finding.message
    with store.session() as session:
        assert [s.reference for s in kpi_shortfalls(session)] == [BIG]
        add_kpi(session, BIG, name="KPI 3", actor="tester")
    [finding] = _kpi_finding(store)
    assert finding.outcome == Outcome.OK
    with store.session() as session:
        assert kpi_shortfalls(session) == []
        assert award_warning(session, BIG) == ""


def test_a_light_touch_or_small_contract_is_never_flagged(store):
    _with_kpis(store, 0, reference="LT-1", light_touch=True, whole_life_value=Decimal("9000000"))
    _with_kpis(store, 1, reference="SMALL-1", whole_life_value=Decimal("4000000"))
    assert _kpi_finding(store, "LT-1") == [] and _kpi_finding(store, "SMALL-1") == []
    with store.session() as session:
        assert kpi_shortfalls(session) == []
        assert award_warning(session, "LT-1") == ""


def test_before_award_a_shortfall_is_a_note_and_marking_the_signature_met_warns(store):
    _with_kpis(store, 1, reference="PLAN-1", status="planned", start_date=None, initial_term=None)
    [finding] = _kpi_finding(store, "PLAN-1")
    assert finding.outcome == Outcome.NOTE and "set before it is entered into" in finding.message
    with store.session() as session:
        award = add_milestone(session, "PLAN-1", kind="tender deadline", name="Tenders in",
                              due=_day(date(2026, 5, 1)), actor="tester")
        signature = add_milestone(session, "PLAN-1", kind="signature", name="Contract signed",
                                  due=_day(date(2026, 7, 1)), actor="tester")
        complete_milestone(session, "PLAN-1", award.id, met_on=date(2026, 5, 1), today=TODAY, actor="tester")
        assert award_warning(session, "PLAN-1", step_kind="tender deadline") == ""  # not an award step
        assert award_warning(session, "PLAN-1") == ""  # not awarded yet
        complete_milestone(session, "PLAN-1", signature.id, met_on=date(2026, 7, 1), today=TODAY, actor="tester")
        assert "awarded with 1 KPI;" in award_warning(session, "PLAN-1", step_kind="signature")
        assert kpi_standing(session, get_contract(session, "PLAN-1")).breach
    [finding] = _kpi_finding(store, "PLAN-1")
    assert finding.outcome == Outcome.BROKEN


def _day(day):
    from contract_tracker.domain.dates import Span

    return Span(day, day)


# --- the services -------------------------------------------------------------------------------

def test_add_rate_edit_and_remove_with_an_audit_trail(store):
    _with_kpis(store, 0)
    with store.session() as session:
        add_kpi(session, BIG, name="  Defects repaired on time ", target="95% within 28 days", actor="tester")
        rate_kpi(session, BIG, "defects REPAIRED on time", rating="Approaching-Target", on=date(2026, 10, 1),
                 today=TODAY, note="91% in the first half-year", actor="tester")
    with store.session() as session:
        view = contract_kpis(session, get_contract(session, BIG))
    assert view["kpis"] == [{"name": "Defects repaired on time", "target": "95% within 28 days",
                             "rating": "approaching target", "rated_on": "2026-10-01",
                             "note": "91% in the first half-year"}]
    assert view["standing"]["required"] and view["standing"]["missing"] == 2
    with store.session() as session:
        edit_kpi(session, BIG, "Defects repaired on time", new_name="Defects fixed in time", target="96%",
                 actor="tester")
        rate_kpi(session, BIG, "defects fixed in time", rating="good", on=TODAY, today=TODAY, actor="tester")
    with store.session() as session:
        [kpi] = session.exec(select(ContractKpi)).all()
        assert (kpi.name, kpi.target, kpi.rating, kpi.rated_on, kpi.note) == (
            "Defects fixed in time", "96%", "good", TODAY, "91% in the first half-year")
        assert remove_kpi(session, BIG, "DEFECTS FIXED IN TIME", actor="tester") == "Defects fixed in time"
    with store.session() as session:
        assert session.exec(select(ContractKpi)).all() == []
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "kpi").order_by(AuditEvent.id)).all()
    assert [(e.action, e.field) for e in events] == [
        ("created", "Defects repaired on time"), ("rated", "Defects repaired on time"),
        ("edited", "Defects repaired on time note"), ("edited", "Defects repaired on time"),
        ("edited", "Defects repaired on time target"), ("rated", "Defects fixed in time"),
        ("removed", "Defects fixed in time")]
    assert events[3].old_value == "Defects repaired on time" and events[3].new_value == "Defects fixed in time"
    assert events[5].old_value == "approaching target on 2026-10-01" and events[5].new_value == f"good on {TODAY}"


@pytest.mark.parametrize("action,error,message", [
    (lambda s: add_kpi(s, BIG, name="kpi 1", actor="t"), InvalidInput, "already has a KPI named 'KPI 1'"),
    (lambda s: add_kpi(s, BIG, name="  ", actor="t"), InvalidInput, "KPI name must not be empty"),
    (lambda s: add_kpi(s, BIG, name="x" * 201, actor="t"), InvalidInput, "KPI name is 201 characters long"),
    (lambda s: add_kpi(s, BIG, name="Two\nlines", actor="t"), InvalidInput, "KPI name"),
    (lambda s: add_kpi(s, BIG, name="New", target="t" * 1001, actor="t"), InvalidInput, "KPI target is 1,001"),
    (lambda s: add_kpi(s, "NOPE", name="New", actor="t"), NotFound, "no contract with reference 'NOPE'"),
    (lambda s: rate_kpi(s, BIG, "KPI 1", rating="excellent", on=TODAY, today=TODAY, actor="t"), InvalidInput,
     "rating: 'excellent' is not one of: good, approaching target, requires improvement, inadequate, other"),
    (lambda s: rate_kpi(s, BIG, "KPI 1", rating="good", on=date(2026, 11, 23), today=TODAY, actor="t"),
     InvalidInput, "cannot be rated in the future"),
    (lambda s: rate_kpi(s, BIG, "KPI 9", rating="good", on=TODAY, today=TODAY, actor="t"), NotFound,
     "has no KPI named 'KPI 9'"),
    (lambda s: edit_kpi(s, BIG, "KPI 1", new_name="kpi 2", actor="t"), InvalidInput, "already has a KPI named 'KPI 2'"),
    (lambda s: edit_kpi(s, BIG, "KPI 1", actor="t"), InvalidInput, "nothing to change"),
    (lambda s: remove_kpi(s, BIG, "KPI 9", actor="t"), NotFound, "has no KPI named 'KPI 9'"),
])
def test_bad_input_is_refused_in_one_line_and_nothing_is_written(store, action, error, message):
    _with_kpis(store, 2)
    before = table_rows(store.engine)
    with pytest.raises(error, match=message) as refused, store.session() as session:
        action(session)
    assert "\n" not in str(refused.value)
    assert table_rows(store.engine) == before


def test_the_store_keeps_names_unique_per_contract(store):
    """The services refuse a second KPI of the same name; the table refuses it too."""
    _with_kpis(store, 1)
    _with_kpis(store, 1, reference="OTHER-1")  # the same name on another contract is fine
    with store.session() as session:
        contract_id = get_contract(session, BIG).id
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(text("INSERT INTO contract_kpi (contract_id, name, target, note, updated_at) "
                                "VALUES (:c, 'KPI 1', '', '', CURRENT_TIMESTAMP)"), {"c": contract_id})


# --- the migration, backups, db check -------------------------------------------------------------

def test_a_store_at_0016_upgrades_with_its_data_kept_and_takes_kpis(store):
    """The demo written, the store taken down to 0016 (the KPI table dropped), then up again."""
    with store.session() as session:
        load_demo(session)
    command.downgrade(_alembic_config(store.engine), "0016")
    before = table_rows(store.engine)
    assert "contract_kpi" not in before and len(before["contract"]) == 10 and len(before["milestone"]) > 10
    upgrade(store.engine, "head")
    assert current_revision(store.engine) == head_revision()
    after = table_rows(store.engine, drop_columns=("contract_type",))  # 0018's column: tests in test_contract_type
    assert after.pop("contract_kpi") == []
    assert after == before
    assert check_store(store.engine).ok
    with store.session() as session:
        add_kpi(session, "DEMO-SL-2026", name="Back after the upgrade", actor="upgrader")
        assert len(kpis_of(session, get_contract(session, "DEMO-SL-2026"))) == 1


def _demo_kpis(store) -> list[tuple]:
    with store.session() as session:
        return [(k.name, k.target, k.rating, k.rated_on, k.note) for k in session.exec(
            select(ContractKpi).order_by(ContractKpi.id))]


@pytest.mark.parametrize("name", ["backup.sqlite", "backup.json.gz"])
def test_a_backup_and_restore_keeps_the_kpis(demo_store, tmp_path, name):
    if name.endswith(".sqlite") and demo_store.engine.dialect.name != "sqlite":
        pytest.skip("a PostgreSQL store is backed up as json")
    kept = _demo_kpis(demo_store)
    assert len(kept) == 3 and ("Staff turnover", "Below 25% a year", "good", date(2026, 10, 30),
                               "18% over the first six months, annualised") in kept
    summary = backup(demo_store.engine, tmp_path / name)
    assert summary.rows["contract_kpi"] == 3
    with demo_store.session() as session:
        remove_kpi(session, "DEMO-SL-2026", "Staff turnover", actor="spoiler")
        rate_kpi(session, "DEMO-SL-2026", "Personal outcomes achieved", rating="good", on=TODAY, today=TODAY,
                 actor="spoiler")
    assert _demo_kpis(demo_store) != kept
    restore(demo_store.engine, tmp_path / name)
    assert _demo_kpis(demo_store) == kept
    assert check_store(demo_store.engine).ok


def test_a_backup_with_a_kpi_rating_the_notice_does_not_use_is_refused(demo_store, tmp_path):
    before = table_rows(demo_store.engine)
    good = tmp_path / "good.json"
    backup(demo_store.engine, good)
    lines = good.read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith('{"table": "contract_kpi"'))
    columns = json.loads(lines[header])["columns"]
    row = json.loads(lines[header + 2])
    row[columns.index("rating")] = "splendid"
    lines[header + 2] = json.dumps(row)
    (tmp_path / "bad.json").write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidInput, match=r"contract_kpi \(id \d+\): rating 'splendid' is not one of: good"):
        restore(demo_store.engine, tmp_path / "bad.json")
    assert table_rows(demo_store.engine) == before


def test_db_check_finds_a_kpi_row_written_behind_the_services_back(demo_store):
    assert check_store(demo_store.engine).ok
    with demo_store.engine.begin() as connection:
        connection.execute(text("UPDATE contract_kpi SET rated_on = NULL WHERE name = 'Staff turnover'"))
    report = check_store(demo_store.engine)
    assert report.findings == ["DEMO-SL-2026: KPI 'Staff turnover': has a rating without the day it was rated, "
                               "or a day without a rating"]


def test_the_contract_screens_kpi_line(store):
    """A few words for the contract screen: none and needed none says nothing."""
    from contract_tracker.read.kpis import kpi_line

    _with_kpis(store, 2)  # BIG: £6m, PA 2023, not light-touch: needs three
    _with_kpis(store, 0, reference="SMALL", whole_life_value=Decimal("100000"))
    with store.session() as session:
        assert kpi_line(session, get_contract(session, BIG)) == "2 of at least 3 (PA 2023 s.52) · not rated 2"
        rate_kpi(session, BIG, "KPI 1", rating="good", on=TODAY, today=TODAY, actor="tester")
        add_kpi(session, BIG, name="KPI 3", target="t", actor="tester")
        assert kpi_line(session, get_contract(session, BIG)) == "3 (PA 2023 s.52 met) · good 1, not rated 2"
        assert kpi_line(session, get_contract(session, "SMALL")) == ""
        add_kpi(session, "SMALL", name="Voluntary", target="t", actor="tester")
        assert kpi_line(session, get_contract(session, "SMALL")) == "1 (not required) · not rated 1"
