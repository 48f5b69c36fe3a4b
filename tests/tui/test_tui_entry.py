"""`contract-tracker` with no command opens the app; nothing else pays for importing Textual."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from typer.testing import CliRunner

from contract_tracker.cli import app as cli


def test_no_command_opens_the_app_on_the_configured_store_with_today(monkeypatch, tmp_path):
    from contract_tracker.tui.app import ContractTrackerApp

    opened = {}
    monkeypatch.setattr(ContractTrackerApp, "run", lambda self: opened.update(
        today=self.backend.today, url=self.backend.store.url, user=self.backend.settings.user))
    database = tmp_path / "mine.sqlite"
    result = CliRunner().invoke(cli, ["--db", str(database), "--today", "2026-11-22", "--user", "officer"])
    assert result.exit_code == 0, result.output
    assert opened == {"today": date(2026, 11, 22), "url": f"sqlite:///{database}", "user": "officer"}


def test_a_bad_store_is_one_line_not_a_traceback(tmp_path):
    result = CliRunner().invoke(cli, ["--db", "nosuchdriver://x/y"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error:") and "Traceback" not in result.output


def _imports_textual(code: str) -> bool:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('textual' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1] == "True"


def test_the_core_and_the_cli_do_not_import_textual():
    assert not _imports_textual(
        "import contract_tracker.services, contract_tracker.read.views, contract_tracker.read.agenda")
    assert not _imports_textual(
        "from typer.testing import CliRunner; from contract_tracker.cli import app; "
        "CliRunner().invoke(app, ['--help'])")
