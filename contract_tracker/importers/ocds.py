"""Import OCDS data (Find a Tender, Contracts Finder, other publishers) into the register.

Accepts a release package, a record package, a JSON array of either, a bare release (with or
without Contracts Finder's non-standard `packageInfo`) or a compiled release. OCDS 1.0 data is
upgraded to 1.1 with ocdskit; the releases of one ocid are merged in date order by ocdsmerge using
the shipped 1.1 schema's merge rules. Each ocid becomes one contract whose reference is the ocid,
so importing the same data again finds it and changes only what differs.
"""

from __future__ import annotations

import html
import json
import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, select

from ..dates import Span
from ..enums import ContractStatus, MilestoneKind, MilestoneStatus, Procedure, Regime
from ..errors import DomainError, InvalidInput
from ..models import Contract, ImportedRecord
from ..money import PENNY
from ..services import ContractFields, term_between
from ..services.audit import utcnow
from .common import ImportResult, Incoming, IncomingMilestone, apply_incoming

PA2023_FROM = date(2025, 2, 24)
# ocid prefixes of the UK-wide services where the Procurement Act 2023 (or before it PCR 2015)
# applies: Contracts Finder and Find a Tender. Scotland and Wales have their own regimes.
UK_WIDE_PREFIXES = ("ocds-b5fd17", "ocds-h6vhtk")
_WITHDRAWN = {"cancelled", "unsuccessful"}
_METHODS = {
    "open": Procedure.OPEN, "selective": Procedure.RESTRICTED,
    "limited": Procedure.NEGOTIATED, "direct": Procedure.DIRECT_AWARD,
}
_MILESTONE_TYPES = {
    "approval": MilestoneKind.APPROVAL, "engagement": MilestoneKind.MARKET_ENGAGEMENT,
    "preprocurement": MilestoneKind.MARKET_ENGAGEMENT, "assessment": MilestoneKind.EVALUATION,
}
_KINDS = {kind.value for kind in MilestoneKind}
_MILESTONE_STATUS = {"met": MilestoneStatus.MET, "notmet": MilestoneStatus.MISSED}


