"""Snapshots of the three key screens on the demo register, 120x40, today fixed at 22 Nov 2026.

Pictures, not behaviour: the pilot tests assert behaviour. Update with --snapshot-update only
after reading the new SVGs.
"""

from __future__ import annotations

import pytest

from contract_tracker.demo import load_demo
from contract_tracker.store import Store

SIZE = (120, 40)


@pytest.fixture
def snapshot_app(tmp_path, make_app):
    store = Store.open(f"sqlite:///{tmp_path / 'snap.sqlite'}")  # one back end: the picture is the same
    with store.session() as session:
        load_demo(session)
    yield make_app(store)
    store.close()


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_register_screen(snap_compare, snapshot_app):
    """All ten demo contracts, soonest deadline first: DEMO-HST-2023 (8 days, 1 overdue) in red at the
    top, the 2014 mediation arrangements expired, the West Sussex one planned, filters above, count below."""
    async def run_before(pilot) -> None:
        await _settle(pilot)
        pilot.app.screen.query_one("#register-table").focus()
        await pilot.pause()
    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)


def test_contract_screen(snap_compare, snapshot_app):
    """WCC-SEND-MED-2025: facts (light-touch PA2023, £250,000 a year), the 3+3+3 timeline with today
    in the initial term and decision diamonds for 1 Mar 2028 and 1 Mar 2031, the Table Two milestones."""
    async def run_before(pilot) -> None:
        await _settle(pilot)
        pilot.app.screen.open_contract("WCC-SEND-MED-2025")
        await _settle(pilot)
    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)


def test_agenda_screen(snap_compare, snapshot_app):
    """Twelve weeks from 22 Nov 2026: three overdue items first, then the weeks of 30 Nov 2026 and
    11 Jan 2027."""
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("f3")
        await _settle(pilot)
    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)


def test_contract_money_tab(snap_compare, snapshot_app):
    """WCC-SEND-MED-2025's Money tab: Table One spend 2021/22 to 2023/24 in solid bars (2023/24's
    £355,166 the longest), the 2024/25 forecast shaded past the £300,000 budget marker, the
    £250,000 budget markers of 2025/26 to 2027/28 with no spend, then unit cost per family falling
    35.2% from 2021/22 to 2024/25."""
    async def run_before(pilot) -> None:
        await _settle(pilot)
        pilot.app.screen.open_contract("WCC-SEND-MED-2025")
        await _settle(pilot)
        await pilot.press("M")
        await _settle(pilot)
        pilot.app.screen.query_one("#tab-money").scroll_visible(animate=False)
        await _settle(pilot)
    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)
