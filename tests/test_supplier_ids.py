"""Suppliers' registration numbers as identifiers, and matching a supplier's name loosely."""

from __future__ import annotations

import pytest

from contract_tracker.domain.supplier_ids import (
    SupplierMatcher,
    charity_number,
    company_number,
    from_ocds,
    name_key,
    registration_number,
    split,
)
from contract_tracker.errors import InvalidInput


@pytest.mark.parametrize("text, expected", [
    ("01234567", "GB-COH-01234567"), ("1234567", "GB-COH-01234567"), (" 0123 4567 ", "GB-COH-01234567"),
    ("SC123456", "GB-COH-SC123456"), ("sc12345", "GB-COH-SC012345"), ("OC301540", "GB-COH-OC301540"),
    ("GB-COH-01234567", "GB-COH-01234567"), ("11111111.0", "GB-COH-11111111"),
])
def test_company_numbers(text, expected):
    assert company_number(text) == expected


@pytest.mark.parametrize("text", ["123456789", "ABC12345", "", "01234567X", "GB-CHC-1123456"])
def test_not_company_numbers(text):
    with pytest.raises(InvalidInput, match="not a Companies House number"):
        company_number(text)


@pytest.mark.parametrize("text, expected", [
    ("1123456", "GB-CHC-1123456"), ("212345", "GB-CHC-212345"), ("1123456-1", "GB-CHC-1123456"),
    ("SC012345", "GB-SC-SC012345"), ("NIC100002", "GB-NIC-100002"), ("GB-CHC-1123456", "GB-CHC-1123456"),
])
def test_charity_numbers(text, expected):
    assert charity_number(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("GB-COH-1234567", "GB-COH-01234567"), ("GB-CHC-1123456", "GB-CHC-1123456"), ("GB-SC-SC012345", "GB-SC-SC012345"),
    ("GB-NIC-100002", "GB-NIC-100002"), ("01234567", "GB-COH-01234567"), ("SC123456", "GB-COH-SC123456"),
])
def test_registration_numbers_that_say_which_register(text, expected):
    assert registration_number(text) == expected


@pytest.mark.parametrize("text", ["1123456", "SC012345", "212345"])
def test_a_number_that_could_be_either_is_refused_not_guessed(text):
    with pytest.raises(InvalidInput, match="could be a company or a charity number"):
        registration_number(text)


def test_from_ocds_keeps_uk_registers_only():
    assert from_ocds("GB-COH", "00395826") == "GB-COH-00395826"
    assert from_ocds("gb-coh", 11111111) == "GB-COH-11111111"
    assert from_ocds("GB-CHC", "1123456") == "GB-CHC-1123456"
    assert from_ocds("CL-RUT", "76364678") == ""
    assert from_ocds("GB-COH", "458577871") == ""  # nine digits: no company has that number
    assert from_ocds(["GB-COH"], "1") == from_ocds("GB-COH", None) == from_ocds("GB-COH", True) == ""
    assert split("GB-COH-01234567") == ("GB-COH", "01234567") and split("GB-SC-SC012345") == ("GB-SC", "SC012345")


def test_names_match_loosely():
    assert name_key("The Grit & Salt Company Limited") == name_key("GRIT AND SALT CO LTD")
    assert name_key("Avon Care Public Limited Company") == name_key("Avon Care plc")
    assert name_key("Avon Care Ltd") != name_key("Avon Cars Ltd")


def test_the_matcher_fills_in_only_unambiguous_names():
    matcher = SupplierMatcher([("Grit & Salt Ltd", "GB-COH-01234567")])
    matcher.learn("Twice Ltd", "GB-COH-00000001")
    matcher.learn("TWICE LIMITED", "GB-COH-00000002")
    assert matcher.identifier_for("GRIT AND SALT LIMITED") == "GB-COH-01234567"
    assert matcher.identifier_for("Grit & Salt Ltd", "GB-COH-07654321") == "GB-COH-07654321"  # given wins
    assert matcher.identifier_for("Twice Ltd") == ""  # two numbers for one name: not guessed
    assert matcher.identifier_for("Nobody Ltd") == ""