def parse_json(raw: bytes | str, *, source: str):
    """Parse JSON text, keeping amounts exact; a broken file gives one line naming where it breaks."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidInput(f"{source}: OCDS JSON must be UTF-8 (byte {error.start} is not)") from None
    if not raw.strip():
        raise InvalidInput(f"{source}: the file is empty")
    try:
        return json.loads(raw, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"{source}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
            "is the file complete?"
        ) from None


# ---------------------------------------------------------------------------------------------
# Finding the releases, whatever the packaging, and compiling one release per ocid


@dataclass
class Collected:
    releases: dict[str, list[dict]] = field(default_factory=dict)  # ocid -> releases, file order
    compiled: dict[str, dict] = field(default_factory=dict)  # ocid -> compiled release given as such

    def ocids(self) -> list[str]:
        return list(dict.fromkeys([*self.releases, *self.compiled]))


def _upgrade(item: dict) -> dict:
    from ocdskit.upgrade import upgrade_10_11

    return upgrade_10_11(item, reorder=False)


def _add_release(found: Collected, release, *, where: str) -> None:
    if not isinstance(release, dict):
        raise InvalidInput(f"{where}: a release must be a JSON object")
    ocid = release.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        raise InvalidInput(f"{where}: a release has no ocid")
    tags = release.get("tag")
    if isinstance(tags, list) and "compiled" in tags:
        found.compiled[ocid] = release
    else:
        found.releases.setdefault(ocid, []).append(release)


def collect(data, *, source: str) -> Collected:
    """Every release in `data`, grouped by ocid."""
    found = Collected()
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        where = source if not isinstance(data, list) else f"{source}, item {index + 1}"
        if not isinstance(item, dict):
            raise InvalidInput(f"{where}: expected an OCDS release package, record package or release")
        item = _upgrade(item)
        if "records" in item:
            records = item["records"]
            if not isinstance(records, list):
                raise InvalidInput(f"{where}: 'records' must be a list")
            for record in records:
                if not isinstance(record, dict):
                    raise InvalidInput(f"{where}: a record must be a JSON object")
                embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and "tag" in r]
                if embedded:
                    for release in embedded:
                        _add_release(found, release, where=where)
                elif isinstance(record.get("compiledRelease"), dict):
                    _add_release(found, {**record["compiledRelease"], "tag": ["compiled"]}, where=where)
                else:
                    raise InvalidInput(
                        f"{where}: record {record.get('ocid', '?')} has only linked releases and no compiledRelease"
                    )
        elif "releases" in item and "ocid" not in item:
            if not isinstance(item["releases"], list):
                raise InvalidInput(f"{where}: 'releases' must be a list")
            for release in item["releases"]:
                _add_release(found, release, where=where)
        elif "ocid" in item:
            _add_release(found, item, where=where)
        else:
            raise InvalidInput(
                f"{where}: not OCDS data (expected a release package, a record package or a release with an ocid)"
            )
    if not found.ocids():
        raise InvalidInput(f"{source}: no releases found")
    return found


def compile_ocid(found: Collected, ocid: str) -> dict:
    """The compiled release of `ocid`: its releases merged in date order (ocdsmerge)."""
    releases = found.releases.get(ocid)
    if not releases:
        return found.compiled[ocid]
    from ocdsmerge.exceptions import OCDSMergeError, OCDSMergeWarning

    from ..ocds_schema import merger

    for release in releases:
        if not isinstance(release.get("date"), str):
            raise InvalidInput(f"{ocid}: every release needs a date (text); one has {release.get('date')!r}")
    by_position = any(_duplicate_supplier_ids(release) for release in releases)
    try:
        with warnings.catch_warnings():
            # Duplicate ids within one array are the publisher's; merging copes with them.
            warnings.simplefilter("ignore", OCDSMergeWarning)
            return merger(suppliers_by_position=by_position).create_compiled_release(releases)
    except OCDSMergeError as error:
        raise InvalidInput(f"{ocid}: the releases cannot be merged: {error}") from None


def _duplicate_supplier_ids(release: dict) -> bool:
    for award in _dicts(release.get("awards")):
        ids = [s.get("id") for s in _dicts(award.get("suppliers")) if s.get("id") is not None]
        if len(ids) != len(set(map(str, ids))):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Reading the compiled release


def _day(value, where: str) -> date | None:
    """The calendar day an OCDS date-time names, as written (its own offset kept)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: not a date: {value!r}")
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InvalidInput(f"{where}: not a date: {value!r}") from None


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _obj(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value, limit: int) -> str:
    """One line of text; publishers such as Contracts Finder leave HTML entities (&amp;) in names."""
    return " ".join(html.unescape(str(value)).split())[:limit] if value not in (None, "") else ""


@dataclass
class _Periods:
    start: date | None = None
    end: date | None = None
    max_extent: date | None = None
    duration_days: int | None = None


def _periods(candidates: list[tuple[dict, str]], ocid: str) -> _Periods:
    out = _Periods()
    starts, ends, extents = [], [], []
    for period, where in candidates:
        start = _day(period.get("startDate"), f"{ocid} {where}.startDate")
        end = _day(period.get("endDate"), f"{ocid} {where}.endDate")
        extent = _day(period.get("maxExtentDate"), f"{ocid} {where}.maxExtentDate")
        if start:
            starts.append(start)
        if end:
            ends.append(end)
        if extent:
            extents.append(extent)
        duration = period.get("durationInDays")
        if out.duration_days is None and isinstance(duration, int) and duration > 0:
            out.duration_days = duration
    out.start = min(starts, default=None)
    out.end = max(ends, default=None)
    out.max_extent = max(extents, default=None)
    return out


def _contract_periods(release: dict) -> list[tuple[dict, str]]:
    """The best-known contract periods: signed contracts, else awards, else the tender or its lots."""
    tender = _obj(release.get("tender"))
    levels = [
        [(_obj(c.get("period")), f"contracts[{i}].period") for i, c in enumerate(_dicts(release.get("contracts")))
         if c.get("status") not in _WITHDRAWN],
        [(_obj(a.get("contractPeriod")), f"awards[{i}].contractPeriod") for i, a in enumerate(_dicts(release.get("awards")))
         if a.get("status") not in _WITHDRAWN],
        [(_obj(tender.get("contractPeriod")), "tender.contractPeriod")],
        [(_obj(lot.get("contractPeriod")), f"tender.lots[{i}].contractPeriod") for i, lot in enumerate(_dicts(tender.get("lots")))],
    ]
    for level in levels:
        usable = [(p, w) for p, w in level if p.get("startDate")]
        if usable:
            return usable
    return []


