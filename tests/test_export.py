"""Exporting the register: Transparency Code CSV columns and an OCDS release package that
validates against the official OCDS 1.1 schema (jsonschema, the schema shipped in the package)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest

from contract_tracker.interchange.exporters.ocds import register_package
from contract_tracker.interchange.exporters.transparency_csv import write_transparency_csv
from contract_tracker.interchange.importers.ocds import import_ocds
from contract_tracker.interchange.ocds_schema import package_errors, release_schema
from shared_data import OCDS, require_data

TODAY = date(2026, 11, 22)
PUBLISHED = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _package(store, **kwargs) -> dict:
    with store.session() as session:
        return register_package(session, as_of=TODAY, published=PUBLISHED, publisher="Warwickshire County Council",
                                **kwargs)


def test_the_shipped_schema_is_the_official_release_schema():
    schema = release_schema()
    assert schema["id"] == "https://standard.open-contracting.org/schema/1__1__4/release-schema.json"
    assert schema["required"] == ["ocid", "id", "date", "tag", "initiationType"]


def test_demo_register_exports_a_valid_release_package(demo_store):
    package = _package(demo_store, ocid_prefix="ocds-abc123")
    assert package_errors(package) == []
    assert len(package["releases"]) == 10
    release = next(r for r in package["releases"] if r["ocid"] == "ocds-abc123-WCC-SEND-MED-2025")
    assert release["tag"] == ["contract"]
    assert release["contracts"][0]["period"] == {
        "startDate": "2025-09-01T00:00:00Z", "endDate": "2028-08-31T23:59:59Z",
        "maxExtentDate": "2034-08-31T23:59:59Z",
    }
    assert release["buyer"]["name"] == "Warwickshire County Council"
    planned = next(r for r in package["releases"] if r["ocid"].endswith("WSCC-SEND-MDR-2020"))
    assert planned["tag"] == ["tender"] and "awards" not in planned
    terminated = next(r for r in package["releases"] if r["ocid"].endswith("DEMO-YOUTH-2024"))
    assert "contractTermination" in terminated["tag"] and terminated["contracts"][0]["status"] == "terminated"


def test_the_validator_does_find_problems(demo_store):
    package = _package(demo_store)
    del package["releases"][0]["tag"]
    package["releases"][1]["contracts"][0]["period"]["startDate"] = "not a date"
    package.pop("publishedDate")
    errors = package_errors(package)
    assert any("'tag' is a required property" in e for e in errors)
    assert any("'publishedDate' is a required property" in e for e in errors)
    assert any("startDate" in e for e in errors)


def test_imported_real_data_exports_valid_ocds_and_reimports_unchanged(store):
    require_data()
    for name in ("contracts-finder-2020-award-packages.json", "sell2wales-2025-release-package.json"):
        path = OCDS / "uk" / name
        with store.session() as session:
            import_ocds(session, path.read_bytes(), source=name, actor="importer")
    package = _package(store)
    assert package_errors(package) == []
    assert len(package["releases"]) == 100
    assert all(r["ocid"].startswith("ocds-") and not r["ocid"].startswith("ocds-xxxxxx") for r in package["releases"])
    with store.session() as session:
        result = import_ocds(session, json.dumps(package), source="export.json", actor="importer")
    assert len(result.unchanged) == 100, result.changes[:3]


def test_csv_has_transparency_code_columns_and_uk_dates(demo_store):
    out = io.StringIO(newline="")
    with demo_store.session() as session:
        assert write_transparency_csv(session, out, as_of=TODAY) == 10
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    for column in ("Reference", "Title", "Description", "Department", "Supplier", "Value", "Start Date",
                   "End Date", "Review Date"):
        assert column in rows[0]
    wcc = next(r for r in rows if r["Reference"] == "WCC-SEND-MED-2025")
    assert ((wcc["Start Date"], wcc["End Date"], wcc["Maximum Extent Date"])
            == ("01/09/2025", "31/08/2028", "31/08/2034"))
    assert wcc["Review Date"] == "01/03/2028"  # option 1 decision (domain brief)
    assert wcc["Extension Options"] == "3y; 3y"


@pytest.mark.parametrize("prefix", ["ocds-abc123"])
def test_references_that_are_ocids_are_kept(store, prefix):
    from contract_tracker.services import ContractFields, register_contract

    with store.session() as session:
        register_contract(session, ContractFields(reference="ocds-b5fd17-123", title="Kept", status="planned"),
                          actor="t")
        register_contract(session, ContractFields(reference="LOCAL-1", title="Prefixed", status="planned"), actor="t")
    ocids = sorted(r["ocid"] for r in _package(store, ocid_prefix=prefix)["releases"])
    assert ocids == ["ocds-abc123-LOCAL-1", "ocds-b5fd17-123"]
