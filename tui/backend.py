"""What the app may ask of the register: reads through the views, changes through the services.

Every method opens one short session (one transaction) and returns plain values, so it can run
in a thread worker and its result can be handed to the UI thread in a message. Nothing here
touches a widget. Domain errors pass through for the caller to show.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from contract_tracker import services
from contract_tracker.calendar.feeds import DeadlineFilter
from contract_tracker.domain.deadline_item import AUTHORITY_KINDS
from contract_tracker.enums import MilestoneKind, MilestoneStatus
from contract_tracker.errors import DomainError
from contract_tracker.read.agenda import AgendaItem, NoticesStanding, agenda_items, notices_standing
from contract_tracker.read.detail import ChangeView, ContractDetail, MilestoneView, OptionView
from contract_tracker.read.kpis import kpi_line
from contract_tracker.read.views import (
    NEEDS_REVIEW,
    RegisterPage,
    RegisterRow,
    change_view,
    contract_detail,
    history,
    register_page,
    register_rows,
    reprocurement_starts,
    status_matches,
)
from contract_tracker.services.contracts import EDITABLE, ContractFields
from contract_tracker.services.kpis import award_warning
from contract_tracker.services.milestones import MilestoneInput
from contract_tracker.settings import Settings
from contract_tracker.store.database import Store, register_session
from contract_tracker.store.models import Contract

if TYPE_CHECKING:
    from contract_tracker.domain.forward_plan import ForwardPlan

# Screens and widgets reach the views only through here: the register's filter uses these too.


__all__ = ["CHANGE_ERRORS", "NEEDS_REVIEW", "OPT_OUT_KINDS", "Backend", "ContractDetail", "ContractFields",
           "ContractView", "MilestoneView", "OptionView", "RegisterRow", "describe_error", "status_matches"]

# The notices an authority may opt out of (services.authority), for the settings dialog's boxes.
OPT_OUT_KINDS: tuple[str, ...] = tuple(sorted(AUTHORITY_KINDS))

# What a change can fail with that a person should read: refusals, the database, files.
CHANGE_ERRORS = (DomainError, DBAPIError, OSError)


def describe_error(error: Exception) -> str:
    """One line a person can act on, for domain, database and file errors alike."""
    if isinstance(error, DBAPIError):
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        return f"the database refused the request: {reason}"
    if isinstance(error, OSError):
        return f"{error.strerror or error}: {error.filename}" if error.filename else str(error)
    return str(error)


@dataclass(frozen=True)
class Decision:
    """An officer's answer in the option dialog: the reason, and whether it is a late decision."""

    reason: str
    late: bool = False


@dataclass(frozen=True)
class Termination:
    on: date
    reason: str


@dataclass(frozen=True)
class ScheduleChoice:
    """A template, the step whose date is fixed ("service start" or "itt publication") and that date."""

    template: str
    anchor: str
    anchor_date: date


@dataclass(frozen=True)
class Reprocurement:
    """The successor to plan for a contract: its reference, the template, and (if not the day after
    the contract's latest end still possible) its start; a blank title keeps the contract's."""

    reference: str
    template: str
    start: date | None = None
    title: str = ""


@dataclass(frozen=True)
class PreviewRow:
    due: date
    start: date | None
    step: str
    name: str
    length: str  # e.g. "35 days", as the step's rule counts it
    ok: bool  # meets the step's minimum and maximum
    effect: str  # create, update, unchanged, keep (met, missed or cancelled: left as recorded)
    was_due: date | None = None  # for a milestone that moves: its dates before
    was_start: date | None = None


@dataclass(frozen=True)
class SchedulePreview:
    choice: ScheduleChoice
    rows: tuple[PreviewRow, ...]

    def count(self, effect: str) -> int:
        return sum(row.effect == effect for row in self.rows)

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)