def _amount(value: dict, where: str, warnings: list[str]) -> Decimal | None:
    amount = value.get("amount")
    if amount is None or isinstance(amount, bool):
        return None
    currency = value.get("currency") or "GBP"
    if currency != "GBP":
        warnings.append(f"{where}: value in {currency} not imported (the register keeps pounds)")
        return None
    try:
        amount = Decimal(str(amount))
    except ArithmeticError:
        return None
    if not amount.is_finite() or amount < 0:
        warnings.append(f"{where}: value {amount} not imported")
        return None
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def _whole_life_value(release: dict, ocid: str, warnings: list[str]) -> Decimal | None:
    tender = _obj(release.get("tender"))
    levels = [
        [(_obj(c.get("value")), f"{ocid} contracts[{i}].value") for i, c in enumerate(_dicts(release.get("contracts")))
         if c.get("status") not in _WITHDRAWN],
        [(_obj(a.get("value")), f"{ocid} awards[{i}].value") for i, a in enumerate(_dicts(release.get("awards")))
         if a.get("status") not in _WITHDRAWN],
        [(_obj(tender.get("value")), f"{ocid} tender.value")],
    ]
    for level in levels:
        amounts = [_amount(v, where, warnings) for v, where in level if v.get("amount") is not None]
        amounts = [a for a in amounts if a is not None]
        if amounts:
            return sum(amounts, Decimal("0.00"))
    return None


def _suppliers(release: dict) -> list[str]:
    names = [
        _text(supplier.get("name"), 300)
        for award in _dicts(release.get("awards")) if award.get("status") not in _WITHDRAWN
        for supplier in _dicts(award.get("suppliers"))
    ]
    if not any(names):
        names = [_text(p.get("name"), 300) for p in _dicts(release.get("parties")) if "supplier" in (p.get("roles") or [])]
    return list(dict.fromkeys(name for name in names if name))


def _buyer(release: dict) -> str:
    tender = _obj(release.get("tender"))
    for candidate in (_obj(release.get("buyer")), _obj(tender.get("procuringEntity"))):
        if candidate.get("name"):
            return _text(candidate["name"], 200)
    for party in _dicts(release.get("parties")):
        if "buyer" in (party.get("roles") or []) and party.get("name"):
            return _text(party["name"], 200)
    return ""


def _regime(ocid: str, release: dict) -> str:
    """The regime by when the procurement began: the earliest date the notices give for it."""
    if not ocid.startswith(UK_WIDE_PREFIXES):
        return Regime.OTHER.value
    tender = _obj(release.get("tender"))
    period = _obj(tender.get("tenderPeriod"))
    candidates = [(period.get("startDate"), "tender.tenderPeriod.startDate"),
                  (tender.get("datePublished"), "tender.datePublished"),
                  (period.get("endDate"), "tender.tenderPeriod.endDate"), (release.get("date"), "date")]
    candidates += [(a.get("date"), f"awards[{i}].date") for i, a in enumerate(_dicts(release.get("awards")))]
    days = [day for value, where in candidates if (day := _day(value, f"{ocid} {where}"))]
    if not days:
        return Regime.PA2023.value
    return Regime.PA2023.value if min(days) >= PA2023_FROM else Regime.PCR2015.value


class _Milestones:
    """Milestones named uniquely within one contract (the name is how a re-import finds them)."""

    def __init__(self, known_on: date | None) -> None:
        self.known_on = known_on
        self.items: dict[tuple[str, str], IncomingMilestone] = {}

    def add(self, kind: MilestoneKind, name: str, due: date | None, *, status: str | None = None,
            met_on: date | None = None, notes: str = "", label: str = "") -> None:
        if due is None:
            return
        name = _text(name, 280) or kind.value.capitalize()
        if (kind.value, name) in self.items and label:
            name = f"{name} ({_text(label, 15)})"
        if (kind.value, name) in self.items:
            return
        if status is None:
            # An event dated before the publisher's own release date had happened when published.
            happened = self.known_on is not None and due <= self.known_on
            status = MilestoneStatus.MET.value if happened else MilestoneStatus.PLANNED.value
            met_on = due if happened else None
        self.items[(kind.value, name)] = IncomingMilestone(kind=kind.value, name=name, due=Span(due, due),
                                                           status=status, met_on=met_on, notes=notes)


