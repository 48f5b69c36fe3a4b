"""A damaged backup never replaces the register: each is refused in one line naming the problem,
the register is left exactly as it was, and no scratch file is left behind."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contract_tracker.cli import app
from contract_tracker.errors import InvalidInput
from contract_tracker.services.backup import SCRATCH_PREFIX, backup, read_summary, remove_stale_scratch, restore
from contract_tracker.services.integrity import check_store
from contract_tracker.store.database import Store
from store_rows import table_rows

WCC = "WCC-SEND-MED-2025"


class Dump:
    """A good dump of the demo register as lines, to damage one way or another."""

    def __init__(self, path: Path) -> None:
        self.lines = path.read_text(encoding="utf-8").splitlines()

    def header(self) -> dict:
        return json.loads(self.lines[0])

    def table_at(self, name: str) -> int:
        return next(i for i, line in enumerate(self.lines) if line.startswith(f'{{"table": "{name}"'))

    def columns(self, name: str) -> list[str]:
        return json.loads(self.lines[self.table_at(name)])["columns"]

    def set_value(self, table: str, column: str, value, *, row: int = 0) -> None:
        at = self.table_at(table) + 1 + row
        cells = json.loads(self.lines[at])
        cells[self.columns(table).index(column)] = value
        self.lines[at] = json.dumps(cells)

    def drop_table(self, name: str) -> None:
        start = self.table_at(name)
        end = next(i for i in range(start + 1, len(self.lines)) if self.lines[i].startswith("{"))
        del self.lines[start:end]
        self.fix_end()

    def fix_end(self) -> None:
        """Make the end line agree with the tables and rows now in the file (a careful forger)."""
        tables = sum(1 for line in self.lines[1:-1] if line.startswith('{"table"'))
        rows = sum(1 for line in self.lines[1:-1] if line.startswith("["))
        self.lines[-1] = json.dumps({"end": {"tables": tables, "rows": rows}})

    def write(self, path: Path, *, raw: bytes | None = None) -> Path:
        path.write_bytes(raw if raw is not None else ("\n".join(self.lines) + "\n").encode("utf-8", "surrogatepass"))
        return path


def _damaged_dumps(good: Dump) -> dict[str, tuple[callable, str]]:
    """name -> (edit the dump, what the refusal must say)."""
    def edit(*steps):
        def apply(dump: Dump):
            for step in steps:
                step(dump)
        return apply

    body = ("\n".join(good.lines) + "\n").encode()
    return {
        "options table dropped": (edit(lambda d: d.drop_table("extension_option")), "has no extension_option table"),
        "milestone of a missing contract": (
            edit(lambda d: d.set_value("milestone", "contract_id", 99999)),
            "milestone row .* refers to a contract that is not in the backup"),
        "cut off half-way": (lambda d: d.__setattr__("raw", body[: len(body) // 2]), "not valid JSON"),
        "cut off between lines": (lambda d: d.__setattr__("lines", d.lines[: len(d.lines) // 2]), "ends early"),
        "gzip cut off": (lambda d: d.__setattr__("raw", gzip.compress(body)[:600]), "damaged and cannot be read"),
        "unknown revision": (edit(lambda d: d.lines.__setitem__(0, json.dumps({**d.header(), "revision": "zz99"}))),
                             "revision 'zz99', which this version does not know"),
        "no revision": (edit(lambda d: d.lines.__setitem__(
            0, json.dumps({k: v for k, v in d.header().items() if k != "revision"}))), "does not say which schema"),
        "newer dump version": (edit(lambda d: d.lines.__setitem__(0, json.dumps({**d.header(), "version": 9}))),
                               "dump of version 9"),
        "header only": (lambda d: d.__setattr__("lines", d.lines[:1]), "ends early"),
        "deeply nested row": (edit(lambda d: d.lines.insert(d.table_at("contract") + 1, "[" * 50_000 + "]" * 50_000)),
                              "nested too deeply"),
        "row of the wrong length": (edit(lambda d: d.lines.insert(d.table_at("contract") + 1, "[1, 2]"), Dump.fix_end),
                                    r"contract row 1 \(id 1\) does not match"),
        "row that is an object": (edit(lambda d: d.lines.insert(d.table_at("contract") + 1, '{"id": 1}')),
                                  "should name a table"),
        "start not a date": (edit(lambda d: d.set_value("contract", "start_date", "soon")),
                             "start_date is not a date: 'soon'"),
        "start a number": (edit(lambda d: d.set_value("contract", "start_date", 5)), "start_date is not a date: 5"),
        "created_at not a time": (edit(lambda d: d.set_value("contract", "created_at", "2025-99-99")),
                                  "created_at is not a date and time"),
        "status unknown": (edit(lambda d: d.set_value("contract", "status", "zombie")),
                           "status 'zombie' is not one of"),
        "contract type unknown": (edit(lambda d: d.set_value("contract", "contract_type", "lease")),
                                  "contract type 'lease' is not one of: public contract, concession, framework, "
                                  "call-off"),
        "term absurd": (edit(lambda d: d.set_value("contract", "initial_term", "9999999999y")),
                        "initial term: a period can be at most 50 years"),
        "money negative": (edit(lambda d: d.set_value("contract", "annual_value", -5)), "annual_value is negative"),
        "money past 64 bits": (edit(lambda d: d.set_value("contract", "annual_value", 2**70)), "too large"),
        "money as text": (edit(lambda d: d.set_value("contract", "annual_value", "£5")), "not a whole number"),
        "flag not true or false": (edit(lambda d: d.set_value("contract", "light_touch", "maybe")),
                                   "light_touch is not true or false"),
        "id missing": (edit(lambda d: d.set_value("contract", "id", None)), "id is empty"),
        "title with a NUL": (edit(lambda d: d.set_value("contract", "title", "a\x00b")), "NUL"),
        "title half a character": (edit(lambda d: d.set_value("contract", "title", "a\ud800b")), "broken character"),
        "reference with spaces": (edit(lambda d: d.set_value("contract", "reference", "has spaces")), "has spaces"),
        "title too long": (edit(lambda d: d.set_value("contract", "title", "t" * 301)), "the column holds 300"),
        "ends after 9999": (edit(lambda d: d.set_value("contract", "start_date", "9999-01-01")),
                            "outside the years 1 to 9999"),
        "unknown table": (edit(lambda d: d.lines.__setitem__(slice(-1, -1), ['{"table": "evil", "columns": ["x"]}',
                                                                             "[1]"]), Dump.fix_end),
                          "has a table this schema does not: 'evil'"),
        "unknown column": (edit(lambda d: d.lines.__setitem__(d.table_at("contract"), json.dumps(
            {"table": "contract", "columns": [*d.columns("contract")[:-1], "evil"]}))), "columns this schema does not"),
        "columns not a list": (edit(lambda d: d.lines.__setitem__(d.table_at("contract"), '{"table": "contract", '
                                                                  '"columns": 5}')), "not a table name with a list"),
        "duplicate id": (edit(lambda d: d.lines.insert(d.table_at("contract_supplier") + 1,
                                                       d.lines[d.table_at("contract_supplier") + 1]), Dump.fix_end),
                         "contract_supplier breaks a rule of the schema"),
        "end line disagrees": (edit(lambda d: d.lines.insert(d.table_at("contract_supplier") + 1,
                                                             d.lines[d.table_at("contract_supplier") + 1])),
                               "its end line .* says otherwise"),
        "lines after the end": (edit(lambda d: d.lines.append("[1]")), "comes after the end line"),
    }


@pytest.fixture
def good_dump(demo_store, tmp_path) -> Dump:
    path = tmp_path / "good.json"
    backup(demo_store.engine, path)
    return Dump(path)


def _our_scratch() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}{os.getpid()}-*"))


def _refused(store, path: Path, message: str) -> None:
    before = table_rows(store.engine)
    with pytest.raises(InvalidInput, match=message) as refusal:
        restore(store.engine, path)
    assert "\n" not in str(refusal.value)
    assert table_rows(store.engine) == before
    assert check_store(store.engine).ok
    assert _our_scratch() == []


@pytest.mark.parametrize("case", [
    "options table dropped", "milestone of a missing contract", "cut off half-way", "unknown revision",
    "contract type unknown",
])
def test_the_named_damaged_dumps_are_refused_on_both_databases(demo_store, good_dump, tmp_path, case):
    change, message = _damaged_dumps(good_dump)[case]
    change(good_dump)
    _refused(demo_store, good_dump.write(tmp_path / "damaged.json", raw=getattr(good_dump, "raw", None)), message)


def test_every_kind_of_damaged_dump_is_refused_and_changes_nothing(tmp_path):
    """The whole list, restored into a SQLite register (the checks run before the target is touched)."""
    from contract_tracker.services.demo import load_demo

    store = Store.open(f"sqlite:///{tmp_path / 'register.sqlite'}")
    try:
        with store.session() as session:
            load_demo(session)
        backup(store.engine, tmp_path / "good.json")
        refused = []
        for case, (change, message) in _damaged_dumps(Dump(tmp_path / "good.json")).items():
            dump = Dump(tmp_path / "good.json")
            change(dump)
            _refused(store, dump.write(tmp_path / f"{len(refused)}.json", raw=getattr(dump, "raw", None)), message)
            refused.append(case)
        assert len(refused) >= 30
    finally:
        store.close()


def _sqlite_copy(tmp_path: Path, name: str, *statements: str) -> Path:
    """A SQLite backup of the demo register, changed behind the tool's back."""
    from contract_tracker.services.demo import load_demo

    source = tmp_path / "source.sqlite"
    if not source.exists():
        store = Store.open(f"sqlite:///{source}")
        with store.session() as session:
            load_demo(session)
        backup(store.engine, tmp_path / "pristine.sqlite")
        store.close()
    path = tmp_path / f"{name}.sqlite"
    shutil.copyfile(tmp_path / "pristine.sqlite", path)
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()
    return path


