"""One contract: facts, timeline of term and options, breaks, milestones (list and Gantt), history."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from contract_tracker.calendar.feeds import DeadlineFilter
from contract_tracker.enums import OptionStatus

from ..backend import (
    ContractDetail,
    ContractFields,
    ContractView,
    ExportScope,
    MilestoneInput,
    MilestoneView,
    OptionView,
    Reprocurement,
    Termination,
)
from ..messages import Change, with_warning
from ..widgets.facts import ContractFacts
from ..widgets.gantt import MilestoneGantt
from ..widgets.money import MoneyPanel
from ..widgets.timeline import TimelineBar
from .contract_form import ContractFormScreen, draft_from_detail
from .contract_rows import TABLES, table_rows
from .date_reason import MarkMetScreen, TerminateScreen
from .milestone_form import MilestoneFormScreen, input_from_milestone
from .option_decision import DeclineScreen, ExerciseScreen
from .reprocure import ReprocureScreen
from .schedule_apply import ScheduleApplyScreen

TABS = (("milestones", "Milestones"), ("terms", "Options & breaks"), ("deadlines", "Deadlines"),
        ("history", "History"), ("money", "Money"))
class ContractScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="contract.back"),
        Binding("e", "edit", "Edit", id="contract.edit"),
        Binding("m", "add_milestone", "Milestone+", id="contract.milestone_add"),
        Binding("u", "edit_milestone", "Edit milestone", id="contract.milestone_edit"),
        Binding("d", "milestone_met", "Met", id="contract.milestone_met"),
        Binding("x", "exercise", "Exercise", id="contract.exercise"),
        Binding("D", "decline", "Decline", id="contract.decline"),
        Binding("t", "terminate", "Terminate", id="contract.terminate"),
        Binding("a", "apply_schedule", "Schedule", id="contract.schedule_apply"),
        Binding("R", "reprocure", "Re-procure", id="contract.reprocure", show=False),
        Binding("i", "export_ics", "Export .ics", id="contract.export_ics"),
        Binding("M", "show_money", "Money", id="contract.money", show=False),
        *(Binding(f"{n},alt+{n}", f"show_tab('{tab}')", f"{title} tab", id=f"contract.tab_{tab}", show=False)
          for n, (tab, title) in enumerate(TABS, start=1)),
    ]

    class DetailRead(Message):
        """The contract as the screen shows it (its detail, history and money), or why not."""

        def __init__(self, view: ContractView | None, error: str | None = None) -> None:
            self.view, self.error = view, error
            super().__init__()

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference
        self.detail: ContractDetail | None = None

    def title_text(self) -> str:
        return f"Contract {self.reference}"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="contract-body"):
            yield Static(self.reference, id="contract-title")
            yield ContractFacts("Loading…", id="facts")
            yield TimelineBar(id="timeline")
            with TabbedContent(id="contract-tabs"):
                for tab, title in TABS:
                    with TabPane(title, id=f"tab-{tab}"):
                        if tab == "money":
                            yield MoneyPanel(id="money")
                            continue
                        yield DataTable(id=f"table-{tab}", cursor_type="row", zebra_stripes=True)
                        if tab == "milestones":
                            yield MilestoneGantt(id="gantt")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#timeline").border_title = "Term and options"
        for name, columns in TABLES.items():
            self.query_one(f"#table-{name}", DataTable).add_columns(*columns)
        self.reload()

    def reload(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, group="contract-read")
    def _read(self) -> None:
        try:
            message = self.DetailRead(self.app.backend.contract(self.reference))
        except Exception as error:
            message = self.DetailRead(None, str(error))
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_contract_screen_detail_read(self, message: DetailRead) -> None:
        view = message.view
        if view is None:
            self.query_one("#facts", ContractFacts).update(f"Could not read {self.reference}: {message.error}")
            return
        d = self.detail = view.detail
        self.query_one("#contract-title", Static).update(Text.assemble((d.reference, "bold"), "  ", d.title))
        self.query_one("#facts", ContractFacts).show(d, view.kpis)
        self.query_one("#timeline", TimelineBar).show(d)
        self.query_one("#gantt", MilestoneGantt).show(d.milestones, d.as_of)
        self.query_one("#money", MoneyPanel).show(list(view.money))
        for name, rows in table_rows(view).items():
            self._fill(name, rows)

    def _fill(self, name: str, rows: list[tuple]) -> None:
        table = self.query_one(f"#table-{name}", DataTable)
        cursor = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=str(key))
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    # Actions: each opens a form that saves through a service and stays open if refused -------
    def _version(self) -> int | None:
        """The contract version this screen read: a change made from it is refused if someone
        changed the contract since. Read when the form is submitted, so after a reload the form
        saves on top of the other person's change."""
        return self.detail.version if self.detail else None

    def action_edit(self) -> None:
        if self.detail is None:
            return
        ref, was = self.reference, draft_from_detail(self.detail)

        def save(fields: ContractFields) -> Change:
            version = self._version()
            return Change(with_warning(f"Saved {ref}"),
                          lambda backend: backend.edit_contract(ref, fields, version, was=was))
        self.app.push_screen(ContractFormScreen(was, editing=True, save=save))

    def _selected_milestone(self) -> MilestoneView | None:
        table = self.query_one("#table-milestones", DataTable)
        if self.detail is None or not table.row_count:
            self.notify("No milestone to choose: add one with m", severity="warning")
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next(m for m in self.detail.milestones if str(m.id) == key)

    def action_add_milestone(self) -> None:
        ref = self.reference

        def save(milestone: MilestoneInput) -> Change:
            return Change(f"Added milestone {milestone.name}", lambda backend: backend.add_milestone(ref, milestone))
        self.app.push_screen(MilestoneFormScreen(save=save))

    def action_edit_milestone(self) -> None:
        milestone = self._selected_milestone()
        if milestone is None:
            return
        ref, was = self.reference, input_from_milestone(milestone)

        def save(result: MilestoneInput) -> Change:
            version = self._version()
            return Change(with_warning(f"Saved milestone {result.name}"),
                          lambda backend: backend.edit_milestone(ref, milestone.id, result, version, was=was))
        self.app.push_screen(MilestoneFormScreen(milestone, save=save))

    def action_milestone_met(self) -> None:
        milestone = self._selected_milestone()
        if milestone is None:
            return
        ref = self.reference

        def save(result) -> Change:
            version = self._version()
            return Change(with_warning(f"Marked met: {milestone.name}"),
                          lambda backend: backend.milestone_met(ref, milestone.id, result.on, version))
        self.app.push_screen(MarkMetScreen(
            f"Mark met: {milestone.name}", f"Due {milestone.due_date}. On which day was it met?",
            day=self.app.backend.today, save=save))

    def _option_to_decide(self) -> OptionView | None:
        d = self.detail
        if d is None:
            return None
        wanted = d.next_decision.option if d.next_decision else None
        for option in d.options:
            if option.option == wanted or (wanted is None and option.recorded_status == OptionStatus.AVAILABLE):
                return option
        self.notify("No option is waiting for a decision", severity="warning")
        return None

    def _decide(self, exercise: bool) -> None:
        option = self._option_to_decide()
        if option is None:
            return
        ref, ordinal = self.reference, option.option

        def save(decision) -> Change:
            version = self._version()
            if exercise:
                return Change(f"Exercised option {ordinal} of {ref}",
                              lambda backend: backend.exercise_option(ref, ordinal, decision, version))
            return Change(f"Declined option {ordinal} of {ref}",
                          lambda backend: backend.decline_option(ref, ordinal, decision, version))
        self.app.push_screen((ExerciseScreen if exercise else DeclineScreen)(ref, option, save=save))

    def action_exercise(self) -> None:
        self._decide(True)

    def action_decline(self) -> None:
        self._decide(False)

    def action_terminate(self) -> None:
        if self.detail is None:
            return
        ref = self.reference

        def save(result) -> Change:
            version = self._version()
            return Change(f"Terminated {ref}",
                          lambda backend: backend.terminate(ref, Termination(result.on, result.reason), version))
        self.app.push_screen(TerminateScreen(
            f"Terminate {ref}?", "The contract ends early on this day (its last day); options not yet taken lapse.",
            day=self.app.backend.today, save=save,
            question=f"Terminate {ref} with {{day}} as its last day? Options not yet taken lapse. "
                     "This cannot be undone here."))

    def action_apply_schedule(self) -> None:
        if self.detail is None:
            return
        ref = self.reference

        def save(choice) -> Change:
            version = self._version()
            return Change(f"Applied {choice.template} to {ref}",
                          lambda backend: backend.apply_schedule(ref, choice, version))
        self.app.push_screen(ScheduleApplyScreen(self.detail, save=save))

    def action_reprocure(self) -> None:
        if self.detail is None:
            return
        ref = self.reference

        def save(successor: Reprocurement) -> Change:
            return Change(str, lambda backend: backend.reprocure(ref, successor))
        self.app.push_screen(ReprocureScreen(self.detail, save=save))

    def action_export_ics(self) -> None:
        self.app.export_ics(ExportScope(f"{self.reference} deadlines", DeadlineFilter(contracts=(self.reference,))),
                            f"Every deadline of {self.reference}, with reminders (done ones marked as done).",
                            f"{self.reference}.ics")

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#contract-tabs", TabbedContent).active = f"tab-{tab}"

    def action_show_money(self) -> None:
        self.action_show_tab("money")

    def palette_commands(self) -> list[tuple[str, str, object]]:
        return [
            (f"Edit {self.reference}", "Change the contract's facts (e)", self.action_edit),
            ("Add milestone", "A procurement or contract milestone (m)", self.action_add_milestone),
            ("Edit milestone", "The milestone selected in the list (u)", self.action_edit_milestone),
            ("Mark milestone met", "The milestone selected in the list (d)", self.action_milestone_met),
            ("Exercise option", "The next option awaiting a decision (x)", self.action_exercise),
            ("Decline option", "The next option awaiting a decision (D)", self.action_decline),
            (f"Terminate {self.reference}", "End the contract early, with a reason (t)", self.action_terminate),
            ("Apply a schedule template", "Plan milestones from a template, with a preview (a)",
             self.action_apply_schedule),
            (f"Re-procure {self.reference}", "Plan a successor, its milestones back from its start (R)",
             self.action_reprocure),
            (f"Export {self.reference} to .ics", "Its deadlines as a calendar file (i)", self.action_export_ics),
            ("Show money", "Spend by financial year against budget, unit cost trend (M)", self.action_show_money),
        ]
