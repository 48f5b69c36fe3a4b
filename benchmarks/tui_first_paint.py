"""Benchmark (not a test): the TUI register on a large store, headless.

Prints the time to first paint (app start until the table shows every row) and the time for
filter keystrokes (one that narrows the table, one that widens it back to every row).

    .venv/bin/python benchmarks/tui_first_paint.py [--contracts 10000] [--db PATH]

The generated store is kept (default: a file in the system temp folder) and reused next time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from contract_tracker.services import ContractFields, register_contract
from contract_tracker.settings import resolve
from contract_tracker.store.database import Store

TODAY = date(2026, 11, 22)
AREAS = ["Adult Social Care", "Children's Services", "Education: SEND", "Highways", "Libraries", "Public Health",
         "Waste", "Housing", "ICT", "Facilities"]
OWNERS = ["Head of Commissioning", "Commissioning Manager", "Head of Procurement", "Service Director"]
WORDS = ["care", "transport", "support", "maintenance", "advice", "cleaning", "software", "catering",
         "mediation", "advocacy", "repairs", "training"]


def populate(store: Store, count: int) -> None:
    rng = random.Random(6)
    with store.session() as session:
        for number in range(count):
            start = TODAY - timedelta(days=rng.randint(0, 2200))
            register_contract(session, ContractFields(
                reference=f"BENCH-{number:05d}",
                title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} services lot {number % 7 + 1}",
                start_date=start, initial_term=rng.choice(["2y", "3y", "4y"]),
                options=rng.choice([[], ["1y"], ["1y", "1y"], ["3y", "3y"]]),
                suppliers=[f"Supplier {rng.randint(1, 800)} Ltd"],
                service_area=rng.choice(AREAS), owner_role=rng.choice(OWNERS),
            ), actor="benchmark")


async def measure(store: Store) -> dict[str, float]:
    from textual.widgets import Input

    from contract_tracker.tui.app import create_app
    from contract_tracker.tui.widgets.register_table import RegisterTable

    results = {}
    started = time.perf_counter()
    app = create_app(store, resolve(None, "benchmark"), TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        results["screen shown (before data)"] = time.perf_counter() - started
        table = app.screen.query_one(RegisterTable)
        while len(table.shown) == 0 or table.row_count == 0:
            await asyncio.sleep(0.005)
        await pilot.pause()  # the frame with the rows
        results["first paint with every row"] = time.perf_counter() - started
        rows = table.row_count
        app.screen.query_one("#filter-text", Input).focus()
        await pilot.pause()
        for label, keys in (("key that does not filter (pilot's own cost)", ["left"]),
                            ("keystroke 'c' (narrows)", ["c"]), ("keystroke 'a' (narrows more)", ["a"]),
                            ("backspace (widens)", ["backspace"]), ("backspace (back to every row)", ["backspace"])):
            tick = time.perf_counter()
            await pilot.press(*keys)
            await pilot.pause()
            results[f"{label} -> {table.row_count} rows"] = time.perf_counter() - tick
        from contract_tracker.tui.widgets.register_table import RegisterFilter
        for text in ("", "care", "bench-0999"):  # the in-memory filter alone, every row to a few
            tick = time.perf_counter()
            table.show(RegisterFilter(text))
            results[f"filter only {text!r} -> {table.row_count} rows"] = time.perf_counter() - tick
        results["rows"] = rows
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"contract-tracker-bench-{args.contracts}.sqlite"
    store = Store.open(f"sqlite:///{path}")
    from sqlmodel import func, select

    from contract_tracker.store.models import Contract
    with store.session() as session:
        have = session.exec(select(func.count()).select_from(Contract)).one()
    if have != args.contracts:
        store.close()
        path.unlink(missing_ok=True)
        store = Store.open(f"sqlite:///{path}")
        tick = time.perf_counter()
        populate(store, args.contracts)
        print(f"generated {args.contracts} contracts in {time.perf_counter() - tick:.1f} s ({path})")
    results = asyncio.run(measure(store))
    store.close()
    print(f"TUI register on {results.pop('rows')} contracts (SQLite, 120x40, headless)")
    for label, seconds in results.items():
        print(f"  {label:<55} {seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
