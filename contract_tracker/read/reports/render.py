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

import orjson

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
        write_json(report.as_json(), out)
    elif fmt == Format.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.key for c in report.columns])
        writer.writerows([_cell(row[c.key]) for c in report.columns] for row in report.rows)
    elif fmt == Format.markdown:
        out.write(markdown(report))
    else:
        raise ValueError("the table is for people: print tables(report) on a console")


def json_document(data: dict) -> str:
    """The report as JSON text: the envelope indented, each row compact on a line of its own."""
    return "".join(piece if isinstance(piece, str) else piece.decode() for piece in _json_pieces(data))


def write_json(data: dict, out: TextIO) -> None:
    """Write `json_document(data)` and a newline to `out`; the rows' UTF-8 bytes go straight to a
    UTF-8 stream's buffer (at national scale, 17 MB not decoded only to be encoded again)."""
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    buffer = getattr(out, "buffer", None) if encoding == "utf8" else None
    for piece in _json_pieces(data):
        if isinstance(piece, str):
            out.write(piece)
        elif buffer is None:
            out.write(piece.decode())
        else:
            out.flush()
            buffer.write(piece)
    out.write("\n")


def _json_pieces(data: dict) -> tuple[str, bytes, str]:
    """The document before the rows, the rows, and after them.

    Python's encoder has no C fast path with `indent`, and even compact it took a quarter of a
    second for a national-scale report's 45,000 rows; orjson encodes them in a fortieth of that.
    One row per line still reads (and greps, and diffs) well."""
    marker = f"rows-{uuid.uuid4().hex}"  # stands in for the rows while the envelope is indented
    envelope = json.dumps({**data, "rows": marker}, indent=2, ensure_ascii=False)
    head, tail = envelope.split(json.dumps(marker), 1)
    return head, _rows_json(data.get("rows") or []), tail


def _rows_json(rows: list[dict]) -> bytes:
    if not rows:
        return b"[]"
    # All rows in one call, then a line break before each row. A row opens with `{"<first key>":`,
    # which cannot occur inside a string (quotes there are escaped); the count proves that every
    # row, and only rows, matched, else each row is encoded on its own.
    between = b"},{" + orjson.dumps(next(iter(rows[0]), "")) + b":"
    text = orjson.dumps(rows)[1:-1]
    if text.count(between) == len(rows) - 1:
        body = text.replace(between, b"},\n    {" + between[3:])
    else:
        body = b",\n    ".join(orjson.dumps(row) for row in rows)
    return b"[\n    " + body + b"\n  ]"


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
