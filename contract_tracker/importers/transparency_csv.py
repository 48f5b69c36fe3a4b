"""Import a Local Government Transparency Code contract register (CSV) into the register.

Reads UTF-8 (with or without a byte-order mark) or Windows-1252, recognises the column names
councils use (or a mapping file), UK dates (01/09/2025), and values with pound signs and commas.
Every row is checked before anything is written, so a bad row near the end of a large file is
reported (by line and column) without touching the store; then the rows are applied through the
services in the caller's one transaction.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session

from ..dates import parse_date
from ..durations import parse_duration
from ..enums import ContractStatus, OptionStatus, Procedure, Regime
from ..errors import DomainError, InvalidInput
from ..money import parse_money
from ..services import ContractFields, term_between
from ..transparency_code import BY_FIELD, COLUMNS, REQUIRED, alias_table, normalise_header
from .common import ImportResult, Incoming, OptionDecision, apply_incoming

Progress = Callable[[int, int], None]  # (rows done, rows in all)

_EMPTY = {"", "n/a", "na", "tbc", "tba", "-", "--", "none", "not applicable", "unknown"}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_REGIMES = {
    "pa2023": Regime.PA2023, "pa 2023": Regime.PA2023, "procurement act 2023": Regime.PA2023,
    "pcr2015": Regime.PCR2015, "pcr 2015": Regime.PCR2015, "public contracts regulations 2015": Regime.PCR2015,
    "other": Regime.OTHER,
}
_STATUSES = {
    "planned": ContractStatus.PLANNED, "pipeline": ContractStatus.PLANNED, "in procurement": ContractStatus.PLANNED,
    "live": ContractStatus.LIVE, "active": ContractStatus.LIVE, "current": ContractStatus.LIVE,
    "awarded": ContractStatus.LIVE, "expired": ContractStatus.LIVE, "ended": ContractStatus.LIVE,
    "initial term": ContractStatus.LIVE, "extended": ContractStatus.LIVE, "not started": ContractStatus.LIVE,
    "terminated": ContractStatus.TERMINATED,
}
_PROCEDURES = {procedure.value: procedure for procedure in Procedure}
_DECISION = re.compile(r"^(?P<length>.+?)\s*\(\s*(?P<status>exercised|declined)(?:\s+on)?\s+(?P<on>[^)]+)\)$", re.I)
_TIMES = re.compile(r"^(?P<count>\d+)\s*[x×*]\s*(?P<length>.+)$", re.I)
_DASHED = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_SHORT_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2})$")
_CLOCK = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")


def decode(raw: bytes, *, source: str) -> tuple[str, str]:
    """The text of the file and the encoding it was in: UTF-8 (BOM or not), else Windows-1252."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{source}: not UTF-8 or Windows-1252 text (byte {error.start})") from None


