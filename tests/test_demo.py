"""The demo register holds the seed cases and the varied states the issue asks for (both databases)."""

from datetime import date

from sqlmodel import select

from contract_tracker.read.stream import standing_of
from contract_tracker.read.views import contract_detail, register_rows
from contract_tracker.services import get_contract
from contract_tracker.store.models import Contract, Deadline

TODAY = date(2026, 11, 22)


def _detail(store, reference):
    with store.session() as session:
        return contract_detail(session, get_contract(session, reference), as_of=TODAY)


def test_warwickshire_seed(demo_store):
    detail = _detail(demo_store, "WCC-SEND-MED-2025")
    assert (detail.start_date, detail.current_end, detail.maximum_extent) == (
        date(2025, 9, 1), date(2028, 8, 31), date(2034, 8, 31))
    assert [(o.period_start, o.period_end) for o in detail.options] == [
        (date(2028, 9, 1), date(2031, 8, 31)), (date(2031, 9, 1), date(2034, 8, 31))]
    assert [(m.kind, m.due_date.isoformat()) for m in detail.milestones][:8] == [
        ("approval", "2025-03-06"), ("itt publication", "2025-04-01"), ("tender deadline", "2025-05-12"),
        ("award decision", "2025-06-24"), ("signature", "2025-07-01"), ("contract details notice", "2025-07-15"),
        ("mobilisation", "2025-08-31"), ("service start", "2025-09-01")]
    assumed = [m.name for m in detail.milestones if "assumed" in m.notes]
    assert assumed == ["Contract entered into", "Contract details notice (UK7) published"]
    assert detail.owner_role == "Executive Director for Children and Young People"
    assert "@" not in str(detail.as_dict())


def test_predecessors_are_linked_and_expired(demo_store):
    for letter in "ABC":
        detail = _detail(demo_store, f"WCC-SEND-MED-2014-{letter}")
        assert detail.successor == "WCC-SEND-MED-2025"
        assert detail.current_end == date(2025, 8, 31) and detail.status_as_of == "expired"


def test_west_sussex_engagement_timeline(demo_store):
    detail = _detail(demo_store, "WSCC-SEND-MDR-2020")
    assert detail.status_as_of == "planned"
    assert [m.due_date.isoformat() for m in detail.milestones] == [
        "2019-05-31", "2019-07-05", "2019-09-30", "2020-03-24", "2020-03-31"]


def test_varied_states(demo_store):
    with demo_store.session() as session:
        rows = {row.reference: row for row in register_rows(session, as_of=TODAY)}
        overdue_decisions = session.exec(select(Deadline).where(Deadline.kind == "extension decision")).all()
        regimes = {c.regime for c in session.exec(select(Contract))}
        light_touch = [c.reference for c in session.exec(select(Contract).where(Contract.light_touch))]
    assert len(rows) == 10
    assert rows["DEMO-YOUTH-2024"].status == "terminated"
    assert rows["DEMO-CARERS-2021"].status == "extended"
    # On 22 Nov 2026 HST's option 1 is past its decide-by day and its term has not yet ended.
    assert [d.contract_reference for d in overdue_decisions if standing_of(d, TODAY) == "overdue"] == [
        "DEMO-HST-2023"]
    assert _detail(demo_store, "DEMO-CARERS-2021").final_possible_end == date(2027, 3, 31)
    assert {"PA2023", "PCR2015"} <= regimes
    assert "DEMO-SL-2026" in light_touch
