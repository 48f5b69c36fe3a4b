"""The authority's own notices in the deadline stream: worked out again, recorded done, listed.

`refresh_authority_notices` is to the authority what `sync.refresh_deadlines` is to a contract: it
asks the engine (authority_notices) for the notices the register now calls for and reconciles the
stored rows of the authority's kinds with them (sync.reconcile: identities kept, sequences grown,
rows no longer called for kept as superseded). Every reader then finds them in the one stream.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..domain.authority_notices import (
    PIPELINE_OVER,
    NoticeDone,
    RegisterContract,
    authority_notices,
    notice_key,
)
from ..domain.deadline_item import AUTHORITY_KINDS
from ..domain.limits import clean_text
from ..enums import ContractStatus, DeadlineKind, Regime
from ..errors import InvalidInput, NotFound
from ..store.models import AuthorityNoticeDone, AuthoritySettings, Contract, Deadline
from .audit import record_authority, utcnow
from .authority_settings import authority_settings
from .deadline_rows import CONTENT, SUPERSEDED, reconcile, row_content

if TYPE_CHECKING:
    from ..store.database import Store

AUTHORITY_TITLE = "The authority"  # the contract title of a notice about no one contract
_END = DeadlineKind.CONTRACT_END.value


def _register(session: Session) -> tuple[list[RegisterContract], dict[int, tuple[str, str]]]:
    """The PA 2023 contracts awarded, each with its current end (its contract-end row), and each
    one's title and service area (copied into its UK9 rows for filtering)."""
    end_row = select(col(Deadline.contract_id), col(Deadline.due_date)).where(
        Deadline.kind == _END, Deadline.state != SUPERSEDED).subquery()
    rows = session.exec(
        select(Contract, end_row.c.due_date)
        .outerjoin(end_row, end_row.c.contract_id == Contract.id)
        .where(Contract.regime == Regime.PA2023.value, Contract.status != ContractStatus.PLANNED.value,
               col(Contract.start_date).is_not(None))
    ).all()
    contracts = [RegisterContract(id=c.id or 0, reference=c.reference, owner=c.owner_role, regime=c.regime,
                                  status=c.status, light_touch=c.light_touch, contract_type=c.contract_type,
                                  start=c.start_date, annual_value=c.annual_value,
                                  whole_life_value=c.whole_life_value, end=end)
                 for c, end in rows]
    return contracts, {c.id or 0: (c.title, c.service_area) for c, _end in rows}


def _done(session: Session) -> dict[str, NoticeDone]:
    records = session.exec(select(AuthorityNoticeDone))
    return {row.key: NoticeDone(done_on=row.done_on, note=row.note) for row in records}


def refresh_authority_notices(session: Session, *, today: date | None = None) -> int:
    """Rewrite the authority's notices; the number of rows changed. `today` bounds the notices with
    no other end and is kept for the refreshes that come with a contract's change (today None)."""
    settings_row = session.get(AuthoritySettings, 1)
    if today is None:
        today = settings_row.notices_as_of if settings_row is not None else None
    if today is None:
        return 0  # never worked out yet: the first command with a day does it
    if settings_row is None:
        settings_row = AuthoritySettings(id=1, name="", nation="", opt_outs="")
    if settings_row.notices_as_of != today:
        settings_row.notices_as_of = today
        session.add(settings_row)
    session.flush()
    wanted = wanted_notices(session, today)
    stored = {(row.contract_id, row.kind, row.ordinal): row
              for row in session.exec(select(Deadline).where(col(Deadline.kind).in_(AUTHORITY_KINDS)))}
    existing = {key: {name: getattr(row, name) for name in (*CONTENT, "sequence")} for key, row in stored.items()}
    inserts, updates = reconcile(existing, wanted, utcnow())
    for (contract_id, kind, ordinal), values in inserts.items():
        session.add(Deadline(contract_id=contract_id, kind=kind, ordinal=ordinal, **values))
    for key, values in updates.items():
        row = stored[key]
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)
    session.flush()
    return len(inserts) + len(updates)


def refresh_in(connection: Connection) -> int:
    """`refresh_authority_notices` inside `connection`'s open transaction (the bulk loader's, which
    writes contracts through Core); the caller commits."""
    session = Session(bind=connection)
    try:
        changed = refresh_authority_notices(session)
        session.flush()
        return changed
    finally:
        session.close()


Identity = tuple[int | None, str, int]  # (contract or None, kind, ordinal)


def wanted_notices(session: Session, today: date) -> dict[Identity, dict[str, Any]]:
    """The stored content (services.sync.CONTENT) of every notice the register calls for as of `today`."""

    view = authority_settings(session)
    contracts, details = _register(session)
    pipeline = pipeline_references(session, today) if lists_pipeline(session) else None
    notices = authority_notices(contracts, view.facts(), today, _done(session), pipeline)
    title = view.name or AUTHORITY_TITLE
    wanted: dict[Identity, dict[str, Any]] = {}
    for notice in notices:
        contract_title, area = details.get(notice.contract_id, (title, "")) if notice.contract_id else (title, "")
        wanted[notice.contract_id, notice.item.kind.value, notice.item.ordinal] = row_content(
            notice.item, reference=notice.contract_reference, title=contract_title, service_area=area)
    return wanted


def lists_pipeline(session: Session) -> bool:
    """Whether UK1 notices are due (an expected spend over £100 million, no opt-out): then each
    one lists the register's pipeline, which any contract's change may alter."""
    row = session.get(AuthoritySettings, 1)
    return (row is not None and row.expected_spend is not None and row.expected_spend > PIPELINE_OVER
            and DeadlineKind.UK1_DUE.value not in row.opt_outs.split(","))


