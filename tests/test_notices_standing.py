"""The authority's own notices in brief, as the register's header shows them: read from the same
stream as every reader (open on the day), overdue first."""

from __future__ import annotations

from datetime import date

from contract_tracker.read.agenda import NoticesStanding, agenda_items, notices_standing
from contract_tracker.services.notices import keep_notices_current


def _standing(store, day: date) -> NoticesStanding:
    with store.session() as session:
        keep_notices_current(session, day)
        return notices_standing(session, as_of=day)


def test_the_demo_on_its_day_is_three_weeks_late_with_two_notices(demo_store):
    standing = _standing(demo_store, date(2026, 11, 22))
    assert standing == NoticesStanding(("UK8 2026/27-H1", "s.70 2026/27-Q2"), "s.70 2026/27-Q3", date(2027, 1, 29))
    assert standing.describe() == ("Authority's notices: 2 overdue (UK8 2026/27-H1, s.70 2026/27-Q2) · "
                                   "next s.70 2026/27-Q3 by 29 Jan 2027")


def test_a_notice_is_due_on_its_day_and_overdue_the_day_after(demo_store):
    on_the_day = _standing(demo_store, date(2026, 10, 29))
    assert on_the_day.overdue == () and on_the_day.next_due == date(2026, 10, 29)
    assert _standing(demo_store, date(2026, 10, 30)).overdue == ("UK8 2026/27-H1", "s.70 2026/27-Q2")


def test_it_agrees_with_the_agenda(demo_store):
    day = date(2027, 2, 28)
    standing = _standing(demo_store, day)
    with demo_store.session() as session:
        overdue = tuple(item.notice for item in agenda_items(session, as_of=day) if item.notice and item.overdue)
    assert standing.overdue == overdue and len(overdue) == 3


def test_a_register_that_calls_for_no_notice_says_nothing(store):
    standing = _standing(store, date(2026, 11, 22))
    assert standing == NoticesStanding() and standing.describe() == ""


def test_many_overdue_are_counted_and_the_first_three_named():
    standing = NoticesStanding(("a", "b", "c", "d", "e"))
    assert standing.describe() == "Authority's notices: 5 overdue (a, b, c and 2 more)"
