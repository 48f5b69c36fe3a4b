"""Read models: what the CLI, the TUI and JSON output show of contracts. Typed views (read/detail.py)
and register rows, built from the facts and the materialised deadlines; no rules of their own."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..domain.durations import parse_duration, period_end
from ..domain.lifecycle import (
    break_points,
    current_end,
    initial_end,
    maximum_extent,
    next_decision,
    option_windows,
    status_as_of,
    status_on,
)
from ..enums import (
    ContractStatus,
    ContractType,
    DeadlineKind,
    DeadlineState,
    MilestoneKind,
    MilestoneStatus,
    OptionStatus,
    Procedure,
    Regime,
    Standing,
)
from ..gc_pause import gc_paused
from ..services.lookup import options_of
from ..services.milestones import milestones_of
from ..services.sync import load_snapshot
from ..store.models import AuditEvent, Contract, ContractSupplier, Deadline, ExtensionOption, Milestone
from .detail import (
    BreakView,
    ChangeView,
    ContractDetail,
    DeadlineView,
    MilestoneView,
    NextDecision,
    OptionView,
    iso,
)
from .final_end import final_end_of
from .stream import in_force, is_open, is_overdue, standing_of, standing_sql

if TYPE_CHECKING:
    from ..domain.forward_plan import StartRow


def contract_detail(session: Session, contract: Contract, *, as_of: date) -> ContractDetail:
    """Every fact of one contract and the dates derived from them, as of `as_of`."""
    snapshot = load_snapshot(session, contract)
    terms = snapshot.terms
    options = {o.ordinal: o for o in options_of(session, contract)}
    upcoming = next_decision(terms, as_of)
    predecessors = session.exec(select(Contract.reference).where(Contract.successor_id == contract.id)).all()
    successor = session.get(Contract, contract.successor_id) if contract.successor_id else None
    deadlines = session.exec(
        select(Deadline, standing_sql(as_of)).where(Deadline.contract_id == contract.id)
        .order_by(Deadline.due_date, Deadline.kind, Deadline.ordinal)
    ).all()
    shown = [(row, Standing(value)) for row, value in deadlines
             if value not in (Standing.PENDING.value, Standing.SUPERSEDED.value)]
    # The latest end still open and when to re-procure for it, as every report reads them.
    final = final_end_of(session, contract, terms, as_of=as_of)
    suppliers = session.exec(
        select(ContractSupplier.name, ContractSupplier.identifier).where(ContractSupplier.contract_id == contract.id)
        .order_by(ContractSupplier.position)
    ).all()
    return ContractDetail(
        reference=contract.reference, title=contract.title, description=contract.description,
        buyer=contract.buyer, service_area=contract.service_area, owner_role=contract.owner_role,
        owner_contact=contract.owner_contact,
        suppliers=tuple(name for name, _ in suppliers),
        supplier_identifiers=tuple(identifier for _, identifier in suppliers),
        status=ContractStatus(contract.status), status_as_of=status_as_of(terms, as_of), as_of=as_of,
        regime=Regime(contract.regime), procedure=Procedure(contract.procedure), light_touch=contract.light_touch,
        contract_type=ContractType(contract.contract_type),
        start_date=contract.start_date, initial_term=contract.initial_term,
        initial_end=initial_end(terms), current_end=current_end(terms),
        final_possible_end=final.ends_on, maximum_extent=maximum_extent(terms),
        reprocurement_start=final.reprocure_from,
        decision_notice=contract.decision_notice, reprocurement_lead=contract.reprocurement_lead,
        currency=contract.currency, annual_value=contract.annual_value,
        whole_life_value=contract.whole_life_value,
        terminated_on=contract.terminated_on, termination_reason=contract.termination_reason,
        replaces=tuple(sorted(predecessors)), successor=successor.reference if successor else None,
        next_decision=None if upcoming is None else NextDecision(upcoming.ordinal, upcoming.decide_by),
        options=tuple(
            OptionView(
                option=window.ordinal, length=options[window.ordinal].length, notice=window.notice,
                period_start=window.period_start, period_end=window.period_end,
                window_opens=window.window_opens, decide_by=window.decide_by,
                recorded_status=OptionStatus(options[window.ordinal].status), status_as_of=window.status,
                decided_on=options[window.ordinal].decided_on, decided_by=options[window.ordinal].decided_by,
                note=options[window.ordinal].note,
            )
            for window in option_windows(terms, as_of)
        ),
        extension_wording=contract.extension_wording,
        needs_review=needs_review(contract.extension_wording, len(options)),
        breaks=tuple(BreakView(p.break_date, p.serve_notice_by, p.notice) for p in break_points(terms)),
        milestones=tuple(milestone_view(m) for m in milestones_of(session, contract.id)),
        deadlines=tuple(deadline_view(d, as_of, value) for d, value in shown),
        version=contract.version,
    )


def needs_review(extension_wording: str, options: int) -> bool:
    """A contract whose options were worded in a way this tool could not read: the wording is kept
    and no options were taken from it, so a person must read it (and add the options)."""
    return bool(extension_wording) and options == 0


def milestone_view(m: Milestone) -> MilestoneView:
    return MilestoneView(
        id=m.id, kind=MilestoneKind(m.kind), name=m.name, start_date=m.start_date, due_date=m.due_date,
        status=MilestoneStatus(m.status), met_on=m.met_on, owner=m.owner, notes=m.notes,
    )


def deadline_view(d: Deadline, as_of: date, standing: Standing | None = None) -> DeadlineView:
    """One deadline as it stands on `as_of` (stream.standing)."""
    return DeadlineView(
        kind=DeadlineKind(d.kind), ordinal=d.ordinal, start_date=d.start_date, due_date=d.due_date,
        state=DeadlineState(d.state), standing=standing or standing_of(d, as_of),
        days_left=(d.due_date - as_of).days, title=d.title, action=d.action, owner=d.owner,
    )


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register: enough to list, sort and filter contracts."""

    reference: str
    title: str
    suppliers: str
    status: str
    owner_role: str
    service_area: str
    current_end: str | None
    next_deadline: str | None
    next_deadline_title: str | None
    days_left: int | None
    overdue: int
    needs_review: bool = False  # extension wording kept but not read (see needs_review)
    successor: str = ""  # the reference of the contract that replaces this one, if any
    replaces: int = 0  # how many contracts this one replaces

    def as_dict(self) -> dict:
        return asdict(self)

    def chain(self) -> str:
        """Where the contract stands in a re-procurement chain, in a few words ("" if nowhere)."""
        parts = [f"→ {self.successor}"] if self.successor else []
        if self.replaces:
            parts.append(f"replaces {self.replaces}")
        return ", ".join(parts)

    def title_with_chain(self) -> str:
        """The title as the register lists it: with its place in a chain, if it has one."""
        chain = self.chain()
        return f"{self.title} ({chain})" if chain else self.title


