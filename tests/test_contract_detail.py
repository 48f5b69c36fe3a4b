"""A contract's detail is a typed read model (read/detail.py): its dates are dates, and they are the
stream's own; `contract show` prints exactly what it printed when the detail was a dict of strings."""

from __future__ import annotations

import dataclasses
import typing
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlmodel import select

from contract_tracker.enums import DeadlineKind, DeadlineState, Standing
from contract_tracker.read.detail import ContractDetail
from contract_tracker.read.stream import gives_final_end, in_force, standing_of
from contract_tracker.read.views import contract_detail
from contract_tracker.store.models import Contract, Deadline

TODAY = date(2026, 11, 22)
GOLDEN = Path(__file__).parent / "golden" / "contract_show"
DEMO = sorted(path.stem for path in GOLDEN.glob("*.json"))


def _dates(model) -> list[tuple[str, object]]:
    """(field, value) of every field annotated as a date, in `model` and the models it holds."""
    found = []
    hints = typing.get_type_hints(type(model))
    for field in dataclasses.fields(model):
        value = getattr(model, field.name)
        if isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            for item in value:
                found += [(f"{field.name}.{name}", inner) for name, inner in _dates(item)]
        elif dataclasses.is_dataclass(value):
            found += [(f"{field.name}.{name}", inner) for name, inner in _dates(value)]
        elif date in typing.get_args(hints[field.name]) or hints[field.name] is date:
            found.append((field.name, value))
    return found


def _details(store) -> dict[str, tuple[ContractDetail, list[Deadline]]]:
    with store.session() as session:
        out = {}
        for contract in session.exec(select(Contract).order_by(Contract.reference)):
            rows = session.exec(select(Deadline).where(Deadline.contract_id == contract.id)).all()
            out[contract.reference] = (contract_detail(session, contract, as_of=TODAY), list(rows))
        return out


def test_every_date_of_a_detail_is_a_date(demo_store):
    details = _details(demo_store)
    assert sorted(details) == DEMO
    for reference, (detail, _) in details.items():
        dates = _dates(detail)
        # the term, ends, options, breaks, milestones and deadlines are all there to be checked
        assert {"as_of", "start_date", "current_end", "deadlines.due_date"} <= {name for name, _ in dates}
        wrong = [(name, value) for name, value in dates
                 if value is not None and (type(value) is not date or isinstance(value, datetime))]
        assert wrong == [], reference
        assert detail.as_of == TODAY
        assert all(isinstance(v, Decimal) for v in (detail.annual_value, detail.whole_life_value) if v is not None)


def test_a_details_dates_agree_with_the_stream(demo_store):
    compared = {"options": 0, "breaks": 0, "final": 0, "ends": 0}
    for reference, (detail, rows) in _details(demo_store).items():
        live = [row for row in rows if row.state != DeadlineState.SUPERSEDED]
        # the deadlines shown are the stream's rows standing on the day, with the stream's standing
        expected = {(row.kind, row.ordinal, row.due_date, standing_of(row, TODAY)) for row in rows
                    if standing_of(row, TODAY) not in (Standing.PENDING, Standing.SUPERSEDED)}
        assert {(d.kind, d.ordinal, d.due_date, d.standing) for d in detail.deadlines} == expected, reference
        assert all(d.days_left == (d.due_date - TODAY).days for d in detail.deadlines)
        # each option's decide-by day is its extension decision's due day; each break's, its notice's
        decisions = {row.ordinal: row.due_date for row in live if row.kind == DeadlineKind.EXTENSION_DECISION}
        assert {o.option: o.decide_by for o in detail.options} == decisions, reference
        compared["options"] += len(decisions)
        breaks = sorted(row.due_date for row in live if row.kind == DeadlineKind.BREAK_NOTICE)
        assert sorted(b.serve_notice_by for b in detail.breaks) == breaks, reference
        compared["breaks"] += len(breaks)
        # the latest end still open and its re-procurement start are the stream's (planned: none)
        final = [row for row in live if row.kind == DeadlineKind.REPROCUREMENT_START
                 and row.id in _matching(demo_store, gives_final_end(TODAY))]
        if final:
            assert (detail.final_possible_end, detail.reprocurement_start) == (final[0].ends_on, final[0].due_date)
            compared["final"] += 1
        else:
            assert detail.reprocurement_start is None, reference
        ends = [row.due_date for row in live if row.kind == DeadlineKind.CONTRACT_END
                and row.id in _matching(demo_store, in_force(TODAY))]
        if ends:
            assert detail.current_end == ends[0], reference
            compared["ends"] += 1
    assert all(compared.values()), compared  # none of the comparisons above was vacuous
    detail, _ = _details(demo_store)["WCC-SEND-MED-2025"]
    assert detail.next_decision is not None and detail.next_decision.decide_by == date(2028, 3, 1)


def _matching(store, condition) -> set[int]:
    with store.session() as session:
        return set(session.exec(select(Deadline.id).where(condition)))


def test_contract_show_prints_what_it_printed_before_the_detail_was_typed(cli):
    """Byte for byte, JSON and table, for every demo contract (tests/golden/README.md)."""
    assert cli("demo").exit_code == 0
    for reference in DEMO:
        shown = cli("contract", "show", reference, "--format", "json")
        assert shown.exit_code == 0, shown.output
        assert shown.stdout == (GOLDEN / f"{reference}.json").read_text(), reference
        assert cli("contract", "show", reference).stdout == (GOLDEN / f"{reference}.table").read_text(), reference


def test_a_contracts_type_is_shown_where_it_sets_the_contract_apart(cli):
    """A plain public contract goes without saying; a concession is said, in the table and the JSON."""
    assert cli("demo").exit_code == 0
    assert "Regime            PCR2015, call-off " in cli("contract", "show", "DEMO-LIB-2022").stdout
    assert cli("contract", "edit", "DEMO-LIB-2022", "--type", "concession").exit_code == 0
    assert "PCR2015, call-off, concession" in cli("contract", "show", "DEMO-LIB-2022").stdout
    assert '"contract_type": "concession"' in cli("contract", "show", "DEMO-LIB-2022", "--format", "json").stdout