def _milestones(release: dict, ocid: str) -> list[IncomingMilestone]:
    known_on = _day(release.get("date"), f"{ocid} date")
    out = _Milestones(known_on)
    tender = _obj(release.get("tender"))
    tender_period = _obj(tender.get("tenderPeriod"))
    out.add(MilestoneKind.ITT_PUBLICATION, "Tender period opens",
            _day(tender_period.get("startDate"), f"{ocid} tender.tenderPeriod.startDate"))
    out.add(MilestoneKind.TENDER_DEADLINE, "Tender deadline",
            _day(tender_period.get("endDate"), f"{ocid} tender.tenderPeriod.endDate"))
    out.add(MilestoneKind.CLARIFICATION_DEADLINE, "Clarification deadline",
            _day(_obj(tender.get("enquiryPeriod")).get("endDate"), f"{ocid} tender.enquiryPeriod.endDate"))
    for i, award in enumerate(_dicts(release.get("awards"))):
        if award.get("status") in _WITHDRAWN:
            continue
        day = _day(award.get("date"), f"{ocid} awards[{i}].date")
        out.add(MilestoneKind.AWARD_DECISION, "Contract award", day,
                status=MilestoneStatus.MET.value if day else None, met_on=day, label=str(award.get("id", i)))
    for i, contract in enumerate(_dicts(release.get("contracts"))):
        day = _day(contract.get("dateSigned"), f"{ocid} contracts[{i}].dateSigned")
        out.add(MilestoneKind.SIGNATURE, "Contract signed", day,
                status=MilestoneStatus.MET.value if day else None, met_on=day, label=str(contract.get("id", i)))
    listed = [(m, "planning.milestones") for m in _dicts(_obj(release.get("planning")).get("milestones"))]
    listed += [(m, "tender.milestones") for m in _dicts(tender.get("milestones"))]
    for i, contract in enumerate(_dicts(release.get("contracts"))):
        listed += [(m, f"contracts[{i}].milestones") for m in _dicts(contract.get("milestones"))]
        listed += [(m, f"contracts[{i}].implementation.milestones")
                   for m in _dicts(_obj(contract.get("implementation")).get("milestones"))]
    for milestone, where in listed:
        met = _day(milestone.get("dateMet"), f"{ocid} {where}.dateMet")
        due = _day(milestone.get("dueDate"), f"{ocid} {where}.dueDate") or met
        title = _text(milestone.get("title") or milestone.get("description") or milestone.get("id"), 280)
        lowered = title.lower()
        code = str(milestone.get("code", "")).strip().lower()
        if code in _KINDS:
            kind = MilestoneKind(code)  # written by this tool's own export
        elif "contract start" in lowered or "service start" in lowered:
            kind = MilestoneKind.SERVICE_START
        elif "contract end" in lowered:
            kind = MilestoneKind.CONTRACT_END
        else:
            kind = _MILESTONE_TYPES.get(str(milestone.get("type", "")).lower(), MilestoneKind.OTHER)
        status = _MILESTONE_STATUS.get(str(milestone.get("status", "")).lower(), MilestoneStatus.PLANNED)
        if met is not None:
            status = MilestoneStatus.MET
        out.add(kind, title, due, status=status.value, met_on=met if status == MilestoneStatus.MET else None,
                notes=_text(milestone.get("description"), 2000) if milestone.get("title") else "",
                label=str(milestone.get("id", "")))
    return list(out.items.values())


