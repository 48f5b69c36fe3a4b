"""The authority's settings in the store (`authority show|set`), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from contract_tracker.errors import InvalidInput
from contract_tracker.services.authority import authority_settings, set_authority
from contract_tracker.store.models import AuditEvent

TODAY = date(2026, 12, 3)


def test_settings_start_unset_and_are_kept(store):
    with store.session() as session:
        assert authority_settings(session).as_dict() == {
            "name": "", "nation": "", "nation_name": "", "expected_spend": None, "opt_outs": []}
    with store.session() as session:
        set_authority(session, actor="officer", today=TODAY, name="Warwickshire County Council", nation="england",
                      expected_spend="£120,000,000", opt_outs=["uk8 due", "UK8 due"])
    with store.session() as session:
        view = authority_settings(session)
        assert (view.name, view.nation, view.expected_spend, view.opt_outs) == (
            "Warwickshire County Council", "ENG", Decimal("120000000.00"), ("UK8 due",))
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "authority"))
        fields = sorted(event.field for event in events)
        assert fields == ["expected_spend", "name", "nation", "opt_outs"]


def test_only_the_settings_given_change(store):
    with store.session() as session:
        set_authority(session, actor="officer", today=TODAY, name="A Council", expected_spend="150000000")
    with store.session() as session:
        set_authority(session, actor="officer", today=TODAY, nation="NIR")
        view = authority_settings(session)
        assert (view.name, view.nation, view.expected_spend) == ("A Council", "NIR", Decimal("150000000.00"))
    with store.session() as session:
        set_authority(session, actor="officer", today=TODAY, expected_spend="")
        assert authority_settings(session).expected_spend is None


@pytest.mark.parametrize("changes, message", [
    ({"nation": "Cornwall"}, "nation: 'Cornwall' is not one of: ENG (England)"),
    ({"expected_spend": "lots"}, "expected spend: not an amount of money"),
    ({"opt_outs": ["UK7 due"]}, "opt-out: 'UK7 due' is not one of:"),
    ({"name": "x" * 201}, "name is 201 characters long"),
])
def test_bad_settings_are_refused(store, changes, message):
    with store.session() as session, pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        set_authority(session, actor="officer", today=TODAY, **changes)


def test_cli_set_and_show(cli):
    result = cli("authority", "set", "--name", "Warwickshire County Council", "--nation", "ENG",
                 "--expected-spend", "£120,000,000", "--opt-out", "UK8 due")
    assert result.exit_code == 0, result.output
    assert "£120,000,000.00" in result.stdout
    shown = json.loads(cli("authority", "show", "--format", "json").stdout)
    assert shown == {"name": "Warwickshire County Council", "nation": "ENG", "nation_name": "England",
                     "expected_spend": "120000000.00", "opt_outs": ["UK8 due"]}
    assert cli("authority", "set", "--no-opt-outs").exit_code == 0
    assert json.loads(cli("authority", "show", "--format", "json").stdout)["opt_outs"] == []


@pytest.mark.parametrize("args, message", [
    (["authority", "set"], "nothing to change"),
    (["authority", "set", "--nation", "Mars"], "nation: 'Mars' is not one of"),
    (["authority", "set", "--expected-spend", "-5"], "must not be negative"),
    (["authority", "set", "--opt-out", "UK8 due", "--no-opt-outs"], "not both"),
    (["authority", "show", "--format", "xml"], "--format"),
])
def test_cli_refuses_bad_input_in_one_line(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(cli("authority", "show", "--format", "json").stdout)["name"] == ""
