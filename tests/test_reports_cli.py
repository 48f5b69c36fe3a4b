"""`contract-tracker report ...` run as the installed command on the demo register.

Expectations are worked out by hand from the seeds and the demo (see the comments), not from the
code: e.g. Warwickshire's contract runs 1 Sep 2025 + 3 years = 31 Aug 2028, and option 1 needs
6 months' notice, so it must be decided by 1 Mar 2028.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

COMMAND = Path(sys.executable).parent / "contract-tracker"
SCHEMA = json.loads(
    (Path(__file__).parents[1] / "contract_tracker" / "read" / "reports" / "report.schema.json").read_text()
)
WCC = "WCC-SEND-MED-2025"
WCC_EXEC = "Executive Director for Children and Young People"


def run(db: str, *args: str, today: str = "2026-11-22", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(COMMAND), "--db", db, "--today", today, *args],
        capture_output=True, text=True, timeout=120, env=env or _env(),
    )


def _env() -> dict:
    return {**os.environ, "NO_COLOR": "", "TERM": "xterm-256color"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    db = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'demo.sqlite'}"
    loaded = run(db, "demo")
    assert loaded.returncode == 0, loaded.stderr
    return db


def report_json(db: str, name: str, *args: str) -> dict:
    result = run(db, "report", name, *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["report"] == name and data["count"] == len(data["rows"])
    return data


def report_csv(db: str, name: str, *args: str) -> list[dict]:
    result = run(db, "report", name, *args, "--format", "csv")
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


# --- decisions -------------------------------------------------------------------------------

def test_warwickshire_option_1_decision_is_listed_as_of_2028(demo_db):
    data = report_json(demo_db, "decisions", "--as-of", "2028-01-01")
    assert data["as_of"] == "2028-01-01"
    assert data["window"] == {"start": "2028-01-01", "end": "2028-12-31"}  # default --within 12m
    wcc = [row for row in data["rows"] if row["reference"] == WCC]
    assert wcc == [{
        "decide_by": "2028-03-01",  # 6 months before the 31 Aug 2028 end
        "days_left": 60,  # 31 days of January + 29 of February 2028
        "reference": WCC,
        "contract_title": "SEND Mediation Services",
        "option": 1,
        "extends_to": "2031-08-31",  # a further 3 years
        "ends_if_missed": "2028-08-31",
        "lapses_if_missed": [1, 2],
        "owner": WCC_EXEC,
        "service_area": "Education: SEND",
        "action": wcc[0]["action"],
    }]
    assert "lapse" in wcc[0]["action"]
    # Supported living: 1 Apr 2026 + 2 years ends 31 Mar 2028; 3 months' notice: decide by 1 Jan 2028.
    assert [(r["reference"], r["option"], r["decide_by"]) for r in data["rows"]] == [
        ("DEMO-SL-2026", 1, "2028-01-01"), (WCC, 1, "2028-03-01"),
    ]


def test_decisions_csv_carries_the_same_row_with_iso_dates(demo_db):
    rows = report_csv(demo_db, "decisions", "--as-of", "2028-01-01", "--owner", WCC_EXEC)
    assert [(r["reference"], r["option"], r["decide_by"], r["ends_if_missed"], r["lapses_if_missed"])
            for r in rows] == [(WCC, "1", "2028-03-01", "2028-08-31", "1 2")]


def test_a_later_option_lapses_with_a_missed_earlier_one(demo_db):
    # Home to school transport: option 1 had to be decided by 1 Jun 2026 and was not, so option 2
    # (decide by 1 Jun 2027) has lapsed too and is not awaiting a decision.
    data = report_json(demo_db, "decisions", "--as-of", "2026-11-22", "--within", "2y")
    assert "DEMO-HST-2023" not in {row["reference"] for row in data["rows"]}
    assert [(r["reference"], r["option"]) for r in data["rows"]] == [("DEMO-SL-2026", 1), (WCC, 1)]


# --- upcoming --------------------------------------------------------------------------------

def test_upcoming_lists_every_open_deadline_in_the_window(demo_db):
    data = report_json(demo_db, "upcoming", "--within", "7m")  # 22 Nov 2026 to 21 Jun 2027
    assert data["window"] == {"start": "2026-11-22", "end": "2027-06-21"}
    assert [(r["due_date"], r["reference"], r["kind"], r["days_left"]) for r in data["rows"]] == [
        ("2026-11-30", "DEMO-HST-2023", "contract end", 8),  # 1 Dec 2023 + 3 years
        ("2027-01-15", "DEMO-LIB-2022", "milestone", 54),  # soft market testing
        # The authority's own notices (no contract): live PA 2023 contracts worth over £30,000 a year.
        ("2027-01-29", "", "payments over 30k due", 68),  # s.70, October to December 2026
        ("2027-03-31", "DEMO-CARERS-2021", "contract end", 129),  # 4 years + the 2-year option taken
        ("2027-04-01", "DEMO-SL-2026", "break notice", 130),  # break 30 Sep 2027, 6 months' notice
        ("2027-04-29", "", "UK8 due", 158),  # s.69, October 2026 to March 2027
        ("2027-04-29", "", "payments over 30k due", 158),  # s.70, January to March 2027
    ]  # not HST option 2 (1 Jun 2027): it lapsed with option 1


def test_upcoming_filters_by_owner_service_area_and_kind(demo_db):
    rows = report_csv(demo_db, "upcoming", "--as-of", "2028-01-01", "--within", "10y", "--owner", WCC_EXEC)
    assert {r["reference"] for r in rows} == {WCC}
    assert [(r["due_date"], r["kind"]) for r in rows] == [
        ("2028-03-01", "extension decision"), ("2028-08-31", "contract end"), ("2028-08-31", "milestone"),
        ("2028-09-29", "UK11 due"),  # 30 days beginning with the current end (moves if option 1 is taken)
        ("2031-03-01", "extension decision"), ("2033-09-01", "reprocurement start"),
    ]
    rows = report_csv(demo_db, "upcoming", "--as-of", "2028-01-01", "--within", "10y",
                      "--service-area", "Education: SEND", "--kind", "extension-decision")
    assert [(r["reference"], r["ordinal"], r["due_date"]) for r in rows] == [
        (WCC, "1", "2028-03-01"), (WCC, "2", "2031-03-01"),
    ]


# --- overdue ---------------------------------------------------------------------------------

def test_overdue_lists_missed_decisions_and_unstarted_reprocurements(demo_db):
    data = report_json(demo_db, "overdue", "--as-of", "2026-11-22")
    assert data["window"] is None
    contracts = [r for r in data["rows"] if r["reference"]]  # the authority's own notices: test_authority_stream
    # The demo council published its notices due by 30 Sep 2026; the UK8 and s.70 of 29 Oct are late.
    assert len(data["rows"]) - len(contracts) == 2
    assert [(r["due_date"], r["reference"], r["kind"], r["days_overdue"]) for r in contracts] == [
        ("2025-10-01", "DEMO-CARERS-2021", "reprocurement start", 417),  # 18 months before 31 Mar 2027
        # Option 1 passed undecided on 1 Jun 2026, so the contract ends on 30 Nov 2026: re-procuring
        # for that end should have begun on 1 Dec 2025.
        ("2025-12-01", "DEMO-HST-2023", "reprocurement start", 356),
        ("2026-06-01", "DEMO-HST-2023", "extension decision", 174),  # can still be taken late, to 30 Nov
        ("2026-07-01", "DEMO-LIB-2022", "reprocurement start", 144),  # 12 months before 30 Jun 2027
    ]  # contract ends (the 2014 arrangements ended 31 Aug 2025) are never overdue


def test_overdue_names_only_the_first_missed_option(demo_db):
    data = report_json(demo_db, "overdue", "--as-of", "2026-11-22", "--kind", "extension decision")
    assert [(r["reference"], r["ordinal"]) for r in data["rows"]] == [("DEMO-HST-2023", 1)]
    # Once the term it would extend has ended (30 Nov 2026) the option cannot be taken: missed, not overdue.
    after = report_json(demo_db, "overdue", "--as-of", "2026-12-03", "--kind", "extension decision")
    assert after["rows"] == []


def test_overdue_milestones_of_the_library(demo_db):
    rows = report_csv(demo_db, "overdue", "--as-of", "2027-02-01", "--kind", "milestone")
    assert [(r["reference"], r["title"], r["due_date"], r["days_overdue"]) for r in rows] == [
        ("DEMO-LIB-2022", "Soft market testing for the regional library system", "2027-01-15", "17"),
    ]  # the Warwickshire Table Two milestones are all met


# --- breaks ----------------------------------------------------------------------------------

def test_breaks_give_the_last_day_to_serve_notice_and_the_break_date(demo_db):
    data = report_json(demo_db, "breaks", "--as-of", "2026-11-22")
    assert [(r["reference"], r["serve_notice_by"], r["break_date"]) for r in data["rows"]] == [
        ("DEMO-SL-2026", "2027-04-01", "2027-09-30"),  # 18 months from 1 Apr 2026; 6 months' notice
    ]  # the youth mentoring break is gone with its termination


# --- expiring --------------------------------------------------------------------------------

def test_expiring_uses_the_final_possible_end(demo_db):
    data = report_json(demo_db, "expiring", "--as-of", "2026-11-22")  # 18 months: to 21 May 2028
    assert [(r["reference"], r["final_end"], r["options_remaining"], r["reprocurement_start"],
             r["reprocurement_under_way"]) for r in data["rows"]] == [
        ("DEMO-HST-2023", "2026-11-30", [], "2025-12-01", False),  # its options lapsed undecided
        ("DEMO-CARERS-2021", "2027-03-31", [], "2025-10-01", False),
        ("DEMO-LIB-2022", "2027-06-30", [], "2026-07-01", False),  # option declined
    ]
    data = report_json(demo_db, "expiring", "--as-of", "2028-01-01", "--within", "30m")
    assert [(r["reference"], r["current_end"], r["final_end"], r["options_remaining"]) for r in data["rows"]] == [
        ("DEMO-SL-2026", "2028-03-31", "2030-03-31", [1, 2]),  # 2 years + 1 + 1
    ]


def test_expiring_shows_a_reprocurement_under_way(demo_db):
    data = report_json(demo_db, "expiring", "--as-of", "2025-01-01", "--within", "12m")
    assert [(r["reference"], r["final_end"], r["reprocurement_under_way"], r["successor"]) for r in data["rows"]] == [
        (f"WCC-SEND-MED-2014-{letter}", "2025-08-31", True, WCC) for letter in "ABC"
    ]


# --- pipeline --------------------------------------------------------------------------------

def test_pipeline_groups_by_uk_financial_year(demo_db):
    data = report_json(demo_db, "pipeline", "--as-of", "2026-11-22")  # default 36 months
    assert [(r["financial_year"], r["reference"], r["reprocurement_start"], r["overdue"], r["whole_life_value"])
            for r in data["rows"]] == [
        ("2025/26", "DEMO-CARERS-2021", "2025-10-01", True, "3720000.00"),
        ("2025/26", "DEMO-HST-2023", "2025-12-01", True, "7250000.00"),
        ("2026/27", "DEMO-LIB-2022", "2026-07-01", True, None),
        ("2029/30", "DEMO-SL-2026", "2029-04-01", False, "8400000.00"),  # 1 Apr: first day of 2029/30
    ]
    assert data["financial_years"] == [
        {"financial_year": "2025/26", "count": 2, "whole_life_value": "10970000.00", "without_value": 0},
        {"financial_year": "2026/27", "count": 1, "whole_life_value": "0.00", "without_value": 1},
        {"financial_year": "2029/30", "count": 1, "whole_life_value": "8400000.00", "without_value": 0},
    ]


def test_pipeline_uk1_view_is_over_two_million_within_18_months(demo_db):
    data = report_json(demo_db, "pipeline", "--uk1", "--as-of", "2027-12-01")
    assert data["over"] == "2000000.00" and data["window"]["end"] == "2029-05-31"
    # Supported living (£8.4m, options still open) must start re-procuring by 1 Apr 2029;
    # Warwickshire (£2.25m) not until 1 Sep 2033; transport and carers have ended.
    assert [(r["reference"], r["financial_year"]) for r in data["rows"]] == [("DEMO-SL-2026", "2029/30")]
    # Once Warwickshire's option 1 date (1 Mar 2028) passes undecided, the contract can run only
    # to 31 Aug 2028, so its re-procurement was due on 1 Sep 2027 (financial year 2027/28); the
    # same for supported living, whose option 1 date (1 Jan 2028) has passed too.
    data = report_json(demo_db, "pipeline", "--uk1", "--as-of", "2028-03-02")
    assert [(r["reference"], r["reprocurement_start"], r["financial_year"], r["overdue"]) for r in data["rows"]] == [
        ("DEMO-SL-2026", "2027-04-01", "2027/28", True), (WCC, "2027-09-01", "2027/28", True),
    ]
    rows = report_csv(demo_db, "pipeline", "--as-of", "2026-11-22", "--over", "5000000")
    assert [r["reference"] for r in rows] == ["DEMO-HST-2023", "DEMO-SL-2026"]


# --- formats and exit codes ------------------------------------------------------------------

@pytest.mark.parametrize("name, args", [
    ("upcoming", ()), ("decisions", ()), ("breaks", ()), ("expiring", ()), ("overdue", ()), ("pipeline", ()),
    ("obligations", ("--fy", "2026/27")),
])
def test_every_report_matches_the_json_schema_and_csv_header(demo_db, name, args):
    data = report_json(demo_db, name, "--as-of", "2026-11-22", *args)
    rows = report_csv(demo_db, name, "--as-of", "2026-11-22", *args)
    assert len(rows) == data["count"]
    if data["rows"]:
        assert list(rows[0]) == list(data["rows"][0])


def test_table_for_people_has_no_colour_when_piped(demo_db):
    result = run(demo_db, "report", "decisions", "--as-of", "2028-01-01")
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert "WCC-SEND-MED-2025" in result.stdout and "2028-03-01" in result.stdout
    assert result.stdout.splitlines()[0].startswith("Extension decisions due from 2028-01-01 to 2028-12-31")


def test_markdown_is_a_pipe_table(demo_db):
    result = run(demo_db, "report", "overdue", "--as-of", "2026-11-22", "--format", "markdown")
    lines = result.stdout.splitlines()
    assert lines[0] == "### Overdue deadlines (as of 2026-11-22): 6"  # 4 of contracts, 2 of the authority
    table = [line for line in lines if line.startswith("|")]
    assert [cell.strip() for cell in table[0].strip("|").split("|")][:3] == ["Was due", "Days over", "Reference"]
    assert len(table) == 2 + 6  # header, rule, six rows
    assert "DEMO-HST-2023" in table[3]


def test_fail_if_any_exits_1_only_when_the_report_has_rows(demo_db):
    found = run(demo_db, "report", "overdue", "--as-of", "2026-11-22", "--fail-if-any", "--format", "csv")
    assert found.returncode == 1 and "DEMO-HST-2023" in found.stdout  # still printed
    empty = run(demo_db, "report", "overdue", "--as-of", "2025-01-01", "--fail-if-any")
    assert empty.returncode == 0, empty.stdout + empty.stderr


@pytest.mark.parametrize("args, message", [
    (["upcoming", "--within", "six months"], "--within: not a period"),
    (["overdue", "--as-of", "31/02/2027"], "--as-of: no such date"),
    (["upcoming", "--kind", "deadline"], "--kind: not a deadline kind"),
    (["pipeline", "--over", "lots"], "--over"),
])
def test_bad_input_is_one_line_and_exit_code_2(demo_db, args, message):
    result = run(demo_db, "report", *args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


# --- the cron example in the README, run as written ------------------------------------

def _crontab_from_docs() -> tuple[dict, list[str]]:
    text = (Path(__file__).parents[1] / "README.md").read_text()
    block = text.split("```crontab\n", 1)[1].split("```", 1)[0]
    env, jobs = {}, []
    for line in block.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if "=" in line.split()[0]:
            name, value = line.split("=", 1)
            env[name] = value
        else:
            # Five time fields, then the command; cron turns "\%" into "%".
            jobs.append(line.split(None, 5)[5].replace("\\%", "%"))
    return env, jobs


def test_cron_example_works_as_written(demo_db, tmp_path):
    env, jobs = _crontab_from_docs()
    assert set(env) == {"CONTRACT_TRACKER_DB"} and len(jobs) == 3
    home = tmp_path / "home"
    (home / "reports").mkdir(parents=True)
    stubs = tmp_path / "bin"
    stubs.mkdir()
    (stubs / "mail").write_text('#!/bin/sh\n{ echo "mail $*"; cat; } >> "$HOME/mail.log"\n')
    (stubs / "mail").chmod(0o755)
    # Cron's own environment: a short PATH with contract-tracker on it, HOME, and the crontab's
    # variables (the store is the demo register rather than /srv/contracts).
    cron_env = {"HOME": str(home), "SHELL": "/bin/sh", "LOGNAME": "officer",
                "PATH": f"{COMMAND.parent}:{stubs}:/usr/bin:/bin", **env, "CONTRACT_TRACKER_DB": demo_db}
    for job in jobs:
        result = subprocess.run(["/bin/sh", "-c", job], cwd=home, env=cron_env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0 and result.stderr == "", (job, result.stderr)
    mail = (home / "mail.log").read_text()
    assert mail.startswith("mail -s Contract deadlines overdue commissioning@example.org\n")
    assert "DEMO-CARERS-2021" in mail and "Overdue deadlines" in mail  # overdue since 1 Oct 2025
    [upcoming] = (home / "reports").glob("upcoming-*.csv")
    assert upcoming.name[len("upcoming-"):-len(".csv")].count("-") == 2  # an ISO date
    assert upcoming.read_text().startswith("due_date,days_left,reference,")
    assert (home / "reports" / "uk1-pipeline.md").read_text().startswith("### Procurements to start by ")


# --- obligations -------------------------------------------------------------------------------

def test_obligations_list_every_notice_of_the_year_with_its_state(demo_db):
    data = report_json(demo_db, "obligations", "--fy", "2026/27", "--as-of", "2026-11-22")
    assert (data["financial_year"], data["window"]) == ("2026/27", {"start": "2026-04-01", "end": "2027-03-31"})
    assert [(r["due_date"], r["notice"], r["state"], r["reference"], r["citation"]) for r in data["rows"]] == [
        ("2026-04-29", "UK8", "done", "", "PA 2023 s.69"),  # the demo council published them to 30 Sep
        ("2026-04-29", "Payments over £30,000", "done", "", "PA 2023 s.70"),
        ("2026-07-14", "UK11", "done", "DEMO-YOUTH-2024", "PA 2023 s.80"),  # the milestone, met
        ("2026-07-29", "Payments over £30,000", "done", "", "PA 2023 s.70"),
        ("2026-07-29", "UK11", "done", "DEMO-YOUTH-2024", "PA 2023 s.80"),  # the statutory row it settles
        ("2026-10-29", "UK8", "overdue", "", "PA 2023 s.69"),
        ("2026-10-29", "Payments over £30,000", "overdue", "", "PA 2023 s.70"),
        ("2027-01-29", "Payments over £30,000", "open", "", "PA 2023 s.70"),
    ]
    rows = report_csv(demo_db, "obligations", "--fy", "2026/27", "--kind", "UK8 due")
    assert [r["due_date"] for r in rows] == ["2026-04-29", "2026-10-29"]
    markdown = run(demo_db, "report", "obligations", "--fy", "2026/27", "--format", "markdown").stdout
    assert markdown.splitlines()[0].startswith("### Notices due in 2026/27")


def test_obligations_refuse_a_year_that_is_not_one(demo_db):
    result = run(demo_db, "report", "obligations", "--fy", "2026/28")
    assert result.returncode == 2 and "not a financial year" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args, message", [
    (["report", "upcoming", "--format", "xml"], "'xml' is not one of 'table', 'csv', 'json', 'markdown'"),
    (["report", "upcoming", "--bogus"], "No such option: --bogus"),
    (["contract", "show"], "Missing argument"),
    (["nosuch"], "No such command 'nosuch'"),
])
def test_the_command_lines_own_refusals_are_one_line_too(demo_db, args, message):
    """An unknown option, a missing argument or a choice not offered: one line, where to look, exit 2."""
    result = run(demo_db, *args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and message in result.stderr and " -h)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Usage:" not in result.stderr


def test_an_unknown_option_before_the_command_is_one_line(demo_db):
    result = run(demo_db, "--no-such", "report", "upcoming")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: No such option: --no-such") and "(see contract-tracker -h)" in result.stderr
