"""Snapshots of the key screens on the demo register at 80x24, 120x40 and 200x50, today fixed at
22 Nov 2026.

Pictures, not behaviour: the pilot tests assert behaviour. Update with --snapshot-update only
after reading the new SVGs.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from contract_tracker.services.demo import load_demo
from contract_tracker.store.database import Store
from tui_helpers import workers_done

SIZES = [(80, 24), (120, 40), (200, 50)]
sizes = pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])


@pytest.fixture
def snapshot_app(tmp_path, make_app):
    store = Store.open(f"sqlite:///{tmp_path / 'snap.sqlite'}")  # one back end: the picture is the same
    with store.session() as session:
        load_demo(session)
    app = make_app(store)
    # No animations: a tab's underline sliding into place is a picture that depends on the
    # machine's load at the moment it is taken.
    app.animation_level = "none"
    yield app
    store.close()


async def settled(pilot) -> None:
    """Every read in, and no blinking cursor (a picture must not depend on when it is taken)."""
    # Until two rounds in a row start no worker: on a loaded machine a screen's load can start the
    # next one (a table laid out late, behind a dialog) after three fixed rounds have passed.
    quiet = 0
    for _ in range(20):
        await workers_done(pilot.app)
        await pilot.pause()
        busy = any(not worker.is_finished for worker in pilot.app.workers)
        quiet = 0 if busy else quiet + 1
        if quiet == 2:
            break
    await pilot.wait_for_scheduled_animations()
    # A table works out its columns' widths from its rows later, when it is next idle (DataTable
    # keeps a flag until then), also on a screen behind a dialog, refilled after a reload: wait
    # for every table on every screen, or the headers would depend on the machine's load.
    for _ in range(100):
        tables = [table for screen in pilot.app.screen_stack for table in screen.query(DataTable)]
        if not any(getattr(table, "_require_update_dimensions", False) for table in tables):
            break
        await pilot.pause(0.05)
    for table in tables:  # a header drawn before its widths were known is drawn again
        table.refresh()
    await pilot.pause()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


@sizes
def test_register_screen(snap_compare, snapshot_app, size):
    """All ten demo contracts, soonest deadline first: DEMO-HST-2023 (8 days, 1 overdue) in red at the
    top. At 80 columns Reference, Status, Ends, Next deadline (its date first), Days and ! for every row;
    at 120 Title and Suppliers too; at 200 titles and deadlines whole."""
    async def run_before(pilot) -> None:
        await settled(pilot)
        pilot.app.screen.query_one("#register-table").focus()
        await pilot.pause()
    assert snap_compare(snapshot_app, terminal_size=size, run_before=run_before)


@sizes
def test_contract_screen(snap_compare, snapshot_app, size):
    """WCC-SEND-MED-2025: facts (light-touch PA2023, £250,000 a year), the 3+3+3 timeline with today
    in the initial term and its labels on lines of their own (the periods, then the decision dates of
    1 Mar 2028 and 1 Mar 2031), the tabs with the Table Two milestones below (off screen at 80x24)."""
    async def run_before(pilot) -> None:
        await settled(pilot)
        pilot.app.screen.open_contract("WCC-SEND-MED-2025")
        await settled(pilot)
    assert snap_compare(snapshot_app, terminal_size=size, run_before=run_before)


@sizes
def test_agenda_screen(snap_compare, snapshot_app, size):
    """Twelve weeks from 22 Nov 2026: twelve overdue items first (the contracts' and the authority's own
    s.70 and UK8 notices, with no contract), then the weeks of 30 Nov 2026, 11 Jan 2027 and 25 Jan 2027."""
    async def run_before(pilot) -> None:
        await settled(pilot)
        await pilot.press("f3")
        await settled(pilot)
    assert snap_compare(snapshot_app, terminal_size=size, run_before=run_before)


@sizes
def test_plan_screen(snap_compare, snapshot_app, size):
    """The procurements to start by 21 Nov 2028, by service area: Adult Social Care (DEMO-CARERS-2021,
    start 1 Oct 2025, £2m+), Communities (DEMO-LIB-2022, 1 Jul 2026, no value) and Education: Transport
    (DEMO-HST-2023, 1 Dec 2025, £2m+), all three overdue: each bar red from its start to today's
    yellow line (in 2026/27), then on to the contract's end. Financial years 2025/26 to 2028/29 on the
    axis (shortened to 25/26 where narrow); titles only at 200 columns."""
    async def run_before(pilot) -> None:
        await settled(pilot)
        await pilot.press("f4")
        await settled(pilot)
    assert snap_compare(snapshot_app, terminal_size=size, run_before=run_before)


def test_contract_money_tab(snap_compare, snapshot_app):
    """WCC-SEND-MED-2025's Money tab: Table One spend 2021/22 to 2023/24 in solid bars (2023/24's
    £355,166 the longest), the 2024/25 forecast shaded past the £300,000 budget marker, the
    £250,000 budget markers of 2025/26 to 2027/28 with no spend, then unit cost per family falling
    35.2% from 2021/22 to 2024/25."""
    async def run_before(pilot) -> None:
        await settled(pilot)
        pilot.app.screen.open_contract("WCC-SEND-MED-2025")
        await settled(pilot)
        await pilot.press("M")
        await settled(pilot)
        pilot.app.screen.query_one("#tab-money").scroll_visible(animate=False)
        await settled(pilot)
    assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=run_before)


# Dialogs: each opened from WCC-SEND-MED-2025 (or the register), as a person would.
def _on_contract(*keys, then=None):
    async def run_before(pilot) -> None:
        await settled(pilot)
        pilot.app.screen.open_contract("WCC-SEND-MED-2025")
        await settled(pilot)
        await pilot.press(*keys)
        await settled(pilot)
        if then is not None:
            await then(pilot)
            await settled(pilot)
    return run_before


async def _new_contract(pilot) -> None:
    await settled(pilot)
    pilot.app.screen.query_one("#register-table").focus()
    await pilot.press("n")
    await settled(pilot)


async def _export_here(pilot) -> None:
    pilot.app.screen.query_one("#path", Input).value = "WCC-SEND-MED-2025.ics"  # not this machine's folder


async def _refused(pilot) -> None:
    pilot.app.screen.query_one("#day", Input).value = "2020-01-01"
    pilot.app.screen.query_one("#reason", Input).value = "provider failure"
    await pilot.press("ctrl+s", "ctrl+s")


async def _stale(pilot) -> None:
    from contract_tracker.tui.screens.stale_edit import StaleEditScreen

    pilot.app.push_screen(StaleEditScreen(  # the message names a time, so a fixed one here
        "WCC-SEND-MED-2025 was changed since you opened it (your copy is version 3, now 4): "
        "bob at 2026-11-22 09:30 changed owner_role from 'Head of SEND' to 'Head of Commissioning'."))


async def _authority(pilot) -> None:
    await settled(pilot)
    await pilot.press("f6")
    await settled(pilot)


DIALOGS = {
    "new_contract": (_new_contract, "The empty New contract form: reference first, Save and Cancel in view."),
    "edit_contract": (_on_contract("e"), "WCC-SEND-MED-2025's facts in the form; the fields scroll at 80x24."),
    "new_milestone": (_on_contract("m"), "Kind, name, due, owner, notes."),
    "edit_milestone": (_on_contract("u"), "The first milestone, Cabinet approval to procure, met, with its status."),
    "mark_met": (_on_contract("d"), "Mark met: Cabinet approval to procure, the date today (2026-11-22)."),
    "exercise": (_on_contract("x"), "Exercise option 1: runs on 1 Sep 2028 to 31 Aug 2031, decide by 1 Mar 2028."),
    "decline": (_on_contract("D", *"re-procure"), "Decline option 1, a reason typed; Decline in red."),
    "decline_confirm": (_on_contract("D", *"re-procure", "ctrl+s"),
                        "Are you sure? Decline option 1 ... Reason: re-procure; Go back focused."),
    "terminate": (_on_contract("t"), "Terminate: the date (today) focused, an empty reason, Terminate in red."),
    "terminate_confirm": (_on_contract("t", "enter", *"provider failure", "enter"),
                          "Are you sure? Terminate ... with Sunday 22 November 2026 as its last day?"),
    "terminate_refused": (_on_contract("t", then=_refused),
                          "Still open: the reason beside the date (before the contract starts), the reason kept."),
    "schedule": (_on_contract("a"), "The template planned back from 1 Sep 2034 (the next service start)."),
    "export": (_on_contract("i", then=_export_here), "What goes in the file, and the file name."),
    "stale_edit": (_on_contract(then=_stale), "Not saved: changed by someone else; Reload and Not now."),
    "help": (_on_contract("f1"), "The contract screen's keys, then those that work everywhere (F6 among them)."),
    "authority": (_authority, "The authority's settings, all unset: name, nation (not set), expected spend, "
                              "the four opt-out boxes; Save and Cancel in view."),
}


@sizes
@pytest.mark.parametrize("dialog", list(DIALOGS))
def test_dialog(snap_compare, snapshot_app, size, dialog):
    """Each dialog fits: title, fields (scrolling if need be), the error line, the buttons, and the
    footer with Ctrl+S. What each shows is in DIALOGS."""
    run_before, _what = DIALOGS[dialog]
    assert snap_compare(snapshot_app, terminal_size=size, run_before=run_before)
