"""Fixtures for the TUI tests: an app on the demo register (every back end) with today fixed."""

from __future__ import annotations

import pytest

from contract_tracker.settings import resolve
from contract_tracker.tui.app import create_app
from tui_helpers import workers_done


async def _settle(pilot) -> None:
    """Let thread workers finish and their messages land, a few times over (a change starts a load)."""
    for _ in range(3):
        await workers_done(pilot.app)
        await pilot.pause()


@pytest.fixture
def settle():
    return _settle


@pytest.fixture
def make_app(today):
    def make(store):
        return create_app(store, resolve(None, "tui officer"), today)
    return make


@pytest.fixture
def demo_app(demo_store, make_app):
    return make_app(demo_store)
