"""The command palette (ctrl+p): the app's main actions, the active screen's, and "Open REFERENCE"."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.worker import WorkerFailed


class TrackerCommands(Provider):
    """Commands come from the screens (`palette_commands()`), so palette, footer and help agree."""

    def _commands(self) -> list[tuple[str, str, object]]:
        app = self.app
        commands = [
            ("Register", "The table of all contracts (F2)", partial(app.action_go, "register")),
            ("Agenda", "The coming weeks' deadlines, overdue first (F3)", partial(app.action_go, "agenda")),
            ("Plan", "Procurements to start in the next 24 months, by financial year (F4)",
             partial(app.action_go, "plan")),
            ("Refresh", "Re-read the store to show other people's changes (F5)", app.action_reload),
            ("Authority settings", "Name, nation, expected spend and the notices it opts out of (F6)",
             app.action_authority),
            ("Help", "Keys and what each screen shows (F1)", app.action_help),
        ]
        screen_commands = getattr(self.screen, "palette_commands", None)
        if screen_commands:
            commands.extend(screen_commands())
        return commands

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class ContractCommands(Provider):
    """"Open REFERENCE" for every contract in the store, from any screen, whatever the register's
    filter. The references are read once each time the palette opens, in a thread worker."""

    SHOWN = 50  # hits offered at most: a long list helps nobody, the next letter narrows it
    FUZZY_UP_TO = 5000  # contracts matched letter by letter; past that, by the text typed as it is

    async def startup(self) -> None:
        self.contracts: list[tuple[str, str]] = []
        worker = self.app.run_worker(self.app.backend.contract_index, thread=True, group="palette-index",
                                     exit_on_error=False)
        try:
            self.contracts = await worker.wait()
        except WorkerFailed as failure:  # the other commands still work; say why these are missing
            self.app.notify(f"Could not list the contracts: {failure.error}", severity="error")

    def _open(self, reference: str):
        return partial(self.app.open_contract, reference)

    async def discover(self) -> Hits:
        for reference, title in self.contracts[: self.SHOWN]:
            yield DiscoveryHit(f"Open {reference}", self._open(reference), help=title)

    async def search(self, query: str) -> Hits:
        text = query.strip().lower()
        if text.startswith("open "):
            text = text[5:].strip()
        if not text:
            return
        contracts = self.contracts
        if len(contracts) > self.FUZZY_UP_TO:  # 100,000 fuzzy matches per keystroke would lag
            contracts = [(ref, title) for ref, title in contracts if text in ref.lower() or text in title.lower()]
        matcher = self.matcher(text)
        hits = []
        for reference, title in contracts:
            score = max(matcher.match(reference), matcher.match(title) * 0.9)
            if score > 0:
                hits.append((score, reference, title))
        hits.sort(key=lambda hit: -hit[0])
        for score, reference, title in hits[: self.SHOWN]:
            yield Hit(score, matcher.highlight(f"Open {reference}"), self._open(reference),
                      text=f"Open {reference}", help=title)