@dataclass(frozen=True)
class AuthorityInput:
    """The authority's settings as the dialog gives them (what `authority set` takes): the
    expected spend as typed ("" unsets it), the nation a code or ""."""

    name: str
    nation: str
    expected_spend: str
    opt_outs: tuple[str, ...]


@dataclass(frozen=True)
class NoticeDone:
    """One of the authority's notices published: the day and a note (e.g. where)."""

    key: str  # as `authority notices` names it, e.g. "UK8 2026/27-H1"
    on: date
    note: str = ""


@dataclass(frozen=True)
class ExportScope:
    """What to put in an .ics file: the deadlines `wanted` selects; with `only`, just those
    (reference, kind, due date, title) among them (the agenda's open, shown deadlines)."""

    name: str
    wanted: DeadlineFilter
    only: frozenset[tuple[str, str, date, str]] | None = None


class ReadInterrupted(DomainError):
    """A long read stopped by `Backend.interrupt_reads` (a newer read replaced it, or the app is closing)."""


def next_service_start(detail: ContractDetail) -> date | None:
    """Where a schedule for this contract's next procurement most likely ends: a planned service
    start still ahead (the plan being worked on), else the contract's own start if it has not
    begun, else the day after the latest end still possible (when a successor must start; the
    re-procurement start is worked out back from the same end)."""
    planned = sorted(m.due_date for m in detail.milestones
                     if m.kind == MilestoneKind.SERVICE_START and m.status == MilestoneStatus.PLANNED
                     and m.due_date >= detail.as_of)
    if planned:
        return planned[0]
    if detail.start_date and detail.start_date > detail.as_of:
        return detail.start_date
    end = detail.final_possible_end or detail.current_end
    return end + timedelta(days=1) if end else None


@dataclass(frozen=True)
class ContractView:
    """What the contract screen shows: the contract's detail, its history (oldest first) and its
    money as text charts."""

    detail: ContractDetail
    history: tuple[ChangeView, ...]
    money: tuple[str, ...]
    kpis: str = ""  # one line on its KPIs (read.kpis.kpi_line); "" when it has none and needs none


