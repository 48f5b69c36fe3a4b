"""OCDS import: lots' renewal wording read into options through the same parser as registers
(unreadable wording kept and flagged for review), suppliers' Companies House numbers from
`parties[].identifier`, both carried by the OCDS export, and data of the wrong shape or types
refused with one line and the store left as it was, never a traceback."""

from __future__ import annotations

import copy
import json
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from contract_tracker.errors import InvalidInput
from contract_tracker.interchange.exporters.ocds import register_package
from contract_tracker.interchange.importers.ocds import import_ocds
from contract_tracker.interchange.ocds_schema import package_errors
from contract_tracker.read.views import contract_detail, register_rows
from contract_tracker.services import get_contract, options_of
from contract_tracker.store.database import Store
from contract_tracker.store.models import AuditEvent, Contract, ContractSupplier, ExtensionOption
from shared_data import OCDS, clean, load, releases_in
from test_extension_wording import NOTICES

TODAY = date(2026, 11, 22)
READS = dict(NOTICES)  # each renewal text of the UK files and the options it gives, by hand


@pytest.fixture
def sqlite_store(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'ocds.sqlite'}")
    yield store
    store.close()


def _import(store, raw, *, source="data.json"):
    with store.session() as session:
        return import_ocds(session, raw, source=source, actor="importer")


def _counts(store) -> tuple[int, ...]:
    with store.session() as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (Contract, AuditEvent, ExtensionOption, ContractSupplier))


@pytest.mark.parametrize("name", ["sell2wales-2025-release-package.json",
                                  "public-contracts-scotland-2019-release-package.json"])
def test_renewal_wording_of_the_lots_becomes_options_or_a_review(store, name):
    """Each contract's options are what its lots' renewal texts read as (the table in
    test_extension_wording, written by hand); lots that cannot be read, or that disagree, leave
    the contract without options, keeping the wording and listed for review."""
    path = OCDS / "uk" / name
    result = _import(store, path.read_bytes(), source=name)
    read = review = 0
    with store.session() as session:
        for release in releases_in(load(path)):
            contract = get_contract(session, release["ocid"])
            texts = list(dict.fromkeys(lot["renewal"]["description"].strip()
                                       for lot in release["tender"].get("lots", [])
                                       if (lot.get("renewal") or {}).get("description")))
            options = [o.length for o in options_of(session, contract)]
            if not texts:
                assert contract.extension_wording == "" and options == []
                continue
            for text in texts:
                assert text in contract.extension_wording  # kept exactly
            readings = {READS[text] for text in texts}
            if None in readings or len(readings) > 1:
                assert options == [] and contract.reference in result.review
                assert contract_detail(session, contract, as_of=TODAY).needs_review
                review += 1
            else:
                assert tuple(options) == readings.pop()
                assert contract.reference not in result.review
                read += 1
        flagged = {row.reference for row in register_rows(session, as_of=TODAY, needs_review=True)}
    assert flagged == set(result.review)
    assert read > 2 * review and review >= 1
    again = _import(store, path.read_bytes(), source=name)
    assert not again.created and not again.updated  # and importing again changes nothing


def test_companies_house_numbers_come_from_the_parties(sqlite_store):
    path = OCDS / "uk" / "contracts-finder-2025-release-package.json"
    _import(sqlite_store, path.read_bytes())
    checked = 0
    with sqlite_store.session() as session:
        for release in releases_in(load(path)):
            parties = {p["id"]: p for p in release.get("parties", [])}
            for award in release.get("awards", []):
                for supplier in award.get("suppliers", []):
                    identifier = (parties.get(supplier.get("id")) or {}).get("identifier") or {}
                    if identifier.get("scheme") != "GB-COH":
                        continue
                    stored = session.exec(select(ContractSupplier.identifier).join(Contract).where(
                        Contract.reference == release["ocid"], ContractSupplier.name == clean(supplier["name"]),
                    )).first()
                    number = str(identifier["id"]).strip().upper()
                    if number.isdigit() and len(number) <= 8:
                        assert stored == f"GB-COH-{number.zfill(8)}"
                    elif re.fullmatch(r"[A-Z]{2}\d{6}", number):
                        assert stored == f"GB-COH-{number}"
                    else:  # not a Companies House number (nine digits, say): not kept
                        assert stored == ""
                    checked += 1
    assert checked >= 50