@pytest.mark.parametrize("name, statements, message", [
    ("options table dropped", ["PRAGMA foreign_keys=OFF", "DROP TABLE extension_option"],
     "has no extension_option table"),
    ("milestone of a missing contract", ["UPDATE milestone SET contract_id = 99999 WHERE id = 1"],
     "refers to a contract that is not in the backup"),
    ("unknown revision", ["UPDATE alembic_version SET version_num = 'zz99'"], "does not know"),
    ("two revisions", ["INSERT INTO alembic_version VALUES ('0001')"], "does not record one schema revision"),
    ("start not a date", ["UPDATE contract SET start_date = 'soon' WHERE id = 1"], "start_date is not a date"),
    ("money as text", ["UPDATE contract SET annual_value = 'lots' WHERE id = 1"], "annual_value is not a whole number"),
    ("status unknown", ["UPDATE contract SET status = 'zombie' WHERE id = 1"], "status 'zombie'"),
    ("deadline table dropped", ["PRAGMA foreign_keys=OFF", "DROP TABLE deadline"], "has no deadline table"),
    ("a table of its own", ["CREATE TABLE evil (x)"], "has a table this schema does not: 'evil'"),
    ("a column of its own", ["ALTER TABLE contract ADD COLUMN evil TEXT"], "columns this schema does not: 'evil'"),
])
def test_damaged_sqlite_backups_are_refused_on_both_databases(demo_store, tmp_path, name, statements, message):
    _refused(demo_store, _sqlite_copy(tmp_path, name, *statements), message)


