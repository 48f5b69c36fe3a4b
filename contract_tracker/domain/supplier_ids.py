"""Suppliers' registration numbers: Companies House and charity numbers, kept as org-id identifiers
("GB-COH-01234567", "GB-CHC-1123456"), and used to tell that two rows name the same supplier.

The form is the one OCDS uses (`parties[].identifier`: scheme "GB-COH", id "01234567"), so that a
number read from a council's CSV and one read from a Contracts Finder notice compare equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..errors import InvalidInput

# The registers whose numbers are kept (org-id.guide scheme codes).
SCHEMES = {
    "GB-COH": "Companies House",
    "GB-CHC": "Charity Commission for England and Wales",
    "GB-SC": "Scottish Charity Regulator",
    "GB-NIC": "Charity Commission for Northern Ireland",
}
_COMPANY = re.compile(r"^(?:(\d{1,8})|([A-Z]{2})(\d{1,6}))$")
_PREFIXED = re.compile(r"^(GB-(?:COH|CHC|SC|NIC))-(.+)$")
_EXAMPLE = "e.g. 01234567 or GB-COH-01234567 for a company, GB-CHC-1123456 for a charity"


def _squash(text: str) -> str:
    cleaned = "".join(str(text).split()).upper()
    return cleaned[:-2] if re.fullmatch(r"\d+\.0", cleaned) else cleaned  # a spreadsheet's 1234567.0


def company_number(text: str) -> str:
    """A Companies House number as an identifier: "1234567" is GB-COH-01234567, "SC12345" GB-COH-SC012345."""
    cleaned = _squash(text)
    if cleaned.startswith("GB-COH-"):
        cleaned = cleaned[len("GB-COH-"):]
    match = _COMPANY.match(cleaned)
    if not match:
        raise InvalidInput(f"{text!r} is not a Companies House number (8 characters, {_EXAMPLE})")
    if match.group(1):
        return f"GB-COH-{match.group(1).zfill(8)}"
    return f"GB-COH-{match.group(2)}{match.group(3).zfill(6)}"


def charity_number(text: str) -> str:
    """A registered charity number as an identifier: England and Wales (1123456), Scotland
    (SC012345) or Northern Ireland (NIC100002)."""
    cleaned = _squash(text)
    if _PREFIXED.match(cleaned):
        return registration_number(cleaned)
    if re.fullmatch(r"\d{5,7}(?:-\d{1,2})?", cleaned):
        return f"GB-CHC-{cleaned.split('-')[0]}"
    if re.fullmatch(r"SC0\d{5}", cleaned):
        return f"GB-SC-{cleaned}"
    if re.fullmatch(r"NIC\d{6}", cleaned):
        return f"GB-NIC-{cleaned[3:]}"
    raise InvalidInput(f"{text!r} is not a charity number (e.g. 1123456, SC012345 or NIC100002)")


def registration_number(text: str) -> str:
    """A number from a column that does not say which register: an identifier written in full,
    or a number only a company can have (eight characters). Anything that could be either is
    refused rather than guessed."""
    cleaned = _squash(text)
    if prefixed := _PREFIXED.match(cleaned):
        scheme, number = prefixed.groups()
        if scheme == "GB-COH":
            return company_number(number)
        charity = charity_number(number if scheme != "GB-NIC" or number.startswith("NIC") else f"NIC{number}")
        if not charity.startswith(scheme + "-"):
            raise InvalidInput(f"{text!r} is not a {SCHEMES[scheme]} number")
        return charity
    if re.fullmatch(r"\d{8}|(?!SC0)[A-Z]{2}\d{6}", cleaned):
        return company_number(cleaned)
    raise InvalidInput(f"{text!r} could be a company or a charity number: write it in full ({_EXAMPLE}), "
                       "or name the column 'Companies House Number' or 'Charity Number'")


def from_ocds(scheme: object, number: object) -> str:
    """An OCDS `identifier` (scheme and id) as kept here; "" for schemes not kept or bad numbers."""
    if not isinstance(scheme, str) or not isinstance(number, (str, int)) or isinstance(number, bool):
        return ""
    scheme = scheme.strip().upper()
    if scheme not in SCHEMES or not str(number).strip():
        return ""
    try:
        return registration_number(f"{scheme}-{number}")
    except InvalidInput:
        return ""


def split(identifier: str) -> tuple[str, str]:
    """("GB-COH", "01234567") from "GB-COH-01234567"."""
    match = _PREFIXED.match(identifier)
    return (match.group(1), match.group(2)) if match else ("", identifier)


_LEGAL_FORMS = [(r"\bpublic limited company\b", "plc"), (r"\blimited\b", "ltd"), (r"\bcompany\b", "co"),
                (r"\bcommunity interest company\b", "cic"), (r"\blimited liability partnership\b", "llp")]


@lru_cache(maxsize=16384)
def name_key(name: str) -> str:
    """A supplier's name for matching: "The Grit & Salt Company Limited" and "GRIT AND SALT CO LTD" agree."""
    key = name.lower().replace("&", " and ")
    key = re.sub(r"[^a-z0-9]+", " ", key)
    for pattern, short in _LEGAL_FORMS:
        key = re.sub(pattern, short, key)
    key = re.sub(r"^the\s+", "", key.strip())
    return " ".join(key.split())


class SupplierMatcher:
    """Fills in a supplier's identifier from another row (or the register) that names the same
    supplier with one. A name that goes with two different identifiers is not filled in."""

    def __init__(self, known: Iterable[tuple[str, str]] = ()) -> None:
        self._ids: dict[str, set[str]] = {}
        for name, identifier in known:
            self.learn(name, identifier)

    def learn(self, name: str, identifier: str) -> None:
        if identifier:
            self._ids.setdefault(name_key(name), set()).add(identifier)

    def identifier_for(self, name: str, identifier: str = "") -> str:
        if identifier:
            return identifier
        found = self._ids.get(name_key(name), set())
        return next(iter(found)) if len(found) == 1 else ""
