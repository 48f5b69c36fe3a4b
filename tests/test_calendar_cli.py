"""`ics export`, `feed create|list|revoke` and `serve` as a user runs them."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from calendar_support import expanded, parse
from contract_tracker.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    result = runner.invoke(app, ["--db", url, "demo"])
    assert result.exit_code == 0, result.output
    return url


def run(db: str, *args: str):
    return runner.invoke(app, ["--db", db, *args])


def test_export_to_a_file(db, tmp_path):
    target = tmp_path / "deadlines.ics"
    result = run(db, "ics", "export", "--contract", "WCC-SEND-MED-2025", "--kind", "extension decision",
                 "--kind", "contract end", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "wrote 3 events" in result.output
    events = expanded(target.read_bytes())
    assert sorted(str(e["SUMMARY"]) for e in events) == [
        "Contract ends, SEND Mediation Services",
        "Extension decision due: option 1, SEND Mediation Services",
        "Extension decision due: option 2, SEND Mediation Services",
    ]


def test_export_to_standard_output_with_range_name_and_alarms(db):
    result = run(db, "ics", "export", "--from", "2028-01-01", "--to", "31/12/2028", "--name", "2028",
                 "--alarms", "14d")
    assert result.exit_code == 0, result.output
    calendar = parse(result.stdout_bytes)
    assert str(calendar["X-WR-CALNAME"]) == "2028"
    events = calendar.walk("VEVENT")
    # Every event falls in 2028: a one-day deadline on its day, a span (such as the authority's
    # s.70 window from 31 Dec 2027 to 29 Jan 2028) by its due day, the last day of the span.
    assert events and all((e.end - timedelta(days=1)).year == 2028 for e in events)
    assert any(e.start.year == 2027 for e in events)  # that s.70 window, shown whole
    assert {len(e.walk("VALARM")) for e in events} <= {0, 1}


@pytest.mark.parametrize("args, message", [
    (["--kind", "lunch"], "--kind: 'lunch' is not one of"),
    (["--from", "2028-02-30"], "--from: no such date"),
    (["--from", "2028-02-01", "--to", "2028-01-01"], "--to (2028-01-01) is before --from"),
    (["--contract", "NOPE"], "no contract with reference 'NOPE'"),
    (["--alarms", "3m"], "not a reminder: '3m'"),
    (["-o", "/nonexistent/folder/x.ics"], "cannot write /nonexistent/folder/x.ics"),
    (["--contract-url", "intranet/contracts"], "contract URL: 'intranet/contracts' is not an http(s) address"),
    (["--contract-url", "https://x.example/{reference}/{reference}"], "is not an http(s) address"),
])
def test_bad_input_is_one_line_and_exit_code_2(db, args, message):
    result = run(db, "ics", "export", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not Path("/nonexistent/folder/x.ics").exists()


def test_export_links_each_event_to_its_contract_and_describes_the_selection(db, monkeypatch):
    result = run(db, "ics", "export", "--contract", "WCC-SEND-MED-2025", "--service-area", "Education: SEND",
                 "--kind", "contract end",
                 "--contract-url", "https://intranet.example.gov.uk/contracts/{reference}/view")
    assert result.exit_code == 0, result.output
    calendar = parse(result.stdout_bytes)
    assert str(calendar["X-WR-CALDESC"]) == str(calendar["DESCRIPTION"]) == (
        "Deadlines from the contract register: contracts WCC-SEND-MED-2025; service area Education: SEND; "
        "kinds contract end")
    (event,) = calendar.walk("VEVENT")
    link = "https://intranet.example.gov.uk/contracts/WCC-SEND-MED-2025/view"
    assert str(event["URL"]) == link
    assert f"Contract: WCC-SEND-MED-2025, SEND Mediation Services\nContract page: {link}\n" in str(event["DESCRIPTION"])
    assert [str(c) for c in event["CATEGORIES"].cats] == ["contract end", "Education: SEND"]

    monkeypatch.setenv("CONTRACT_TRACKER_CONTRACT_URL", "https://register.example.gov.uk/c/")
    from_environment = parse(run(db, "ics", "export", "--contract", "WCC-SEND-MED-2025").stdout_bytes)
    assert {str(e["URL"]) for e in from_environment.walk("VEVENT")} == {
        "https://register.example.gov.uk/c/WCC-SEND-MED-2025"}

    monkeypatch.delenv("CONTRACT_TRACKER_CONTRACT_URL")
    unlinked = parse(run(db, "ics", "export", "--contract", "WCC-SEND-MED-2025").stdout_bytes).walk("VEVENT")
    assert unlinked and all("URL" not in e and "Contract: WCC-SEND-MED-2025, " in str(e["DESCRIPTION"])
                            and "Contract page" not in str(e["DESCRIPTION"]) for e in unlinked)


def test_feed_create_list_revoke(db):
    created = run(db, "feed", "create", "--name", "SEND team", "--contract", "WCC-SEND-MED-2025",
                  "--alarms", "30d,7d", "--base-url", "https://calendar.example.gov.uk")
    assert created.exit_code == 0, created.output
    urls = re.findall(r"^(\S+://\S+)$", created.stdout, flags=re.M)
    assert len(urls) == 2
    assert urls[0].startswith("https://calendar.example.gov.uk/feeds/") and urls[0].endswith(".ics")
    assert urls[1] == "webcal://" + urls[0].removeprefix("https://")
    token = urls[0].rsplit("/", 1)[1].removesuffix(".ics")
    assert "shown only this once" in created.stderr

    listed = run(db, "feed", "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [(r["id"], r["name"], r["alarms"], r["filters"]) for r in rows] == [
        (1, "SEND team", "30d,7d", "contracts WCC-SEND-MED-2025")]
    assert token not in listed.stdout
    table = run(db, "feed", "list")
    assert "SEND team" in table.stdout and token not in table.stdout

    assert run(db, "feed", "revoke", "SEND team").exit_code == 0
    again = run(db, "feed", "revoke", "1")
    assert again.exit_code == 2 and "no live feed" in again.stderr
    assert json.loads(run(db, "feed", "list", "--format", "json").stdout) == []
    assert len(json.loads(run(db, "feed", "list", "--all", "--format", "json").stdout)) == 1


def test_feed_create_refuses_a_bad_base_url_without_creating_anything(db):
    result = run(db, "feed", "create", "--name", "x", "--base-url", "calendar.example")
    assert result.exit_code == 2 and "--base-url" in result.stderr
    assert json.loads(run(db, "feed", "list", "--all", "--format", "json").stdout) == []


def test_help_does_not_import_the_calendar_or_server_stack():
    code = ("import sys\nfrom contract_tracker.cli import app\n"
            "heavy = [m for m in ('icalendar', 'starlette', 'uvicorn', 'contract_tracker.calendar.events')"
            " if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_command_runs_uvicorn_on_loopback_and_never_logs_the_token(db, tmp_path):
    created = run(db, "feed", "create", "--name", "All", "--base-url", "http://127.0.0.1:1")
    token = created.stdout.splitlines()[1].rsplit("/", 1)[1].removesuffix(".ics")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", "from contract_tracker.cli import main; main()",
             "--db", db, "serve", "--port", str(port)],
            stdout=sink, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            url = f"http://127.0.0.1:{port}/feeds/{token}.ics"
            for _ in range(200):
                try:
                    response = httpx.get(url)
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            else:
                pytest.fail("serve did not start: " + log.read_text())
            assert response.status_code == 200 and b"BEGIN:VEVENT" in response.content
            assert httpx.get(url, headers={"If-None-Match": response.headers["etag"]}).status_code == 304
        finally:
            process.terminate()
            process.wait(timeout=10)
    output = log.read_text()
    assert f"127.0.0.1:{port}" in output and "-> 200" in output and "-> 304" in output
    assert token not in output
