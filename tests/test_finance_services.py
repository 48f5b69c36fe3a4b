"""Setting and importing a contract's figures by financial year (audited, all or nothing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from contract_tracker.domain.finance import FinancialYear, SpendBasis
from contract_tracker.errors import InvalidInput, NotFound
from contract_tracker.interchange.finance_csv import read_figures_csv
from contract_tracker.read.finance_views import savings_report, spend_report, threshold_report, year_summary
from contract_tracker.services import ContractFields, register_contract
from contract_tracker.services.finance import figures_of, import_year_figures, set_year_figures
from contract_tracker.services.lookup import get_contract
from contract_tracker.store.models import AuditEvent, ContractYearFigures

REF = "T-FIN-1"


@pytest.fixture
def contract_store(store):
    with store.session() as session:
        register_contract(session, ContractFields(reference=REF, title="Finance test", start_date=date(2025, 4, 1),
                                                  initial_term="2y", options=["1y"], light_touch=False,
                                                  annual_value=Decimal("100000")), actor="tester")
    return store


def _figures(store):
    with store.session() as session:
        return figures_of(session, get_contract(session, REF))


def test_set_figures_creates_then_edits_one_year_and_audits_each_field(contract_store):
    with contract_store.session() as session:
        set_year_figures(session, REF, "2025/26", {"budget": Decimal("250000.00")}, actor="tester")
    with contract_store.session() as session:
        set_year_figures(session, REF, "2025/26", {"spend": Decimal("240000.50"), "spend_basis": "forecast"},
                         actor="tester")
    [year] = _figures(contract_store)
    assert year.year == FinancialYear(2025)
    assert (year.budget, year.spend, year.basis) == (Decimal("250000.00"), Decimal("240000.50"), SpendBasis.FORECAST)
    assert year.variance == Decimal("-9999.50")
    with contract_store.session() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "finance").order_by(AuditEvent.id)).all()
        row = session.exec(select(ContractYearFigures)).one()
    assert [(e.action, e.field, e.old_value, e.new_value) for e in events] == [
        ("created", "2025/26", "", ""),
        ("created", "2025/26 budget", "", "250000.00"),
        ("edited", "2025/26 spend", "", "240000.50"),
        ("edited", "2025/26 spend_basis", "", "forecast"),
    ]
    assert row.version == 2 and all(e.actor == "tester" for e in events)


def test_a_spend_must_say_forecast_or_actual(contract_store):
    with pytest.raises(InvalidInput, match="forecast or an actual"), contract_store.session() as session:
        set_year_figures(session, REF, "2025/26", {"spend": Decimal("1")}, actor="tester")
    with pytest.raises(InvalidInput, match="needs a spend"), contract_store.session() as session:
        set_year_figures(session, REF, "2025/26", {"spend_basis": "actual", "budget": Decimal("1")},
                         actor="tester")
    with pytest.raises(InvalidInput, match="not forecast or actual"), contract_store.session() as session:
        set_year_figures(session, REF, "2025/26", {"spend": Decimal("1"), "spend_basis": "guess"}, actor="t")
    assert _figures(contract_store) == []


def test_a_forecast_becomes_an_actual_and_clearing_spend_clears_its_basis(contract_store):
    with contract_store.session() as session:
        set_year_figures(session, REF, "2024/25", {"spend": Decimal("335400"), "spend_basis": "forecast"}, actor="t")
        set_year_figures(session, REF, "2024/25", {"spend": Decimal("331002.17"), "spend_basis": "actual"}, actor="t")
    [year] = _figures(contract_store)
    assert (year.actual, year.forecast) == (Decimal("331002.17"), None)
    with contract_store.session() as session:
        set_year_figures(session, REF, "2024/25", {"spend": None}, actor="t")
    [year] = _figures(contract_store)
    assert (year.spend, year.basis) == (None, None)


@pytest.mark.parametrize("changes, message", [
    ({}, "nothing to change"),
    ({"budget": 1.5}, "not float"),
    ({"budget": Decimal("-1")}, "negative"),
    ({"volume": -3}, "whole number"),
    ({"colour": "red"}, "unknown figure"),
])
def test_bad_figures_are_refused(contract_store, changes, message):
    with pytest.raises(InvalidInput, match=message), contract_store.session() as session:
        set_year_figures(session, REF, "2025/26", changes, actor="t")


def test_an_actual_for_a_year_not_yet_begun_is_refused(contract_store):
    from contract_tracker.errors import RuleViolation

    with pytest.raises(RuleViolation, match="2026/27 has not begun"), contract_store.session() as session:
        set_year_figures(session, REF, "2026/27", {"spend": Decimal("1"), "spend_basis": "actual"}, actor="t",
                         today=date(2026, 3, 31))
    with contract_store.session() as session:  # from its first day it may be an actual (to date)
        set_year_figures(session, REF, "2026/27", {"spend": Decimal("1"), "spend_basis": "actual"}, actor="t",
                         today=date(2026, 4, 1))
        set_year_figures(session, REF, "2027/28", {"spend": Decimal("1"), "spend_basis": "forecast"}, actor="t",
                         today=date(2026, 4, 1))
    assert [y.basis for y in _figures(contract_store)] == [SpendBasis.ACTUAL, SpendBasis.FORECAST]


def test_unknown_contract_and_far_years_are_refused(contract_store):
    with pytest.raises(NotFound), contract_store.session() as session:
        set_year_figures(session, "NOPE", "2025/26", {"budget": Decimal("1")}, actor="t")
    with pytest.raises(InvalidInput, match="outside"), contract_store.session() as session:
        set_year_figures(session, REF, "1850/51", {"budget": Decimal("1")}, actor="t")


CSV = """reference,fy,budget,spend,basis,volume,volume_unit,note
T-FIN-1,2024/25,"£300,000",335400,forecast,330,families,Table One
T-FIN-1,2025/26,250000,,,,,
"""


def test_import_reads_every_row(contract_store):
    rows = read_figures_csv("\ufeff" + CSV)
    assert [(r.line, r.year.label) for r in rows] == [(2, "2024/25"), (3, "2025/26")]
    with contract_store.session() as session:
        assert import_year_figures(session, rows, actor="t") == 2
    years = _figures(contract_store)
    assert [(y.year.label, y.budget, y.spend, y.basis, y.volume) for y in years] == [
        ("2024/25", Decimal("300000.00"), Decimal("335400.00"), SpendBasis.FORECAST, 330),
        ("2025/26", Decimal("250000.00"), None, None, None),
    ]


@pytest.mark.parametrize("text, message", [
    ("reference,fy,budget\nT-FIN-1,2024/25,lots\n", "line 2: budget: not an amount"),
    ("reference,fy,budget\nT-FIN-1,2024/26,1\n", "line 2: not a financial year"),
    ("reference,budget\nT-FIN-1,1\n", "missing column: financial_year"),
    ("reference,fy,colour\n", "unknown column"),
    ("reference,fy,volume\nT-FIN-1,2024/25,1.5\n", "line 2: volume: not a whole number"),
    ("", "the file is empty"),
    ("reference,fy,budget\n", "no rows"),
])
def test_import_errors_name_the_line(text, message):
    with pytest.raises(InvalidInput, match=message):
        read_figures_csv(text)


def test_import_is_all_or_nothing(contract_store):
    text = "reference,fy,budget\nT-FIN-1,2024/25,1\nT-FIN-1,2025/26,2\nNOPE,2025/26,3\n"
    with pytest.raises(NotFound, match="line 4: no contract"), contract_store.session() as session:
        import_year_figures(session, read_figures_csv(text), actor="t")
    assert _figures(contract_store) == []
    duplicate = "reference,fy,budget\nT-FIN-1,2024/25,1\nT-FIN-1,2024-25,2\n"
    with (pytest.raises(InvalidInput, match="line 3: T-FIN-1 2024/25 is already given on line 2"),
          contract_store.session() as session):
        import_year_figures(session, read_figures_csv(duplicate), actor="t")


def test_demo_reports(demo_store):
    with demo_store.session() as session:
        report = spend_report(session)
        only = spend_report(session, FinancialYear(2024))
        savings = savings_report(session)
        [wcc] = threshold_report(session, ["WCC-SEND-MED-2025"])
        [carers] = threshold_report(session, ["DEMO-CARERS-2021"], on=date(2026, 1, 1))
        summary = year_summary(session, date(2025, 3, 31))
    assert summary == {"financial_year": "2024/25", "budget": "300000.00", "forecast": "335400.00", "actual": None,
                       "spend": "335400.00", "variance": "35400.00", "volume": 330, "unit_cost": "1016.36"}
    wcc_rows = [r for r in report["rows"] if r["reference"] == "WCC-SEND-MED-2025"]
    assert [(r["financial_year"], r["spend"], r["spend_basis"]) for r in wcc_rows[:4]] == [
        ("2021/22", "174129.00", "actual"), ("2022/23", "274121.00", "actual"),
        ("2023/24", "355166.00", "actual"), ("2024/25", "335400.00", "forecast")]
    assert [r["financial_year"] for r in only["rows"]] == ["2024/25"]
    assert only["total"]["variance"] == "35400.00"
    assert savings["rows"][0]["target"] == "50000.00" and savings["rows"][0]["status"] == "no spend recorded"
    assert wcc["procurement_start"] == "2025-04-01" and wcc["threshold"] == "663540.00" and wcc["above"] is True
    assert carers["procurement_start_basis"] == "given" and carers["threshold"] == "663540.00"
