"""The contract's timeline: nothing wrong shown while it loads, and labels that never overlap."""

from __future__ import annotations

import threading
from itertools import pairwise

import pytest

from contract_tracker.tui.screens.contract import ContractScreen
from contract_tracker.tui.widgets.timeline import Label, TimelineBar, lay_out
from tui_helpers import text_of

SIZE = (80, 24)


def test_labels_that_would_overlap_go_on_the_next_line():
    lines = lay_out([Label(0, "Initial 3y"), Label(8, "Option 1 3y (available)"), Label(40, "B break"),
                     Label(9, "◆ decide opt 1 by 1 Mar 2028"), Label(75, "latest", "dim")], width=80)
    assert [[label.text for label in line] for line in lines] == [
        ["Initial 3y", "B break", "latest"], ["Option 1 3y (available)"], ["◆ decide opt 1 by 1 Mar 2028"]]
    assert lines[0][2].at == 74  # moved left to stay on the line
    for line in lines:
        ends = sorted((label.at, label.at + len(label.text)) for label in line)
        assert all(end < start for (_, end), (start, _) in pairwise(ends))


@pytest.mark.asyncio
async def test_every_label_is_whole_on_a_narrow_screen(demo_app, settle):
    """DEMO-SL-2026 at 80 columns: two options, their decision dates and a break within months."""
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        demo_app.screen.open_contract("DEMO-SL-2026")
        await settle(pilot)
        text = text_of(demo_app.screen.query_one(TimelineBar))
    for label in ("▼ today 22 Nov 2026", "Initial 2y", "Option 1 1y (available)", "Option 2 1y (available)",
                  "◆ decide opt 1 by 1 Jan 2028", "◆ decide opt 2 by 1 Jan 2029", "B break 30 Sep 2027",
                  "latest end 31 Mar 2030"):
        assert label in text


@pytest.mark.asyncio
async def test_no_word_about_the_term_while_the_contract_loads(demo_app, settle, monkeypatch):
    release, reading = threading.Event(), threading.Event()
    read = demo_app.backend.contract

    def held(reference):
        reading.set()
        assert release.wait(timeout=30)
        return read(reference)

    monkeypatch.setattr(demo_app.backend, "contract", held)
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        demo_app.push_screen(ContractScreen("WCC-SEND-MED-2025"))
        try:
            for _ in range(300):
                await pilot.pause(0.01)
                if reading.is_set():
                    break
            assert "No term to draw" not in text_of(demo_app.screen.query_one(TimelineBar))
        finally:
            release.set()
        await settle(pilot)
        assert "Initial 3y" in text_of(demo_app.screen.query_one(TimelineBar))


@pytest.mark.asyncio
async def test_a_terminated_contracts_timeline_stops_at_the_termination(demo_app, settle):
    """DEMO-YOUTH-2024: a 2y term from 1 Apr 2025 with a 1y option, terminated on 30 Jun 2026. Nothing
    of the term, the option or its latest end (31 Mar 2028) is drawn after that day."""
    async with demo_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        demo_app.screen.open_contract("DEMO-YOUTH-2024")
        await settle(pilot)
        lines = text_of(demo_app.screen.query_one(TimelineBar)).splitlines()
    text = "\n".join(lines)
    bar = next(line for line in lines if "█" in line)
    assert "█" not in bar[bar.index("✕"):]  # the term stops at the cross
    assert set(bar[bar.index("✕") + 1:]) <= {" ", "┃"}  # only today's mark after it
    assert "✕ terminated 30 Jun 2026" in text and "ended 30 Jun 2026" in text
    assert "Option 1" not in text and "31 Mar 2028" not in text and "31 Mar 2027" not in text
    assert "B break 31 Mar 2026" in text  # before the termination: still drawn
