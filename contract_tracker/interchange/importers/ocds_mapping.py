"""From an OCDS compiled release to one register contract (`Incoming`): what maps to what.

The ocid is the contract's reference. See docs/import-export.md for the mapping table.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ...domain.dates import Span
from ...domain.extension_wording import read_extension_wording
from ...domain.money import MAX_POUNDS, PENNY
from ...domain.statutory import PA2023_FROM
from ...domain.supplier_ids import from_ocds
from ...enums import ContractStatus, ContractType, MilestoneKind, MilestoneStatus, Procedure, Regime
from ...errors import InvalidInput
from ...services import ContractFields, term_between
from .common import Incoming, IncomingMilestone

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


def _status(value) -> str:
    """An award's or contract's status as text (publishers' data is not always the right type)."""
    return value if isinstance(value, str) else ""


def _live(item: dict) -> bool:
    return _status(item.get("status")) not in _WITHDRAWN


def _roles(party: dict) -> list[str]:
    roles = party.get("roles")
    return [role for role in roles if isinstance(role, str)] if isinstance(roles, list) else []


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
        if out.duration_days is None and isinstance(duration, int) and not isinstance(duration, bool) \
                and 0 < duration <= 50 * 366:
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
         if _live(c)],
        [(_obj(a.get("contractPeriod")), f"awards[{i}].contractPeriod")
         for i, a in enumerate(_dicts(release.get("awards"))) if _live(a)],
        [(_obj(tender.get("contractPeriod")), "tender.contractPeriod")],
        [(_obj(lot.get("contractPeriod")), f"tender.lots[{i}].contractPeriod")
         for i, lot in enumerate(_dicts(tender.get("lots")))],
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
        warnings.append(f"{where}: value {str(amount)[:40]!r} is not an amount; not imported")
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_POUNDS:
        warnings.append(f"{where}: value {str(amount)[:40]} not imported")
        return None
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def _whole_life_value(release: dict, ocid: str, warnings: list[str]) -> Decimal | None:
    tender = _obj(release.get("tender"))
    levels = [
        [(_obj(c.get("value")), f"{ocid} contracts[{i}].value") for i, c in enumerate(_dicts(release.get("contracts")))
         if _live(c)],
        [(_obj(a.get("value")), f"{ocid} awards[{i}].value") for i, a in enumerate(_dicts(release.get("awards")))
         if _live(a)],
        [(_obj(tender.get("value")), f"{ocid} tender.value")],
    ]
    for level in levels:
        amounts = [_amount(v, where, warnings) for v, where in level if v.get("amount") is not None]
        amounts = [a for a in amounts if a is not None]
        if amounts:
            return sum(amounts, Decimal("0.00"))
    return None


def _identifier(reference: dict, parties: dict[str, dict]) -> str:
    """A supplier's Companies House or charity number: from its entry in `parties` (OCDS 1.1),
    else from the reference itself (1.0), else from an id written as one ("GB-COH-01234567")."""
    party = parties.get(str(reference.get("id"))) or {}
    for holder in (party, reference):
        main = _obj(holder.get("identifier"))
        for candidate in (main, *_dicts(holder.get("additionalIdentifiers"))):
            if found := from_ocds(candidate.get("scheme"), candidate.get("id")):
                return found
    identifier = str(reference.get("id") or party.get("id") or "")
    scheme, _, number = identifier.rpartition("-")
    return from_ocds(scheme, number) if scheme else ""


def _suppliers(release: dict) -> list[tuple[str, str]]:
    """(name, identifier) of each supplier of every award not withdrawn, else of the parties in
    the role of supplier."""
    listed = _dicts(release.get("parties"))
    ids = [str(p.get("id")) for p in listed]
    # Parties are found by id; ids some publishers repeat (Contracts Finder's 0) name nobody.
    parties = {str(p.get("id")): p for p in listed if ids.count(str(p.get("id"))) == 1}
    found = [
        (_text(supplier.get("name"), 300), _identifier(supplier, parties))
        for award in _dicts(release.get("awards")) if _live(award)
        for supplier in _dicts(award.get("suppliers"))
    ]
    if not any(name for name, _ in found):
        found = [(_text(p.get("name"), 300), _identifier(p, parties)) for p in listed if "supplier" in _roles(p)]
    kept: dict[str, str] = {}
    for name, identifier in found:
        if name and (name not in kept or (identifier and not kept[name])):
            kept[name] = identifier
    return list(kept.items())


@dataclass
class _Wording:
    text: str = ""  # the wording kept on the contract ("" when the notice has none)
    options: list[str] | None = None  # None: no options read from it
    unread: bool = False


