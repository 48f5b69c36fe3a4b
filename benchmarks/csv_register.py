"""A Transparency Code contract register (CSV) as a council publishes it, made from the synthetic
register (`generate.register`): council headers, UK dates, pounds with commas, Companies House
numbers, and extension options worded as registers word them.

    .venv/bin/python benchmarks/csv_register.py --rows 20000 -o /tmp/register.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from generate import register

from contract_tracker.domain.durations import period_end

HEADER = ["Contract Reference Number", "Title of Agreement", "Directorate", "Supplier Name", "Companies House Number",
          "Total Contract Value", "Annual Value", "Contract Start Date", "Contract End Date", "Extension Options",
          "Contract Owner"]


def _wording(rng: random.Random, options: list[str]) -> str:
    """The options as a council might have typed them (and, now and then, as nobody can read)."""
    if not options:
        return ""
    if rng.random() < 0.02:
        return "may be extended at the council's discretion"
    length = options[0]
    same = all(option == length for option in options)
    count = len(options)
    amount, unit = int(length[:-1]), {"y": "year", "m": "month"}[length[-1]]
    words = f"{amount} {unit}{'s' if amount != 1 else ''}"
    choices = ["; ".join(options)]
    if same:
        choices += [f"{count} x {words}", f"Optional Extension Period of {count} x {amount} {unit.capitalize()}s",
                    f"{['one', 'two', 'three'][count - 1]} further period{'s' if count > 1 else ''} of {words}"]
        if unit == "year":
            choices.append("+" + "+".join([str(amount)] * count))
    return rng.choice(choices)


def write(rows: int, out, *, seed: int = 9) -> None:
    rng = random.Random(seed + 1)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for item in register(rows, seed=seed):
        fields = item.contract
        end = period_end(fields.start_date, fields.initial_term)
        options = list(fields.options)
        writer.writerow([
            fields.reference, fields.title, fields.service_area, "; ".join(fields.suppliers),
            f"{rng.randint(1, 14_999_999):08d}" if rng.random() < 0.6 else "",
            f"£{fields.whole_life_value:,.2f}", f"{fields.annual_value:,.2f}",
            fields.start_date.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y"), _wording(rng, options),
            fields.owner_role,
        ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    with Path(args.output).open("w", encoding="utf-8", newline="") as out:
        write(args.rows, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
