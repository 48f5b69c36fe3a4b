"""`import ocds|csv` and `export csv|ocds` as a person runs them: exit codes, one-line errors,
dry runs, standard input, files written."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from contract_tracker.cli import app
from contract_tracker.interchange.ocds_schema import package_errors
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


def test_wording_review_and_registration_numbers_from_the_command_line(url, tmp_path):
    register = tmp_path / "register.csv"
    register.write_text(
        "Reference,Title,Supplier,Companies House Number,Start Date,End Date,Extension Options\r\n"
        "W-1,Read,Grit & Salt Ltd,1234567,01/04/2025,31/03/2028,Optional Extension Period of 2 x 12 Months\r\n"
        "W-2,Unread,Other Ltd,,01/04/2025,31/03/2028,renewed upon expiry at the council's discretion\r\n",
        encoding="utf-8")
    imported = run(url, "import", "csv", str(register))
    assert imported.exit_code == 0, imported.output
    assert "1 contract has extension wording that could not be read" in imported.stdout
    listed = json.loads(run(url, "contract", "list", "--needs-review", "--format", "json").stdout)
    assert [row["reference"] for row in listed["contracts"]] == ["W-2"]
    assert listed["contracts"][0]["needs_review"] is True
    shown = run(url, "contract", "show", "W-1")
    assert "Grit & Salt Ltd (GB-COH-01234567)" in shown.stdout and "2 x 12 Months" in shown.stdout
    unread = run(url, "contract", "show", "W-2")
    assert "not read" in unread.stdout
    cleared = run(url, "contract", "edit", "W-2", "--extension-wording", "")
    assert cleared.exit_code == 0, cleared.output
    assert json.loads(run(url, "contract", "list", "--needs-review", "--format", "json").stdout)["contracts"] == []
    again = run(url, "import", "csv", str(register))
    assert "nothing changed" not in again.stdout and "1 updated" in again.stdout  # the wording comes back


@pytest.mark.parametrize("content, words", [
    (b'Reference,Title\r\nA-1,"never closed\r\n', "register.csv, line 2: a quoted cell is never closed"),
    (b"Reference,Title\r\nA-1,nul\x00here\r\n", "register.csv, line 2: a NUL byte"),
    (b"Reference,Title,Extension Options\r\nA-1,Hang,99999 x 1y\r\n",
     "99999 extension options; a contract has at most 20"),
    (b"Reference,Title,Start Date,End Date\r\nA-1,Back,01/04/2025,31/03/2024\r\n", "is before the start"),
])
def test_bad_csv_files_are_one_line_and_exit_2(url, tmp_path, content, words):
    register = tmp_path / "register.csv"
    register.write_bytes(content)
    result = run(url, "import", "csv", str(register))
    assert result.exit_code == 2
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_skip_bad_rows_reports_and_skips(url, tmp_path):
    register = tmp_path / "register.csv"
    register.write_text("Reference,Title,Start Date,End Date\r\nA-1,Good,01/04/2025,31/03/2028\r\n"
                        "A-2,Back,01/04/2025,31/03/2024\r\n", encoding="utf-8")
    result = run(url, "import", "csv", str(register), "--skip-bad-rows")
    assert result.exit_code == 0, result.output
    assert "warning: skipped line 3, column 'End Date'" in result.stderr
    assert "1 new" in result.stdout and "1 row skipped" in result.stdout


@pytest.mark.parametrize("text", ['{"releases": {"ocid": 1}}',
                                  '{"releases": [{"ocid": "ocds-x", "date": "2020", "tender": []}]}',
                                  "[" * 50_000 + "]" * 50_000])
def test_ocds_of_the_wrong_shape_is_one_line_and_exit_2(url, text):
    result = run(url, "import", "ocds", "-", input=text)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
