"""One contract: facts, timeline of term and options, breaks, milestones (list and Gantt), history."""

from __future__ import annotations

from datetime import date
from functools import partial

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from contract_tracker.feeds import DeadlineFilter

from ..backend import ContractFields, ExportScope
from ..messages import DataLoaded, LoadFailed
from ..widgets.facts import ContractFacts
from ..widgets.gantt import MilestoneGantt
from ..widgets.money import MoneyPanel
from ..widgets.timeline import TimelineBar
from .contract_form import ContractFormScreen, draft_from_detail
from .date_reason import DateReasonScreen
from .milestone_form import MilestoneFormScreen
from .option_decision import OptionDecisionScreen
from .schedule_apply import ScheduleApplyScreen

TABLES = {
    "milestones": ("Due", "Milestone", "Kind", "Status", "Met on", "Owner"),
    "terms": ("What", "Period", "Decide by", "Status", "Note"),
    "deadlines": ("Due", "Days", "Deadline", "State"),
    "history": ("When (UTC)", "Who", "What", "Change", "Reason"),
}
STATE_STYLE = {"met": "green", "exercised": "green", "done": "green", "missed": "red", "declined": "dim",
               "lapsed": "dim", "cancelled": "dim"}


def _styled(value: str) -> Text:
    return Text(value or "", style=STATE_STYLE.get(value, ""))


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
        Binding("i", "export_ics", "Export .ics", id="contract.export_ics"),
        Binding("M", "show_money", "Money", id="contract.money", show=False),
    ]

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference
        self.detail: dict | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="contract-body"):
            yield Static(self.reference, id="contract-title")
            yield ContractFacts("Loading…", id="facts")
            yield TimelineBar(id="timeline")
            with TabbedContent(id="contract-tabs"):
                for tab, title in (("milestones", "Milestones"), ("terms", "Options & breaks"),
                                   ("deadlines", "Deadlines"), ("history", "History")):
                    with TabPane(title, id=f"tab-{tab}"):
                        yield DataTable(id=f"table-{tab}", cursor_type="row", zebra_stripes=True)
                        if tab == "milestones":
                            yield MilestoneGantt(id="gantt")
                with TabPane("Money", id="tab-money"):
                    yield MoneyPanel(id="money")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#timeline").border_title = "Term and options"
        for name, columns in TABLES.items():
            self.query_one(f"#table-{name}", DataTable).add_columns(*columns)
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="contract-load")
    def _load(self) -> None:
        try:
            self.post_message(DataLoaded("contract", self.app.backend.contract(self.reference)))
        except Exception as error:
            self.post_message(LoadFailed("contract", str(error)))

    def on_load_failed(self, message: LoadFailed) -> None:
        self.query_one("#facts", ContractFacts).update(f"Could not read {self.reference}: {message.error}")

    def on_data_loaded(self, message: DataLoaded) -> None:
        d = self.detail = message.payload
        self.query_one("#contract-title", Static).update(Text.assemble((d["reference"], "bold"), "  ", d["title"]))
        self.query_one("#facts", ContractFacts).show(d)
        self.query_one("#timeline", TimelineBar).show(d)
        self.query_one("#gantt", MilestoneGantt).show(d["milestones"], date.fromisoformat(d["as_of"]))
        self.query_one("#money", MoneyPanel).show(d["money"])
        self._fill("milestones", [
            (m["id"], (m["due_date"] if not m["start_date"] else f"{m['start_date']}…{m['due_date']}",
                       m["name"], m["kind"], _styled(m["status"]), m["met_on"] or "", m["owner"]))
            for m in d["milestones"]
        ])
        terms = [(f"option-{o['option']}", (f"Option {o['option']} ({o['length']})",
                                            f"{o['period_start']} to {o['period_end']}", o["decide_by"],
                                            _styled(o["status_as_of"]), o["note"]))
                 for o in d["options"]]
        terms += [(f"break-{i}", ("Break clause", f"ends {b['break_date']}", b["serve_notice_by"],
                                  f"{b['notice']} notice", ""))
                  for i, b in enumerate(d["breaks"])]
        self._fill("terms", terms)
        self._fill("deadlines", [
            (f"{x['kind']}-{x['ordinal']}", (x["due_date"], Text(str(x["days_left"]), justify="right"),
                                              Text(x["title"], style="bold red" if x["overdue"] else ""),
                                              _styled(x["state"])))
            for x in d["deadlines"]
        ])
        self._fill("history", [
            (str(i), (f"{e['at']:%Y-%m-%d %H:%M}", e["actor"], f"{e['entity']} {e['action']}",
                      f"{e['field']}: {e['old']} → {e['new']}" if e["field"] else e["new"], e["reason"]))
            for i, e in enumerate(reversed(d["history"]))
        ])

    def _fill(self, name: str, rows: list[tuple]) -> None:
        table = self.query_one(f"#table-{name}", DataTable)
        cursor = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=str(key))
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    # Actions ---------------------------------------------------------------------------------
    def _change(self, summary: str, call, retry=None) -> None:
        self.app.change(summary, call, retry)

    def action_edit(self, draft: ContractFields | None = None, error: str | None = None) -> None:
        if self.detail is None:
            return
        ref, version = self.reference, self.detail["version"]

        def saved(result: ContractFields | None) -> None:
            if result is not None:
                self._change(f"Saved {ref}", lambda backend: backend.edit_contract(ref, result, version),
                             retry=partial(self.action_edit, result))
        form = ContractFormScreen(draft or draft_from_detail(self.detail), editing=True, error=error)
        self.app.push_screen(form, saved)

    def _selected_milestone(self) -> dict | None:
        table = self.query_one("#table-milestones", DataTable)
        if self.detail is None or not table.row_count:
            self.notify("No milestone to choose: add one with m", severity="warning")
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next(m for m in self.detail["milestones"] if str(m["id"]) == key)

    def action_add_milestone(self, draft=None, error: str | None = None) -> None:
        ref = self.reference

        def saved(result) -> None:
            if result is not None:
                self._change(f"Added milestone {result.name}", lambda backend: backend.add_milestone(ref, result),
                             retry=partial(self.action_add_milestone, result))
        self.app.push_screen(MilestoneFormScreen(draft=draft, error=error), saved)

    def action_edit_milestone(self) -> None:
        milestone = self._selected_milestone()
        if milestone is None:
            return
        ref, version = self.reference, self.detail["version"]

        def saved(result) -> None:
            if result is not None:
                self._change(f"Saved milestone {result.name}",
                             lambda backend: backend.edit_milestone(ref, milestone["id"], result, version))
        self.app.push_screen(MilestoneFormScreen(milestone), saved)

    def action_milestone_met(self) -> None:
        milestone = self._selected_milestone()
        if milestone is None:
            return
        ref, today, version = self.reference, self.app.backend.today, self.detail["version"]

        def saved(result) -> None:
            if result is not None:
                self._change(f"Marked met: {milestone['name']}",
                             lambda backend: backend.milestone_met(ref, milestone["id"], result.on, version))
        self.app.push_screen(DateReasonScreen(
            f"Mark met: {milestone['name']}", f"Due {milestone['due_date']}. On which day was it met?",
            day=today, confirm="Mark met", ask_reason=False), saved)

    def _option_to_decide(self) -> dict | None:
        d = self.detail
        if d is None:
            return None
        wanted = d["next_decision"]["option"] if d["next_decision"] else None
        for option in d["options"]:
            if option["option"] == wanted or (wanted is None and option["recorded_status"] == "available"):
                return option
        self.notify("No option is waiting for a decision", severity="warning")
        return None

    def _decide(self, exercise: bool) -> None:
        option = self._option_to_decide()
        if option is None:
            return
        ref, ordinal, version = self.reference, option["option"], self.detail["version"]
        verb = "Exercised" if exercise else "Declined"

        def decided(decision) -> None:
            if decision is not None:
                call = (lambda b: b.exercise_option(ref, ordinal, decision, version)) if exercise else \
                       (lambda b: b.decline_option(ref, ordinal, decision, version))
                self._change(f"{verb} option {ordinal} of {ref}", call)
        self.app.push_screen(OptionDecisionScreen(ref, option, exercise=exercise), decided)

    def action_exercise(self) -> None:
        self._decide(True)

    def action_decline(self) -> None:
        self._decide(False)

    def action_terminate(self) -> None:
        if self.detail is None:
            return
        ref, version = self.reference, self.detail["version"]

        def confirmed(result) -> None:
            if result is not None:
                from ..backend import Termination
                self._change(f"Terminated {ref}",
                             lambda b: b.terminate(ref, Termination(result.on, result.reason), version))
        self.app.push_screen(DateReasonScreen(
            f"Terminate {ref}?", "The contract ends early on this day (its last day); options not yet taken lapse.",
            day=self.app.backend.today, confirm="Terminate", ask_reason=True, danger=True), confirmed)

    def action_apply_schedule(self) -> None:
        if self.detail is None:
            return
        ref, version = self.reference, self.detail["version"]

        def chosen(choice) -> None:
            if choice is not None:
                self._change(f"Applied {choice.template} to {ref}", lambda b: b.apply_schedule(ref, choice, version))
        self.app.push_screen(ScheduleApplyScreen(self.detail), chosen)

    def action_export_ics(self) -> None:
        self.app.export_ics(ExportScope(f"{self.reference} deadlines", DeadlineFilter(contracts=(self.reference,))),
                            f"Every deadline of {self.reference}, with reminders (done ones marked as done).",
                            f"{self.reference}.ics")

    def action_show_money(self) -> None:
        self.query_one("#contract-tabs", TabbedContent).active = "tab-money"

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
            (f"Export {self.reference} to .ics", "Its deadlines as a calendar file (i)", self.action_export_ics),
            ("Show money", "Spend by financial year against budget, unit cost trend (M)", self.action_show_money),
        ]
