"""The shared validation: the services and the bulk path refuse the same contracts with the same
words, and the limits (options, periods, text, money, dates) hold on both."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contract_tracker.errors import InvalidInput
from contract_tracker.services import BreakInput, ContractFields, register_contract
from contract_tracker.services.audit import utcnow
from contract_tracker.services.bulk_rows import check_contract
from contract_tracker.services.validation import MAX_OPTIONS

GOOD = dict(reference="V-1", title="Valid", start_date=date(2025, 4, 1), initial_term="3y")

BAD = [
    (dict(options=["1y"] * (MAX_OPTIONS + 1)), "21 extension options; a contract has at most 20"),
    (dict(options=["51y"]), "option 1: a period can be at most 50 years"),
    (dict(initial_term="601m"), r"initial_term: a period can be at most 50 years \(600 months\)"),
    (dict(title="x" * 301), "title is 301 characters long; at most 300"),
    (dict(reference="R" * 101), "reference is 101 characters long; at most 100"),
    (dict(whole_life_value=Decimal("100000000000000000")), "whole_life_value: more than the most the register holds"),
    (dict(annual_value=Decimal("-1")), "must not be negative"),
    (dict(start_date=date(9998, 1, 1), initial_term="5y"), "outside the years 1 to 9999"),
    (dict(start_date=date(1, 3, 1), reprocurement_lead="12m"), "outside the years 1 to 9999"),
    (dict(start_date=None, status="live"), "a live contract needs a start date"),
    (dict(initial_term=None), "needs an initial term"),
    (dict(suppliers=["A", "B"], supplier_identifiers=["1", "2", "3"]), "3 supplier identifiers for 2 suppliers"),
    (dict(suppliers=["x" * 301]), "supplier is 301 characters long; at most 300"),
    (dict(breaks=[BreakInput(after=None, earliest_date=None)]), "a break clause needs a break date"),
    (dict(breaks=[BreakInput(earliest_date=date(2020, 1, 1))]), "cannot fall before the contract starts"),
    (dict(status="paused"), "status: 'paused' is not one of"),
]


@pytest.mark.parametrize("change, words", BAD, ids=[words[:30] for _, words in BAD])
def test_the_services_and_the_bulk_path_refuse_alike(store, change, words):
    fields = ContractFields(**{**GOOD, **change})
    with pytest.raises(InvalidInput, match=words):
        check_contract(fields, utcnow())
    with pytest.raises(InvalidInput, match=words), store.session() as session:
        register_contract(session, fields, actor="tester")


def test_twenty_options_of_fifty_years_are_allowed(store):
    fields = ContractFields(**{**GOOD, "options": ["50y"] * MAX_OPTIONS, "start_date": date(2000, 1, 1)})
    check_contract(fields, utcnow())
    with store.session() as session:
        register_contract(session, fields, actor="tester")
