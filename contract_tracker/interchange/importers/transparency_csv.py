"""Import a Local Government Transparency Code contract register (CSV) into the register.

Reads UTF-8 (with or without a byte-order mark) or Windows-1252, recognises the column names
councils use (or a mapping file), UK dates (01/09/2025), and values with pound signs and commas.
Every row is checked (the shared validation, as the services check) before anything is written,
so a bad row near the end of a large file is reported (by line and column) without touching the
store; then the rows are brought in by `common.import_contracts` in the caller's one transaction.
Extension options may be written as the tracker writes them ("1y; 1y", with decisions) or as
registers word them ("Optional Extension Period of 2 x 12 Months": `extension_wording`).
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session

from ...domain.dates import parse_date
from ...domain.durations import parse_duration
from ...domain.extension_wording import read_extension_wording
from ...domain.money import parse_money
from ...domain.supplier_ids import charity_number, company_number, registration_number
from ...enums import ContractStatus, OptionStatus, Procedure, Regime
from ...errors import DomainError, InvalidInput
from ...services import ContractFields, term_between
from ..transparency_code import BY_FIELD, COLUMNS, REQUIRED, alias_table, normalise_header
from .common import ImportResult, Incoming, OptionDecision, check_incoming, import_contracts

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
# The tracker's own way of writing options: "3y (exercised 01/03/2028); 3y".
_STRICT_PART = re.compile(
    r"^\s*(?P<length>\d+\s*[a-z]*)\s*(?:\(\s*(?P<status>exercised|declined)(?:\s+on)?\s+(?P<on>[^)]+)\))?\s*$", re.I)
_DASHED = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_SHORT_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2})$")
_SPACE = re.compile(r"\s")
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


@lru_cache(maxsize=8192)  # a register repeats its dates: 1 April, 31 March
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
        cleaned = f"{cleaned}{bare_unit}"  # "2" in registers means years; a "months" column, months
    return str(parse_duration(cleaned))


@dataclass(frozen=True)
class _Options:
    lengths: tuple[str, ...]
    decisions: tuple[OptionDecision, ...]
    wording: str = ""  # the cell, when it was wording rather than the tracker's own form
    unread: bool = False  # wording that could not be read: no options from it


def _strict_options(text: str, *, bare_unit: str) -> _Options | None:
    """The tracker's own form ("3y; 3y", "3y (exercised 01/03/2028); 3y"), or None if it is not that."""
    parts = [part for part in re.split(r";|,(?![^()]*\))", text) if part.strip()]
    matches = [found for part in parts if (found := _STRICT_PART.match(part))]
    if not parts or len(matches) != len(parts):
        return None
    try:
        lengths = [_period(m.group("length"), bare_unit=bare_unit) for m in matches]
    except InvalidInput:
        return None
    decisions = tuple(OptionDecision(ordinal=n, status=m.group("status").lower(), on=_date(m.group("on")))
                      for n, m in enumerate(matches, start=1) if m.group("status"))
    return _Options(tuple(lengths), decisions)


@lru_cache(maxsize=4096)  # a register repeats a few ways of writing its options thousands of times
def _options(text: str, *, bare_unit: str) -> _Options:
    """Options as the tracker writes them, else as registers word them ("2 x 12 months", "1+1",
    "two further periods of 6 months"). Wording that cannot be read gives no options (and is
    kept, for review); wording that reads as more options than a contract may have is refused."""
    if _blank(text):
        return _Options((), ())
    strict = _strict_options(text, bare_unit=bare_unit)
    if strict is not None:
        return strict
    reading = read_extension_wording(text.strip(), bare_unit="month" if bare_unit == "m" else "year")
    if reading.over_limit:
        raise InvalidInput(f"{text.strip()[:60]!r}: {reading.reason}")
    if reading.options is None:
        return _Options((), (), wording=text.strip(), unread=True)
    return _Options(reading.options, (), wording=text.strip())


