"""Shared by the fuzz tests: a demo register for a test module, and the check that an input was
refused (exit 1 or 2, an error line on stderr, no traceback, the register exactly as it was)."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from typer.testing import CliRunner

from contract_tracker.cli import app

TODAY = "2026-11-22"


def fuzz(examples: int, *, shrink: bool = True):
    """Settings for a fuzz test: `examples` generated values, the same ones on every run
    (derandomised), no example database, no deadline (a case runs a whole command)."""
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if shrink else [])
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None, phases=phases,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.filter_too_much])


@dataclass
class Register:
    url: str
    path: Path
    pristine: dict = field(repr=False)

    def _repr_pretty_(self, printer, cycle) -> None:  # Hypothesis prints failing cases with this
        printer.text(f"Register({self.url!r})")

    def rows(self) -> dict:
        connection = sqlite3.connect(self.path)
        try:
            names = [name for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name != 'deadline_version' ORDER BY name")]
            return {name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
                    for name in names}
        finally:
            connection.close()

    def reset(self) -> None:
        """Put the pristine register back (after a case that changed it has been reported), so
        that one accepted input does not fail every case after it."""
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.path.with_suffix(".pristine"), self.path)


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Register:
    from contract_tracker.services.demo import load_demo
    from contract_tracker.store.database import Store

    path = tmp_path_factory.mktemp("fuzz") / "register.sqlite"
    store = Store.open(f"sqlite:///{path}")
    with store.session() as session:
        load_demo(session)
    store.close()
    shutil.copyfile(path, path.with_suffix(".pristine"))
    made = Register(url=f"sqlite:///{path}", path=path, pristine={})
    made.pristine = made.rows()
    return made


def refused(register: Register, argv: list[str], *, database: bool = True, stdin: bytes | None = None):
    prefix = ["--db", register.url] if database else []
    result = CliRunner().invoke(app, [*prefix, "--today", TODAY, *argv], input=stdin)
    shown = [a if len(a) < 60 else a[:57] + "..." for a in argv]
    assert result.exception is None or isinstance(result.exception, SystemExit), (shown, repr(result.exception))
    assert result.exit_code in (1, 2), (shown, result.exit_code, result.output[-300:])
    assert "Traceback" not in result.output, (shown, result.output[-300:])
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].lower().startswith("error"), (shown, result.output[-300:])
    unchanged = register.rows() == register.pristine  # (compared apart: a diff of every row is no help)
    if not unchanged:
        register.reset()
    assert unchanged, (shown, "the register changed")
    return result
