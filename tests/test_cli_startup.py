"""`contract-tracker --help` starts fast: it lists every command without importing any of them."""

import subprocess
import sys

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "textual", "icalendar", "uvicorn", "starlette", "rich")


def test_help_lists_every_command_without_importing_heavy_libraries():
    code = (
        "import sys\n"
        "from contract_tracker.cli import LAZY_COMMANDS, main\n"
        "sys.argv = ['contract-tracker', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
        "print('LAZY', sorted(LAZY_COMMANDS))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout
    lazy = result.stdout.split("LAZY ")[1].strip()
    for name in eval(lazy):
        assert f"\n  {name} " in result.stdout, name


def test_a_lazily_loaded_group_runs_and_keeps_plain_help():
    from typer.testing import CliRunner

    from contract_tracker.cli import app

    result = CliRunner().invoke(app, ["contract", "-h"])
    assert result.exit_code == 0, result.output
    assert "Register a contract" in result.output
    assert "--install-completion" not in result.output  # built as the root would build it
