"""views.register_page: the register's first rows, read without the rest, are exactly the first rows
of the whole register in its default order, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from contract_tracker.read import views
from contract_tracker.read.views import register_page, register_rows, soonest_first
from contract_tracker.services import ContractFields
from contract_tracker.services.bulk_load import BulkContract, bulk_load
from contract_tracker.services.milestones import MilestoneInput
from contract_tracker.store.models import Contract, Deadline

TODAY = date(2026, 11, 22)


def _crowded_register() -> list[BulkContract]:
    """Thirty contracts whose next deadlines fall on a few shared days (ties across contracts),
    with two milestones due the same day in some (ties within a contract), references that do not
    follow the order they are recorded in, and four planned contracts with no dates at all."""
    days = [TODAY, TODAY + timedelta(days=3), TODAY + timedelta(days=40)]
    items = []
    for number in range(30, 4, -1):
        due = days[number % 3]
        milestones = [MilestoneInput(kind="award decision", name="Award decision", due_date=due)]
        if number % 2:
            milestones.append(MilestoneInput(kind="award notice", name="Publish the award notice", due_date=due))
        items.append(BulkContract(
            contract=ContractFields(reference=f"CROWD-{number:03d}", title=f"Lot {number}", status="planned",
                                    start_date=due + timedelta(days=200), initial_term="2y",
                                    suppliers=[f"Supplier {number % 4}"]),
            milestones=milestones,
        ))
    items += [BulkContract(contract=ContractFields(reference=f"CROWD-{number:03d}", title="No dates yet",
                                                   status="planned")) for number in range(1, 5)]
    return items


@pytest.fixture
def crowded_store(store):
    bulk_load(store, _crowded_register(), actor="test")
    return store


def _assert_pages_match(store, as_of: date) -> int:
    with store.session() as session:
        expected = soonest_first(register_rows(session, as_of=as_of))
        for limit in range(1, len(expected) + 3):
            page = register_page(session, as_of=as_of, limit=limit)
            assert page.total == len(expected)
            assert page.rows == expected[:limit], f"limit {limit}"
    return len(expected)


@pytest.mark.parametrize("batch", [1, 2, 7, 1000])
def test_page_is_the_first_rows_of_the_register_on_the_demo(demo_store, monkeypatch, batch):
    monkeypatch.setattr(views, "_PAGE_BATCH", batch)  # small batches: many reads, days cut short
    assert _assert_pages_match(demo_store, TODAY) == 10


@pytest.mark.parametrize("batch", [1, 3, 1000])
def test_page_is_the_first_rows_of_the_register_when_days_are_shared(crowded_store, monkeypatch, batch):
    monkeypatch.setattr(views, "_PAGE_BATCH", batch)
    assert _assert_pages_match(crowded_store, TODAY) == 30
    assert _assert_pages_match(crowded_store, TODAY + timedelta(days=1)) == 30  # today's deadlines now overdue


def test_page_of_an_empty_register(store):
    with store.session() as session:
        page = register_page(session, as_of=TODAY)
    assert page.rows == [] and page.total == 0


def test_ties_within_a_contract_are_named_by_the_first_recorded_deadline(crowded_store):
    """Two open deadlines due the same day: the register names the one recorded first, on every
    database (the join returns them in no set order)."""
    with crowded_store.session() as session:
        rows = {row.reference: row for row in register_rows(session, as_of=TODAY)}
        checked = 0
        for reference, row in rows.items():
            if row.next_deadline is None:
                continue
            contract_id = session.exec(select(Contract.id).where(Contract.reference == reference)).one()
            due = session.exec(
                select(Deadline.title).where(Deadline.contract_id == contract_id, Deadline.state == "open",
                                             Deadline.due_date == date.fromisoformat(row.next_deadline))
                .order_by(Deadline.id)
            ).all()
            assert row.next_deadline_title == due[0]
            checked += len(due) > 1
    assert checked >= 10  # the odd-numbered contracts have two deadlines that day


def test_page_leaves_out_the_authoritys_own_notices(demo_store):
    """The authority's notices are deadline rows of no contract: the page must not count them as
    a contract (a NULL among the ids read once left the rest of the register out of the page)."""
    from contract_tracker.services.notices import keep_notices_current

    with demo_store.session() as session:
        keep_notices_current(session, TODAY)
        assert session.exec(select(Deadline).where(Deadline.contract_id.is_(None))).first() is not None
    assert _assert_pages_match(demo_store, TODAY) == 10


def test_the_register_shows_the_re_procurement_chain(demo_store):
    """The seed's story: three 2014 arrangements replaced by one contract, read alike by the whole
    register and by its first page."""
    with demo_store.session() as session:
        rows = {row.reference: row for row in register_rows(session, as_of=TODAY)}
        page = {row.reference: row for row in register_page(session, as_of=TODAY, limit=10).rows}
    for old in ("WCC-SEND-MED-2014-A", "WCC-SEND-MED-2014-B", "WCC-SEND-MED-2014-C"):
        assert (rows[old].successor, rows[old].replaces) == ("WCC-SEND-MED-2025", 0)
        assert rows[old].title_with_chain().endswith("(→ WCC-SEND-MED-2025)")
    new = rows["WCC-SEND-MED-2025"]
    assert (new.successor, new.replaces, new.chain()) == ("", 3, "replaces 3")
    assert page["WCC-SEND-MED-2025"] == new
    assert rows["DEMO-LIB-2022"].title_with_chain() == "Library management system"
