"""Benchmark contract-tracker at council and national scale; print a markdown table.

    make bench                                         # 1,000 and 10,000 contracts
    .venv/bin/python benchmarks/run.py --sizes 1000,10000,100000
    .venv/bin/python benchmarks/run.py --sizes 100000 --only bulk,raw,report --databases sqlite

For each database (SQLite in a temporary folder; PostgreSQL on 127.0.0.1:5432, a fresh database per
size, dropped afterwards) and each size, a synthetic register is bulk-loaded and every command is
timed as a whole process, as a person or a cron job runs it, with its own peak memory. A command
this build does not have yet shows "n/a (command not available)".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import measure  # noqa: E402

TODAY = date(2026, 11, 22)  # the generator's "today"
NA = "n/a (command not available)"
MEASUREMENTS = ["bulk", "report", "raw", "ratio", "ics", "feed", "feed304", "tui", "help", "csv"]
CSV_SIZES = "1000,10000,20000"  # rows of the Transparency Code CSV imported (--csv-sizes)
CSV_TARGET = "≤ 20 s (20,000 rows)"
LABELS = {
    "bulk": "Bulk load (generate + load)",
    "report": "`report upcoming --within 6m --format json` (process)",
    "raw": "Same rows, one raw SQL query (`sqlite3` / `psql`)",
    "ratio": "Report / raw query",
    "ics": "`ics export -o FILE`, all deadlines",
    "feed": "Feed request, cold (200): the next 10,000 deadlines",
    "feed304": "Feed request, warm (If-None-Match, 304)",
    "tui": "TUI first paint (headless pty, 120x40)",
    "help": "`contract-tracker --help`, cold start",
}
TARGETS = {
    "bulk": "≤ 30 s", "report": "≤ 1 s", "raw": "", "ratio": "≤ 3x", "ics": "",
    "feed": "≤ 0.5 s (10,000 events)", "feed304": "≤ 20 ms", "tui": "≤ 1.5 s, ≤ 300 MB", "help": "≤ 0.3 s",
}
FEED_EVENTS = 10_000  # the feed target is for a feed of this many events


def upcoming_sql(dialect_name: str) -> str:
    """The rows `report upcoming --within 6m` lists, as that report's own query compiled to SQL
    for the database (open deadlines in the window, less options lapsed by time), so the raw
    client fetches exactly the report's rows."""
    from sqlalchemy.dialects import postgresql, sqlite

    from contract_tracker.read.reports.common import Filters, window
    from contract_tracker.read.reports.upcoming import upcoming_query

    dialect = sqlite.dialect() if dialect_name == "sqlite" else postgresql.dialect()
    query = upcoming_query(as_of=TODAY, win=window(TODAY, "6m"), filters=Filters())
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def feed_window_end(url: str, events: int) -> date | None:
    """The due date of the `events`-th deadline from today on: a feed from today to that day
    holds about that many events (None: fewer deadlines than that, so no end is needed)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(text(
                "SELECT due_date FROM deadline WHERE due_date >= :today ORDER BY due_date LIMIT 1 OFFSET :skip"
            ), {"today": TODAY.isoformat() if url.startswith("sqlite") else TODAY, "skip": events - 1}).scalar()
    finally:
        engine.dispose()
    if found is None:
        return None
    return found if isinstance(found, date) else date.fromisoformat(str(found)[:10])


def count_in_file(path: Path, needle: bytes) -> int:
    """Occurrences of `needle` in a file read in pieces: the whole national export is over a
    gigabyte, and a runner that held it would pass that peak on to the processes it starts next
    (Linux carries a process's peak memory across fork and exec), such as the feed server."""
    count, carry = 0, b""
    with path.open("rb") as file:
        while chunk := file.read(1 << 24):
            data = carry + chunk
            count += data.count(needle)
            carry = data[-(len(needle) - 1):]  # too short to hold a whole match: none is counted twice
    return count


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


COMMAND: list[str] = []  # set by --command


def tool() -> list[str]:
    if COMMAND:
        return COMMAND
    script = Path(sys.executable).parent / "contract-tracker"
    return [str(script)] if script.exists() else [sys.executable, "-m", "contract_tracker"]


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def cell(run: measure.Run, extra: str = "") -> str:
    if not run.ok:
        reason = (run.stderr.strip().splitlines() or ["failed"])[-1][:80]
        return f"failed: {reason}"
    return (f"{seconds(run.seconds)} (CPU {seconds(run.cpu_seconds)}), {run.peak_mb:.0f} MB"
            + (f", {extra}" if extra else ""))


@dataclass
class Database:
    kind: str  # sqlite or postgresql
    url: str  # for contract-tracker
    raw: list[str]  # the database's own client, ready for one query
    drop: object = None  # callable that removes the database

    @property
    def title(self) -> str:
        return "SQLite" if self.kind == "sqlite" else "PostgreSQL"


@dataclass
class Bench:
    args: argparse.Namespace
    cells: dict = field(default_factory=dict)
    csv_cells: dict = field(default_factory=dict)  # ("csv", column) -> (first import, again)
    columns: list[str] = field(default_factory=list)
    _available: dict = field(default_factory=dict)

    def available(self, *words: str) -> bool:
        if words not in self._available:
            probe = measure.run([*tool(), *words, "--help"], timeout=60)
            self._available[words] = probe.ok
        return self._available[words]

    def ct(self, db: Database, *words: str) -> list[str]:
        return [*tool(), "--db", db.url, "--today", TODAY.isoformat(), *words]

    # --- one measurement each ------------------------------------------------------------

    def bulk(self, db: Database, size: int) -> str:
        run = measure.run([sys.executable, str(HERE / "generate.py"), "--contracts", str(size), "--db", db.url],
                          timeout=self.args.timeout)
        found = re.search(r"and (\d+) deadlines in ([\d.]+) s \(of which ([\d.]+) s generating", run.stdout)
        if not run.ok or not found:
            return cell(run)
        return (f"{float(found.group(2)):.1f} s (generating {float(found.group(3)):.1f} s; "
                f"process CPU {run.cpu_seconds:.1f} s), {run.peak_mb:.0f} MB, {int(found.group(1)):,} deadlines")

    def report(self, db: Database) -> tuple[str, float | None]:
        if not self.available("report", "upcoming"):
            return NA, None
        run = measure.run(self.ct(db, "report", "upcoming", "--within", "6m", "--format", "json"),
                          timeout=self.args.timeout)
        rows = _count_rows(run.stdout) if run.ok else None
        return cell(run, f"{rows:,} rows" if rows is not None else ""), run.seconds if run.ok else None

    def raw(self, db: Database) -> tuple[str, float | None]:
        if not db.raw:
            return f"n/a ({'sqlite3' if db.kind == 'sqlite' else 'psql'} client not installed)", None
        sql = upcoming_sql(db.kind)
        if db.kind == "postgresql":
            sql = f"SELECT coalesce(json_agg(t), '[]') FROM ({sql}) t"
        run = measure.run([*db.raw, sql], timeout=self.args.timeout)
        rows = len(json.loads(run.stdout or "[]")) if run.ok else 0
        return cell(run, f"{rows:,} rows"), run.seconds if run.ok else None

    def ics(self, db: Database) -> str:
        if not self.available("ics", "export"):
            return NA
        with tempfile.NamedTemporaryFile(suffix=".ics") as out:
            limit = min(self.args.timeout, self.args.ics_timeout)
            run = measure.run(self.ct(db, "ics", "export", "-o", out.name), timeout=limit)
            events = count_in_file(Path(out.name), b"BEGIN:VEVENT") if run.ok else 0
        if run.returncode == -9:
            return f"over {limit:.0f} s (stopped; CPU {seconds(run.cpu_seconds)}, {run.peak_mb:.0f} MB by then)"
        return cell(run, f"{events:,} events")

    def feed(self, db: Database) -> tuple[str, str]:
        if not (self.available("feed", "create") and self.available("serve")):
            return NA, NA
        # A feed of the next FEED_EVENTS deadlines (the target's size), not of the whole register.
        end = feed_window_end(db.url, FEED_EVENTS)
        window = ["--from", TODAY.isoformat(), *(["--to", end.isoformat()] if end else [])]
        created = measure.run(self.ct(db, "feed", "create", "--name", "benchmark", *window), timeout=120)
        token = re.search(r"(/feeds/[^\s/]+\.ics)", created.stdout)
        if not created.ok or not token:
            return cell(created) if not created.ok else "failed: no feed URL in the output", ""
        port = measure.free_port()
        server = measure.start(self.ct(db, "serve", "--host", "127.0.0.1", "--port", str(port)))
        try:
            if not measure.wait_for_port(port, 60):
                return "failed: the server did not start", ""
            url = f"http://127.0.0.1:{port}{token.group(1)}"
            cold = measure.get(url, timeout=self.args.timeout)
            warm = measure.get(url, {"If-None-Match": cold.etag} if cold.etag else {})
        finally:
            peak = measure.stop(server)
        body = f"{cold.size / 1e6:.1f} MB" if cold.size >= 1e6 else f"{cold.size / 1e3:.0f} kB"
        return (f"{seconds(cold.seconds)} ({cold.status}, {cold.events:,} events, {body}); server peak {peak:.0f} MB",
                f"{seconds(warm.seconds)} ({warm.status})")

    def csv_import(self, db: Database, rows: int) -> tuple[str, str]:
        """`import csv` of a council-style register of `rows` rows into the empty store `db`, then
        the same file again (which changes nothing)."""
        if not self.available("import", "csv"):
            return NA, NA
        with tempfile.TemporaryDirectory(prefix="ct-csv-") as folder:
            path = Path(folder) / f"register-{rows}.csv"
            made = measure.run([sys.executable, str(HERE / "csv_register.py"), "--rows", str(rows), "-o", str(path)],
                               timeout=self.args.timeout)
            if not made.ok:
                return cell(made), ""
            first = measure.run(self.ct(db, "import", "csv", str(path)), timeout=self.args.timeout)
            again = measure.run(self.ct(db, "import", "csv", str(path)), timeout=self.args.timeout)
        return cell(first, _import_counts(first.stdout)), cell(again, _import_counts(again.stdout))

    def tui(self, db: Database) -> str:
        if not _has_tui():
            return NA
        paint = measure.first_paint(self.ct(db), expect=b"BEN-", timeout=self.args.timeout)
        if not paint.full_screen:
            return NA
        if paint.seconds is None:
            return f"failed: {paint.note}, {paint.peak_mb:.0f} MB"
        return f"{seconds(paint.seconds)}, {paint.peak_mb:.0f} MB"

    def help(self) -> str:
        runs = [measure.run([*tool(), "--help"], timeout=60) for _ in range(5)]
        if not all(run.ok for run in runs):
            return cell(next(run for run in runs if not run.ok))
        return (f"{seconds(statistics.median(r.seconds for r in runs))} median of 5 "
                f"(first {seconds(runs[0].seconds)}), {max(r.peak_mb for r in runs):.0f} MB")

    # --- the table -----------------------------------------------------------------------

    def measure_database(self, db: Database, size: int) -> None:
        column = f"{db.title} {size:,}"
        self.columns.append(column)
        wanted = self.args.only

        def put(name: str, value: str) -> None:
            self.cells[(name, column)] = value
            say(f"  {LABELS[name]}: {value}")

        say(f"{column} contracts ({db.url.split('@')[-1]})")
        put("bulk", self.bulk(db, size))
        report_time = raw_time = None
        if "report" in wanted:
            text, report_time = self.report(db)
            put("report", text)
        if "raw" in wanted:
            text, raw_time = self.raw(db)
            put("raw", text)
        if report_time and raw_time:
            put("ratio", f"{report_time / raw_time:.1f}x")
        elif "report" in wanted and "raw" in wanted:
            put("ratio", "n/a")
        if "ics" in wanted:
            put("ics", self.ics(db))
        if "feed" in wanted:
            cold, warm = self.feed(db)
            put("feed", cold)
            put("feed304", warm)
        if "tui" in wanted:
            put("tui", self.tui(db))

    def csv_table(self) -> str:
        """The CSV import's own table: its sizes are rows of a file, not contracts loaded."""
        columns = list(dict.fromkeys(column for _, column in self.csv_cells))
        lines = ["| CSV import (Transparency Code register) | Target | " + " | ".join(columns) + " |",
                 "|---|---|" + "---|" * len(columns)]
        for index, label in enumerate(["`import csv FILE` into an empty store (process)",
                                       "The same file again: nothing changes (process)"]):
            values = [self.csv_cells[(name, column)][index] for name, column in self.csv_cells if name == "csv"]
            lines.append(f"| {label} | {CSV_TARGET if index == 0 else ''} | " + " | ".join(values) + " |")
        return "\n".join(lines)

    def table(self, help_cell: str | None) -> str:
        lines = ["| Measurement | Target (100,000 on SQLite) | " + " | ".join(self.columns) + " |",
                 "|---|---|" + "---|" * len(self.columns)]
        for name in MEASUREMENTS:
            if name == "help":
                continue
            values = [self.cells.get((name, column), "not run") for column in self.columns]
            if all(value == "not run" for value in values):
                continue
            lines.append(f"| {LABELS[name]} | {TARGETS[name]} | " + " | ".join(values) + " |")
        if help_cell:
            lines.append(f"| {LABELS['help']} (no database) | {TARGETS['help']} | {help_cell} |"
                         + " |" * (len(self.columns) - 1))
        return "\n".join(lines)


def _import_counts(text: str) -> str:
    """"20,000 new, 0 updated" and how many await review, from an import's summary."""
    found = re.search(r"(\d+) new, (\d+) updated, (\d+) unchanged", text)
    if not found:
        return ""
    new, updated, unchanged = map(int, found.groups())
    review = re.search(r"(\d+) contracts? ha(?:s|ve) extension wording", text)
    return (f"{new:,} new, {updated:,} updated, {unchanged:,} unchanged"
            + (f", {int(review.group(1)):,} for review" if review else ""))


def _count_rows(text: str) -> int | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict):
        lists = [value for value in data.values() if isinstance(value, list)]
        return len(lists[0]) if lists else None
    return None