def _interrupt(dbapi_connection) -> None:
    """Stop the statement running on this connection, from another thread."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.interrupt()
    elif hasattr(dbapi_connection, "cancel_safe"):  # psycopg 3.2+; the UI waits for this, so not long
        dbapi_connection.cancel_safe(timeout=2.0)
    elif hasattr(dbapi_connection, "cancel"):
        dbapi_connection.cancel()


def _length(planned) -> str:
    if planned.length is None:
        return ""
    unit = planned.length_unit[:-1] if planned.length == 1 else planned.length_unit
    return f"{planned.length} {unit}"


@dataclass
class Backend:
    store: Store
    settings: Settings
    today: date
    agenda_weeks: int = 12
    _actor: str = field(init=False)

    def __post_init__(self) -> None:
        self._actor = self.settings.user
        self._calendar = None  # the planning calendar (bank holidays, closures), read when first needed
        self._lock = threading.Lock()
        self._long_reads: dict[object, bool] = {}  # connection of a read in flight -> interrupted?

    # Long reads, which the UI can stop -------------------------------------------------------
    @contextmanager
    def _interruptible(self, session: Session) -> Iterator[None]:
        """Let `interrupt_reads` stop this session's read: the statement running is interrupted
        by the database, and any later statement refused, so the thread ends in moments rather
        than seconds (a worker's thread is waited for when the app exits)."""
        connection = session.connection()
        dbapi = connection.connection.dbapi_connection

        def refuse_if_interrupted(*_args) -> None:
            if self._long_reads.get(dbapi):
                raise ReadInterrupted("the read was stopped")

        with self._lock:
            self._long_reads[dbapi] = False
        event.listen(connection, "before_cursor_execute", refuse_if_interrupted)
        try:
            yield
        except Exception:
            if self._long_reads.get(dbapi):
                raise ReadInterrupted("the read was stopped") from None
            raise
        finally:
            event.remove(connection, "before_cursor_execute", refuse_if_interrupted)
            with self._lock:
                self._long_reads.pop(dbapi, None)

    def interrupt_reads(self) -> None:
        """Stop every long read in flight (called from the UI thread); each raises ReadInterrupted."""
        with self._lock:
            for dbapi in self._long_reads:
                self._long_reads[dbapi] = True
                _interrupt(dbapi)

    # Reads -----------------------------------------------------------------------------------
    def _current(self) -> Store:
        """The store, with the authority's own notices brought forward to the app's day first
        (services.notices.bring_notices_current: on the first read of the day it works them out,
        afterwards one primary-key read), so the app shows them as of its day whenever the
        command line last ran, and follows the day if it changes."""
        from contract_tracker.services.notices import bring_notices_current

        bring_notices_current(self.store, self.today)
        return self.store

    def register(self) -> list[RegisterRow]:
        """The whole register: seconds at national scale, so `interrupt_reads` can stop it."""
        with self._current().session() as session, self._interruptible(session):
            return register_rows(session, as_of=self.today)

    def contract_index(self) -> list[tuple[str, str]]:
        """(reference, title) of every contract, by reference: what "Open REFERENCE" offers."""
        with self.store.session() as session:
            return [tuple(row) for row in session.exec(
                select(Contract.reference, Contract.title).order_by(Contract.reference))]

    def register_page(self, limit: int = 200) -> RegisterPage:
        """The register's first rows in its default order, quick at any size (views.register_page)."""
        with self._current().session() as session:
            return register_page(session, as_of=self.today, limit=limit)

    def contract(self, reference: str) -> ContractView:
        """The contract's detail (see views.contract_detail) with its audit history and money."""
        with self._current().session() as session:
            contract = services.get_contract(session, reference)
            return ContractView(
                detail=contract_detail(session, contract, as_of=self.today),
                history=tuple(change_view(event) for event in history(session, contract)),
                money=tuple(self._money(session, reference)),
                kpis=kpi_line(session, contract),
            )

    @staticmethod
    def _money(session: Session, reference: str) -> list[str]:
        from contract_tracker.read.finance_chart import spend_chart, unit_cost_chart
        from contract_tracker.read.finance_views import contract_figures

        _, figures = contract_figures(session, reference)
        return [*spend_chart(figures), "", *unit_cost_chart(figures)]

    def notices_standing(self) -> NoticesStanding:
        """The authority's own notices open today, in brief (agenda.notices_standing)."""
        with self._current().session() as session:
            return notices_standing(session, as_of=self.today)

    def finance_summary(self) -> dict:
        """This financial year's total budget, spend and variance (finance_views.year_summary)."""
        from contract_tracker.read.finance_views import year_summary

        with self.store.session() as session:
            return year_summary(session, self.today)

    def forward_plan(self) -> ForwardPlan:
        """Every procurement that must start in the next 24 months (forward_plan.forward_plan)."""
        from contract_tracker.domain.forward_plan import forward_plan, horizon_end

        with self._current().session() as session:
            starts = reprocurement_starts(session, as_of=self.today, until=horizon_end(self.today))
        return forward_plan(starts, self.today)

    def agenda(self, weeks: int | None = None) -> list[AgendaItem]:
        with self._current().session() as session:
            return agenda_items(session, as_of=self.today, weeks=weeks or self.agenda_weeks)

    def _planning_calendar(self):
        if self._calendar is None:
            from contract_tracker.domain.workdays import configured_calendar
            from contract_tracker.paths import config_dir
            self._calendar = configured_calendar(config_dir())
        return self._calendar

    def _apply(self, session: Session, reference: str, choice: ScheduleChoice, expected_version: int | None):
        from contract_tracker.services.schedules import apply_schedule

        return apply_schedule(
            session, reference, choice.template, anchor=choice.anchor, anchor_date=choice.anchor_date,
            calendar=self._planning_calendar(), actor=self._actor, expected_version=expected_version)

    def preview_schedule(self, reference: str, choice: ScheduleChoice) -> SchedulePreview:
        """What applying `choice` would do, by applying it in a transaction that is rolled back:
        the preview is the service's own answer, never a second copy of its rules."""
        from contract_tracker.services.milestones import milestones_of

        with register_session(self.store.engine) as session:
            try:
                contract = services.get_contract(session, reference)
                before = {m.id: (m.start_date, m.due_date) for m in milestones_of(session, contract.id)}
                result = self._apply(session, reference, choice, None)
                effects, was = {}, {}
                for effect, milestones in (("create", result.created), ("update", result.updated),
                                           ("unchanged", result.unchanged), ("keep", result.kept)):
                    effects.update({m.template_key: effect for m in milestones})
                was.update({m.template_key: before[m.id] for m in result.updated if m.id in before})
                template = result.plan.template
                rows = []
                for p in result.plan.steps:
                    key = template.milestone_key(p.step)
                    was_start, was_due = was.get(key, (None, None))
                    rows.append(PreviewRow(due=p.due, start=p.start, step=p.step.key, name=p.step.name,
                                           length=_length(p), ok=p.ok, effect=effects.get(key, ""),
                                           was_due=was_due, was_start=was_start))
                rows = tuple(rows)
            finally:
                session.rollback()
        return SchedulePreview(choice, rows)

    def export_ics(self, scope: ExportScope, path: Path) -> int:
        """Write the scope's deadlines to `path` as iCalendar, whole or not at all; the number of events."""
        from contract_tracker.calendar.feeds import calendar_rows
        from contract_tracker.calendar.ics_writer import write_calendar
        from contract_tracker.calendar.origin import origin_of
        from contract_tracker.files import open_atomically

        with self._current().session() as session, open_atomically(path) as out:
            rows = calendar_rows(session, scope.wanted, as_of=self.today)
            if scope.only is not None:
                rows = (r for r in rows if (r.contract_reference, r.kind, r.due_date, r.title) in scope.only)
            return write_calendar(out.write, rows, origin=origin_of(session), name=scope.name)

    # Changes (each one service call, so each one audited) ------------------------------------
    def add_contract(self, data: ContractFields) -> str:
        with self.store.session() as session:
            return services.register_contract(session, data, actor=self._actor).reference

    def edit_contract(self, reference: str, data: ContractFields, version: int | None = None,
                      was: ContractFields | None = None) -> str:
        """Save `data`; with `was` (what the form started from) only the fields the person changed,
        so saving again after a reload never puts back what someone else changed meanwhile. Returns
        a warning to show, if the change leaves an awarded contract short of KPIs (kpis.award_warning)."""
        changes = {f.name: getattr(data, f.name) for f in fields(data) if f.name in EDITABLE
                   and (was is None or getattr(data, f.name) != getattr(was, f.name))}
        suppliers = data.suppliers if was is None or data.suppliers != was.suppliers else None
        with self.store.session() as session:
            contract = services.edit_contract(session, reference, changes, actor=self._actor,
                                              suppliers=suppliers, expected_version=version)
            awarding = changes.keys() & {"status", "contract_type"}
            return award_warning(session, contract.reference) if awarding else ""

    def terminate(self, reference: str, termination: Termination, version: int | None = None) -> None:
        with self.store.session() as session:
            services.terminate(session, reference, on=termination.on, reason=termination.reason, actor=self._actor,
                               expected_version=version)

    def exercise_option(self, reference: str, ordinal: int, decision: Decision, version: int | None = None) -> None:
        with self.store.session() as session:
            services.exercise_option(session, reference, ordinal, today=self.today, actor=self._actor,
                                     note=decision.reason, force_reason=decision.reason if decision.late else None,
                                     expected_version=version)

    def decline_option(self, reference: str, ordinal: int, decision: Decision, version: int | None = None) -> None:
        with self.store.session() as session:
            services.decline_option(session, reference, ordinal, today=self.today, actor=self._actor,
                                    note=decision.reason, force_reason=decision.reason if decision.late else None,
                                    expected_version=version)

    def add_milestone(self, reference: str, milestone: MilestoneInput) -> None:
        with self.store.session() as session:
            services.add_milestone(session, reference, kind=milestone.kind, name=milestone.name,
                                   due=milestone.due, owner=milestone.owner, notes=milestone.notes,
                                   actor=self._actor)

    def edit_milestone(self, reference: str, milestone_id: int, milestone: MilestoneInput,
                       version: int | None = None, was: MilestoneInput | None = None) -> str:
        """Save the milestone; with `was` (what the form started from) only what was changed. Returns
        a warning to show, if an award step met leaves the contract short of KPIs."""
        changes = {"kind": milestone.kind, "name": milestone.name, "due": milestone.due,
                   "owner": milestone.owner, "notes": milestone.notes}
        if milestone.status:
            changes["status"] = milestone.status
        if was is not None:
            changes = {name: value for name, value in changes.items() if value != getattr(was, name)}
        with self.store.session() as session:
            edited = services.edit_milestone(session, reference, milestone_id, changes, actor=self._actor,
                                             expected_version=version)
            return award_warning(session, reference, step_kind=edited.kind) if "status" in changes else ""

    def milestone_met(self, reference: str, milestone_id: int, met_on: date, version: int | None = None) -> str:
        """Mark the milestone met; returns a warning to show, if it was an award step and the contract
        is short of KPIs (kpis.award_warning)."""
        with self.store.session() as session:
            done = services.complete_milestone(session, reference, milestone_id, met_on=met_on, today=self.today,
                                               actor=self._actor, expected_version=version)
            return award_warning(session, reference, step_kind=done.kind)

    def reprocure(self, reference: str, successor: Reprocurement) -> str:
        """Plan `successor` to replace `reference` (services.reprocurement); say what was carried over."""
        from contract_tracker.services.reprocurement import reprocure

        with self.store.session() as session:
            result = reprocure(session, [reference], reference=successor.reference, template_key=successor.template,
                               as_of=self.today, calendar=self._planning_calendar(), actor=self._actor,
                               start=successor.start, title=successor.title or None)
            value = "" if result.annual_value is None else f", £{result.annual_value:,.0f} a year as a first estimate"
            return (f"Planned {result.successor.reference} from {result.start:%-d %b %Y}: "
                    f"{len(result.applied.plan.steps)} milestones{value}")

    # The authority ----------------------------------------------------------------------------
    def authority(self) -> dict:
        """The authority's settings as stored (services.authority.AuthorityView.as_dict)."""
        from contract_tracker.services.authority import authority_settings

        with self.store.session() as session:
            return authority_settings(session).as_dict()

    def set_authority(self, values: AuthorityInput) -> dict:
        """Save the settings (audited, only what changed); the notices are worked out again."""
        from contract_tracker.services.authority import set_authority

        with self.store.session() as session:
            view = set_authority(session, actor=self._actor, today=self.today, name=values.name,
                                 nation=values.nation, expected_spend=values.expected_spend,
                                 opt_outs=list(values.opt_outs))
            return view.as_dict()

    def notice_done(self, done: NoticeDone) -> str:
        """Record one of the authority's notices published (services.notices); its title."""
        from contract_tracker.services.notices import record_notice_done

        with self.store.session() as session:
            row = record_notice_done(session, done.key, done_on=done.on, today=self.today, note=done.note,
                                     actor=self._actor)
            return row.title

    def apply_schedule(self, reference: str, choice: ScheduleChoice, version: int | None = None) -> None:
        with self.store.session() as session:
            self._apply(session, reference, choice, version)
