"""The rows a calendar shows: `feeds.calendar_rows` selects exactly what `matching_deadlines` does,
in the same order, however the window's ends fall around spans, and by index ranges only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from contract_tracker.calendar.feeds import DeadlineFilter, calendar_query, calendar_rows, matching_deadlines
from contract_tracker.store.models import Deadline

TODAY = date(2026, 11, 22)


def test_every_window_around_the_spans_selects_the_same_rows_in_the_same_order(demo_store):
    with demo_store.session() as session:
        spans = session.exec(select(Deadline.start_date, Deadline.due_date)
                             .where(Deadline.start_date.is_not(None))).all()
        assert any(start < due for start, due in spans)
        edges = sorted({day + timedelta(days=shift) for span in spans for day in span for shift in (-1, 0, 1)})
        windows = [(None, end) for end in edges] + [(start, None) for start in edges] + [
            (start, end) for start in edges[::3] for end in edges if start <= end
        ]
        crossing = 0
        for start, end in windows:
            wanted = DeadlineFilter(start=start, end=end)
            rows = list(calendar_rows(session, wanted, as_of=TODAY))
            assert rows == matching_deadlines(session, wanted, as_of=TODAY), (start, end)
            crossing += any(row.start_date and row.start_date <= end < row.due_date for row in rows if end)
        assert crossing > 0  # some windows end inside a span, and keep it


def test_other_filters_apply_to_spans_past_the_window_too(demo_store):
    with demo_store.session() as session:
        for wanted in (DeadlineFilter(kinds=("milestone",), end=date(2025, 7, 15)),
                       DeadlineFilter(contracts=("DEMO-SL-2026",), end=date(2025, 7, 15)),
                       DeadlineFilter(owner="nobody", end=date(2025, 7, 15))):
            assert list(calendar_rows(session, wanted, as_of=TODAY)) == matching_deadlines(session, wanted, as_of=TODAY)


def test_a_window_is_two_index_ranges_not_a_walk_of_every_later_deadline(demo_store):
    if demo_store.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    query = calendar_query(DeadlineFilter(start=date(2026, 11, 22), end=date(2026, 12, 31)), as_of=TODAY)
    sql = str(query.compile(demo_store.engine, compile_kwargs={"literal_binds": True}))
    with demo_store.engine.connect() as connection:
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "USING INDEX ix_deadline_due_state (due_date>? AND due_date<?)" in plan, plan
    assert "USING INDEX ix_deadline_span_due (due_date>?)" in plan, plan
