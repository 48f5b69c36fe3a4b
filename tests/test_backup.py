"""Backups and restores: every row comes back, on either database and across them; a bad file
changes nothing; `db check` finds deadlines that are not current."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from contract_tracker.cli import app
from contract_tracker.errors import InvalidInput
from contract_tracker.services import edit_contract, register_contract
from contract_tracker.services.backup import backup, read_summary, restore
from contract_tracker.services.contracts import ContractFields
from contract_tracker.services.integrity import check_store
from contract_tracker.store.database import Store, upgrade
from store_rows import counts, table_rows

WCC = "WCC-SEND-MED-2025"


def _spoil(store):
    with store.session() as session:
        edit_contract(session, WCC, {"title": "changed after the backup"}, actor="spoiler")


@pytest.mark.parametrize("name", ["backup.sqlite", "backup.json", "backup.json.gz"])
def test_backup_then_restore_gives_back_every_row(demo_store, tmp_path, name):
    if name.endswith(".sqlite") and demo_store.engine.dialect.name != "sqlite":
        pytest.skip("a PostgreSQL store is backed up as json")
    before = table_rows(demo_store.engine)
    summary = backup(demo_store.engine, tmp_path / name)
    assert summary.contracts == 10 and summary.format == ("sqlite" if name.endswith("sqlite") else "json")
    _spoil(demo_store)
    assert table_rows(demo_store.engine) != before
    restore(demo_store.engine, tmp_path / name)
    assert table_rows(demo_store.engine) == before
    assert check_store(demo_store.engine).ok


def test_restored_store_takes_new_records(demo_store, tmp_path):
    """Identity sequences are moved past the restored ids (PostgreSQL) so new rows do not clash."""
    backup(demo_store.engine, tmp_path / "b.json")
    restore(demo_store.engine, tmp_path / "b.json")
    with demo_store.session() as session:
        register_contract(session, ContractFields(reference="NEW-1", title="After restore", status="planned"),
                          actor="t")
        edit_contract(session, WCC, {"buyer": "new buyer"}, actor="t")
    assert counts(demo_store.engine)["contract"] == 11


def test_move_a_register_between_sqlite_and_postgresql(demo_store, tmp_path):
    """Whatever the fixture's database, move its register to a SQLite file and back."""
    before = table_rows(demo_store.engine)
    dump = tmp_path / "move.json.gz"
    backup(demo_store.engine, dump)
    other = Store.open(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        restore(other.engine, dump)
        assert table_rows(other.engine) == before
        copy = tmp_path / "other-copy.sqlite"
        backup(other.engine, copy)
    finally:
        other.close()
    _spoil(demo_store)
    restore(demo_store.engine, copy)  # a SQLite store file restores into either database too
    assert table_rows(demo_store.engine) == before


def test_sqlite_backup_is_a_consistent_store_file(demo_store, tmp_path):
    if demo_store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite online backup")
    path = tmp_path / "copy.sqlite"
    backup(demo_store.engine, path)
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert connection.execute("SELECT count(*) FROM contract").fetchone() == (10,)
    connection.close()
    assert read_summary(path).rows == counts(demo_store.engine)


def test_a_backup_at_an_older_schema_is_restored_and_upgraded(demo_store, tmp_path):
    """A dump written at the first migration (no contract_version in the audit) restores fine."""
    old = Store.open(f"sqlite:///{tmp_path / 'old.sqlite'}", upgrade_schema=False)
    upgrade(old.engine, "0001")
    with old.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO contract (id, reference, title, description, buyer, service_area, owner_role, owner_contact,"
            " status, regime, procedure, light_touch, currency, decision_notice, reprocurement_lead,"
            " termination_reason, version, created_at, updated_at) VALUES (1, 'OLD-1', 'Old', '', '', '', '', '',"
            " 'planned', 'PA2023', 'open', 0, 'GBP', '6m', '12m', '', 1,"
            " '2024-01-01 00:00:00', '2024-01-01 00:00:00')"))
        connection.execute(text(
            "INSERT INTO audit_event (at, actor, contract_id, contract_reference, entity, action, field, old_value,"
            " new_value, reason) VALUES ('2024-01-01 00:00:00', 'old user', 1, 'OLD-1', 'contract', 'created', '', '',"
            " '', '')"))
    dump = tmp_path / "old.json"
    backup(old.engine, dump)
    old.close()
    assert read_summary(dump).revision == "0001"
    restore(demo_store.engine, dump)
    from contract_tracker.store.database import current_revision, head_revision

    assert current_revision(demo_store.engine) == head_revision()
    rows = table_rows(demo_store.engine)
    assert [dict(r)["reference"] for r in rows["contract"]] == ["OLD-1"]
    assert [dict(r)["actor"] for r in rows["audit_event"]] == ["old user"]


