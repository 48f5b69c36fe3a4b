"""Command-line arguments that are not UTF-8 (a Latin-1 terminal, a script saved in another
encoding) reach Python as lone surrogates: the command refuses them in one line, exit 2, and
writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys

from typer.testing import CliRunner

from contract_tracker.cli import app


def test_an_argument_that_is_not_utf8_is_refused_before_any_command_runs(tmp_path):
    db = tmp_path / "register.sqlite"
    result = CliRunner().invoke(app, ["--db", str(db), "ics", "export", "--name", "Caf\udce9", "-o", "x.ics"])
    assert result.exit_code == 2
    assert result.stderr == "error: argument 6 is not UTF-8 text: b'Caf\\xe9' " \
                            "(check the encoding of your terminal or script)\n"
    assert not db.exists() and not (tmp_path / "x.ics").exists()


def test_the_real_command_line_with_latin1_bytes(tmp_path):
    """As a shell passes them: raw bytes in argv, decoded by Python with surrogateescape."""
    db = tmp_path / "register.sqlite"
    env = {**os.environ, "CONTRACT_TRACKER_DB": str(db)}
    result = subprocess.run([sys.executable, "-m", "contract_tracker", "feed", "create", "--name", b"Caf\xe9",
                             "--base-url", "https://calendar.example.gov.uk"],
                            capture_output=True, env=env, timeout=120)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        "error: argument 4 is not UTF-8 text: b'Caf\\xe9' (check the encoding of your terminal or script)"]
    assert result.stdout == b"" and not db.exists()
