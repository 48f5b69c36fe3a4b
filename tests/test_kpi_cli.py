"""`contract-tracker kpi ...` as people and scripts use it, and the warning when a contract short of
its KPIs is marked awarded."""

from __future__ import annotations

import csv
import io
import json

import pytest

BIG = "BIG-PA-2026"


@pytest.fixture
def big(cli):
    """A PA 2023 contract of £6m, not light-touch, being procured (planned), with a signature milestone."""
    result = cli("contract", "add", "--ref", BIG, "--title", "Highways maintenance", "--status", "planned",
                 "--regime", "PA2023", "--whole-life-value", "£6,000,000")
    assert result.exit_code == 0, result.output
    result = cli("milestone", "add", BIG, "--kind", "signature", "--name", "Contract signed", "--due", "2026-11-01")
    assert result.exit_code == 0, result.output
    return BIG


def test_help_names_the_law_and_the_ratings(cli):
    result = cli("kpi", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "at least 3" in text and "s.52" in text and "s.71" in text and "requires improvement" in text
    assert "kpi" in cli("--help").stdout


def test_add_rate_list_and_remove(cli, big):
    added = cli("kpi", "add", big, "Potholes repaired in 28 days", "--target", "95%")
    assert added.exit_code == 0 and "1 of at least 3 required by PA 2023 s.52" in added.stdout
    assert cli("kpi", "add", big, "Customer complaints", "--target", "Under 10 a quarter").exit_code == 0
    rated = cli("kpi", "rate", big, "potholes repaired in 28 days", "requires-improvement", "--on", "2026-11-20",
                "--note", "88%")
    assert rated.exit_code == 0 and "rated requires improvement on 2026-11-20" in rated.stdout
    listed = json.loads(cli("kpi", "list", big, "--format", "json").stdout)
    assert [k["name"] for k in listed["kpis"]] == ["Potholes repaired in 28 days", "Customer complaints"]
    assert listed["kpis"][0] == {"name": "Potholes repaired in 28 days", "target": "95%",
                                 "rating": "requires improvement", "rated_on": "2026-11-20", "note": "88%"}
    assert listed["standing"]["missing"] == 1 and listed["standing"]["awarded"] is False
    rows = list(csv.DictReader(io.StringIO(cli("kpi", "list", big, "--format", "csv").stdout)))
    assert [(r["reference"], r["name"], r["rating"]) for r in rows] == [
        (big, "Potholes repaired in 28 days", "requires improvement"), (big, "Customer complaints", "")]
    table = cli("kpi", "list", big)
    assert "not rated" in table.stdout and "2 of at least 3" in table.stdout
    removed = cli("kpi", "remove", big, "CUSTOMER COMPLAINTS")
    assert removed.exit_code == 0 and "removed KPI 'Customer complaints'" in removed.stdout
    history = cli("contract", "history", big, "--format", "json")
    actions = [(e["action"], e["field"]) for e in json.loads(history.stdout)["events"] if e["entity"] == "kpi"]
    assert actions[-1] == ("removed", "Customer complaints") and ("rated", "Potholes repaired in 28 days") in actions


@pytest.mark.parametrize("args,message", [
    (["kpi", "rate", BIG, "On time", "excellent"],
     "rating: 'excellent' is not one of: good, approaching target, requires improvement, inadequate, other"),
    (["kpi", "rate", BIG, "On time", "good", "--on", "2026-11-23"], "cannot be rated in the future"),
    (["kpi", "rate", BIG, "On time", "good", "--on", "soon"], "--on"),
    (["kpi", "add", BIG, "on time"], "already has a KPI named 'On time'"),
    (["kpi", "add", BIG, ""], "KPI name must not be empty"),
    (["kpi", "add", "NOPE", "On time"], "no contract with reference 'NOPE'"),
    (["kpi", "remove", BIG, "Late"], "has no KPI named 'Late'"),
    (["kpi", "edit", BIG, "On time"], "nothing to change"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(cli, big, args, message):
    assert cli("kpi", "add", big, "On time").exit_code == 0
    before = cli("contract", "history", big, "--format", "json").stdout
    result = cli(*args)
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error: ")
    assert cli("contract", "history", big, "--format", "json").stdout == before


def test_marking_the_signature_met_warns_and_check_lists_the_shortfall(cli, big):
    for name in ("On time", "Complaints"):
        assert cli("kpi", "add", big, name).exit_code == 0
    check = cli("kpi", "check", "--format", "json")
    assert check.exit_code == 1  # planned and short: listed, not yet a breach
    [row] = json.loads(check.stdout)["contracts"]
    assert (row["reference"], row["recorded"], row["missing"], row["breach"]) == (big, 2, 1, False)
    schedule = json.loads(cli("schedule", "check", big, "--format", "json").stdout)
    assert [f["outcome"] for f in schedule["findings"] if f["rule"] == "KPIs"] == ["note"]

    done = cli("milestone", "done", big, "1", "--on", "2026-11-01")
    assert done.exit_code == 0  # the signature is recorded: it happened
    assert done.stderr.startswith("warning: BIG-PA-2026 is a PA 2023 public contract over £5 million, not light-touch, "
                                  "awarded with 2 KPIs; PA 2023 s.52 asks for at least 3")
    schedule = cli("schedule", "check", big, "--format", "json")
    assert schedule.exit_code == 1
    assert [f["outcome"] for f in json.loads(schedule.stdout)["findings"] if f["rule"] == "KPIs"] == ["broken"]
    assert json.loads(cli("kpi", "check", "--format", "json").stdout)["contracts"][0]["breach"] is True

    assert cli("kpi", "add", big, "Defects").exit_code == 0
    assert cli("kpi", "check").exit_code == 0
    assert cli("contract", "edit", big, "--status", "live", "--start", "2026-12-01", "--term", "4y").stderr == ""


def test_marking_a_contract_live_warns_when_it_is_short(cli, big):
    result = cli("contract", "edit", big, "--status", "live", "--start", "2026-12-01", "--term", "4y")
    assert result.exit_code == 0 and "awarded with no KPIs" in result.stderr
    light = cli("contract", "add", "--ref", "LT-1", "--title", "Care", "--status", "planned", "--regime", "PA2023",
                "--light-touch", "--whole-life-value", "9000000")
    assert light.exit_code == 0
    assert cli("contract", "edit", "LT-1", "--status", "live", "--start", "2026-12-01", "--term", "4y").stderr == ""
