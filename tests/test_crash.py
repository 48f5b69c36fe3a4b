"""Crash safety: an import-like write killed half-way (SIGKILL, no chance to clean up) leaves a
store that opens, passes its checks, holds nothing of that write and takes new changes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from contract_tracker.services import edit_contract
from contract_tracker.services.integrity import check_store
from contract_tracker.store.database import Store
from store_rows import table_rows

WRITER = Path(__file__).with_name("crash_writer.py")
KILL_AFTER = [50, 200]  # contracts registered (and flushed to the database) before the kill


def _run_and_kill(url: str, kill_after: int, *mode: str) -> int:
    process = subprocess.Popen([sys.executable, str(WRITER), url, "100000", *mode], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    # A writer that hangs is killed, so the test fails (below) instead of waiting for ever.
    watchdog = threading.Timer(600, process.kill)
    watchdog.start()
    registered = 0
    try:
        while registered < kill_after:
            line = process.stdout.readline()
            if not line:
                pytest.fail(f"the writer stopped early: {process.stderr.read()[-2000:]}")
            if line.startswith("registered "):
                registered = int(line.split()[1])
            assert "committed" not in line
    finally:
        watchdog.cancel()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    return registered


@pytest.mark.parametrize("kill_after", KILL_AFTER)
def test_a_killed_import_leaves_the_store_intact_with_none_of_it(demo_store, kill_after):
    url = demo_store.url
    before = table_rows(demo_store.engine)
    demo_store.close()
    registered = _run_and_kill(url, kill_after)
    assert registered >= kill_after
    if url.startswith("sqlite"):
        wal = Path(url.removeprefix("sqlite:///") + "-wal")
        # The uncommitted import had reached the disk: it is there, and must be ignored.
        assert wal.exists() and wal.stat().st_size > 100_000
    reopened = Store.open(url)
    try:
        assert table_rows(reopened.engine) == before
        report = check_store(reopened.engine)
        assert report.ok, report.findings
        with reopened.session() as session:
            edit_contract(session, "WCC-SEND-MED-2025", {"buyer": "after the crash"}, actor="t")
        assert table_rows(reopened.engine) != before
    finally:
        reopened.close()


def test_a_killed_first_bulk_load_leaves_the_store_empty_intact_and_in_wal(tmp_path):
    """A first load into an empty SQLite store writes under a rollback journal (services.bulk_load):
    killed half-way with pages of it in the file, the journal rolls it back when the store is next
    opened, indexes and all, and the store is in WAL again."""
    url = f"sqlite:///{tmp_path / 'register.sqlite'}"
    empty = Store.open(url)
    before = table_rows(empty.engine)
    with empty.engine.connect() as connection:
        indexes = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index'").all()
    empty.close()
    assert _run_and_kill(url, 200, "bulk") >= 200
    journal = tmp_path / "register.sqlite-journal"
    assert journal.exists() and journal.stat().st_size > 10_000  # the load had reached the file
    reopened = Store.open(url)
    try:
        assert table_rows(reopened.engine) == before
        with reopened.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index'").all() == indexes
        report = check_store(reopened.engine)
        assert report.ok, report.findings
    finally:
        reopened.close()