def load_mapping(path: Path) -> dict[str, str]:
    """A mapping file (TOML): `[columns]` with "Header in the file" = "tracker field"."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read the mapping file {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"mapping file {path}: not valid TOML: {error}") from None
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise InvalidInput(f"mapping file {path}: needs a [columns] table of \"Header\" = \"field\"")
    known = {column.field for column in COLUMNS}
    mapping = {}
    for header, target in columns.items():
        if target not in known:
            raise InvalidInput(f"mapping file {path}: {header!r} maps to unknown field {target!r} "
                               f"(fields: {', '.join(sorted(known))})")
        mapping[normalise_header(header)] = target
    return mapping


# ---------------------------------------------------------------------------------------------
# Reading cells


def _blank(text: str) -> bool:
    return text.strip().lower() in _EMPTY


def _date(text: str) -> date | None:
    if _blank(text):
        return None
    cleaned = _CLOCK.sub("", text.strip())
    if match := _DASHED.match(cleaned):
        cleaned = "/".join(match.groups())
    elif match := _SHORT_YEAR.match(cleaned):
        cleaned = f"{match.group(1)}/{match.group(2)}/20{match.group(3)}"
    return parse_date(cleaned)


def _period(text: str, *, bare_unit: str) -> str:
    cleaned = text.strip().lower()
    if cleaned.isdigit():
        cleaned = f"{cleaned}{bare_unit}"  # "2+1" in registers means years; a "months" column, months
    return str(parse_duration(cleaned))


def _options(text: str, *, bare_unit: str) -> tuple[list[str], list[OptionDecision]]:
    """"3y; 3y", "2 x 12 months", "1+1", "3y (exercised 01/03/2028); 3y" into lengths and decisions."""
    lengths: list[str] = []
    decisions: list[OptionDecision] = []
    if _blank(text):
        return lengths, decisions
    for part in re.split(r"[;+]|,(?![^()]*\))", text):
        part = part.strip()
        if not part:
            continue
        decided = _DECISION.match(part)
        if decided:
            part = decided.group("length").strip()
        count = 1
        if times := _TIMES.match(part):
            count, part = int(times.group("count")), times.group("length")
        for _ in range(count):
            lengths.append(_period(part, bare_unit=bare_unit))
        if decided:
            on = _date(decided.group("on"))
            decisions.append(OptionDecision(ordinal=len(lengths), status=decided.group("status").lower(), on=on))
    return lengths, decisions


def _choice(text: str, table: dict, name: str):
    key = " ".join(text.strip().lower().split())
    if key not in table:
        choices = ", ".join(sorted({v.value for v in table.values()}))
        raise InvalidInput(f"{text!r} is not a {name} (use one of: {choices})")
    return table[key]


def _flag(text: str) -> bool:
    key = text.strip().lower()
    if key in _YES:
        return True
    if key in _NO or not key:
        return False
    raise InvalidInput(f"{text!r} is not yes or no")


# ---------------------------------------------------------------------------------------------
# Reading rows


@dataclass
class _Header:
    fields: dict[int, str]  # column index -> tracker field
    names: dict[str, str]  # tracker field -> header as written in the file
    unknown: list[str] = field(default_factory=list)
    months_options: bool = False


def _read_header(row: list[str], mapping: dict[str, str], *, source: str) -> _Header:
    aliases = {**alias_table(), **mapping}
    header = _Header(fields={}, names={})
    for index, name in enumerate(row):
        key = normalise_header(name)
        if not key:
            continue
        target = aliases.get(key)
        if target is None:
            header.unknown.append(name.strip())
            continue
        if target in header.names:
            raise InvalidInput(f"{source}, line 1: columns {header.names[target]!r} and {name.strip()!r} "
                               f"both give the {target.replace('_', ' ')}")
        header.fields[index] = target
        header.names[target] = name.strip()
        if target == "options" and "month" in key:
            header.months_options = True
    for required in REQUIRED:
        if required not in header.names:
            column = BY_FIELD[required]
            raise InvalidInput(
                f"{source}, line 1: missing required column {column.header!r} "
                f"(or one of: {', '.join(repr(a) for a in column.aliases[:4])}; or give --mapping)"
            )
    return header


class _RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def _row_to_incoming(cells: dict[str, str], header: _Header, *, line: int) -> Incoming:
    def cell(name: str) -> str:
        return cells.get(name, "")

    def parsed(name: str, parse):
        try:
            return parse(cell(name))
        except DomainError as error:
            raise _RowError(header.names.get(name, name), str(error)) from None

    reference = cell("reference").strip()
    title = cell("title").strip()
    if not reference:
        raise _RowError(header.names["reference"], "the reference is empty")
    if any(ch.isspace() for ch in reference) or len(reference) > 100:
        raise _RowError(header.names["reference"],
                        f"a reference has no spaces and at most 100 characters: {reference!r}")
    if not title:
        raise _RowError(header.names["title"], "the title is empty")
    start = parsed("start_date", _date)
    end = parsed("end_date", _date)
    max_extent = parsed("max_extent", _date)
    term = None
    if not _blank(cell("initial_term")):
        term = parsed("initial_term", lambda t: _period(t, bare_unit="y"))
    elif end is not None:
        if start is None:
            raise _RowError(header.names["end_date"], "an end date needs a start date")
        if end < start:
            raise _RowError(header.names["end_date"],
                            f"the end ({end:%d/%m/%Y}) is before the start ({start:%d/%m/%Y})")
        term = term_between(start, end)
    if start is not None and term is None:
        raise _RowError(header.names.get("end_date", "End Date"), "a contract with a start date needs an end date")
    lengths, decisions = parsed("options", lambda t: _options(t, bare_unit="m" if header.months_options else "y"))
    if not lengths and end is not None and max_extent is not None and max_extent > end:
        lengths = [term_between(end + timedelta(days=1), max_extent)]
    status = ContractStatus.LIVE if start else ContractStatus.PLANNED
    if not _blank(cell("status")):
        status = parsed("status", lambda t: _choice(t, _STATUSES, "status"))
    terminated_on = parsed("terminated_on", _date)
    terminated = None
    if status == ContractStatus.TERMINATED or terminated_on is not None:
        if terminated_on is None:
            raise _RowError(header.names.get("terminated_on", "Terminated On"),
                            "a terminated contract needs the date it ended")
        terminated = (terminated_on, cell("termination_reason").strip() or "terminated (recorded by import)")
        status = ContractStatus.LIVE
    if status == ContractStatus.LIVE and start is None:
        raise _RowError(header.names.get("start_date", "Start Date"), "a live contract needs a start date")
    values = {
        "reference": reference, "title": title, "start_date": start, "initial_term": term, "status": status.value,
        "suppliers": list(dict.fromkeys(s.strip() for s in re.split(r"[;\n]", cell("suppliers")) if s.strip())),
        "options": lengths,
    }
    provided = {"title", "start_date", "initial_term", "status"}
    for name in ("description", "service_area", "buyer", "owner_role", "owner_contact"):
        if name in header.names:
            values[name] = cell(name).strip()
            provided.add(name)
    for name in ("whole_life_value", "annual_value"):
        if name in header.names:
            values[name] = None if _blank(cell(name)) else parsed(name, lambda t, n=name: parse_money(t, field=n))
            provided.add(name)
    if "regime" in header.names and not _blank(cell("regime")):
        values["regime"] = parsed("regime", lambda t: _choice(t, _REGIMES, "regime")).value
        provided.add("regime")
    if "procedure" in header.names and not _blank(cell("procedure")):
        values["procedure"] = parsed("procedure", lambda t: _choice(t, _PROCEDURES, "procedure")).value
        provided.add("procedure")
    if "light_touch" in header.names:
        values["light_touch"] = parsed("light_touch", _flag)
        provided.add("light_touch")
    for name in ("decision_notice", "reprocurement_lead"):
        if name in header.names and not _blank(cell(name)):
            values[name] = parsed(name, lambda t: str(parse_duration(t.strip().lower())))
            provided.add(name)
    for decision in decisions:
        if decision.status not in (OptionStatus.EXERCISED, OptionStatus.DECLINED):
            raise _RowError(header.names["options"], f"unknown decision {decision.status!r}")
    return Incoming(
        fields=ContractFields(**values), provided=frozenset(provided), source=f"line {line}",
        decisions=decisions, terminated=terminated,
        provides_suppliers="suppliers" in header.names, provides_options="options" in header.names,
    )


@dataclass
class ParsedRegister:
    rows: list[Incoming]
    encoding: str
    unknown_columns: list[str]


def parse_register(raw: bytes, *, source: str, mapping: dict[str, str] | None = None) -> ParsedRegister:
    """Check every row; raise InvalidInput naming the line and column of the first problem."""
    text, encoding = decode(raw, source=source)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next(reader, None)
    except csv.Error as error:
        raise InvalidInput(f"{source}, line 1: {error}") from None
    if first is None or not any(cell.strip() for cell in first):
        raise InvalidInput(f"{source}: the file is empty (expected a header row)")
    header = _read_header(first, mapping or {}, source=source)
    rows: list[Incoming] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(f"line {reader.line_num}: {error}")
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(first) and any(cell.strip() for cell in row[len(first):]):
            problems.append(f"line {line}: {len(row)} cells but the header has {len(first)} columns")
            continue
        cells = {name: row[index] for index, name in header.fields.items() if index < len(row)}
        try:
            incoming = _row_to_incoming(cells, header, line=line)
        except _RowError as error:
            problems.append(f"line {line}, column {error.column!r}: {error}")
            continue
        reference = incoming.fields.reference
        if reference in seen:
            problems.append(f"line {line}, column {header.names['reference']!r}: reference {reference!r} "
                            f"is already on line {seen[reference]}")
            continue
        seen[reference] = line
        rows.append(incoming)
    if problems:
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        raise InvalidInput(f"{source}, {problems[0]}{more}; nothing was imported")
    return ParsedRegister(rows=rows, encoding=encoding, unknown_columns=header.unknown)


def import_transparency_csv(session: Session, raw: bytes, *, source: str, actor: str, dry_run: bool = False,
                            mapping: dict[str, str] | None = None, progress: Progress | None = None) -> ImportResult:
    """Import a whole register in the caller's transaction (on a dry run, roll it back)."""
    parsed = parse_register(raw, source=source, mapping=mapping)
    result = ImportResult(source=source, dry_run=dry_run)
    if parsed.unknown_columns:
        result.warnings.append(f"columns not recognised and ignored: {', '.join(parsed.unknown_columns)}")
    total = len(parsed.rows)
    for done, incoming in enumerate(parsed.rows, start=1):
        try:
            apply_incoming(session, incoming, actor=actor, reason=f"imported from CSV {source}", result=result)
        except DomainError as error:
            raise type(error)(f"{source}, {incoming.source}: {error}; nothing was imported") from None
        if progress is not None:
            progress(done, total)
    if dry_run:
        session.rollback()
    return result