def to_incoming(release: dict, *, source: str, warnings: list[str]) -> Incoming:
    """One register contract from the compiled release of an ocid."""
    ocid = str(release.get("ocid", "")).strip()
    if len(ocid) > 100 or any(ch.isspace() for ch in ocid):
        raise InvalidInput(f"{source}: ocid {ocid!r} cannot be a contract reference (no spaces, at most 100 characters)")
    tender = _obj(release.get("tender"))
    title = (
        _text(tender.get("title"), 300)
        or next((_text(a.get("title"), 300) for a in _dicts(release.get("awards")) if a.get("title")), "")
        or next((_text(c.get("title"), 300) for c in _dicts(release.get("contracts")) if c.get("title")), "")
        or ocid
    )
    description = html.unescape(tender["description"]).strip() if isinstance(tender.get("description"), str) else ""
    periods = _periods(_contract_periods(release), ocid)
    term = None
    if periods.start and periods.end:
        if periods.end < periods.start:
            warnings.append(f"{ocid}: contract end {periods.end} is before its start {periods.start}; dates not imported")
        else:
            term = term_between(periods.start, periods.end)
    elif periods.start and periods.duration_days:
        term = f"{periods.duration_days}d"
    options = []
    if term and periods.end and periods.max_extent and periods.max_extent > periods.end:
        # maxExtentDate is the end if every extension is taken: the register holds that as one option.
        options = [term_between(periods.end + timedelta(days=1), periods.max_extent)]
    awarded = any(c.get("status") not in _WITHDRAWN for c in _dicts(release.get("contracts"))) or any(
        a.get("status") not in _WITHDRAWN for a in _dicts(release.get("awards")))
    status = ContractStatus.LIVE if awarded and term else ContractStatus.PLANNED
    start = periods.start if term else None
    # A release may carry only part of the story (an implementation update, say): only what it
    # tells is compared with the register, so a later partial release does not blank earlier facts.
    provided = {"title"} if title != ocid else set()
    if description:
        provided.add("description")
    buyer = _buyer(release)
    if buyer:
        provided.add("buyer")
    if term:
        provided.update({"status", "start_date", "initial_term"})
    value = _whole_life_value(release, ocid, warnings)
    if value is not None:
        provided.add("whole_life_value")
    method = _METHODS.get(str(tender.get("procurementMethod", "")).lower())
    if method is not None:
        provided.add("procedure")
    fields = ContractFields(
        reference=ocid, title=title, description=description, buyer=buyer, status=status.value,
        start_date=start, initial_term=term if start else None, regime=_regime(ocid, release),
        procedure=(method or Procedure.OPEN).value, whole_life_value=value,
        suppliers=_suppliers(release), options=options,
    )
    return Incoming(fields=fields, provided=frozenset(provided), source=f"ocid {ocid}",
                    milestones=_milestones(release, ocid), provides_suppliers=bool(fields.suppliers),
                    provides_options=bool(options))


def _instant(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _older(candidate: str, than: str) -> bool:
    """Whether release date `candidate` is strictly before `than` (unknown dates are never older)."""
    a, b = _instant(candidate), _instant(than)
    return a is not None and b is not None and a < b


def _remember(session: Session, seen: ImportedRecord | None, ocid: str, release_date: str) -> None:
    """Keep the ocid and the newest release date behind the contract (not audited: provenance only)."""
    contract_id = session.exec(select(Contract.id).where(Contract.reference == ocid)).one()
    if seen is None:
        session.add(ImportedRecord(contract_id=contract_id, scheme="ocds", identifier=ocid,
                                   source_date=release_date, updated_at=utcnow()))
    elif seen.contract_id != contract_id or _older(seen.source_date, release_date) or (release_date and not seen.source_date):
        seen.contract_id, seen.source_date, seen.updated_at = contract_id, release_date, utcnow()
        session.add(seen)


def import_ocds(session: Session, raw: bytes | str, *, source: str, actor: str, dry_run: bool = False) -> ImportResult:
    """Import every ocid in `raw` in the caller's transaction; on a dry run, roll it back.

    An ocid whose releases are all older than the newest one already imported is skipped, so that
    reading an old notice after a newer one does not take the register backwards.
    """
    data = parse_json(raw, source=source)
    found = collect(data, source=source)
    result = ImportResult(source=source, dry_run=dry_run)
    for ocid in found.ocids():
        try:
            release = compile_ocid(found, ocid)
            release_date = release.get("date") if isinstance(release.get("date"), str) else ""
            seen = session.exec(select(ImportedRecord).where(
                ImportedRecord.scheme == "ocds", ImportedRecord.identifier == ocid)).first()
            if seen is not None and _older(release_date, seen.source_date):
                result.unchanged.append(ocid)
                result.warnings.append(f"{ocid}: its newest release here ({release_date}) is older than one "
                                       f"already imported ({seen.source_date}); left as it is")
                continue
            incoming = to_incoming(release, source=source, warnings=result.warnings)
            apply_incoming(session, incoming, actor=actor, reason=f"imported from OCDS {source}", result=result)
            _remember(session, seen, ocid, release_date)
        except DomainError as error:
            message = str(error)
            raise type(error)(message if message.startswith(ocid) else f"{ocid}: {message}") from None
    if dry_run:
        session.rollback()
    return result
