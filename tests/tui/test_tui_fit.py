"""The register fits the terminal: what matters shows at 80 columns, extra width goes to the texts."""

from __future__ import annotations

import pytest

from contract_tracker.tui.widgets.register_lines import fit, total_width
from contract_tracker.tui.widgets.register_table import RegisterTable

LONGEST = {"reference": 19, "title": 46, "suppliers": 30, "next_deadline": 60}


def test_at_80_columns_title_and_suppliers_give_way_to_the_next_deadline():
    widths = fit(79, LONGEST)  # 80 columns, less the scroll bar
    assert widths["title"] == widths["suppliers"] == 0
    assert widths["reference"] == 19 and widths["status"] == 12 and widths["current_end"] == 10
    assert widths["next_deadline"] >= 22 and widths["days_left"] == 5
    assert total_width(widths) <= 79


def test_suppliers_give_way_before_the_title():
    at_110, at_100 = fit(110, LONGEST), fit(100, LONGEST)
    assert at_110["suppliers"] == 10 and at_110["title"] > 12  # suppliers at their least, title above
    assert at_100["suppliers"] == 0 and at_100["title"] >= 12  # then gone, the title still there
    assert total_width(at_110) <= 110 and total_width(at_100) <= 100


def test_extra_width_goes_to_title_and_next_deadline_up_to_their_text():
    at_120, at_200 = fit(119, LONGEST), fit(199, LONGEST)
    assert at_120["title"] and at_120["suppliers"] and at_120["next_deadline"]
    assert at_200["title"] == 46 and at_200["next_deadline"] == 60  # whole texts, no more
    assert at_200["title"] > at_120["title"] and at_200["next_deadline"] > at_120["next_deadline"]
    assert total_width(at_200) <= 199


def test_narrower_than_the_columns_that_always_show_scrolls_sideways():
    widths = fit(40, LONGEST)
    assert widths["title"] == widths["suppliers"] == widths["next_deadline"] == 0
    assert total_width(widths) > 40  # the table then scrolls sideways rather than dropping more


async def _register_lines(app, settle, size) -> list[str]:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one(RegisterTable)
        lines = [table.render_line(y).text for y in range(table.size.height)]
        assert not table.show_horizontal_scrollbar
        return [line for line in lines[1:] if line.strip()], lines[0], table


@pytest.mark.asyncio
async def test_at_80x24_every_row_shows_its_end_and_next_deadline_with_date_and_days(demo_app, settle):
    rows, heading, table = await _register_lines(demo_app, settle, (80, 24))
    assert heading.split() == ["Reference", "Status", "Ends", "Next", "deadline", "▲", "Days", "!"]
    assert len(rows) == 10
    for line, row in zip(rows, table.shown, strict=True):
        assert line.startswith(f" {row.reference} ")
        assert row.status in line and (row.current_end or "") in line
        if row.next_deadline:
            assert f"{row.next_deadline} {row.next_deadline_title[:6]}" in line and str(row.days_left) in line


@pytest.mark.asyncio
async def test_at_200x50_titles_and_deadlines_are_whole(demo_app, settle):
    rows, heading, table = await _register_lines(demo_app, settle, (200, 50))
    assert "Title" in heading and "Suppliers" in heading
    for line, row in zip(rows, table.shown, strict=True):
        assert row.title in line
        if row.next_deadline:
            assert f"{row.next_deadline} {row.next_deadline_title}" in line