@pytest.mark.parametrize("content,message", [
    (b"hello", "not a contract-tracker backup"),
    (b'{"format": "something else"}\n', "not a contract-tracker dump"),
    (b'{"format": "contract-tracker-dump", "version": 1, "revision": "9999"}\n', "newer contract-tracker"),
    (b"SQLite format 3\x00" + b"\x00" * 200, "cannot be read"),
])
def test_a_bad_backup_is_refused_and_changes_nothing(demo_store, tmp_path, content, message):
    before = table_rows(demo_store.engine)
    path = tmp_path / "bad.bin"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        restore(demo_store.engine, path)
    assert table_rows(demo_store.engine) == before


def test_a_damaged_dump_rolls_back_on_postgresql_and_never_touches_sqlite(demo_store, tmp_path):
    before = table_rows(demo_store.engine)
    good = tmp_path / "good.json"
    backup(demo_store.engine, good)
    lines = good.read_text().splitlines()
    cut = next(i for i, line in enumerate(lines) if line.startswith('{"table": "deadline"'))
    (tmp_path / "damaged.json").write_text("\n".join([*lines[:cut + 2], '[1, "not enough columns"]']) + "\n")
    with pytest.raises(InvalidInput, match="damaged"):
        restore(demo_store.engine, tmp_path / "damaged.json")
    assert table_rows(demo_store.engine) == before


def test_a_dump_whose_rows_break_the_schema_is_refused_and_changes_nothing(demo_store, tmp_path):
    before = table_rows(demo_store.engine)
    good = tmp_path / "good.json"
    backup(demo_store.engine, good)
    lines = good.read_text().splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith('{"table": "contract_supplier"')) + 1
    lines.insert(row, lines[row])  # the same supplier row twice: a duplicate primary key
    end = json.loads(lines[-1])
    end["end"]["rows"] += 1
    lines[-1] = json.dumps(end)
    (tmp_path / "duplicate.json").write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidInput, match="contract_supplier breaks a rule of the schema"):
        restore(demo_store.engine, tmp_path / "duplicate.json")
    assert table_rows(demo_store.engine) == before


def test_db_check_finds_and_repairs_deadlines_that_are_not_current(demo_store):
    assert check_store(demo_store.engine).ok
    with demo_store.engine.begin() as connection:
        connection.execute(text("UPDATE deadline SET due_date = '2031-01-01'"
                                " WHERE id = (SELECT min(id) FROM deadline)"))
        connection.execute(text("DELETE FROM deadline WHERE id ="  # a contract's (the authority's are apart)
                                " (SELECT max(id) FROM deadline WHERE contract_id IS NOT NULL)"))
    report = check_store(demo_store.engine)
    assert len(report.findings) == 2 and all("deadlines not current" in f for f in report.findings)
    repaired = check_store(demo_store.engine, repair=True)
    assert repaired.repaired == 2
    assert check_store(demo_store.engine).ok


def test_db_commands_from_the_cli(demo_store, tmp_path):
    runner = CliRunner()
    base = ["--db", demo_store.url]
    path = tmp_path / "cli.json.gz"
    result = runner.invoke(app, [*base, "db", "backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "10 contracts" in result.stdout
    refused = runner.invoke(app, [*base, "db", "restore", str(path)], input="n\n")
    assert refused.exit_code == 1
    result = runner.invoke(app, [*base, "db", "restore", str(path), "--yes"])
    assert result.exit_code == 0 and "restored" in result.stdout, result.output
    result = runner.invoke(app, [*base, "db", "check"])
    assert result.exit_code == 0 and result.stdout.strip().endswith(": ok"), result.output
    with demo_store.engine.begin() as connection:
        connection.execute(text("UPDATE deadline SET due_date = '2031-01-01'"
                                " WHERE id = (SELECT min(id) FROM deadline)"))
    result = runner.invoke(app, [*base, "db", "check"])
    assert result.exit_code == 1 and "1 problem" in result.stdout
    missing = runner.invoke(app, [*base, "db", "restore", str(tmp_path / "none.json"), "--yes"])
    assert missing.exit_code == 2 and "no backup file" in missing.output
