"""Concurrent writers never lose or refuse for the wrong reason: commands started at the same moment
(separate processes, released by one barrier) on SQLite and PostgreSQL.

- Six `finance set` on a year with no figures yet, each setting a different figure: all six keep
  theirs (the first write of a year used to fail five of them with a unique-key error).
- Exercise and decline of the same options at once: never a deadlock or a database error, only
  the outcomes the rules allow, each worked out from what the one before it committed.
"""

from __future__ import annotations

import multiprocessing
from datetime import date

from sqlmodel import select

from contract_tracker.services import ContractFields, get_contract, options_of, register_contract
from contract_tracker.services.finance import figures_of
from contract_tracker.services.integrity import check_store
from contract_tracker.store.models import AuditEvent, ExtensionOption

FIGURES = [
    ["--budget", "1000"], ["--baseline", "2000"], ["--volume", "30"], ["--note", "agreed at panel"],
    ["--unit", "families"], ["--spend", "500", "--forecast"],
]
TRIALS = 3


def _run(url: str, barrier, argv: list[str], results) -> None:
    from typer.testing import CliRunner

    from contract_tracker.cli import app

    barrier.wait(60)
    result = CliRunner().invoke(app, ["--db", url, "--today", "2026-11-22", *argv])
    results.put((" ".join(argv[:3]), result.exit_code, result.output.strip().splitlines()[-1:],
                 repr(result.exception) if result.exception and not isinstance(result.exception, SystemExit) else ""))


def _race(url: str, commands: list[list[str]]) -> list[tuple]:
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(commands)), context.Queue()
    racers = [context.Process(target=_run, args=(url, barrier, argv, results)) for argv in commands]
    for racer in racers:
        racer.start()
    outcomes = [results.get(timeout=120) for _ in racers]
    for racer in racers:
        racer.join(60)
    return outcomes


def _register(store, reference: str) -> None:
    with store.session() as session:
        register_contract(session, ContractFields(
            reference=reference, title="Racing", start_date=date(2026, 1, 1), initial_term="3y",
            options=["1y", "1y", "1y"], decision_notice="3m"), actor="setup")


def test_six_first_writes_of_a_year_all_keep_their_figure(store):
    for trial in range(TRIALS):
        reference = f"RACE-FIN-{trial}"
        _register(store, reference)
        outcomes = _race(store.url, [["finance", "set", reference, "2026/27", *figure] for figure in FIGURES])
        assert [code for _, code, _, _ in outcomes] == [0] * len(FIGURES), outcomes
        with store.session() as session:
            contract = get_contract(session, reference)
            (year,) = figures_of(session, contract)
            events = session.exec(select(AuditEvent).where(AuditEvent.contract_id == contract.id,
                                                           AuditEvent.entity == "finance")).all()
        assert (year.budget, year.baseline, year.volume, year.note, year.volume_unit, year.spend, year.basis) == (
            1000, 2000, 30, "agreed at panel", "families", 500, "forecast")
        assert {e.field for e in events} - {"2026/27"} == {
            f"2026/27 {name}" for name in ("budget", "baseline", "volume", "note", "volume_unit", "spend",
                                           "spend_basis")}


ALLOWED = {0, 2}  # done, or refused by a rule (already decided, out of order): one line, no traceback


def test_exercise_and_decline_at_once_never_deadlock_and_keep_the_rules(store):
    for trial in range(TRIALS * 2):
        reference = f"RACE-OPT-{trial}"
        _register(store, reference)
        outcomes = _race(store.url, [["option", verb, reference, ordinal]
                                     for verb in ("exercise", "decline") for ordinal in ("1", "2")])
        for _command, code, last_line, exception in outcomes:
            assert code in ALLOWED and not exception, outcomes
            assert code == 0 or (last_line[0].startswith("error: ") and "database" not in last_line[0]), outcomes
        with store.session() as session:
            statuses = [o.status for o in options_of(session, get_contract(session, reference))]
            decided = session.exec(select(AuditEvent).where(
                AuditEvent.contract_reference == reference, AuditEvent.action.in_(("exercised", "declined")))).all()
        # The rules hold whatever the order: an option is exercised only after every earlier one;
        # after a declined option none is exercised or left open; option 1 is always decided (one
        # of its two racers wins); and each success is one decision in the history.
        assert statuses[0] in ("exercised", "declined"), statuses
        for k, status in enumerate(statuses):
            if status == "exercised":
                assert set(statuses[:k]) <= {"exercised"}, statuses
            if status == "declined":
                assert set(statuses[k + 1:]) <= {"declined", "lapsed"}, statuses
        assert len(decided) == sum(code == 0 for _, code, _, _ in outcomes)
    assert check_store(store.engine).ok


def test_a_race_to_register_one_reference_refuses_the_second_cleanly(store):
    outcomes = _race(store.url, [["contract", "add", "--ref", "SAME-REF", "--title", f"Racer {n}", "--status",
                                  "planned"] for n in range(4)])
    codes = sorted(code for _, code, _, _ in outcomes)
    assert codes == [0, 2, 2, 2], outcomes
    assert all("already exists" in last[0] for _, code, last, _ in outcomes if code == 2), outcomes
    with store.session() as session:
        assert len(session.exec(select(ExtensionOption)).all()) == 0
        assert get_contract(session, "SAME-REF").title.startswith("Racer")
