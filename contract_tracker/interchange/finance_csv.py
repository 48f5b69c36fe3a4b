"""Reading figures from CSV: one row per contract and financial year.

Columns (header required, any order, case-insensitive): reference, financial_year (or fy), and
any of budget, baseline, spend, basis (forecast or actual), volume, volume_unit, note. An empty
cell leaves that figure as it is. Every row is checked before anything is written, and a bad row
is reported with its line number.
"""

from __future__ import annotations

import csv
import io

from ..domain.finance import parse_financial_year
from ..domain.money import parse_money
from ..errors import InvalidInput
from ..services.finance import FigureInput

_ALIASES = {"fy": "financial_year", "year": "financial_year", "spend_basis": "basis", "unit": "volume_unit"}
_MONEY = ("budget", "baseline", "spend")
_KNOWN = {"reference", "financial_year", *_MONEY, "basis", "volume", "volume_unit", "note"}


def _header(names: list[str] | None) -> list[str]:
    if not names:
        raise InvalidInput("the file is empty: expected a header row (reference, financial_year, ...)")
    columns = [_ALIASES.get(name.strip().lower(), name.strip().lower()) for name in names]
    unknown = [name for name in columns if name not in _KNOWN]
    if unknown:
        raise InvalidInput(f"unknown column(s): {', '.join(unknown)} (known: {', '.join(sorted(_KNOWN))})")
    for required in ("reference", "financial_year"):
        if required not in columns:
            raise InvalidInput(f"missing column: {required}")
    return columns


def _row(cells: dict[str, str], line: int) -> FigureInput:
    def given(name: str) -> bool:
        return bool((cells.get(name) or "").strip())

    reference = (cells.get("reference") or "").strip()
    if not reference:
        raise InvalidInput("reference: empty")
    year = parse_financial_year(cells.get("financial_year") or "")
    changes: dict = {}
    for name in _MONEY:
        if given(name):
            changes[name] = parse_money(cells[name], field=name)
    if given("basis"):
        changes["spend_basis"] = cells["basis"].strip()
    if given("volume"):
        text = cells["volume"].strip().replace(",", "")
        if not (text.isascii() and text.isdigit()):
            raise InvalidInput(f"volume: not a whole number: {cells['volume']!r:.40}")
        # int() refuses over 4,300 digits; anything past 20 is beyond the column anyway
        changes["volume"] = int(text) if len(text) <= 20 else 10**20
    for name in ("volume_unit", "note"):
        if given(name):
            changes[name] = cells[name].strip()
    return FigureInput(reference=reference, year=year, changes=changes, line=line)


def read_figures_csv(text: str) -> list[FigureInput]:
    """Parse the whole file; raise InvalidInput naming the first bad line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        columns = _header(next(reader, None))
    except csv.Error as error:
        raise InvalidInput(f"line 1: not CSV: {error}") from None
    rows = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                raise InvalidInput(f"line {line}: {len(cells)} cells but {len(columns)} columns")
            try:
                rows.append(_row(dict(zip(columns, cells, strict=False)), line))
            except InvalidInput as error:
                raise InvalidInput(f"line {line}: {error}") from None
    except csv.Error as error:
        raise InvalidInput(f"line {reader.line_num}: not CSV: {error}") from None
    if not rows:
        raise InvalidInput("the file has a header but no rows")
    return rows