def _identifiers(cells: dict[str, str], header: _Header, count: int) -> list[str]:
    """Each supplier's registration number, from whichever columns the file has, by position."""
    readers = (("supplier_ids", registration_number), ("company_numbers", company_number),
               ("charity_numbers", charity_number))
    found = [""] * count
    for name, read in readers:
        if name not in header.names or _blank(cells.get(name, "")):
            continue
        values = [value.strip() for value in re.split(r"[;\n]", cells[name])]
        if len(values) > max(count, 1) or (count == 0 and any(values)):
            raise _RowError(header.names[name], f"{len(values)} number{'s' if len(values) != 1 else ''} for "
                                                f"{count} supplier{'s' if count != 1 else ''}")
        for position, value in enumerate(values):
            if _blank(value) or found[position]:
                continue  # a company number, given, wins over a charity number for the same supplier
            try:
                found[position] = read(value)
            except InvalidInput as error:
                raise _RowError(header.names[name], str(error)) from None
    return found if any(found) else []


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
    if _SPACE.search(reference) or len(reference) > 100:
        raise _RowError(header.names["reference"],
                        f"a reference has no spaces and at most 100 characters: {reference!r}")
    if not title:
        raise _RowError(header.names["title"], "the title is empty")
    start = parsed("start_date", _date)
    end = parsed("end_date", _date)
    max_extent = parsed("max_extent", _date)
    _check_order(header, start, end, max_extent)
    term = None
    if not _blank(cell("initial_term")):
        term = parsed("initial_term", lambda t: _period(t, bare_unit="y"))
    elif end is not None:
        if start is None:
            raise _RowError(header.names["end_date"], "an end date needs a start date")
        term = term_between(start, end)
    if start is not None and term is None:
        raise _RowError(header.names.get("end_date", "End Date"), "a contract with a start date needs an end date")
    options = parsed("options", lambda t: _options(t, bare_unit="m" if header.months_options else "y"))
    wording = cell("extension_wording").strip() if "extension_wording" in header.names else ""
    if wording and not options.lengths and not options.unread:  # only the wording: read the options from it
        options = parsed("extension_wording", lambda t: _options(t, bare_unit="y"))
    wording = wording or options.wording
    lengths, decisions = list(options.lengths), list(options.decisions)
    if not lengths and not options.unread and end is not None and max_extent is not None and max_extent > end:
        lengths = [term_between(end + timedelta(days=1), max_extent)]
    for decision in decisions:
        if start is not None and decision.on < start:
            raise _RowError(header.names["options"], f"option {decision.ordinal} was {decision.status} on "
                                                     f"{decision.on:%d/%m/%Y}, before the start ({start:%d/%m/%Y})")
    status = ContractStatus.LIVE if start else ContractStatus.PLANNED
    if not _blank(cell("status")):
        status = parsed("status", lambda t: _choice(t, _STATUSES, "status"))
    terminated_on = parsed("terminated_on", _date)
    terminated = None
    if terminated_on is not None and start is not None and terminated_on < start:
        raise _RowError(header.names["terminated_on"], f"terminated on {terminated_on:%d/%m/%Y}, before the "
                                                       f"start ({start:%d/%m/%Y})")
    if status == ContractStatus.TERMINATED or terminated_on is not None:
        if terminated_on is None:
            raise _RowError(header.names.get("terminated_on", "Terminated On"),
                            "a terminated contract needs the date it ended")
        terminated = (terminated_on, cell("termination_reason").strip() or "terminated (recorded by import)")
        status = ContractStatus.LIVE
    if status == ContractStatus.LIVE and start is None:
        raise _RowError(header.names.get("start_date", "Start Date"), "a live contract needs a start date")
    suppliers = [name.strip() for name in re.split(r"[;\n]", cell("suppliers"))]
    identifiers = _identifiers(cells, header, len(suppliers) if any(suppliers) else 0)
    values = {
        "reference": reference, "title": title, "start_date": start, "initial_term": term, "status": status.value,
        "suppliers": suppliers if any(suppliers) else [], "supplier_identifiers": identifiers,
        "options": lengths, "extension_wording": wording,
    }
    provided = {"title", "start_date", "initial_term", "status"}
    if "options" in header.names or "extension_wording" in header.names:
        provided.add("extension_wording")
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
        provides_suppliers="suppliers" in header.names,
        provides_options=("options" in header.names or "extension_wording" in header.names) and not options.unread,
        unread_wording=wording if options.unread else "",
    )


def _check_order(header: _Header, start: date | None, end: date | None, max_extent: date | None) -> None:
    """Dates that run backwards are refused, never imported."""
    if start is not None and end is not None and end < start:
        raise _RowError(header.names["end_date"], f"the end ({end:%d/%m/%Y}) is before the start ({start:%d/%m/%Y})")
    if max_extent is not None:
        if end is not None and max_extent < end:
            raise _RowError(header.names["max_extent"], f"the maximum extent ({max_extent:%d/%m/%Y}) is before "
                                                        f"the end ({end:%d/%m/%Y})")
        if start is not None and max_extent < start:
            raise _RowError(header.names["max_extent"], f"the maximum extent ({max_extent:%d/%m/%Y}) is before "
                                                        f"the start ({start:%d/%m/%Y})")


