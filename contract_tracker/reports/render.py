"""Rendering a report: a table for people, CSV, JSON or Markdown for machines.

Machine formats carry every column with ISO dates; the table shows the columns a person scans
(the long "what to do" text is in the machine formats). Rich drops colour when output is piped.
"""

from __future__ import annotations

import csv
import json
import uuid
from enum import StrEnum
from typing import TextIO

from .common import Report


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


def _cell(value) -> str:
    """One value as text for CSV, Markdown and the table: lists space-separated, booleans as words."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    return str(value)


def _pounds(value: str | None) -> str:
    return "" if value is None else f"£{float(value):,.0f}"


def _table_cell(key: str, value) -> str:
    if key.endswith("_value"):
        return _pounds(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return _cell(value)


def render(report: Report, fmt: Format, out: TextIO) -> None:
    """Write a machine format (csv, json, markdown) to `out`; for the table use `tables`."""
    if fmt == Format.json:
        out.write(json_document(report.as_json()))
        out.write("\n")
    elif fmt == Format.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.key for c in report.columns])
        writer.writerows([_cell(row[c.key]) for c in report.columns] for row in report.rows)
    elif fmt == Format.markdown:
        out.write(markdown(report))
    else:
        raise ValueError("the table is for people: print tables(report) on a console")


_ROW_ENCODER = json.JSONEncoder(ensure_ascii=False)


def json_document(data: dict) -> str:
    """The report as JSON: the envelope indented, each row on one line of its own.

    Python's encoder has no C fast path with `indent`: indenting every row's fields took about
    a second at 45,000 rows, most of a national-scale report's time. Encoding each row compactly
    runs in C, and one row per line still reads (and greps, and diffs) well."""
    rows = data.get("rows") or []
    marker = f"rows-{uuid.uuid4().hex}"  # stands in for the rows while the envelope is indented
    envelope = json.dumps({**data, "rows": marker}, indent=2, ensure_ascii=False)
    encode = _ROW_ENCODER.encode
    body = "[\n" + ",\n".join("    " + encode(row) for row in rows) + "\n  ]" if rows else "[]"
    return envelope.replace(json.dumps(marker), body, 1)


YEAR_HEADERS = ["Financial year", "Procurements", "Whole-life value", "Without a value"]


def _year_rows(report: Report) -> list[list[str]]:
    return [[y["financial_year"], str(y["count"]), _pounds(y["whole_life_value"]), str(y["without_value"])]
            for y in report.financial_years or []]


def _heading(report: Report) -> str:
    return f"{report.title} (as of {report.as_of}): {len(report.rows)}"


def markdown(report: Report) -> str:
    from tabulate import tabulate

    columns = [c for c in report.columns if c.in_table]
    body = [[_table_cell(c.key, row[c.key]).replace("|", "\\|") for c in columns] for row in report.rows]
    parts = [f"### {_heading(report)}\n\n"]
    if body:
        parts.append(tabulate(body, headers=[c.header for c in columns], tablefmt="github",
                              disable_numparse=True) + "\n")
    if report.financial_years:
        parts.append("\n" + tabulate(_year_rows(report), headers=YEAR_HEADERS,
                                     tablefmt="github", disable_numparse=True) + "\n")
    return "".join(parts)


def tables(report: Report) -> list:
    """Rich renderables for people; the caller prints them on its console."""
    from rich import box
    from rich.table import Table

    def make(title: str | None, headers: list[str], rows: list[list[str]]) -> Table:
        out = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
        for header in headers:
            out.add_column(header, overflow="fold")
        for row in rows:
            out.add_row(*row)
        return out

    columns = [c for c in report.columns if c.in_table]
    rows = [[_table_cell(c.key, row[c.key]) for c in columns] for row in report.rows]
    if not rows:
        return [_heading(report)]
    out = [make(_heading(report), [c.header for c in columns], rows)]
    if report.financial_years:
        out.append(make("By financial year", YEAR_HEADERS, _year_rows(report)))
    return out
