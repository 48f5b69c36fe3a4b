"""Money in the app: the contract's spend and unit-cost charts, and this year's line on the register."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contract_tracker.services.finance import set_year_figures
from contract_tracker.tui.widgets.finance_summary import FinanceSummary
from tui_helpers import open_contract, text_of

pytestmark = pytest.mark.asyncio
SIZE = (120, 40)
REF = "WCC-SEND-MED-2025"


async def test_money_tab_shows_spend_against_budget_and_unit_cost(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, REF)
        await pilot.press("M")
        await pilot.pause()
        assert screen.query_one("#contract-tabs").active == "tab-money"
        lines = text_of(screen.query_one("#money")).splitlines()
        palette = [name for name, _, _ in screen.palette_commands()]
    assert {"Show money", "Apply a schedule template", f"Export {REF} to .ics"} <= set(palette)
    assert lines[0].startswith("Spend by financial year against budget")
    assert lines[3] == "2023/24 " + "█" * 40 + " £355,166 actual"  # the largest spend fills the bar
    assert lines[4].startswith("2024/25 " + "░" * 33 + "│") and lines[4].endswith("£335,400 forecast  budget £300,000")
    assert "2025/26" in lines[5] and "budget £250,000" in lines[5]
    assert "Unit cost (per family) by financial year" in lines
    assert lines[-1] == "trend █▁ -35.2% from 2021/22 to 2024/25"


async def test_a_contract_without_figures_says_so(demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        screen = await open_contract(demo_app, pilot, settle, "DEMO-LIB-2022")
        text = text_of(screen.query_one("#money"))
    assert "no spend or budget recorded" in text and "no spend with a volume recorded" in text


async def test_register_shows_this_years_budget_spend_and_variance(demo_store, demo_app, settle):
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = demo_app.screen.query_one(FinanceSummary)
        assert text_of(line) == "2026/27 · budget £250,000 · spend none recorded · variance —"
        with demo_store.session() as session:
            set_year_figures(session, REF, "2026/27", {"spend": Decimal("262500"), "spend_basis": "forecast"},
                             actor="bob")
        await pilot.press("f5")  # other people's changes show on refresh
        await settle(pilot)
        assert text_of(line) == ("2026/27 · budget £250,000 · spend £262,500 (forecast) · "
                                 "variance +£12,500 over budget")