@dataclass
class ParsedRegister:
    rows: list[Incoming]
    encoding: str
    unknown_columns: list[str]
    skipped: list[str] = field(default_factory=list)  # "line N: why", with skip_bad_rows


def _well_formed(text: str, *, source: str) -> None:
    """A NUL byte is no part of a text file: refuse it with its line rather than keep it."""
    where = text.find("\x00")
    if where >= 0:
        line = text.count("\n", 0, where) + 1
        raise InvalidInput(f"{source}, line {line}: a NUL byte (the file is not a text CSV); nothing was imported")


def parse_register(raw: bytes, *, source: str, mapping: dict[str, str] | None = None,
                   skip_bad_rows: bool = False) -> ParsedRegister:
    """Check every row (cells, dates in order, the shared validation); raise InvalidInput naming
    the line and column of the first problem. With `skip_bad_rows`, bad rows are left out and
    listed instead; a file that is not well-formed CSV is refused either way."""
    text, encoding = decode(raw, source=source)
    _well_formed(text, source=source)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(reader, None)
    except csv.Error as error:
        raise InvalidInput(f"{source}, line 1: not well-formed CSV ({error}); nothing was imported") from None
    if first is None or not any(cell.strip() for cell in first):
        raise InvalidInput(f"{source}: the file is empty (expected a header row)")
    header = _read_header(first, mapping or {}, source=source)
    rows: list[Incoming] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    skipped: list[str] = []
    while True:
        begins = reader.line_num + 1  # a quoted cell may run over several lines: name the first
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            why = ("a quoted cell is never closed" if "unexpected end of data" in str(error)
                   else f"not well-formed CSV ({error})")
            raise InvalidInput(f"{source}, line {begins}: {why}; nothing was imported") from None
        line = begins
        if not any(cell.strip() for cell in row):
            continue
        problem = None
        if len(row) > len(first) and any(cell.strip() for cell in row[len(first):]):
            problem = f"line {line}: {len(row)} cells but the header has {len(first)} columns"
        else:
            cells = {name: row[index] for index, name in header.fields.items() if index < len(row)}
            try:
                incoming = _row_to_incoming(cells, header, line=line)
                check_incoming(incoming)  # every rule a new contract must pass, as the services check
            except _RowError as error:
                problem = f"line {line}, column {error.column!r}: {error}"
            except DomainError as error:
                problem = f"line {line}: {error}"
            else:
                reference = incoming.fields.reference
                if reference in seen:
                    problem = (f"line {line}, column {header.names['reference']!r}: reference {reference!r} "
                               f"is already on line {seen[reference]}")
        if problem is not None:
            (skipped if skip_bad_rows else problems).append(problem)
            continue
        seen[reference] = line
        rows.append(incoming)
    if problems:
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        raise InvalidInput(f"{source}, {problems[0]}{more}; nothing was imported")
    return ParsedRegister(rows=rows, encoding=encoding, unknown_columns=header.unknown, skipped=skipped)


def import_transparency_csv(session: Session, raw: bytes, *, source: str, actor: str, dry_run: bool = False,
                            mapping: dict[str, str] | None = None, progress: Progress | None = None,
                            skip_bad_rows: bool = False, workers: int = 0) -> ImportResult:
    """Import a whole register in the caller's transaction (on a dry run, roll it back)."""
    parsed = parse_register(raw, source=source, mapping=mapping, skip_bad_rows=skip_bad_rows)
    result = ImportResult(source=source, dry_run=dry_run)
    if parsed.unknown_columns:
        result.warnings.append(f"columns not recognised and ignored: {', '.join(parsed.unknown_columns)}")
    for problem in parsed.skipped:
        result.skipped.append(problem.split(":")[0].split(",")[0])
        result.warnings.append(f"skipped {problem}")
    try:
        import_contracts(session, parsed.rows, actor=actor, reason=f"imported from CSV {source}", result=result,
                         progress=progress, workers=workers)
    except DomainError as error:
        raise type(error)(f"{source}, {error}; nothing was imported") from None
    if dry_run:
        session.rollback()
    return result
