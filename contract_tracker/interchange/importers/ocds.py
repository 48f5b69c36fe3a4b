"""Import OCDS data (Find a Tender, Contracts Finder, other publishers) into the register.

Each ocid becomes one contract whose reference is the ocid, so importing the same data again
finds it and changes only what differs (reading: ocds_packages; mapping: ocds_mapping; writing:
common.import_contracts, the bulk path for new contracts). Every ocid is read and checked before
anything is written: a bad one refuses the whole file with one line naming it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from ...errors import DomainError, InvalidInput
from ...services.audit import utcnow
from ...store.models import Contract, ImportedRecord
from .common import ImportResult, Incoming, Progress, check_incoming, import_contracts
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


def _remember(session: Session, seen: dict[str, ImportedRecord], dates: dict[str, str]) -> None:
    """Keep each ocid and the newest release date behind its contract (not audited: provenance only)."""
    ids: dict[str, int] = {}
    references = list(dates)
    for start in range(0, len(references), 900):
        ids.update(session.execute(core_select(Contract.__table__.c.reference, Contract.__table__.c.id)
                                   .where(Contract.__table__.c.reference.in_(references[start:start + 900]))).all())
    for ocid, release_date in dates.items():
        record = seen.get(ocid)
        if record is None:
            session.add(ImportedRecord(contract_id=ids[ocid], scheme="ocds", identifier=ocid,
                                       source_date=release_date, updated_at=utcnow()))
        elif (record.contract_id != ids[ocid] or _older(record.source_date, release_date)
              or (release_date and not record.source_date)):
            record.contract_id, record.source_date, record.updated_at = ids[ocid], release_date, utcnow()
            session.add(record)


def _read_one(found, ocid: str, *, source: str, seen: ImportedRecord | None,
              result: ImportResult) -> tuple[Incoming | None, str]:
    """The ocid's contract as the file gives it (None: older than what was imported before)."""
    release = compile_ocid(found, ocid)
    release_date = release["date"] if isinstance(release.get("date"), str) else ""
    if seen is not None and _older(release_date, seen.source_date):
        result.unchanged.append(ocid)
        result.warnings.append(f"{ocid}: its newest release here ({release_date}) is older than one "
                               f"already imported ({seen.source_date}); left as it is")
        return None, release_date
    incoming = to_incoming(release, source=source, warnings=result.warnings)
    check_incoming(incoming)
    return incoming, release_date


def import_ocds(session: Session, raw: bytes | str, *, source: str, actor: str, dry_run: bool = False,
                progress: Progress | None = None) -> ImportResult:
    """Import every ocid in `raw` in the caller's transaction; on a dry run, roll it back.

    An ocid whose releases are all older than the newest one already imported is skipped, so that
    reading an old notice after a newer one does not take the register backwards.
    """
    data = parse_json(raw, source=source)
    found = collect(data, source=source)
    result = ImportResult(source=source, dry_run=dry_run)
    ocids = found.ocids()
    seen = {record.identifier: record for start in range(0, len(ocids), 900)
            for record in session.exec(select(ImportedRecord).where(
                ImportedRecord.scheme == "ocds", col(ImportedRecord.identifier).in_(ocids[start:start + 900])))}
    incoming: list[Incoming] = []
    dates: dict[str, str] = {}
    for ocid in ocids:
        try:
            item, release_date = _read_one(found, ocid, source=source, seen=seen.get(ocid), result=result)
        except DomainError as error:
            message = str(error)
            raise type(error)(message if message.startswith(ocid) else f"{ocid}: {message}") from None
        except (TypeError, AttributeError, KeyError, ValueError, RecursionError) as error:
            # Publishers' data of a shape no check above foresaw: one line, never a traceback.
            raise InvalidInput(f"{source}: {ocid}: not OCDS as this tool reads it "
                               f"({type(error).__name__}: {str(error)[:80]})") from None
        if item is not None:
            incoming.append(item)
            dates[ocid] = release_date
    try:
        import_contracts(session, incoming, actor=actor, reason=f"imported from OCDS {source}", result=result,
                         progress=progress)
    except DomainError as error:
        raise type(error)(f"{source}: {error}") from None
    _remember(session, seen, dates)
    if dry_run:
        session.rollback()
    return result
