"""The command palette (ctrl+p): the app's main actions, the active screen's, and "open contract"."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class TrackerCommands(Provider):
    """Commands come from the screens (`palette_commands()`), so palette, footer and help agree."""

    def _commands(self) -> list[tuple[str, str, object]]:
        app = self.app
        commands = [
            ("Register", "The table of all contracts (F2)", partial(app.switch_mode, "register")),
            ("Agenda", "The coming weeks' deadlines, overdue first (F3)", partial(app.switch_mode, "agenda")),
            ("Refresh", "Re-read the store to show other people's changes (F5)", app.action_reload),
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
