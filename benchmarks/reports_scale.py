"""How long each report takes on a large register (not part of the test suite).

    .venv/bin/python benchmarks/reports_scale.py [CONTRACTS] [DATABASE_URL]

Builds a migrated store (a temporary SQLite file unless a URL is given), writes CONTRACTS
synthetic contracts (default 100,000) with their options and materialised deadlines in bulk
(3-year terms, one 1-year option, starts spread over ten years, two milestones each), then runs
every report as of 2026-11-22 and prints a table of timings and row counts.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from dateutil.relativedelta import relativedelta

from contract_tracker.domain.durations import ONE_DAY, last_day_to_give_notice, period_end
from contract_tracker.read.reports import (
    Filters,
    breaks_report,
    decisions_report,
    expiring_report,
    overdue_report,
    pipeline_report,
    upcoming_report,
    window,
)
from contract_tracker.store.database import Store
from contract_tracker.store.models import Contract, Deadline, ExtensionOption

AS_OF = date(2026, 11, 22)
AREAS = ["Adult Social Care", "Children's Services", "Education: SEND", "Highways", "Communities"]


def _rows(count: int):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    contracts, options, deadlines = [], [], []
    for i in range(1, count + 1):
        start = date(2018, 1, 1) + timedelta(days=i % 3650)
        end = period_end(start, "3y")
        final = period_end(end + ONE_DAY, "1y")
        ref, owner, area = f"BENCH-{i:06d}", f"Owner {i % 40}", AREAS[i % len(AREAS)]
        contracts.append(dict(
            id=i, reference=ref, title=f"Contract {i}", description="", buyer="Bench Council", service_area=area,
            owner_role=owner, owner_contact="", status="live", regime="PA2023", procedure="open",
            light_touch=False, start_date=start, initial_term="3y", annual_value=Decimal(100000 + i * 37),
            whole_life_value=Decimal(400000 + i * 148), currency="GBP", decision_notice="6m",
            reprocurement_lead="12m", successor_id=None, terminated_on=None, termination_reason="",
            version=1, created_at=now, updated_at=now,
        ))
        decided = i % 3 == 0 and last_day_to_give_notice(end, "6m") < AS_OF  # a third decided in time
        options.append(dict(contract_id=i, ordinal=1, length="1y", notice=None,
                            status="exercised" if decided else "available", decided_on=None, decided_by="",
                            note="", version=1))
        current_end = final if decided else end
        common = dict(contract_id=i, owner=owner, contract_reference=ref, contract_title=f"Contract {i}",
                      service_area=area, fingerprint="x", sequence=0, updated_at=now, start_date=None, action="")
        deadlines += [
            dict(common, kind="extension decision", ordinal=1, due_date=last_day_to_give_notice(end, "6m"),
                 state="done" if decided else "open", title="Extension decision due: option 1"),
            dict(common, kind="contract end", ordinal=0, due_date=current_end, state="open", title="Contract ends"),
            dict(common, kind="reprocurement start", ordinal=0, due_date=final + ONE_DAY - relativedelta(months=12),
                 state="open", title="Start re-procurement"),
            dict(common, kind="milestone", ordinal=2 * i, due_date=start - timedelta(days=90), state="done",
                 title="Award"),
            dict(common, kind="milestone", ordinal=2 * i + 1, due_date=start + timedelta(days=400),
                 state="open" if i % 7 == 0 else "done", title="First annual review"),
        ]
    return contracts, options, deadlines


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if len(sys.argv) > 2:
        run(count, sys.argv[2])
        return
    with tempfile.TemporaryDirectory() as folder:  # removed afterwards: it holds ~150 MB
        run(count, f"sqlite:///{Path(folder) / 'bench.sqlite'}")


def run(count: int, url: str) -> None:
    store = Store.open(url)
    started = time.perf_counter()
    contracts, options, deadlines = _rows(count)
    with store.engine.begin() as connection:
        connection.execute(Contract.__table__.insert(), contracts)
        connection.execute(ExtensionOption.__table__.insert(), options)
        connection.execute(Deadline.__table__.insert(), deadlines)
    print(f"{count:,} contracts, {len(deadlines):,} deadlines written in {time.perf_counter() - started:.1f} s")
    if store.engine.dialect.name == "sqlite":
        with store.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    filters = Filters()
    runs = [
        ("upcoming --within 6m", lambda s: upcoming_report(s, as_of=AS_OF, win=window(AS_OF, "6m"), filters=filters)),
        ("upcoming --owner", lambda s: upcoming_report(s, as_of=AS_OF, win=window(AS_OF, "6m"),
                                                       filters=Filters(owner="Owner 7"))),
        ("decisions --within 12m",
         lambda s: decisions_report(s, as_of=AS_OF, win=window(AS_OF, "12m"), filters=filters)),
        ("breaks --within 12m", lambda s: breaks_report(s, as_of=AS_OF, win=window(AS_OF, "12m"), filters=filters)),
        ("expiring --within 18m", lambda s: expiring_report(s, as_of=AS_OF, win=window(AS_OF, "18m"), filters=filters)),
        ("overdue", lambda s: overdue_report(s, as_of=AS_OF, filters=filters)),
        ("pipeline --within 36m", lambda s: pipeline_report(s, as_of=AS_OF, win=window(AS_OF, "36m"), filters=filters)),
        ("pipeline --uk1", lambda s: pipeline_report(s, as_of=AS_OF, win=window(AS_OF, "18m"), filters=filters,
                                                     over=Decimal(2_000_000))),
    ]
    print(f"{'report':<26}{'rows':>9}{'seconds':>10}")
    for name, build in runs:
        with store.session() as session:
            started = time.perf_counter()
            report = build(session)
            elapsed = time.perf_counter() - started
        print(f"{name:<26}{len(report.rows):>9,}{elapsed:>10.2f}")
    store.close()


if __name__ == "__main__":
    main()