def _extension_wording(release: dict, ocid: str, warnings: list[str]) -> _Wording:
    """The options the lots' renewal (and option) descriptions give, through the same parser as
    registers. Wording that cannot be read gives no options and is kept for review; an option
    description that is not about extending (more products, say) is not kept."""
    tender = _obj(release.get("tender"))
    renewals: list[str] = []
    others: list[str] = []
    for lot in _dicts(tender.get("lots")):
        for key, into in (("renewal", renewals), ("options", others)):
            text = _obj(lot.get(key)).get("description")
            if isinstance(text, str) and text.strip() and text.strip() not in into:
                into.append(text.strip())
    readings = [read_extension_wording(text) for text in renewals]
    readings += [reading for reading in map(read_extension_wording, others)
                 if reading.readable and reading.text not in renewals]
    if not readings:
        return _Wording()
    wording = _Wording(text="\n".join(reading.text for reading in readings))
    unread = [reading for reading in readings if reading.options is None]
    read = {reading.options for reading in readings if reading.options is not None}
    if unread:
        warnings.append(f"{ocid}: extension wording not read ({unread[0].reason}): {unread[0].text[:80]!r}; "
                        "imported without options, for review")
        wording.unread = True
    elif len(read) > 1:
        warnings.append(f"{ocid}: the lots give different extension options "
                        f"({' / '.join(', '.join(options) for options in sorted(read))}); imported without options, "
                        "for review")
        wording.unread = True
    else:
        wording.options = list(read.pop())
    return wording


def _buyer(release: dict) -> str:
    tender = _obj(release.get("tender"))
    for candidate in (_obj(release.get("buyer")), _obj(tender.get("procuringEntity"))):
        if candidate.get("name"):
            return _text(candidate["name"], 200)
    for party in _dicts(release.get("parties")):
        if "buyer" in _roles(party) and party.get("name"):
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


CONCESSIONS_DIRECTIVE = "32014L0023"  # Directive 2014/23/EU (the Concession Contracts Regulations 2016), by CELEX
# Contracts Finder's words for a contract awarded under a framework ("Call-off from a framework
# agreement", "Other - Further Competition - Framework", "Other - Direct Award from a Framework Contract").
_CALL_OFF_WORDS = ("call-off", "call off", "further competition", "direct award", "from a framework")


def _contract_type(release: dict) -> ContractType | None:
    """What the release says the contract is, or None when it does not say: a framework when the
    tender sets one up (`tender.techniques.hasFrameworkAgreement`), a call-off when the process is
    a stage of a framework (`relatedProcesses` with relationship "framework") or its method says so
    (`tender.procurementMethodDetails`), a concession when its legal basis is the concessions
    directive (`tender.legalBasis`). Nothing here tells a public contract: that is never provided."""
    tender = _obj(release.get("tender"))
    if _obj(tender.get("techniques")).get("hasFrameworkAgreement") is True:
        return ContractType.FRAMEWORK
    if any("framework" in (process.get("relationship") or []) for process in _dicts(release.get("relatedProcesses"))
           if isinstance(process.get("relationship"), list)):
        return ContractType.CALL_OFF
    details = tender.get("procurementMethodDetails")
    if isinstance(details, str) and "framework" in details.lower() and any(
            words in details.lower() for words in _CALL_OFF_WORDS):
        return ContractType.CALL_OFF
    basis = _obj(tender.get("legalBasis"))
    if basis.get("scheme") == "CELEX" and basis.get("id") == CONCESSIONS_DIRECTIVE:
        return ContractType.CONCESSION
    return None


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
        if not _live(award):
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
        raise InvalidInput(f"{source}: ocid {ocid!r} cannot be a contract reference "
                           "(no spaces, at most 100 characters)")
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
            warnings.append(f"{ocid}: contract end {periods.end} is before its start {periods.start}; "
                            "dates not imported")
        else:
            term = term_between(periods.start, periods.end)
    elif periods.start and periods.duration_days:
        term = f"{periods.duration_days}d"
    options = []
    wording = _extension_wording(release, ocid, warnings)
    if wording.options is not None:
        options = wording.options
    elif not wording.unread and term and periods.end and periods.max_extent and periods.max_extent > periods.end:
        # maxExtentDate is the end if every extension is taken: the register holds that as one option.
        options = [term_between(periods.end + timedelta(days=1), periods.max_extent)]
    awarded = any(_live(c) for c in _dicts(release.get("contracts"))) or any(
        _live(a) for a in _dicts(release.get("awards")))
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
    if wording.text:
        provided.add("extension_wording")
    kind = _contract_type(release)
    if kind is not None:
        provided.add("contract_type")
    suppliers = _suppliers(release)
    fields = ContractFields(
        reference=ocid, title=title, description=description, buyer=buyer, status=status.value,
        start_date=start, initial_term=term if start else None, regime=_regime(ocid, release),
        procedure=(method or Procedure.OPEN).value, whole_life_value=value,
        contract_type=(kind or ContractType.PUBLIC_CONTRACT).value,
        suppliers=[name for name, _ in suppliers],
        supplier_identifiers=[identifier for _, identifier in suppliers] if any(i for _, i in suppliers) else [],
        options=options, extension_wording=wording.text,
    )
    return Incoming(fields=fields, provided=frozenset(provided), source=f"ocid {ocid}",
                    milestones=_milestones(release, ocid), provides_suppliers=bool(fields.suppliers),
                    provides_options=bool(options), unread_wording=wording.text if wording.unread else "")
