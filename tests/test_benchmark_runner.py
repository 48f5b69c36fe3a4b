"""The benchmark runner's measurements: each process's own peak memory, time limits that stop the
whole command, and a small run end to end (the figures themselves are not asserted: they belong
to the machine)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import measure  # noqa: E402

TOUCH_60_MB = "b = bytearray(60 * 2**20)"  # zero-filled, so every page is touched


def test_a_commands_peak_memory_is_its_own_not_the_runners():
    ballast = bytearray(400 * 2**20)  # the runner holding far more than the command
    run = measure.run([sys.executable, "-c", TOUCH_60_MB], timeout=60)
    assert run.ok, run.stderr
    assert 60 <= run.peak_mb < 160, run.peak_mb
    assert run.cpu_seconds > 0
    del ballast


def test_a_command_over_its_time_limit_is_stopped_with_its_children():
    script = ("import subprocess, sys, time; "
              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); time.sleep(120)")
    run = measure.run([sys.executable, "-c", script], timeout=1)
    assert run.returncode == -9
    assert "timed out after 1 s" in run.stderr
    leftovers = subprocess.run(["pgrep", "-f", "time.sleep\\(120\\)"], capture_output=True, text=True).stdout
    assert leftovers.strip() == ""


def test_a_missing_command_fails_without_a_traceback():
    run = measure.run(["contract-tracker-no-such-command"], timeout=30)
    assert run.returncode == 127


def test_the_runner_prints_a_table_for_a_small_register(tmp_path):
    table = tmp_path / "bench.md"
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "30", "--databases", "sqlite",
         "--only", "report,help", "--output", str(table)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = table.read_text().splitlines()
    assert lines[0].startswith("| Measurement |") and "SQLite 30" in lines[0]
    rows = {line.split("|")[1].strip(): line for line in lines[2:] if line.startswith("|")}
    assert "deadlines" in rows["Bulk load (generate + load)"]
    assert "rows" in rows["`report upcoming --within 6m --format json` (process)"]
    assert "median of 5" in rows["`contract-tracker --help`, cold start (no database)"]
    assert done.stdout.strip().startswith("| Measurement |")


def test_the_runner_times_a_csv_import_and_the_same_file_again(tmp_path):
    table = tmp_path / "bench.md"
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "", "--databases", "sqlite", "--only", "csv",
         "--csv-sizes", "40", "--output", str(table)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = table.read_text().splitlines()
    assert lines[0].startswith("| CSV import (Transparency Code register) |") and "SQLite 40 rows" in lines[0]
    rows = {line.split("|")[1].strip(): line for line in lines[2:] if line.startswith("|")}
    assert "40 new, 0 updated, 0 unchanged" in rows["`import csv FILE` into an empty store (process)"]
    assert "0 new, 0 updated, 40 unchanged" in rows["The same file again: nothing changes (process)"]


def test_the_csv_register_is_a_council_style_file_the_importer_reads(tmp_path):
    path = tmp_path / "register.csv"
    done = subprocess.run([sys.executable, str(BENCHMARKS / "csv_register.py"), "--rows", "300", "-o", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    from contract_tracker.interchange.importers.transparency_csv import parse_register

    parsed = parse_register(path.read_bytes(), source=path.name)
    assert len(parsed.rows) == 300 and not parsed.unknown_columns
    worded = [row for row in parsed.rows if row.fields.extension_wording]
    assert worded and any(row.fields.options for row in worded)  # wording read into options
    assert any(row.unread_wording for row in parsed.rows)  # and some left for review
    assert any(row.fields.supplier_identifiers for row in parsed.rows)