def test_the_ocds_export_names_registered_suppliers_by_their_numbers_and_reads_back_the_same(sqlite_store):
    path = OCDS / "uk" / "contracts-finder-2025-release-package.json"
    _import(sqlite_store, path.read_bytes())
    with sqlite_store.session() as session:
        package = register_package(session, as_of=TODAY, published=TODAY_AT, publisher="test")
    assert package_errors(package) == []
    identified = [party for release in package["releases"] for party in release["parties"]
                  if "supplier" in party["roles"] and "identifier" in party]
    assert len(identified) >= 50
    assert all(party["id"] == f"{party['identifier']['scheme']}-{party['identifier']['id']}" for party in identified)
    before = _counts(sqlite_store)
    again = _import(sqlite_store, json.dumps(package), source="export.json")
    assert not again.created and _counts(sqlite_store)[3] == before[3]
    with sqlite_store.session() as session:
        assert session.exec(select(func.count()).select_from(ContractSupplier)
                            .where(ContractSupplier.identifier != "")).one() >= 50


# --- the wrong shape or types ---------------------------------------------------------------


def _small_release() -> dict:
    data = load(OCDS / "uk" / "sell2wales-2025-release-package.json")
    release = next(r for r in data["releases"] if r["tender"].get("lots"))
    return {"uri": "x", "version": "1.1", "publishedDate": "2025-01-01T00:00:00Z", "releases": [copy.deepcopy(release)]}


def _set(data, path: list, value):
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


NAMED = [
    (["releases", 0, "tender"], ["a", "list"]),
    (["releases", 0, "tender", "lots"], {"not": "a list"}),
    (["releases", 0, "tender", "lots", 0, "renewal"], "text"),
    (["releases", 0, "tender", "lots", 0, "renewal", "description"], 42),
    (["releases", 0, "tender", "lots", 0, "contractPeriod", "durationInDays"], True),
    (["releases", 0, "tender", "title"], {"en": "a dict"}),
    (["releases", 0, "date"], 20250101),
    (["releases", 0, "ocid"], ["not", "text"]),
    (["releases", 0, "awards"], {"status": "active"}),
    (["releases", 0, "parties"], "everyone"),
    (["releases", 0, "tag"], 7),
    (["releases"], "none"),
]


@pytest.mark.parametrize("path, value", NAMED, ids=lambda v: "/".join(map(str, v)) if isinstance(v, list) else None)
def test_a_field_of_the_wrong_type_is_refused_in_one_line_or_read_safely(sqlite_store, path, value):
    data = _small_release()
    _set(data, path, value)
    try:
        _import(sqlite_store, json.dumps(data))
    except InvalidInput as error:
        assert "\n" not in str(error) and "Traceback" not in str(error)
        assert _counts(sqlite_store) == (0, 0, 0, 0)


def test_awards_and_parties_of_the_wrong_types_are_read_safely(sqlite_store):
    """A compiled release (not merged again), so that the mapping itself meets the odd types."""
    data = _small_release()
    release = data["releases"][0]
    release["tag"] = ["compiled"]
    release["awards"] = [{"status": ["active"], "suppliers": [{"id": {"x": 1}, "name": "Odd Ltd"}]}]
    release["parties"] = [{"id": 1, "name": "Odd Ltd", "roles": 5, "identifier": {"scheme": ["GB-COH"], "id": 1}}]
    result = _import(sqlite_store, json.dumps(data))
    assert len(result.created) == 1


@pytest.mark.parametrize("text, words", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"releases": [{"ocid": "ocds-x", "date": "2020-01-01", "value": ' + "9" * 5000 + "}]}", "not usable JSON"),
    ('{"releases": [{"ocid": "ocds-x\\u0000", "date": "2020-01-01"}]}', "NUL character"),
])
def test_json_no_importer_could_use_is_refused_in_one_line(sqlite_store, text, words):
    with pytest.raises(InvalidInput, match=words):
        _import(sqlite_store, text)
    assert _counts(sqlite_store) == (0, 0, 0, 0)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8)
                     | st.sampled_from(["2025-02-30", "2025-01-01T00:00:00Z", "", "ocds-x", "active", "GB-COH"]),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                     max_leaves=6)


def _paths(value, prefix=()):
    yield list(prefix)
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


RELEASE_PATHS = [path for path in _paths(_small_release()) if path and path[0] == "releases"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.sampled_from(RELEASE_PATHS), _JSON), min_size=1, max_size=3))
def test_real_data_with_any_field_replaced_is_imported_or_refused_in_one_line(sqlite_store, changes):
    data = _small_release()
    for path, value in changes:
        try:
            _set(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the place
    before = _counts(sqlite_store)
    try:
        _import(sqlite_store, json.dumps(data))
    except InvalidInput as error:
        assert "\n" not in str(error)
        assert _counts(sqlite_store) == before


TODAY_AT = __import__("datetime").datetime(2026, 11, 22, 12, 0, tzinfo=__import__("datetime").UTC)