# A choice beside the statuses in a register's status filter: contracts whose extension wording
# awaits a person (RegisterRow.needs_review).
NEEDS_REVIEW = "needs review"


def status_matches(row: RegisterRow, status: str | None) -> bool:
    """Whether a register row passes a status filter (a status, NEEDS_REVIEW, or None for any)."""
    return status is None or row.status == status or (status == NEEDS_REVIEW and row.needs_review)


def register_rows(session: Session, *, as_of: date, status: str | None = None, owner: str | None = None,
                  service_area: str | None = None, needs_review: bool = False) -> list[RegisterRow]:
    """The register with each contract's current end and next open deadline, in a few queries,
    ordered by reference; with `needs_review`, only contracts whose extension wording awaits a person.
    The collector is paused meanwhile: a million objects at national scale (see gc_pause), and the
    TUI reads this while people type."""
    with gc_paused():
        rows = _register(session, as_of=as_of, status=status, owner=owner, service_area=service_area)
    return [row for row in rows if row.needs_review] if needs_review else rows


@dataclass(frozen=True)
class RegisterPage:
    """The register's first rows in its default order (see `soonest_first`), and how many
    contracts the whole register holds."""

    rows: list[RegisterRow]
    total: int


def soonest_first(rows: list[RegisterRow]) -> list[RegisterRow]:
    """The register's default order: soonest next deadline first, contracts with none ahead last.
    The sort is stable, so rows in `register_rows`' order (by reference, as the database
    collates) keep that order within a day."""
    return sorted(rows, key=lambda row: (row.next_deadline is None, row.next_deadline or ""))


# Open deadlines read per query while looking for the contracts due soonest.
_PAGE_BATCH = 1000


