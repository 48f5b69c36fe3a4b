"""What the app may ask of the register: reads through the views, changes through the services.

Every method opens one short session (one transaction) and returns plain values, so it can run
in a thread worker and its result can be handed to the UI thread in a message. Nothing here
touches a widget. Domain errors pass through for the caller to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from contract_tracker import services
from contract_tracker.agenda import AgendaItem, agenda_items
from contract_tracker.dates import Span
from contract_tracker.services.contracts import EDITABLE, ContractFields
from contract_tracker.settings import Settings
from contract_tracker.store import Store
from contract_tracker.views import RegisterRow, contract_detail, history, register_rows


@dataclass(frozen=True)
class MilestoneInput:
    kind: str
    name: str
    due: Span
    owner: str = ""
    notes: str = ""
    status: str | None = None  # only when editing


@dataclass(frozen=True)
class Decision:
    """An officer's answer in the option dialog: the reason, and whether it is a late decision."""

    reason: str
    late: bool = False


@dataclass(frozen=True)
class Termination:
    on: date
    reason: str


@dataclass
class Backend:
    store: Store
    settings: Settings
    today: date
    agenda_weeks: int = 12
    _actor: str = field(init=False)

    def __post_init__(self) -> None:
        self._actor = self.settings.user

    # Reads -----------------------------------------------------------------------------------
    def register(self) -> list[RegisterRow]:
        with self.store.session() as session:
            return register_rows(session, as_of=self.today)

    def contract(self, reference: str) -> dict:
        """The contract's detail (see views.contract_detail) with its audit history added."""
        with self.store.session() as session:
            contract = services.get_contract(session, reference)
            detail = contract_detail(session, contract, as_of=self.today)
            detail["history"] = [
                {"at": event.at, "actor": event.actor, "entity": event.entity, "action": event.action,
                 "field": event.field, "old": event.old_value, "new": event.new_value, "reason": event.reason}
                for event in history(session, contract)
            ]
            return detail

    def agenda(self, weeks: int | None = None) -> list[AgendaItem]:
        with self.store.session() as session:
            return agenda_items(session, as_of=self.today, weeks=weeks or self.agenda_weeks)

    # Changes (each one service call, so each one audited) ------------------------------------
    def add_contract(self, data: ContractFields) -> str:
        with self.store.session() as session:
            return services.register_contract(session, data, actor=self._actor).reference

    def edit_contract(self, reference: str, data: ContractFields) -> str:
        changes = {f.name: getattr(data, f.name) for f in fields(data) if f.name in EDITABLE}
        with self.store.session() as session:
            contract = services.edit_contract(session, reference, changes, actor=self._actor,
                                              suppliers=data.suppliers)
            return contract.reference

    def terminate(self, reference: str, termination: Termination) -> None:
        with self.store.session() as session:
            services.terminate(session, reference, on=termination.on, reason=termination.reason, actor=self._actor)

    def exercise_option(self, reference: str, ordinal: int, decision: Decision) -> None:
        with self.store.session() as session:
            services.exercise_option(session, reference, ordinal, today=self.today, actor=self._actor,
                                     note=decision.reason, force_reason=decision.reason if decision.late else None)

    def decline_option(self, reference: str, ordinal: int, decision: Decision) -> None:
        with self.store.session() as session:
            services.decline_option(session, reference, ordinal, today=self.today, actor=self._actor,
                                    note=decision.reason, force_reason=decision.reason if decision.late else None)

    def add_milestone(self, reference: str, milestone: MilestoneInput) -> None:
        with self.store.session() as session:
            services.add_milestone(session, reference, kind=milestone.kind, name=milestone.name,
                                   due=milestone.due, owner=milestone.owner, notes=milestone.notes,
                                   actor=self._actor)

    def edit_milestone(self, reference: str, milestone_id: int, milestone: MilestoneInput) -> None:
        changes = {"kind": milestone.kind, "name": milestone.name, "due": milestone.due,
                   "owner": milestone.owner, "notes": milestone.notes}
        if milestone.status:
            changes["status"] = milestone.status
        with self.store.session() as session:
            services.edit_milestone(session, reference, milestone_id, changes, actor=self._actor)

    def milestone_met(self, reference: str, milestone_id: int, met_on: date) -> None:
        with self.store.session() as session:
            services.complete_milestone(session, reference, milestone_id, met_on=met_on, today=self.today,
                                        actor=self._actor)
