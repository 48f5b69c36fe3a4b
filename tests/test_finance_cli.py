"""`contract-tracker finance ...` as a script would run it."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
import typer
from typer.testing import CliRunner

from contract_tracker.cli import app


@pytest.fixture
def run(db_url):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, ["--db", db_url, "--today", "2026-11-22", *args], input=input)

    return invoke


@pytest.fixture
def demo(run):
    result = run("demo")
    assert result.exit_code == 0, result.output
    return run


def test_report_spend_json_on_the_demo_gives_table_one_and_the_new_budget(demo):
    result = demo("finance", "spend", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    years = {r["financial_year"]: r for r in report["rows"] if r["reference"] == "WCC-SEND-MED-2025"}
    table_one = {label: (years[label]["spend"], years[label]["spend_basis"], years[label]["forecast"],
                         years[label]["actual"]) for label in ("2021/22", "2022/23", "2023/24", "2024/25")}
    assert table_one == {
        "2021/22": ("174129.00", "actual", None, "174129.00"),
        "2022/23": ("274121.00", "actual", None, "274121.00"),
        "2023/24": ("355166.00", "actual", None, "355166.00"),
        "2024/25": ("335400.00", "forecast", "335400.00", None),
    }
    assert years["2025/26"]["budget"] == "250000.00" and years["2025/26"]["savings_target"] == "50000.00"
    assert years["2024/25"]["budget"] == "300000.00"
    assert (years["2021/22"]["volume"], years["2024/25"]["volume"]) == (111, 330)
    assert report["total"]["actual"] == "803416.00"


def test_spend_for_one_year_in_csv_and_markdown(demo):
    result = demo("finance", "spend", "--fy", "2024-25", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["reference"], r["financial_year"], r["forecast"], r["variance"], r["unit_cost"]) for r in rows] == [
        ("WCC-SEND-MED-2025", "2024/25", "335400.00", "35400.00", "1016.36")]
    markdown = demo("finance", "spend", "--fy", "2024/25", "--format", "markdown").stdout
    assert "| WCC-SEND-MED-2025 | 2024/25 | £300,000.00 | £335,400.00 |  | +£35,400.00 | 330 |" in markdown


def test_spend_table_shows_totals(demo):
    result = demo("finance", "spend")
    assert result.exit_code == 0
    assert "WCC-SEND-MED-2025 total" in result.stdout and "All contracts" in result.stdout


def test_set_then_savings(demo):
    result = demo("finance", "set", "WCC-SEND-MED-2025", "2025/26", "--spend", "£262,500", "--actual",
                  "--volume", "250", "--unit", "families")
    assert result.exit_code == 0, result.output
    savings = json.loads(demo("finance", "savings", "--fy", "2025/26", "--format", "json").stdout)
    [row] = savings["rows"]
    assert (row["target"], row["achieved"], row["shortfall"], row["status"]) == (
        "50000.00", "37500.00", "12500.00", "missed")
    spend = json.loads(demo("finance", "spend", "--fy", "2025/26", "--format", "json").stdout)
    assert spend["rows"][0]["unit_cost"] == "1050.00" and spend["rows"][0]["variance"] == "12500.00"


@pytest.mark.parametrize("args, message", [
    (["finance", "spend", "--fy", "2024/26"], "not a financial year"),
    (["finance", "spend", "--format", "xml"], "--format"),
    (["finance", "set", "WCC-SEND-MED-2025", "2025/26", "--spend", "10"], "forecast or an actual"),
    (["finance", "set", "WCC-SEND-MED-2025", "2025/26", "--spend", "10", "--actual", "--forecast"], "not both"),
    (["finance", "set", "WCC-SEND-MED-2025", "2025/26", "--budget", "-5"], "negative"),
    (["finance", "set", "NOPE", "2025/26", "--budget", "5"], "no contract"),
    (["finance", "threshold", "--category", "concessions"], "one of"),
    (["finance", "set", "WCC-SEND-MED-2025", "2027/28", "--spend", "10", "--actual"], "has not begun"),
    (["finance", "import", "/no/such/file.csv"], "cannot read"),
])
def test_bad_input_is_one_line_and_exit_2(demo, args, message):
    result = demo(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_import_from_a_file_and_from_stdin(demo, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text("reference,financial_year,spend,basis\nDEMO-LIB-2022,2025/26,91000,actual\n", encoding="utf-8")
    assert demo("finance", "import", str(path)).exit_code == 0
    result = demo("finance", "import", "-", input="reference,fy,budget\nDEMO-LIB-2022,2026/27,95000\nNOPE,2026/27,1\n")
    assert result.exit_code == 2 and "line 3: no contract with reference 'NOPE'" in result.stderr
    rows = json.loads(demo("finance", "spend", "--format", "json").stdout)["rows"]
    assert [(r["financial_year"], r["actual"], r["budget"]) for r in rows if r["reference"] == "DEMO-LIB-2022"] == [
        ("2025/26", "91000.00", None)]  # the bad file left nothing behind


def test_threshold_on_both_sides_of_1_january_2026(demo):
    before = json.loads(demo("finance", "threshold", "DEMO-LIB-2022", "--on", "2025-12-31", "--format", "json").stdout)
    after = json.loads(demo("finance", "threshold", "DEMO-LIB-2022", "--on", "2026-01-01", "--format", "json").stdout)
    assert (before[0]["threshold"], after[0]["threshold"]) == ("214904.00", "207720.00")
    assert (before[0]["threshold_until"], after[0]["threshold_from"]) == ("2025-12-31", "2026-01-01")
    assert before[0]["value_checked"] == "665000.00"  # 95,000 a year over 5 years plus the 2-year option


def test_threshold_table_and_show(demo):
    table = demo("finance", "threshold", "--above-only")
    assert table.exit_code == 0 and "WCC-SEND-MED-2025" in table.stdout and "2014-A" not in table.stdout
    show = demo("finance", "show", "WCC-SEND-MED-2025")
    assert show.exit_code == 0
    assert "2024/25 ░" in show.stdout and "budget £250,000" in show.stdout and "-35.2%" in show.stdout


def test_spend_and_savings_can_be_mounted_under_another_group(db_url):
    """The lead can mount them under `report`: report_app.command("spend")(finance_cmds.spend)."""
    from contract_tracker.cli import finance_cmds
    from contract_tracker.cli.context import CliContext
    from contract_tracker.settings import resolve

    root = typer.Typer()

    @root.callback()
    def _root(ctx: typer.Context) -> None:
        ctx.obj = CliContext(settings=resolve(db_url, "tester"), today=date(2026, 11, 22))

    report = typer.Typer()
    report.command("spend")(finance_cmds.spend)
    report.command("savings")(finance_cmds.savings)
    root.add_typer(report, name="report")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db_url, "demo"]).exit_code == 0
    spend = runner.invoke(root, ["report", "spend", "--fy", "2024/25", "--format", "json"])
    assert spend.exit_code == 0, spend.output
    assert json.loads(spend.stdout)["rows"][0]["forecast"] == "335400.00"
    savings = runner.invoke(root, ["report", "savings", "--format", "json"])
    assert savings.exit_code == 0 and json.loads(savings.stdout)["total"]["target"] == "150000.00"