def register_page(session: Session, *, as_of: date, limit: int = 200) -> RegisterPage:
    """The first `limit` rows of `soonest_first(register_rows(...))`, without reading the rest.

    At national scale the whole register takes seconds (every contract's next and overdue
    deadlines over 1.5 million deadline rows); this reads the open deadlines from `as_of` on in
    due-date order until `limit` contracts have turned up, then builds rows for those alone
    by indexed look-ups, through the same code as `register_rows`."""
    soonest: dict[int, date] = {}  # contract id -> its first open deadline from as_of
    since = as_of
    while len(soonest) < limit:
        batch = session.exec(
            select(Deadline.contract_id, Deadline.due_date)
            .where(is_open(as_of), Deadline.due_date >= since, col(Deadline.contract_id).is_not(None))
            .order_by(Deadline.due_date).limit(_PAGE_BATCH)
        ).all()
        for contract_id, due in batch:
            soonest.setdefault(contract_id, due)
        if len(batch) < _PAGE_BATCH:
            break
        # The limit may cut the last day short: read the rest of it, so that every contract due
        # by then is known, however many share that day.
        last = batch[-1][1]
        for contract_id in session.exec(select(Deadline.contract_id).where(
                is_open(as_of), Deadline.due_date == last, col(Deadline.contract_id).is_not(None))):
            soonest.setdefault(contract_id, last)
        since = last + timedelta(days=1)
    # Ties within a day go by reference as the database orders it, as register_rows does.
    by_reference = session.exec(
        select(Contract.id).where(Contract.id.in_(list(soonest))).order_by(Contract.reference)
    ).all() if soonest else []
    chosen = sorted(by_reference, key=soonest.__getitem__)[:limit]
    if len(chosen) < limit:  # fewer contracts have a deadline ahead: the rest, by reference
        rest = select(Contract.id).order_by(Contract.reference).limit(limit - len(chosen))
        if soonest:
            rest = rest.where(Contract.id.not_in(list(soonest)))
        chosen += session.exec(rest).all()
    rows = soonest_first(_register(session, as_of=as_of, ids=chosen)) if chosen else []
    total = session.exec(select(func.count()).select_from(Contract)).one()
    return RegisterPage(rows[:limit], total)


def reprocurement_starts(session: Session, *, as_of: date, until: date | None = None) -> list[StartRow]:
    """The re-procurement starts still to be made on `as_of` (stream.is_open), due by `until`,
    each with its standing on that day and its contract's whole-life value: what
    forward_plan.forward_plan draws the plan from. One indexed query on the deadline table."""
    from ..domain.forward_plan import StartRow  # here, not at the top: the register's first paint does without

    query = (
        select(Deadline.contract_reference, Deadline.contract_title, Deadline.service_area, Deadline.owner,
               Deadline.due_date, Deadline.ends_on, standing_sql(as_of), Contract.whole_life_value)
        .join(Contract, Contract.id == Deadline.contract_id)
        .where(is_open(as_of), Deadline.kind == DeadlineKind.REPROCUREMENT_START.value)
    )
    if until is not None:
        query = query.where(Deadline.due_date <= until)
    return [StartRow(reference=reference, title=title, service_area=area, owner=owner, start=start,
                     ends_on=ends_on, standing=Standing(standing), whole_life_value=value)
            for reference, title, area, owner, start, ends_on, standing, value in session.exec(query)]


