"""The command line as scripts use it: exit codes, one-line errors, nothing written on bad input."""

import json
import os
import subprocess
import sys

import pytest

WARWICKSHIRE = "WCC-SEND-MED-2025"


def test_demo_then_show_json_gives_the_seed_dates(cli):
    assert cli("demo").exit_code == 0
    result = cli("contract", "show", WARWICKSHIRE, "--format", "json")
    assert result.exit_code == 0, result.output
    detail = json.loads(result.stdout)
    assert detail["current_end"] == "2028-08-31"
    assert detail["maximum_extent"] == "2034-08-31"
    assert detail["next_decision"] == {"option": 1, "decide_by": "2028-03-01"}
    assert detail["replaces"] == ["WCC-SEND-MED-2014-A", "WCC-SEND-MED-2014-B", "WCC-SEND-MED-2014-C"]
    mobilisation = next(m for m in detail["milestones"] if m["kind"] == "mobilisation")
    assert (mobilisation["start_date"], mobilisation["due_date"]) == ("2025-07-01", "2025-08-31")


def test_demo_refuses_a_non_empty_store(cli):
    cli("demo")
    result = cli("demo")
    assert result.exit_code == 2 and "already holds contracts" in result.stderr


def test_add_list_and_exercise(cli):
    result = cli("contract", "add", "--ref", "T-1", "--title", "Test service", "--start", "1 Sep 2025",
                 "--term", "3y", "--option", "3y", "--option", "3y", "--supplier", "A Ltd", "--supplier", "B Ltd",
                 "--annual-value", "£250,000")
    assert result.exit_code == 0, result.output
    assert "ends 2028-08-31" in result.stdout and "at most 2034-08-31" in result.stdout
    listed = json.loads(cli("contract", "list", "--format", "json").stdout)["contracts"]
    assert listed[0]["suppliers"] == "A Ltd; B Ltd"
    assert listed[0]["next_deadline"] == "2028-03-01"
    result = cli("option", "exercise", "T-1", "2")
    assert result.exit_code == 2 and "before option 1" in result.stderr
    result = cli("option", "exercise", "T-1", "1", "--note", "Cabinet 2027")
    assert result.exit_code == 0 and "now ends 2031-08-31" in result.stdout


def test_end_instead_of_term(cli):
    result = cli("contract", "add", "--ref", "T-2", "--title", "x", "--start", "2025-04-01", "--end", "31/03/2027")
    assert result.exit_code == 0, result.output
    detail = json.loads(cli("contract", "show", "T-2", "--format", "json").stdout)
    assert detail["initial_term"] == "2y"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contract", "show", "NOPE"], "no contract with reference 'NOPE'"),
        (["contract", "add", "--ref", "X", "--title", "x", "--start", "31 February 2025", "--term", "3y"],
         "no such date"),
        (["contract", "add", "--ref", "X", "--title", "x", "--start", "2025-04-01", "--end", "2025-03-01"],
         "before the start"),
        (["contract", "add", "--ref", "X", "--title", "x", "--start", "2025-04-01", "--term", "3y",
          "--annual-value", "-5"], "must not be negative"),
        (["contract", "add", "--ref", "X", "--title", "x", "--start", "2025-04-01", "--term", "three"], "not a period"),
        (["contract", "add", "--ref", "X", "--title", "x", "--start", "2025-04-01", "--term", "3y",
          "--regime", "EU"], "regime"),
        (["milestone", "add", "X", "--kind", "approval", "--name", "n", "--due", "2025-13-01"], "no such date"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    listed = json.loads(cli("contract", "list", "--format", "json").stdout)
    assert listed["contracts"] == []


def test_milestone_add_list_done(cli):
    cli("contract", "add", "--ref", "M-1", "--title", "x", "--start", "2025-09-01", "--term", "3y")
    result = cli("milestone", "add", "M-1", "--kind", "mobilisation", "--name", "Mobilisation",
                 "--due", "July/August 2025")
    assert result.exit_code == 0 and "Jul–Aug 2025" in result.stdout
    rows = json.loads(cli("milestone", "list", "M-1", "--format", "json").stdout)
    assert rows[0]["status"] == "planned"
    assert cli("milestone", "done", "M-1", str(rows[0]["id"]), "--on", "2025-08-29").exit_code == 0
    rows = json.loads(cli("milestone", "list", "M-1", "--format", "json").stdout)
    assert (rows[0]["status"], rows[0]["met_on"]) == ("met", "2025-08-29")


def test_terminate_cli(cli):
    cli("demo")
    result = cli("contract", "terminate", WARWICKSHIRE, "--on", "2027-03-31", "--reason", "Service redesign")
    assert result.exit_code == 0
    detail = json.loads(cli("contract", "show", WARWICKSHIRE, "--format", "json").stdout)
    assert detail["current_end"] == "2027-03-31"
    assert [o["status_as_of"] for o in detail["options"]] == ["lapsed", "lapsed"]


def _run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "contract_tracker", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=60)


def test_unreachable_database_is_one_line_exit_2():
    result = _run("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "contract", "list")
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot open the store")
    assert len(result.stderr.strip().splitlines()) == 1


def test_environment_variable_picks_the_store(tmp_path):
    db = tmp_path / "env.sqlite"
    assert _run("db", "path", env={"CONTRACT_TRACKER_DB": str(db)}).stdout.strip() == f"sqlite:///{db}"
    assert _run("demo", env={"CONTRACT_TRACKER_DB": str(db)}).returncode == 0
    assert db.exists()


def test_help_does_not_import_heavy_front_ends():
    code = ("import sys; from contract_tracker.cli import app; from typer.testing import CliRunner; "
            "CliRunner().invoke(app, ['--help']); "
            "print(sorted(m for m in ('textual', 'icalendar', 'starlette', 'uvicorn') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