def pipeline_references(session: Session, today: date) -> list[str]:
    """The references `report pipeline --uk1` lists as of `today`, in its order: what a UK1 notice
    publishes (the report's own query, so the notice and the command always agree)."""
    from ..read.reports import Filters, pipeline_report, window
    from ..read.reports.pipeline import UK1_THRESHOLD, UK1_WITHIN

    report = pipeline_report(session, as_of=today, win=window(today, UK1_WITHIN), filters=Filters(),
                             over=UK1_THRESHOLD)
    return [row["reference"] for row in report.rows]


def notices_mismatch(session: Session) -> str:
    """'' when the stored notices equal those the register calls for (as of the day they were last
    worked out), else what differs: `db check`'s question, for the authority's rows."""
    row = session.get(AuthoritySettings, 1)
    if row is None or row.notices_as_of is None:
        return ""
    wanted = wanted_notices(session, row.notices_as_of)
    stored = {(r.contract_id, r.kind, r.ordinal): r
              for r in session.exec(select(Deadline).where(col(Deadline.kind).in_(AUTHORITY_KINDS)))}
    missing = [key for key in wanted if key not in stored]
    extra = [key for key, r in stored.items() if key not in wanted and r.state != SUPERSEDED]
    differing = [key for key, content in wanted.items() if key in stored
                 and any(getattr(stored[key], name) != value for name, value in content.items())]

    def name(key: Identity) -> str:
        reference = wanted[key]["contract_reference"] if key in wanted else stored[key].contract_reference
        return notice_key(key[1], key[2], reference)

    for problem, keys in (("missing", missing), ("no longer due", extra), ("not current", differing)):
        if keys:
            more = f" and {len(keys) - 3} more" if len(keys) > 3 else ""
            return f"{problem}: {', '.join(name(key) for key in keys[:3])}{more}"
    return ""


def keep_notices_current(session: Session, today: date) -> int:
    """Work the notices out as of `today` when they were last worked out as of another day (so the
    notices with no other end move on with the calendar); 0 when nothing needed doing."""
    if notices_as_of(session) == today:
        return 0
    return refresh_authority_notices(session, today=today)


def notices_as_of(session: Session) -> date | None:
    """The day the notices were last worked out as of (None: never)."""
    row = session.get(AuthoritySettings, 1)
    return row.notices_as_of if row is not None else None


_bringing = threading.Lock()  # one thread of a process works them out; the others wait and find them done


def bring_notices_current(store: Store, today: date) -> int:
    """`keep_notices_current` for readers that serve many days from one process (the feed server,
    the app): the notices worked out as of `today`, in a transaction of their own that commits
    before the reader reads. When they already are (every call of a day but the first) it costs one
    primary-key read and writes nothing, so the deadline version, and with it every feed's ETag,
    stays as it was. Another process working them out at the same moment is no error."""
    with store.session() as session:
        if notices_as_of(session) == today:
            return 0
    with _bringing:
        try:
            with store.session() as session:
                return keep_notices_current(session, today)
        except IntegrityError:  # the same rows inserted by another process first
            with store.session() as session:
                if notices_as_of(session) == today:
                    return 0
            raise


def find_notice(session: Session, key: str) -> Deadline:
    """The stored notice named `key` (as `authority notices` lists it)."""
    wanted = clean_text(key, field="notice", required=True)
    for row in session.exec(select(Deadline).where(col(Deadline.kind).in_(AUTHORITY_KINDS),
                                                   Deadline.state != SUPERSEDED)):
        if notice_key(row.kind, row.ordinal, row.contract_reference).lower() == wanted.lower():
            return row
    raise NotFound(f"no authority notice {wanted!r} (see `authority notices` for their names)")


def record_notice_done(session: Session, key: str, *, done_on: date, today: date, note: str = "",
                       actor: str) -> Deadline:
    """Record the notice `key` published on `done_on` (not after today), with a note; its row turns done."""
    row = find_notice(session, key)
    if done_on > today:
        raise InvalidInput(f"a notice cannot be published in the future ({done_on}; today is {today})")
    cleaned = clean_text(note, field="note", multiline=True, max_length=2000)
    name = notice_key(row.kind, row.ordinal, row.contract_reference)
    record = session.exec(select(AuthorityNoticeDone).where(AuthorityNoticeDone.key == name)).first()
    if record is None:
        record = AuthorityNoticeDone(key=name, done_on=done_on, note=cleaned, recorded_by=actor, recorded_at=utcnow())
    else:
        record.done_on, record.note, record.recorded_by, record.recorded_at = done_on, cleaned, actor, utcnow()
    session.add(record)
    record_authority(session, actor=actor, entity="notice", action="done", field=name, new=done_on, reason=cleaned)
    refresh_authority_notices(session, today=today)
    session.refresh(row)
    return row


def reopen_notice(session: Session, key: str, *, today: date, actor: str) -> Deadline:
    """Take back a notice recorded done by mistake."""
    row = find_notice(session, key)
    name = notice_key(row.kind, row.ordinal, row.contract_reference)
    record = session.exec(select(AuthorityNoticeDone).where(AuthorityNoticeDone.key == name)).first()
    if record is None:
        raise InvalidInput(f"{name} is not recorded done")
    session.delete(record)
    record_authority(session, actor=actor, entity="notice", action="reopened", field=name, old=record.done_on)
    refresh_authority_notices(session, today=today)
    session.refresh(row)
    return row


def authority_rows(session: Session) -> list[Deadline]:
    """Every stored notice of the authority that the facts still call for, by date."""
    return list(session.exec(
        select(Deadline).where(col(Deadline.kind).in_(AUTHORITY_KINDS), col(Deadline.state) != SUPERSEDED)
        .order_by(col(Deadline.due_date), col(Deadline.kind), col(Deadline.contract_reference),
                  col(Deadline.ordinal))))