def test_a_sqlite_backup_cut_off_is_refused(demo_store, tmp_path):
    whole = _sqlite_copy(tmp_path, "whole").read_bytes()
    cut = tmp_path / "cut.sqlite"
    cut.write_bytes(whole[: len(whole) // 2])
    _refused(demo_store, cut, "integrity check|cannot be read|malformed")


def test_stale_deadline_rows_are_rewritten_from_the_facts_not_refused(demo_store, tmp_path):
    """Deadlines are derived: a backup whose deadline rows an older version wrote differently (here:
    changed by hand) restores, with those rows worked out again, and `db check` passes."""
    path = _sqlite_copy(tmp_path, "stale", "UPDATE deadline SET due_date = '2031-01-01' WHERE id IN (1, 2)")
    summary = restore(demo_store.engine, path)
    assert summary.repaired >= 1
    assert check_store(demo_store.engine).ok
    assert "2031-01-01" not in {str(dict(row)["due_date"]) for row in table_rows(demo_store.engine)["deadline"]}


def test_a_refused_restore_is_one_line_and_exit_2_from_the_cli(demo_store, good_dump, tmp_path):
    good_dump.drop_table("extension_option")
    path = good_dump.write(tmp_path / "no-options.json")
    before = table_rows(demo_store.engine)
    result = CliRunner().invoke(app, ["--db", demo_store.url, "db", "restore", str(path), "--yes"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "has no extension_option table" in result.stderr
    assert "Traceback" not in result.output
    assert table_rows(demo_store.engine) == before


def test_scratch_folders_of_killed_restores_are_removed_by_the_next_one(tmp_path):
    """SIGKILL cannot be caught: the folder a killed restore leaves names its (now dead) process,
    and the next restore removes it. Folders of running processes and other names are kept."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{SCRATCH_PREFIX}{dead.pid}-abc"
    (stale / "restored.sqlite").parent.mkdir()
    (stale / "restored.sqlite").write_bytes(b"half a store")
    alive = tmp_path / f"{SCRATCH_PREFIX}{os.getpid()}-def"
    alive.mkdir()
    other = tmp_path / "ct-restorex"
    other.mkdir()
    assert remove_stale_scratch(tmp_path) == [stale]
    assert not stale.exists() and alive.exists() and other.exists()


RESTORE_IN_A_CHILD = textwrap.dedent("""
    import sys
    from contract_tracker.services.backup import restore
    from contract_tracker.store.database import Store
    store = Store.open(sys.argv[1])
    print("ready", flush=True)
    restore(store.engine, sys.argv[2])
""")


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_restore_killed_half_way_leaves_the_register_and_at_most_a_stale_folder(tmp_path, how):
    """Killed while it builds its scratch store, a restore changes nothing. SIGTERM removes its
    scratch folder on the way out; after SIGKILL the next restore's clean-up does."""
    register = f"sqlite:///{tmp_path / 'register.sqlite'}"
    store = Store.open(register)
    _fill(store, 300)
    dump = tmp_path / "big.json"
    backup(store.engine, dump)
    before = table_rows(store.engine)
    scratch_root = tmp_path / "tmp"
    scratch_root.mkdir()
    child = subprocess.Popen([sys.executable, "-c", RESTORE_IN_A_CHILD, register, str(dump)],
                             stdout=subprocess.PIPE, env={**os.environ, "TMPDIR": str(scratch_root)})
    assert child.stdout.readline().strip() == b"ready"
    deadline = time.monotonic() + 60
    while not any((folder / "restored.sqlite").exists() for folder in scratch_root.glob(f"{SCRATCH_PREFIX}*")):
        assert child.poll() is None and time.monotonic() < deadline, "the restore never began its scratch store"
        time.sleep(0.01)
    child.send_signal(how)
    child.wait(timeout=60)
    assert child.returncode != 0
    assert table_rows(store.engine) == before
    left = list(scratch_root.glob(f"{SCRATCH_PREFIX}*"))
    if how == signal.SIGTERM:
        assert left == []
    else:
        assert len(left) == 1 and remove_stale_scratch(scratch_root) == left
    store.close()


def _fill(store: Store, count: int) -> None:
    """A register big enough that restoring it takes a moment (bulk-loaded: it is quick to make)."""
    from contract_tracker.services import ContractFields
    from contract_tracker.services.bulk_load import BulkContract, bulk_load

    bulk_load(store, (BulkContract(ContractFields(
        reference=f"BIG-{number:05d}", title=f"Contract {number}", start_date=date(2024, 1, 1 + number % 28),
        initial_term="3y", options=["1y", "1y"])) for number in range(count)), actor="filler")


def test_read_summary_of_a_good_dump_counts_every_table(demo_store, tmp_path):
    path = tmp_path / "good.json"
    backup(demo_store.engine, path)
    assert read_summary(path).contracts == 10
    assert json.loads(path.read_text().splitlines()[-1])["end"]["rows"] == sum(read_summary(path).rows.values())
