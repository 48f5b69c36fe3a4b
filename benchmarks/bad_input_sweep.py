"""Throw bad input at every command and count what comes back: a clean refusal, a traceback, a bad
value accepted into the register, or a hang.

    .venv/bin/python benchmarks/bad_input_sweep.py                       # SQLite
    .venv/bin/python benchmarks/bad_input_sweep.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/bad_input_sweep.py --show traceback,accepted

Every case runs in-process (Typer's CliRunner) against the demo register. A clean refusal is exit 1
or 2 with no traceback and the store unchanged; "accepted" means exit 0 or a changed store; "hang"
is a case that ran longer than --timeout seconds. With --db the named PostgreSQL server gets a
database of its own for the run, dropped at the end.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import signal
import sys
import tempfile
import time
import traceback
import uuid
from collections import Counter
from pathlib import Path

REF = "WCC-SEND-MED-2025"  # a demo contract with options and milestones
TODAY = "2026-11-22"

BAD_DATES = [
    "", " ", "0000-01-01", "0001-00-01", "2025-02-30", "2025-13-01", "10000-01-01", "99999-12-31",
    "31/02/2025", "1 Smarch 2025", "yesterday", "2025-09-01\x00", "2025\u202e-09-01", "\ud800",
    "9" * 5000, "-2025-01-01", "2025-1-1-1", "NaN", "1e9", "2025-09-01T00:00", "0/0/0",
]
BAD_PERIODS = [
    "", " ", "0y", "0d", "-1y", "1.5y", "y", "3", "3x", "3 fortnights", "9999999999y", "99999999y",
    "100000m", "5000000w", "40000000d", "9" * 4301 + "d", "1e3y", "3y\x00", "\ud800y", "3y3m", "NaN",
    "51y", "10000y", "1y" * 50,
]
BAD_MONEY = [
    "abc", "-1", "-0.01", "1.001", "0.005", "NaN", "Infinity", "-Infinity", "1e400", "1E+40",
    "9" * 36, "9" * 20, "£" * 3, "£1,2,3.4.5", "1_000", "\x00", "\ud800", "9" * 4301, "0x10", "1e-9",
    "92233720368547758.08",
]
BAD_INTEGERS = ["-1", "9223372036854775808", "2147483648", "9" * 4301, "1.5", "abc", "", "\ud800",
                "-9223372036854775809"]
BAD_TEXT = [
    "\x00", "a\x00b", "\x1b[31mred", "\x07bell", "\ud800", "x\udfffy", "a\x7fb", "a\u0085b", "a\x0cb", "\x1b]0;x\x07",
]
TOO_LONG = "a" * 100_001  # longer than any text column but the unbounded descriptions and notes
BAD_URLS = [
    "mysql://user@host/db", "oracle://x", "mssql+pyodbc://x", "http://example.org/db", "foo://bar",
    "postgresql+psycopg2://x/y", "sqlite:////proc/self/register.sqlite", "/proc/1/register.sqlite",
    "/proc/version", "/proc/self/status", "/proc/1/x/y/register.sqlite", "/dev/null", "sqlite:///", "sqlite://",
    "sqlite:///:memory:", "postgresql+psycopg://nobody@127.0.0.1:1/none", "\x00", "\ud800", "/",
]


def contract_add(**overrides) -> list[str]:
    fields = {"--ref": "NEW-1", "--title": "New", "--start": "2025-01-01", "--term": "3y"}
    fields.update(overrides)
    args = ["contract", "add"]
    for name, value in fields.items():
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            args += [name, item]
    return args


def cases(folder: Path) -> list[tuple[str, list[str], dict]]:
    """(label, argv, extra) for every hostile input; extra may carry stdin or an environment."""
    out: list[tuple[str, list[str], dict]] = []

    def add(label, argv, **extra):
        out.append((label, argv, extra))

    for value in BAD_DATES:
        add("date --start", contract_add(**{"--start": value}))
        add("date --end", contract_add(**{"--term": None, "--end": value}))
        add("date --break-date", contract_add(**{"--break-date": value}))
        add("date terminate --on", ["contract", "terminate", REF, "--on", value, "--reason", "x"])
        add("date option --on", ["option", "exercise", REF, "1", "--on", value])
        add("date milestone --due", ["milestone", "add", REF, "--kind", "other", "--name", "x", "--due", value])
        add("date milestone done --on", ["milestone", "done", REF, "1", "--on", value])
        add("date report --as-of", ["report", "upcoming", "--as-of", value])
        add("date --today", ["--today", value, "contract", "list"], no_today=True)
        add("date ics --from", ["ics", "export", "--from", value])
        add("date schedule --service-start", ["schedule", "plan", "pa2023-open", "--service-start", value])
        add("date schedule workdays", ["schedule", "workdays", "--from", value, "--to", "2026-01-01"])
        add("date finance threshold --on", ["finance", "threshold", "--on", value])
        add("date closures", ["schedule", "plan", "pa2023-open", "--itt", "2025-04-01", "--closed", value])
    for value in BAD_PERIODS:
        add("period --term", contract_add(**{"--term": value}))
        add("period --option", contract_add(**{"--option": value}))
        add("period --decision-notice", contract_add(**{"--decision-notice": value}))
        add("period --reprocurement-lead", contract_add(**{"--reprocurement-lead": value}))
        add("period --break-after", contract_add(**{"--break-after": value}))
        add("period --break-notice", contract_add(**{"--break-after": "1y", "--break-notice": value}))
        add("period edit --term", ["contract", "edit", REF, "--term", value])
        add("period edit --decision-notice", ["contract", "edit", REF, "--decision-notice", value])
        add("period report --within", ["report", "upcoming", "--within", value])
        add("period report decisions --within", ["report", "decisions", "--within", value])
        add("period --alarms", ["ics", "export", "--alarms", value])
        add("period schedule --period", ["schedule", "plan", "pa2023-open", "--itt", "2025-04-01",
                                         "--period", f"tender-deadline={value}"])
    for value in BAD_MONEY:
        add("money --annual-value", contract_add(**{"--annual-value": value}))
        add("money --whole-life-value", contract_add(**{"--whole-life-value": value}))
        add("money edit --annual-value", ["contract", "edit", REF, "--annual-value", value])
        add("money finance --budget", ["finance", "set", REF, "2025/26", "--budget", value])
        add("money finance --spend", ["finance", "set", REF, "2025/26", "--spend", value, "--forecast"])
    for value in BAD_INTEGERS:
        add("int finance --volume", ["finance", "set", REF, "2025/26", "--volume", value])
        add("int option ordinal", ["option", "exercise", REF, value])
        add("int milestone id", ["milestone", "done", REF, value])
        add("int --expect-version", ["contract", "edit", REF, "--title", "x", "--expect-version", value])
        add("int feed revoke", ["feed", "revoke", value])
        add("int finance year", ["finance", "set", REF, f"{value}/26", "--budget", "1"])
    for value in BAD_TEXT:
        add("text --ref", contract_add(**{"--ref": value}))
        add("text --title", contract_add(**{"--title": value}))
        add("text --supplier", contract_add(**{"--supplier": value}))
        add("text --owner", contract_add(**{"--owner": value}))
        add("text --description", contract_add(**{"--description": value}))
        add("text edit --title", ["contract", "edit", REF, "--title", value])
        add("text terminate --reason", ["contract", "terminate", REF, "--on", "2027-01-01", "--reason", value])
        add("text milestone --name", ["milestone", "add", REF, "--kind", "other", "--name", value,
                                      "--due", "2027-01-01"])
        add("text milestone --notes", ["milestone", "add", REF, "--kind", "other", "--name", "n", "--due", "2027-01-01",
                                       "--notes", value])
        add("text option --note", ["option", "exercise", REF, "1", "--note", value])
        add("text finance --note", ["finance", "set", REF, "2025/26", "--note", value])
        add("text finance --unit", ["finance", "set", REF, "2025/26", "--unit", value, "--volume", "3"])
        add("text feed --name", ["feed", "create", "--name", value])
        add("text contract show", ["contract", "show", value])
        add("text --user", ["--user", value, "contract", "edit", REF, "--title", "changed"])
    for label, argv in [("--ref", contract_add(**{"--ref": TOO_LONG})),
                        ("--title", contract_add(**{"--title": TOO_LONG})),
                        ("--owner", contract_add(**{"--owner": TOO_LONG})),
                        ("--supplier", contract_add(**{"--supplier": TOO_LONG})),
                        ("milestone --name", ["milestone", "add", REF, "--kind", "other", "--name", TOO_LONG,
                                              "--due", "2027-01-01"]),
                        ("feed --name", ["feed", "create", "--name", TOO_LONG]),
                        ("finance --unit", ["finance", "set", REF, "2025/26", "--unit", TOO_LONG, "--volume", "3"]),
                        ("--user", ["--user", TOO_LONG, "contract", "edit", REF, "--title", "changed"])]:
        add(f"text too long {label}", argv)
    for value in BAD_URLS:
        add("store url --db", ["--db", value, "contract", "list"], no_db=True)
    # rules the register must keep
    add("rule --term empty", contract_add(**{"--term": ""}))
    add("rule --status terminated", contract_add(**{"--status": "terminated"}))
    add("rule edit --status terminated", ["contract", "edit", REF, "--status", "terminated"])
    add("rule 21 options", contract_add(**{"--option": ["1y"] * 21}))
    add("rule 51y term", contract_add(**{"--term": "51y"}))
    add("rule end before start", contract_add(**{"--term": None, "--end": "2024-01-01"}))
    add("rule term to 9999", contract_add(**{"--start": "9990-01-01", "--term": "20y"}))
    add("rule option past 9999", contract_add(**{"--start": "9990-01-01", "--term": "5y", "--option": ["5y", "5y"]}))
    add("rule start year 1", contract_add(**{"--start": "0001-03-01", "--term": "6m"}))  # re-procure in year 0
    add("rule workdays 8000 years", ["schedule", "workdays", "--from", "2000-01-01", "--to", "9999-12-31"])
    add("rule closures 8000 years", ["schedule", "plan", "pa2023-open", "--itt", "2025-04-01",
                                     "--closed", "2000-01-01..9999-12-31"])
    add("rule plan at 9999", ["schedule", "plan", "pa2023-open", "--itt", "9999-12-01"])
    add("rule plan at year 1", ["schedule", "plan", "pa2023-open", "--service-start", "0001-01-15"])
    add("rule report as-of 9999", ["report", "upcoming", "--as-of", "9999-12-31", "--within", "1y"])
    add("rule terminate 9999", ["contract", "terminate", REF, "--on", "9999-12-31", "--reason", "x"])
    # workdays.toml of the wrong shape
    for body in ['nations = 5', 'nations = [1, 2]', 'closures = "2025-12-25"', 'closures = [2025]',
                 'closures = [{a = 1}]', 'nations = {a = 1}', 'closures = ["2025-12-25..0001-01-01"]',
                 'nations = "XX"', "\x00", "nations = [", 'closures = ["0001-01-01..9999-12-31"]']:
        add("config workdays.toml", ["schedule", "plan", "pa2023-open", "--itt", "2025-04-01"], workdays=body)
    # restore of damaged and hostile backups
    for label, body in _backups(folder):
        path = folder / f"backup-{len(out)}.bin"
        path.write_bytes(body)
        add(f"restore {label}", ["db", "restore", str(path), "--yes"])
    # finance import and schedule apply
    for body in ["reference,financial_year,volume\n" + f"{REF},2025/26,9223372036854775808\n",
                 "reference,financial_year,budget\n" + f"{REF},2025/26,{'9' * 36}\n",
                 "reference,financial_year,budget\n" + f"{REF},9999/00,1\n",
                 "reference,financial_year,note\n" + f"{REF},2025/26,\x00\n",
                 b"reference,financial_year,note\n" + REF.encode() + b",2025/26,\xff\xfe\n"]:
        add("finance import", ["finance", "import", "-"], stdin=body)
    return out


def _backups(folder: Path) -> list[tuple[str, bytes]]:
    """Damaged backups built from a good dump of the demo register."""
    good = (folder / "good.json").read_text().splitlines()
    header = json.loads(good[0])
    table_at = {json.loads(line)["table"]: i for i, line in enumerate(good) if line.startswith('{"table"')}
    found = []

    def dump(lines):
        return ("\n".join(lines) + "\n").encode()

    found.append(("json cut half-way", dump(good)[: len(dump(good)) // 2]))
    found.append(("json cut mid-line", dump(good)[: len(dump(good)) // 2 - 7]))
    found.append(("gzip cut half-way", gzip.compress(dump(good))[:400]))
    found.append(("unknown revision", dump([json.dumps({**header, "revision": "zz99"}), *good[1:]])))
    found.append(("no revision", dump([json.dumps({k: v for k, v in header.items() if k != "revision"}), *good[1:]])))
    found.append(("revision not text", dump([json.dumps({**header, "revision": [1]}), *good[1:]])))
    found.append(("header only", dump(good[:1])))
    found.append(("empty file", b""))
    found.append(("deeply nested", dump(good[:1]) + b"[" * 100_000 + b"]" * 100_000 + b"\n"))
    found.append(("deeply nested header", b"{" + b'"a":{' * 50_000 + b"}" * 50_001 + b"\n"))
    found.append(("header is a list", dump(["[1, 2]", *good[1:]])))
    opt = table_at["extension_option"]
    end = min((i for i in table_at.values() if i > opt), default=len(good))
    found.append(("options table dropped", dump(good[:opt] + good[end:])))
    ms = table_at["milestone"]
    row = json.loads(good[ms + 1])
    columns = json.loads(good[ms])["columns"]
    row[columns.index("contract_id")] = 99999
    found.append(("milestone of a missing contract", dump([*good[:ms + 1], json.dumps(row), *good[ms + 2:]])))
    c = table_at["contract"]
    columns = json.loads(good[c])["columns"]
    for column, value in [("start_date", "not a date"), ("start_date", 5), ("created_at", "2025-99-99"),
                          ("initial_term", "9999999999y"), ("status", "zombie"), ("annual_value", "£5"),
                          ("annual_value", 2**70), ("version", "one"), ("id", None), ("reference", None),
                          ("title", "\ud800"), ("reference", "has spaces in it"), ("light_touch", "maybe"),
                          ("decision_notice", "0d"), ("annual_value", -5)]:
        row = json.loads(good[c + 1])
        row[columns.index(column)] = value
        found.append((f"contract {column}={value!r:.20}", dump([*good[:c + 1], json.dumps(row), *good[c + 2:]])))
    found.append(("a row that is an object", dump([*good[:c + 1], '{"id": 1}', *good[c + 2:]])))
    found.append(("table of unknown name", dump([*good, '{"table": "evil", "columns": ["x"]}', "[1]"])))
    found.append(("columns not a list", dump([*good[:c], '{"table": "contract", "columns": 5}', *good[c + 1:]])))
    found.append(("table name not text", dump([*good[:c], '{"table": [1], "columns": []}', *good[c + 1:]])))
    found.append(("NUL in a row", dump([*good[:c + 1], good[c + 1].replace('"', '"\\u0000', 1), *good[c + 2:]])))
    found.append(("deadline rows stale", dump(good[:table_at["deadline"] + 1]
                                              + list(good[table_at["deadline"] + 2:]))))
    found.append(("sqlite header only", b"SQLite format 3\x00" + b"\x00" * 200))
    found.append(("random bytes", os.urandom(4096)))
    sqlite_backups = folder / "sqlite-backups"
    if sqlite_backups.is_dir():
        for path in sorted(sqlite_backups.iterdir()):
            found.append((f"sqlite {path.stem}", path.read_bytes()))
    return found


def _sqlite_backups(source: Path, folder: Path) -> None:
    """Damaged SQLite store files made from a good one."""
    import shutil
    import sqlite3

    folder.mkdir()
    edits = {
        "options table dropped": ["PRAGMA foreign_keys=OFF", "DROP TABLE extension_option"],
        "milestone of a missing contract": ["PRAGMA foreign_keys=OFF", "UPDATE milestone SET contract_id = 99999"],
        "unknown revision": ["UPDATE alembic_version SET version_num = 'zz99'"],
        "no version table": ["DROP TABLE alembic_version"],
        "contract start not a date": ["UPDATE contract SET start_date = 'soon'"],
        "contract term absurd": ["UPDATE contract SET initial_term = '9999999999y'"],
        "contract status unknown": ["UPDATE contract SET status = 'zombie'"],
        "deadlines stale": ["UPDATE deadline SET due_date = '2031-01-01'"],
        "deadline table dropped": ["PRAGMA foreign_keys=OFF", "DROP TABLE deadline"],
        "money as text": ["UPDATE contract SET annual_value = 'lots'"],
        "year beyond 9999": ["UPDATE contract SET start_date = '12025-01-01'"],
    }
    for name, statements in edits.items():
        target = folder / f"{name}.sqlite"
        shutil.copyfile(source, target)
        connection = sqlite3.connect(target)
        for statement in statements:
            connection.execute(statement)
        connection.commit()
        connection.close()
    body = source.read_bytes()
    (folder / "cut half-way.sqlite").write_bytes(body[: len(body) // 2])


class Hang(Exception):
    pass


def _on_alarm(_signum, _frame):
    raise Hang()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a PostgreSQL server URL (default: SQLite in a scratch folder)")
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--show", default="traceback,accepted,hang,changed",
                        help="outcomes to list case by case (comma-separated)")
    parser.add_argument("--only", help="only cases whose label contains this text")
    arguments = parser.parse_args()

    from sqlalchemy import create_engine, text
    from typer.testing import CliRunner

    from contract_tracker.cli import app
    from contract_tracker.services.backup import backup
    from contract_tracker.services.demo import load_demo
    from contract_tracker.store.database import Store

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from store_rows import table_rows

    folder = Path(tempfile.mkdtemp(prefix="ct-sweep-"))
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    os.environ["XDG_DATA_HOME"] = str(folder / "data")
    admin = None
    if arguments.db:
        name = f"ct_sweep_{uuid.uuid4().hex[:10]}"
        admin = create_engine(arguments.db, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = arguments.db.rsplit("/", 1)[0] + f"/{name}"
    else:
        url = f"sqlite:///{folder / 'register.sqlite'}"
    store = Store.open(url)
    with store.session() as session:
        load_demo(session)
    backup(store.engine, folder / "good.json")
    pristine = folder / "pristine.json"
    backup(store.engine, pristine)
    if not arguments.db:
        backup(store.engine, folder / "good.sqlite")
        _sqlite_backups(folder / "good.sqlite", folder / "sqlite-backups")
    before = table_rows(store.engine)

    def reset():
        from contract_tracker.services.backup import restore

        restore(store.engine, pristine)

    runner = CliRunner()
    outcomes: Counter = Counter()
    listed: list[str] = []
    show = set(arguments.show.split(","))
    signal.signal(signal.SIGALRM, _on_alarm)
    all_cases = [c for c in cases(folder) if not arguments.only or arguments.only in c[0]]
    started = time.perf_counter()
    for label, argv, extra in all_cases:
        full = list(argv)
        if not extra.get("no_today"):
            full = ["--today", TODAY, *full]
        if not extra.get("no_db"):
            full = ["--db", url, *full]
        config = folder / "config" / "contract-tracker"
        config.mkdir(parents=True, exist_ok=True)
        (config / "workdays.toml").unlink(missing_ok=True)
        if "workdays" in extra:
            (config / "workdays.toml").write_text(extra["workdays"], encoding="utf-8", errors="surrogatepass")
        signal.setitimer(signal.ITIMER_REAL, arguments.timeout)
        try:
            result = runner.invoke(app, full, input=extra.get("stdin"))
            exception, code, output = result.exception, result.exit_code, result.output
        except Hang:
            exception, code, output = Hang(), None, ""
        except BaseException as error:
            exception, code, output = error, None, ""
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if isinstance(exception, Hang):
            outcome = "hang"
        elif exception is not None and not isinstance(exception, SystemExit):
            outcome = "traceback"
            detail = "".join(traceback.format_exception_only(type(exception), exception)).strip()[:160]
        elif "Traceback" in output:
            outcome = "traceback"
            detail = output.strip().splitlines()[-1][:160]
        elif code == 0:
            outcome = "accepted"
            detail = output.strip().splitlines()[0][:160] if output.strip() else ""
        else:
            outcome = "refused"
            lines = [line for line in output.strip().splitlines() if line]
            detail = lines[-1][:160] if lines else ""
        try:
            changed = table_rows(store.engine) != before
        except Exception:
            changed = True
        if changed:
            reset()
            if outcome == "refused":
                outcome = "changed"
            elif outcome != "accepted":
                outcome += "+changed"
        outcomes[outcome] += 1
        if outcome.split("+")[0] in show or outcome in show:
            shown_args = " ".join(a if len(a) < 40 else a[:37] + "..." for a in argv)
            shown_detail = detail if outcome != "hang" else ""
            listed.append(f"{outcome:10} {label:32} {shown_args!r:.110}\n{'':10} -> {shown_detail}")
    elapsed = time.perf_counter() - started
    for line in listed:
        print(line)
    total = sum(outcomes.values())
    print(f"\n{total} bad inputs on {'PostgreSQL' if arguments.db else 'SQLite'} in {elapsed:.0f} s: "
          + ", ".join(f"{count} {name}" for name, count in sorted(outcomes.items())))
    store.close()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