def _register(session: Session, *, as_of: date, ids: list[int] | None = None, status: str | None = None,
              owner: str | None = None, service_area: str | None = None) -> list[RegisterRow]:
    """The register's rows by reference, of every contract or only of those whose id is in `ids`."""
    def among(query, column):
        return query if ids is None else query.where(column.in_(ids))

    # Plain rows of the columns listed, not ORM objects: 100,000 Contract instances cost seconds.
    query = select(
        Contract.id, Contract.reference, Contract.title, Contract.status, Contract.owner_role,
        Contract.service_area, Contract.start_date, Contract.initial_term, Contract.terminated_on,
    )
    if owner:
        query = query.where(Contract.owner_role == owner)
    if service_area:
        query = query.where(Contract.service_area == service_area)
    contracts = session.exec(among(query, Contract.id).order_by(Contract.reference)).all()
    suppliers: dict[int, list[str]] = {}
    for contract_id, name in session.exec(among(
        select(ContractSupplier.contract_id, ContractSupplier.name), ContractSupplier.contract_id
    ).order_by(ContractSupplier.contract_id, ContractSupplier.position)):
        suppliers.setdefault(contract_id, []).append(name)
    ends = dict(session.exec(among(
        select(Deadline.contract_id, Deadline.due_date).where(Deadline.kind == DeadlineKind.CONTRACT_END.value,
                                                               in_force(as_of)),
        Deadline.contract_id,
    )).all())
    open_ = is_open(as_of)
    next_due = among(select(Deadline.contract_id, func.min(Deadline.due_date).label("due")).where(
        open_, Deadline.due_date >= as_of
    ), Deadline.contract_id).group_by(Deadline.contract_id).subquery()
    upcoming: dict[int, tuple[int, date, str]] = {}
    for deadline_id, contract_id, due, title in session.exec(
        select(Deadline.id, Deadline.contract_id, Deadline.due_date, Deadline.title).join(
            # coalesce(x, x) is x, but keeps SQLite from looking the rows up by (due_date, state):
            # every open deadline due that day, a hundred or more at national scale, for each
            # contract (over a minute at 100,000 contracts). By contract id it is a handful.
            next_due, and_(next_due.c.contract_id == Deadline.contract_id,
                           next_due.c.due == func.coalesce(Deadline.due_date, Deadline.due_date))
        ).where(open_)
    ):
        # Several open deadlines due that day: the first recorded names it, on every database
        # and whatever order the join returns them in.
        if contract_id not in upcoming or deadline_id < upcoming[contract_id][0]:
            upcoming[contract_id] = (deadline_id, due, title)
    review = set(session.exec(among(select(Contract.id).where(
        Contract.extension_wording != "",
        ~select(ExtensionOption.id).where(ExtensionOption.contract_id == Contract.id).exists(),
    ), Contract.id)))
    # The re-procurement chain: each contract's successor by reference, and how many each replaces.
    later = aliased(Contract)
    successors: dict[int, str] = dict(session.exec(among(
        select(Contract.id, later.reference).join(later, col(later.id) == col(Contract.successor_id)), Contract.id,
    )).all())
    predecessors = dict(session.exec(among(
        select(Contract.successor_id, func.count()).where(col(Contract.successor_id).is_not(None)),
        Contract.successor_id,
    ).group_by(Contract.successor_id)).all())
    overdue = dict(session.exec(among(
        select(Deadline.contract_id, func.count()).where(is_overdue(as_of)), Deadline.contract_id,
    ).group_by(Deadline.contract_id)).all())
    rows = []
    for contract in contracts:
        end = ends.get(contract.id)
        state = _status_from(contract, end, as_of)
        if status and state != status and contract.status != status:
            continue
        due = upcoming.get(contract.id)
        rows.append(RegisterRow(
            reference=contract.reference, title=contract.title,
            suppliers="; ".join(suppliers.get(contract.id, [])), status=state,
            owner_role=contract.owner_role, service_area=contract.service_area,
            current_end=iso(end), next_deadline=iso(due[1]) if due else None,
            next_deadline_title=due[2] if due else None,
            days_left=(due[1] - as_of).days if due else None, overdue=overdue.get(contract.id, 0),
            needs_review=contract.id in review,
            successor=successors.get(contract.id, ""),
            replaces=predecessors.get(contract.id, 0),
        ))
    return rows


def _status_from(contract, end: date | None, as_of: date) -> str:
    # lifecycle's one status rule from the dates at hand: the current end comes from the deadline
    # table, so no ContractTerms is built per row (for 10,000 rows that cost the TUI most of a second).
    start, term = contract.start_date, contract.initial_term
    first_end = period_end(start, parse_duration(term)) if start is not None and term else None
    return status_on(as_of, planned=contract.status == ContractStatus.PLANNED, start=start,
                     terminated_on=contract.terminated_on, initial_end=first_end, current_end=end).value


def history(session: Session, contract: Contract) -> list[AuditEvent]:
    return list(session.exec(
        select(AuditEvent).where(AuditEvent.contract_id == contract.id).order_by(AuditEvent.at, AuditEvent.id)
    ))


def change_view(event: AuditEvent) -> ChangeView:
    """One audit event, its time in UTC."""
    at = event.at if event.at.tzinfo is None else event.at.astimezone(UTC).replace(tzinfo=None)
    return ChangeView(
        at=at, actor=event.actor, entity=event.entity, entity_id=event.entity_id, action=event.action,
        field=event.field, old_value=event.old_value, new_value=event.new_value, reason=event.reason,
        contract_version=event.contract_version,
    )
