"""`import ocds|csv` and `export csv|ocds` as a person runs them: exit codes, one-line errors,
dry runs, standard input, files written."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from contract_tracker.cli import app
from contract_tracker.ocds_schema import package_errors
from shared_data import OCDS, require_data

runner = CliRunner()


def run(db_url, *args, input=None):
    return runner.invoke(app, ["--db", db_url, "--today", "2026-11-22", *args], input=input)


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def test_import_ocds_file_then_again(url):
    require_data()
    path = OCDS / "uk" / "contracts-finder-2020-award-packages.json"
    first = run(url, "import", "ocds", str(path))
    assert first.exit_code == 0, first.output
    assert "imported 60 contracts from contracts-finder-2020-award-packages.json: 60 new" in first.stdout
    second = run(url, "import", "ocds", str(path))
    assert "0 new, 0 updated, 60 unchanged" in second.stdout


def test_import_ocds_from_standard_input_as_json(url):
    require_data()
    text = (OCDS / "other" / "ocds-fictional-example-1.1-release-package.json").read_text(encoding="utf-8")
    result = run(url, "import", "ocds", "-", "--format", "json", input=text)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == ["ocds-213czf-000-00001"]


def test_truncated_ocds_is_one_line_and_exit_2(url):
    require_data()
    text = (OCDS / "uk" / "contracts-finder-2025-api-page-sample.json").read_text(encoding="utf-8")
    result = run(url, "import", "ocds", "-", input=text[:-40])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: standard input: not valid JSON (line ")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    listed = run(url, "contract", "list", "--format", "json")
    assert json.loads(listed.stdout)["contracts"] == []


def test_csv_dry_run_then_import_then_export(url, tmp_path):
    register = tmp_path / "register.csv"
    register.write_bytes("\ufeffRef,Contract Title,Start Date,End Date,Contract Value\r\n"
                         "R-1,Day opportunities,01/04/2025,31/03/2028,\"£2,400,000\"\r\n".encode("utf-8"))
    dry = run(url, "import", "csv", str(register), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "R-1 (line 2): new contract" in dry.stdout and "(dry run: nothing was changed)" in dry.stdout
    assert json.loads(run(url, "contract", "list", "--format", "json").stdout)["contracts"] == []
    real = run(url, "import", "csv", str(register))
    assert "imported 1 contract from register.csv: 1 new" in real.stdout
    exported = run(url, "export", "csv")
    assert exported.exit_code == 0
    assert "R-1,Day opportunities,,,,,,2400000.00,,01/04/2025,31/03/2028," in exported.stdout


def test_csv_bad_row_exit_2_names_line_and_column(url, tmp_path):
    register = tmp_path / "register.csv"
    register.write_text("Reference,Title,Start Date,End Date\nA-1,One,01/04/2025,31/03/2026\n"
                        "A-2,Two,01/04/2025,32/03/2026\n", encoding="utf-8")
    result = run(url, "import", "csv", str(register))
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: register.csv, line 3, column 'End Date': no such date: '32/03/2026'; "
                                     "nothing was imported")


def test_missing_file_is_a_clear_error(url, tmp_path):
    result = run(url, "import", "csv", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "cannot read" in result.stderr and "No such file" in result.stderr


def test_export_ocds_to_a_file_validates(url, tmp_path):
    assert run(url, "demo").exit_code == 0
    target = tmp_path / "register.json"
    result = run(url, "export", "ocds", "--ocid-prefix", "ocds-abc123", "--publisher", "Demo County Council",
                 "-o", str(target))
    assert result.exit_code == 0, result.output
    package = json.loads(target.read_text(encoding="utf-8"))
    assert package_errors(package) == [] and len(package["releases"]) == 10
    assert package["publisher"] == {"name": "Demo County Council"}


def test_help_lists_import_and_export():
    result = runner.invoke(app, ["--help"])
    assert "import" in result.stdout and "export" in result.stdout
    sub = runner.invoke(app, ["import", "--help"])
    assert "ocds" in sub.stdout and "csv" in sub.stdout