def _has_tui() -> bool:
    """True when the Textual app is installed (the foundation ships an empty tui package)."""
    try:
        from importlib.resources import files

        return any(entry.name.endswith(".py") and entry.name != "__init__.py"
                   for entry in files("contract_tracker.tui").iterdir())
    except (ModuleNotFoundError, FileNotFoundError):
        return False


def sqlite_database(folder: Path, size: int) -> Database:
    path = folder / f"register-{size}.sqlite"
    client = shutil.which("sqlite3")
    if client is None:
        say("note: the sqlite3 command-line client is not installed (Debian: apt-get install sqlite3); "
            "the raw-query row for SQLite will say n/a")

    def drop() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return Database("sqlite", f"sqlite:///{path}", [client, "-readonly", "-json", str(path)] if client else [],
                    drop)


def postgres_database(admin_url: str, size: int) -> Database | str:
    """A fresh database on the server, or the reason there is none."""
    client = shutil.which("psql")
    if client is None:
        return "psql not installed (Debian: apt-get install postgresql-client)"
    name = f"ct_bench_{size}_{uuid.uuid4().hex[:8]}"
    created = measure.run([client, "-X", "-q", "-d", admin_url, "-c", f'CREATE DATABASE "{name}"'], timeout=30)
    if not created.ok:
        return f"cannot create a database at {admin_url}: {created.stderr.strip().splitlines()[-1:]}"
    base = admin_url.rsplit("/", 1)[0]

    def drop() -> None:
        measure.run([client, "-X", "-q", "-d", admin_url, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
                    timeout=120)

    return Database("postgresql", f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}",
                    [client, "-X", "-q", "-At", "-d", f"{base}/{name}", "-c"], drop)


