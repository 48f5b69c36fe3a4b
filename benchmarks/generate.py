"""Synthetic registers at council and national scale, and a command to bulk-load one.

    .venv/bin/python benchmarks/generate.py --contracts 10000 --db /tmp/register.sqlite

The same seed gives the same register. Each contract has a start between 2015 and 2030, an initial
term of one to five years, 0-3 extension options, a break clause, suppliers, an owner and a service
area, values, and about ten procurement milestones before and around its start (those before the
benchmark's "today" mostly met, a few missed, spans such as "July/August" here and there).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from contract_tracker.services import BreakInput, ContractFields
from contract_tracker.services.bulk_load import BulkContract, bulk_load, default_workers
from contract_tracker.services.milestones import MilestoneInput

TODAY = date(2026, 11, 22)  # the benchmark's "today" (the same as the test suite's)

SERVICE_AREAS = {
    "Adult Social Care": ["home care", "supported living", "day opportunities", "carers' support", "reablement"],
    "Children and Families": ["SEND mediation", "short breaks", "fostering support", "youth services", "family hubs"],
    "Education": ["home to school transport", "alternative provision", "school meals", "music service"],
    "Public Health": ["sexual health", "substance misuse", "health visiting", "stop smoking", "weight management"],
    "Highways": ["winter gritting", "street lighting", "highway maintenance", "traffic signals"],
    "Waste": ["household waste recycling centres", "residual waste treatment", "kerbside collection"],
    "Housing": ["homelessness prevention", "temporary accommodation", "disabled facilities grants"],
    "Corporate": ["cleaning", "facilities management", "IT managed service", "insurance", "legal panel"],
    "Libraries and Culture": ["library management system", "mobile libraries", "archives storage"],
    "Environment": ["tree maintenance", "flood defence", "countryside access"],
}
OWNERS = ["Head of Commissioning", "Commissioning Manager", "Category Manager", "Service Manager",
          "Contract Manager", "Assistant Director", "Procurement Lead", "Strategic Lead"]
SUPPLIERS = ["Ltd", "CIC", "LLP", "Trust", "Partnership", "Group plc", "Services Ltd", "Foundation"]
PLACES = ["Avon", "Severn", "Trent", "Wye", "Tamar", "Ouse", "Tees", "Mersey", "Tyne", "Exe", "Dart", "Arun"]
TERMS = ["1y", "2y", "3y", "3y", "4y", "5y", "18m", "30m"]
OPTION_LENGTHS = ["1y", "1y", "2y", "12m", "3y", "6m"]
REGIMES = ["PA2023", "PCR2015", "PCR2015", "other"]
PROCEDURES = ["open", "competitive flexible", "restricted", "call-off", "direct award"]

# The steps of a procurement, days before the contract starts (a span where the second is not None).
STEPS = [
    ("approval", "Cabinet approval to procure", 420, None),
    ("market engagement", "Market engagement", 360, 300),
    ("pipeline notice", "Publish the UK1 pipeline notice", 330, None),
    ("itt publication", "Publish the Invitation to Tender", 270, None),
    ("clarification deadline", "Clarification questions close", 240, None),
    ("tender deadline", "Tender deadline", 225, None),
    ("evaluation", "Evaluate tenders", 210, 170),
    ("award decision", "Award decision", 150, None),
    ("award notice", "Publish the award notice", 140, None),
    ("signature", "Sign the contract", 110, None),
    ("mobilisation", "Mobilisation", 90, 1),
    ("service start", "Service starts", 0, None),
]


def _milestones(rng: random.Random, start: date, owner: str) -> list[MilestoneInput]:
    out = []
    for kind, name, before, span_end in rng.sample(STEPS, k=rng.randint(8, 12)):
        due = start - timedelta(days=before if span_end is None else span_end)
        begins = None if span_end is None else start - timedelta(days=before)
        due += timedelta(days=rng.randint(-10, 10))
        if begins is not None and begins > due:
            begins = due
        status, met_on = "planned", None
        if due < TODAY:
            roll = rng.random()
            status = "met" if roll < 0.85 else "missed" if roll < 0.93 else "planned"
            met_on = due if status == "met" else None
        out.append(MilestoneInput(kind=kind, name=name, due_date=due, start_date=begins, status=status,
                                  met_on=met_on, owner=owner if rng.random() < 0.3 else ""))
    return out


def register(count: int, *, seed: int = 9) -> Iterator[BulkContract]:
    """`count` contracts, the same ones for the same seed."""
    rng = random.Random(seed)
    areas = list(SERVICE_AREAS)
    first, last = date(2015, 1, 1).toordinal(), date(2030, 12, 31).toordinal()
    for number in range(1, count + 1):
        area = rng.choice(areas)
        service = rng.choice(SERVICE_AREAS[area])
        start = date.fromordinal(rng.randint(first, last))
        term = rng.choice(TERMS)
        owner = rng.choice(OWNERS)
        annual = Decimal(rng.randint(20_000, 5_000_000))
        options = [rng.choice(OPTION_LENGTHS) for _ in range(rng.choice([0, 1, 1, 2, 2, 2, 3]))]
        breaks = [BreakInput(after=rng.choice(["12m", "18m", "2y"]), notice=rng.choice(["3m", "6m"]),
                             party=rng.choice(["buyer", "either"]))]
        fields = ContractFields(
            reference=f"BEN-{area[:3].upper()}-{number:06d}",
            title=f"{service.capitalize()} ({rng.choice(PLACES)} lot {rng.randint(1, 9)})",
            start_date=start, initial_term=term, buyer="Benchmark County Council",
            service_area=area, owner_role=owner, owner_contact=f"{area.lower().replace(' ', '.')}@example.gov.uk",
            status="planned" if start > TODAY and rng.random() < 0.3 else "live",
            regime=rng.choice(REGIMES), procedure=rng.choice(PROCEDURES), light_touch=rng.random() < 0.25,
            annual_value=annual, whole_life_value=annual * 5, decision_notice=rng.choice(["3m", "6m", "6m"]),
            reprocurement_lead=rng.choice(["9m", "12m", "18m"]),
            suppliers=[f"{rng.choice(PLACES)} {service.split()[0].capitalize()} {rng.choice(SUPPLIERS)}"],
            options=options, breaks=breaks,
        )
        yield BulkContract(contract=fields, milestones=_milestones(rng, start, owner))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1000, help="how many contracts (default 1000)")
    parser.add_argument("--db", required=True, help="database URL or SQLite file (created and migrated)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="processes preparing chunks as this one writes (default: one per core, up to 3; 0: none)")
    args = parser.parse_args(argv)
    from contract_tracker.settings import normalise_url
    from contract_tracker.store.database import Store

    store = Store.open(normalise_url(args.db))
    generating = [0.0]

    def timed(items):  # the time spent making up contracts, to tell apart from loading them
        iterator = iter(items)
        while True:
            started = time.perf_counter()
            item = next(iterator, None)
            generating[0] += time.perf_counter() - started
            if item is None:
                return
            yield item

    try:
        started = time.perf_counter()
        result = bulk_load(store, timed(register(args.contracts, seed=args.seed)), actor="benchmark",
                           workers=args.workers)
        seconds = time.perf_counter() - started
    finally:
        store.close()
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"loaded {result.contracts} contracts and {result.deadlines} deadlines in {seconds:.2f} s "
          f"(of which {generating[0]:.2f} s generating them); CPU: this process "
          f"{own.ru_utime + own.ru_stime:.2f} s, workers ({args.workers}) {workers.ru_utime + workers.ru_stime:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
