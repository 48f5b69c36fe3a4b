"""Help (F1): every key of the screen it is opened on, read from the bindings themselves."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

INTRO = (
    "Contract tracker keeps contracts, their extension options, break clauses and milestones, and "
    "shows every deadline from one stream. The register lists contracts (type to filter, click a "
    "heading or press s to sort); Enter opens a contract: its facts, a timeline of the term and "
    "options, milestones and history. The agenda lists the coming weeks' deadlines, overdue first. "
    "The plan charts the procurements that must start in the next 24 months, by financial year. "
    "The authority's own notices (UK8, payments over £30,000, UK9, UK1) are on the agenda too: d marks "
    "one done; F6 opens the authority's settings. "
    "Every change goes through the services and is written to the audit trail."
)
PACKAGE = __name__.rsplit(".", 2)[0]  # the app's own package: its widgets' keys are listed too


def _key(binding: Binding) -> str:
    return ", ".join(key.strip().replace("slash", "/") for key in binding.key.split(","))


def own_bindings(cls: type) -> list[Binding]:
    """The bindings a class of this app declares, its own overriding its bases' key by key."""
    keys: dict[str, Binding] = {}
    for base in reversed(cls.__mro__):
        if base.__module__.startswith(PACKAGE):
            keys.update({b.key: b for b in base.__dict__.get("BINDINGS", []) if isinstance(b, Binding)})
    return list(keys.values())


def screen_title(screen: Screen) -> str:
    title = getattr(screen, "title_text", None)
    if callable(title):
        return title()
    return type(screen).__name__.removesuffix("Screen") or "This screen"


def key_rows(screen: Screen) -> list[tuple[str, str]]:
    """(key, description) lines for `screen`: its own keys and those of the app's widgets on it,
    then the keys that work everywhere (in a dialog, only those that work there), then the palette.
    A heading has an empty description."""
    rows: list[tuple[str, str]] = [(screen_title(screen), "")]
    seen: set[str] = set()
    owners = [type(screen)] + [type(node) for node in screen.walk_children()
                               if type(node).__module__.startswith(PACKAGE)]
    for owner in dict.fromkeys(owners):  # each class once, in order
        for binding in own_bindings(owner):
            if binding.key not in seen and binding.description:
                seen.add(binding.key)
                rows.append((_key(binding), binding.description))
    app = screen.app
    everywhere = [b for b in app.BINDINGS if isinstance(b, Binding) and b.key not in seen
                  and (b.priority or not screen.is_modal)]
    if everywhere:
        rows.append(("Everywhere", ""))
        rows += [(_key(b), b.description) for b in everywhere]
    if not screen.is_modal:
        rows += [("Command palette", ""), ("ctrl+p", "Search every action by name; open any contract")]
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help.close")]

    def __init__(self, about: Screen) -> None:
        super().__init__()
        self.about = about

    def rows(self) -> list[tuple[str, str]]:
        return key_rows(self.about)

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, description in self.rows():
            table.add_row(f"  {key}" if description else f"[b]{key}[/b]", description)
        with VerticalScroll(id="dialog", classes="help-dialog"):
            yield Static(f"Keys: {screen_title(self.about)}", classes="dialog-title")
            yield Static(table, id="help-keys")
            if not self.about.is_modal:
                yield Static(INTRO, classes="dialog-text help-intro")
            yield Static("Press Escape or F1 to close.", classes="dialog-text")
        yield Footer()