def kind_title(kind: str) -> str:
    return "SQLite" if kind == "sqlite" else "PostgreSQL"


def environment() -> str:
    load = os.getloadavg()
    sqlite = measure.run(["sqlite3", "--version"], timeout=10).stdout.split()[:1] if shutil.which("sqlite3") else ["-"]
    return (f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load[0]:.1f} at start, "
            f"SQLite client {sqlite[0] if sqlite else '-'}, today = {TODAY.isoformat()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="register sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--only", default=",".join(m for m in MEASUREMENTS if m not in ("ratio", "feed304")),
                        help="which measurements besides the bulk load: report,raw,ics,feed,tui,help,csv")
    parser.add_argument("--csv-sizes", default=CSV_SIZES,
                        help=f"rows of the CSV register imported by the csv measurement (default {CSV_SIZES})")
    parser.add_argument("--pg", default=os.environ.get("CONTRACT_TRACKER_BENCH_PG",
                                                       "postgresql://postgres@127.0.0.1:5432/postgres"),
                        help="an admin URL of the PostgreSQL server (a fresh database is made and dropped)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed for any one command")
    parser.add_argument("--ics-timeout", type=float, default=300,
                        help="seconds allowed for the ICS export of every deadline (slow at scale)")
    parser.add_argument("--output", help="also write the table to this markdown file")
    parser.add_argument("--command", help="the contract-tracker to measure (default: the one beside this Python)")
    args = parser.parse_args(argv)
    if args.command:
        COMMAND[:] = [args.command]
    args.only = {name.strip() for name in args.only.split(",") if name.strip()}
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    bench = Bench(args)
    say(environment())
    skipped = []
    with tempfile.TemporaryDirectory(prefix="ct-bench-") as folder:
        for kind in [k.strip() for k in args.databases.split(",") if k.strip()]:
            for size in sizes:
                db = sqlite_database(Path(folder), size) if kind == "sqlite" else postgres_database(args.pg, size)
                if isinstance(db, str):
                    skipped.append(f"PostgreSQL: {db}")
                    say(f"skipping PostgreSQL: {db}")
                    break
                try:
                    bench.measure_database(db, size)
                finally:
                    db.drop()
            if "csv" in args.only and not any(reason.startswith(kind_title(kind)) for reason in skipped):
                for rows in [int(n.replace("_", "")) for n in args.csv_sizes.split(",") if n.strip()]:
                    db = sqlite_database(Path(folder), -rows) if kind == "sqlite" else postgres_database(args.pg, rows)
                    if isinstance(db, str):
                        break
                    try:
                        column = f"{db.title} {rows:,} rows"
                        say(f"{column}: import csv")
                        bench.csv_cells[("csv", column)] = bench.csv_import(db, rows)
                        say(f"  {bench.csv_cells[('csv', column)][0]}; again: {bench.csv_cells[('csv', column)][1]}")
                    finally:
                        db.drop()
    help_cell = bench.help() if "help" in args.only else None
    tables = [bench.table(help_cell)] if bench.columns or help_cell else []
    if bench.csv_cells:
        tables.append(bench.csv_table())
    table = "\n\n".join(tables)
    text = f"{table}\n\n{environment()}\n" + "".join(f"\nNot measured: {reason}\n" for reason in skipped)
    print(text)
    if args.output:
        Path(args.output).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
