"""`contract-tracker schedule ...` as people and scripts use it: output, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest

WARWICKSHIRE = "WCC-SEND-MED-2025"


def test_list_and_show(cli):
    result = cli("schedule", "list", "--format", "json")
    assert result.exit_code == 0
    assert {row["key"] for row in json.loads(result.stdout)} >= {"pa2023-open", "pcr2015-open", "pa2023-call-off"}
    shown = cli("schedule", "show", "pa2023-open", "--format", "json")
    steps = {s["key"]: s for s in json.loads(shown.stdout)["steps"]}
    assert steps["tender-deadline"]["minimum"] == "25d" and "s.54" in steps["tender-deadline"]["citation"]
    assert steps["standstill-end"]["inclusive"] is True
    table = cli("schedule", "show", "pa2023-open")
    assert table.exit_code == 0 and "Deadline for tenders" in table.stdout


def test_plan_backwards_from_service_start(cli):
    result = cli("schedule", "plan", "pa2023-open", "--service-start", "1 Sep 2025", "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["ok"] is True and plan["nations"] == ["ENG", "WLS", "SCT", "NIR"]
    steps = {s["step"]: s for s in plan["steps"]}
    assert steps["service-start"]["due_date"] == "2025-09-01"
    assert all(s["ok"] for s in plan["steps"])
    people = cli("schedule", "plan", "pa2023-open", "--service-start", "2025-09-01")
    assert people.exit_code == 0 and "Standstill period ends" in people.stdout and "8 working days" in people.stdout


def test_plan_forwards_with_a_short_period_exits_1(cli):
    result = cli("schedule", "plan", "pa2023-open", "--itt", "2025-03-03", "--period", "tender-deadline=20d")
    assert result.exit_code == 1
    assert "breaks the rule: tender-deadline" in result.stdout and "s.54" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["schedule", "plan", "pa2023-open"], "exactly one of"),
    (["schedule", "plan", "pa2023-open", "--itt", "2025-02-30"], "--itt: no such date"),
    (["schedule", "plan", "pa2023-open", "--itt", "2025-04-01", "--service-start", "2025-09-01"], "exactly one of"),
    (["schedule", "plan", "pa2023-open", "--anchor", "nope=2025-04-01"], "no step 'nope'"),
    (["schedule", "plan", "pa2023-open", "--itt", "2025-04-01", "--period", "itt=3x"], "not a period"),
    (["schedule", "plan", "pa2023-open", "--itt", "2025-04-01", "--nations", "XX"], "choose from"),
    (["schedule", "plan", "pa2023-open", "--itt", "2025-04-01", "--closed", "2025-05-02..2025-05-01"], "backwards"),
    (["schedule", "plan", "no-such-template", "--itt", "2025-04-01"], "no schedule template"),
    (["schedule", "check", "NOPE"], "no contract"),
    (["schedule", "list", "--format", "xml"], "--format"),
])
def test_bad_input_is_one_line_and_exit_2(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_check_warwickshire_passes_then_fails_on_a_20_day_tender(cli):
    assert cli("demo").exit_code == 0
    result = cli("schedule", "check", WARWICKSHIRE)
    assert result.exit_code == 0, result.output
    assert "no rule broken" in result.stdout
    listing = json.loads(cli("milestone", "list", WARWICKSHIRE, "--format", "json").stdout)
    deadline = next(m for m in listing if m["kind"] == "tender deadline")
    assert cli("milestone", "edit", WARWICKSHIRE, str(deadline["id"]), "--due", "2025-04-21").exit_code == 0
    failed = cli("schedule", "check", WARWICKSHIRE, "--format", "json")
    assert failed.exit_code == 1
    report = json.loads(failed.stdout)
    assert report["broken"] is True
    broken = [f for f in report["findings"] if f["outcome"] == "broken"]
    assert len(broken) == 1 and "s.54" in broken[0]["citation"] and "20 days" in broken[0]["message"]
    people = cli("schedule", "check", WARWICKSHIRE)
    assert people.exit_code == 1 and "BROKEN" in people.stdout and "1 rule broken" in people.stdout


def test_apply_twice_updates_and_never_duplicates(cli):
    cli("contract", "add", "--ref", "T-1", "--title", "Test", "--start", "2025-09-01", "--term", "3y")
    first = cli("schedule", "apply", "T-1", "pa2023-open", "--service-start", "2025-09-01")
    assert first.exit_code == 0 and "14 created" in first.stdout
    second = cli("schedule", "apply", "T-1", "pa2023-open", "--service-start", "2025-10-01", "--closed", "2025-07-01")
    assert second.exit_code == 0 and "0 created, 14 updated" in second.stdout
    listing = json.loads(cli("milestone", "list", "T-1", "--format", "json").stdout)
    assert len(listing) == 14
    assert cli("schedule", "check", "T-1").exit_code == 0


def test_workdays_lists_holidays_and_counts(cli):
    result = cli("schedule", "workdays", "--from", "2025-12-22", "--to", "2026-01-06", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["working_days"] == 8  # the PA standstill from 22 Dec 2025 ends on 6 Jan 2026
    assert "2026-01-02" in {h["date"] for h in data["holidays"]}
    england = json.loads(cli("schedule", "workdays", "--from", "2025-12-22", "--to", "2026-01-06", "--nations", "ENG",
                             "--format", "json").stdout)
    assert england["working_days"] == 9
    assert cli("schedule", "workdays", "--from", "2026-01-06", "--to", "2025-12-22").exit_code == 2
