"""Import OCDS data (Find a Tender, Contracts Finder, other publishers) into the register.

Each ocid becomes one contract whose reference is the ocid, so importing the same data again
finds it and changes only what differs (reading: ocds_packages; mapping: ocds_mapping).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from ..errors import DomainError
from ..models import Contract, ImportedRecord
from ..services.audit import utcnow
from .common import ImportResult, apply_incoming
from .ocds_mapping import to_incoming
from .ocds_packages import collect, compile_ocid, parse_json

__all__ = ["import_ocds", "parse_json"]


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
    elif (seen.contract_id != contract_id or _older(seen.source_date, release_date)
          or (release_date and not seen.source_date)):
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
