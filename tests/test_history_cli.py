"""`contract history` and `--expect-version` from the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from contract_tracker.cli import app

WCC = "WCC-SEND-MED-2025"


@pytest.fixture
def run(demo_store):
    runner = CliRunner()

    def invoke(*args: str, env: dict | None = None):
        return runner.invoke(app, ["--db", demo_store.url, "--today", "2026-11-22", *args], env=env)

    return invoke


def _version(run) -> int:
    return json.loads(run("contract", "show", WCC, "--format", "json").stdout)["version"]


def test_history_shows_who_when_field_old_and_new(run):
    result = run("--user", "alice", "contract", "edit", WCC, "--owner", "Head of SEND")
    assert result.exit_code == 0, result.output
    history = run("contract", "history", WCC)
    assert history.exit_code == 0, history.output
    line = next(line for line in history.stdout.splitlines() if "alice" in line)
    assert "owner_role" in line and "-> Head of SEND" in line
    assert line.split()[0].startswith("20")  # the date comes first


def test_history_json_names_the_user_from_flag_environment_or_login(run, monkeypatch):
    assert run("--user", "flag user", "contract", "edit", WCC, "--buyer", "One").exit_code == 0
    assert run("contract", "edit", WCC, "--buyer", "Two", env={"CONTRACT_TRACKER_USER": "env user"}).exit_code == 0
    monkeypatch.delenv("CONTRACT_TRACKER_USER")
    monkeypatch.setattr("getpass.getuser", lambda: "login user")
    assert run("contract", "edit", WCC, "--buyer", "Three").exit_code == 0
    events = json.loads(run("contract", "history", WCC, "--format", "json").stdout)["events"]
    buyer = [(e["actor"], e["old_value"], e["new_value"]) for e in events if e["field"] == "buyer"]
    assert buyer[-3:] == [("flag user", buyer[-3][1], "One"), ("env user", "One", "Two"),
                          ("login user", "Two", "Three")]
    assert all(e["at"].endswith("Z") for e in events)


def test_history_csv_has_a_header_and_a_row_per_change(run):
    result = run("contract", "history", WCC, "--format", "csv")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("at,actor,entity")
    assert len(lines) > 5


def test_history_of_an_unknown_contract_is_one_line_and_exit_2(run):
    result = run("contract", "history", "NOPE")
    assert result.exit_code == 2
    assert "no contract with reference 'NOPE'" in result.output and "Traceback" not in result.output


def test_expect_version_refuses_a_stale_edit_and_names_the_change(run):
    version = _version(run)
    bob = run("--user", "bob", "contract", "edit", WCC, "--title", "Bob's", "--expect-version", str(version))
    assert bob.exit_code == 0
    stale = run("--user", "alice", "contract", "edit", WCC, "--title", "Alice's", "--expect-version", str(version))
    assert stale.exit_code == 2
    assert "bob at" in stale.output and "Bob's" in stale.output and "Traceback" not in stale.output
    assert json.loads(run("contract", "show", WCC, "--format", "json").stdout)["title"] == "Bob's"


@pytest.mark.parametrize("command", [
    ["option", "decline", WCC, "1"],
    ["milestone", "edit", WCC, "{milestone}", "--notes", "x"],
    ["milestone", "done", WCC, "{milestone}"],
    ["contract", "terminate", WCC, "--on", "2026-11-22", "--reason", "x"],
])
def test_every_change_command_takes_expect_version(run, command):
    milestone = json.loads(run("milestone", "list", WCC, "--format", "json").stdout)[0]["id"]
    command = [part.replace("{milestone}", str(milestone)) for part in command]
    version = _version(run)
    assert run("contract", "edit", WCC, "--buyer", "Someone else").exit_code == 0
    result = run(*command, "--expect-version", str(version))
    assert result.exit_code == 2, result.output
    assert "changed buyer" in result.output
    assert _version(run) == version + 1
