"""Importing real OCDS data (tests/data/ocds): every file, counts and sample fields checked
against the files, idempotency, merging in date order, and malformed input leaving the store alone."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from contract_tracker.errors import InvalidInput
from contract_tracker.interchange.importers.ocds import import_ocds
from contract_tracker.read.views import contract_detail
from contract_tracker.services import get_contract, options_of, suppliers_of
from contract_tracker.store.database import Store
from contract_tracker.store.models import AuditEvent, Contract, ExtensionOption, Milestone
from shared_data import OCDS, clean, file_id, load, ocds_files, ocids_in, releases_in, require_data

TODAY = date(2026, 11, 22)


@pytest.fixture
def sqlite_store(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'ocds.sqlite'}")
    yield store
    store.close()


def _import(store, path: Path, *, dry_run: bool = False):
    with store.session() as session:
        return import_ocds(session, path.read_bytes(), source=path.name, actor="importer", dry_run=dry_run)


def _counts(store) -> tuple[int, int, int, int]:
    with store.session() as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (Contract, AuditEvent, Milestone, ExtensionOption))


def test_the_shared_data_is_there():
    require_data()
    assert len(ocds_files()) == 53, "tests/data/ocds should hold 53 JSON files (see tests/data/README.md)"


@pytest.mark.parametrize("path", ocds_files(), ids=file_id)
def test_every_file_imports_one_contract_per_ocid_and_again_changes_nothing(sqlite_store, path):
    data = load(path)
    ocids = ocids_in(data)
    result = _import(sqlite_store, path)
    assert sorted(result.created) == sorted(ocids)
    with sqlite_store.session() as session:
        references = set(session.exec(select(Contract.reference)))
    assert references == set(ocids)
    before = _counts(sqlite_store)
    again = _import(sqlite_store, path)
    assert again.created == [] and again.updated == []
    assert sorted(again.unchanged) == sorted(ocids)
    assert _counts(sqlite_store) == before  # no new contracts, audit events, milestones or options


def _register(store) -> list[tuple]:
    with store.session() as session:
        return [(c.reference, c.title, c.status, c.start_date, c.initial_term, c.whole_life_value,
                 tuple(suppliers_of(session, c)), tuple(o.length for o in options_of(session, c)))
                for c in session.exec(select(Contract).order_by(Contract.reference))]


def test_all_files_into_one_register(store):
    """Every file, one after another, into one store (on SQLite and PostgreSQL). Some files share
    ocids (the standard's change history, the Contracts Finder API sample), so the last file read
    wins; doing the whole run again gives the same register and no duplicates."""
    require_data()
    every_ocid = set()
    for path in ocds_files():
        every_ocid.update(ocids_in(load(path)))
        _import(store, path)
    with store.session() as session:
        assert set(session.exec(select(Contract.reference))) == every_ocid
    first = _register(store)
    contracts, _, milestones, options = _counts(store)
    for path in ocds_files():
        _import(store, path)
    assert _register(store) == first
    after = _counts(store)
    assert (after[0], after[2], after[3]) == (contracts, milestones, options)


CF2025 = OCDS / "uk" / "contracts-finder-2025-release-package.json"


@pytest.fixture(scope="module")
def cf2025_store(tmp_path_factory):
    """The largest file, imported once for the tests that read it."""
    require_data()
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('cf2025') / 'cf.sqlite'}")
    result = _import(store, CF2025)
    yield store, result
    store.close()


def test_contracts_finder_2025_counts_and_fields(cf2025_store):
    sqlite_store, result = cf2025_store
    data = load(CF2025)
    assert len(data["releases"]) == 200
    assert len(result.created) == 190  # 200 releases, 190 ocids (README)
    with sqlite_store.session() as session:
        live = session.exec(select(func.count()).select_from(Contract).where(Contract.status == "live")).one()
        awarded = {r["ocid"] for r in data["releases"] if r.get("awards")}
        assert live == len(awarded)
        # A +01:00 end date keeps the day as written: find one and check it.
        release = next(r for r in data["releases"] if r.get("awards")
                       and r["awards"][0].get("contractPeriod", {}).get("endDate", "").endswith("+01:00")
                       and len([x for x in data["releases"] if x["ocid"] == r["ocid"]]) == 1)
        period = release["awards"][0]["contractPeriod"]
        detail = contract_detail(session, get_contract(session, release["ocid"]), as_of=TODAY).as_dict()
        assert detail["start_date"] == period["startDate"][:10]
        assert detail["initial_end"] == period["endDate"][:10]
        assert detail["title"] == clean(release["tender"]["title"])[:300]
        assert detail["suppliers"] == list(dict.fromkeys(clean(s["name"]) for s in release["awards"][0]["suppliers"]))
        assert detail["buyer"] == clean(release["buyer"]["name"])
        # The regime is the one in force when the procurement began: its earliest date in the notice.
        tender = release["tender"]
        began = min(day[:10] for day in (tender.get("tenderPeriod", {}).get("startDate"), tender.get("datePublished"),
                                         tender.get("tenderPeriod", {}).get("endDate"), release["date"],
                                         *(a.get("date") for a in release["awards"])) if day)
        assert detail["regime"] == ("PCR2015" if began < "2025-02-24" else "PA2023")
        assert Decimal(str(release["awards"][0]["value"]["amount"])) == Decimal(detail["whole_life_value"])


def test_releases_of_one_ocid_are_merged_in_date_order(cf2025_store):
    """In the Contracts Finder file the later release often comes first; the later one must win."""
    sqlite_store, _ = cf2025_store
    data = load(CF2025)
    by_ocid: dict[str, list[dict]] = {}
    for release in data["releases"]:
        by_ocid.setdefault(release["ocid"], []).append(release)
    checked = 0
    with sqlite_store.session() as session:
        for ocid, releases in by_ocid.items():
            if len(releases) < 2:
                continue
            latest = max(releases, key=lambda r: r["date"])
            contract = get_contract(session, ocid)
            assert contract.title == clean(latest["tender"]["title"])[:300]
            deadline = latest["tender"].get("tenderPeriod", {}).get("endDate")
            if deadline:
                milestone = session.exec(select(Milestone).where(
                    Milestone.contract_id == contract.id, Milestone.kind == "tender deadline")).one()
                assert milestone.due_date.isoformat() == deadline[:10]
            if latest.get("awards"):
                assert contract.status == "live"
            checked += 1
    assert checked == 10  # ten ocids have two releases (README)


def test_contracts_finder_2020_array_of_packages_with_shared_supplier_ids(sqlite_store):
    path = OCDS / "uk" / "contracts-finder-2020-award-packages.json"
    data = load(path)
    assert isinstance(data, list) and len(data) == 60
    result = _import(sqlite_store, path)
    assert len(result.created) == 60
    with sqlite_store.session() as session:
        for package in data:
            release = package["releases"][0]
            contract = get_contract(session, release["ocid"])
            # Every supplier has id 0: merging by id would keep only one of them.
            expected = list(dict.fromkeys(clean(s["name"]) for a in release["awards"] for s in a["suppliers"]))
            assert suppliers_of(session, contract) == expected
            assert contract.regime == "PCR2015"
        empty = next(p["releases"][0] for p in data if p["releases"][0]["date"] == "")
        contract = get_contract(session, empty["ocid"])  # the release with "date": "" still imports
        period = empty["awards"][0]["contractPeriod"]
        assert contract.start_date.isoformat() == period["startDate"][:10]
        assert contract.status == "live"
        assert contract.whole_life_value == Decimal(str(empty["awards"][0]["value"]["amount"]))


def test_fictional_example_max_extent_becomes_an_option(sqlite_store):
    path = OCDS / "other" / "ocds-fictional-example-1.1-release-package.json"
    data = load(path)
    contract_data = data["releases"][-1]["contracts"][0]
    assert contract_data["period"] == {"startDate": "2010-07-01T00:00:00Z", "endDate": "2011-06-30T23:59:00Z",
                                       "maxExtentDate": "2011-12-31T23:59:00Z"}
    _import(sqlite_store, path)
    with sqlite_store.session() as session:
        contract = get_contract(session, "ocds-213czf-000-00001")
        detail = contract_detail(session, contract, as_of=TODAY).as_dict()
        assert detail["start_date"] == "2010-07-01"
        assert detail["initial_end"] == "2011-06-30"
        assert [o.length for o in options_of(session, contract)] == ["6m"]
        assert detail["maximum_extent"] == "2011-12-31"
        assert detail["whole_life_value"] == "11000000.00"
        assert detail["suppliers"] == ["AnyCorp Cycle Provision"]
        assert detail["buyer"] == "London Borough of Barnet"
        assert detail["title"] == [r for r in data["releases"] if "tender" in r][-1]["tender"]["title"]
        milestones = {(m["kind"], m["name"]): m for m in detail["milestones"]}
        assert milestones[("signature", "Contract signed")]["met_on"] == "2010-06-10"
        assert milestones[("tender deadline", "Tender deadline")]["due_date"] == "2010-04-08"
        assert milestones[("tender deadline", "Tender deadline")]["status"] == "met"  # before the release date


def test_uk_lots_scotland_and_wales(sqlite_store):
    for name, count in (("public-contracts-scotland-2019-release-package.json", 40),
                        ("sell2wales-2025-release-package.json", 40)):
        path = OCDS / "uk" / name
        data = load(path)
        result = _import(sqlite_store, path)
        assert len(result.created) == count
        with sqlite_store.session() as session:
            for release in data["releases"]:
                contract = get_contract(session, release["ocid"])
                assert contract.status == "planned"  # tenders only: no awards (README)
                assert contract.regime == "other"  # devolved procurement rules, not PA 2023
                starts = [lot["contractPeriod"]["startDate"][:10] for lot in release["tender"].get("lots", [])
                          if lot.get("contractPeriod", {}).get("startDate")]
                ends = [lot["contractPeriod"].get("endDate", "")[:10] for lot in release["tender"].get("lots", [])
                        if lot.get("contractPeriod", {}).get("startDate")]
                if starts and all(ends):
                    assert contract.start_date.isoformat() == min(starts)
                    assert contract_detail(session, contract, as_of=TODAY).as_dict()["initial_end"] == max(ends)


def test_bare_releases_with_package_info_and_foreign_currency(sqlite_store):
    cf2014 = sorted((OCDS / "uk" / "contracts-finder-2014-sample-data").glob("*.json"))
    assert len(cf2014) == 10
    for path in cf2014:
        release = load(path)
        assert "packageInfo" in release
        _import(sqlite_store, path)
        with sqlite_store.session() as session:
            contract = get_contract(session, release["ocid"])
            assert contract.title == clean(release["tender"]["title"])[:300]
            kinds = {m.kind for m in session.exec(select(Milestone).where(Milestone.contract_id == contract.id))}
            assert "tender deadline" in kinds
    result = _import(sqlite_store, OCDS / "other" / "mexico-cdmx-release-package.json")
    assert len(result.created) == 2
    assert any("MXN" in warning for warning in result.warnings)
    with sqlite_store.session() as session:
        for ocid in result.created:
            assert get_contract(session, ocid).whole_life_value is None  # pesos are not pounds


def test_canada_compiled_releases_with_date_only_periods(sqlite_store):
    for path in sorted((OCDS / "other" / "canada-buyandsell-2015").glob("*.json")):
        release = load(path)
        _import(sqlite_store, path)
        period = release["contracts"][0]["period"]
        with sqlite_store.session() as session:
            detail = contract_detail(session, get_contract(session, release["ocid"]), as_of=TODAY).as_dict()
        assert detail["start_date"] == period["startDate"][:10]
        assert detail["initial_end"] == period["endDate"][:10]


def test_record_packages_and_change_history_build_one_contract(sqlite_store):
    history = OCDS / "other" / "ocds-standard-examples" / "change_history"
    for name in ("tender", "tenderUpdate", "award", "contract", "contractAmendment", "implementation"):
        _import(sqlite_store, history / f"{name}.json")
    contract_release = releases_in(load(history / "contract.json"))[0]
    with sqlite_store.session() as session:
        assert session.exec(select(func.count()).select_from(Contract)).one() == 1
        contract = get_contract(session, contract_release["ocid"])
        assert contract.status == "live"
    record = OCDS / "other" / "ocds-standard-examples" / "amendments" / "easy_releases.json"
    result = _import(sqlite_store, record)
    assert result.total == len(ocids_in(load(record))) == 1


def test_dry_run_changes_nothing(sqlite_store):
    path = OCDS / "uk" / "contracts-finder-2020-award-packages.json"
    result = _import(sqlite_store, path, dry_run=True)
    assert len(result.created) == 60 and result.dry_run
    assert _counts(sqlite_store) == (0, 0, 0, 0)


def test_a_changed_release_updates_only_what_changed(sqlite_store, tmp_path):
    path = OCDS / "other" / "ocds-fictional-example-1.1-release-package.json"
    _import(sqlite_store, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    later = json.loads(json.dumps(data["releases"][-1]))
    later["id"], later["date"], later["tag"] = "later", "2012-01-01T00:00:00Z", ["contractUpdate"]
    later["contracts"][0]["value"]["amount"] = 12000000
    data["releases"].append(later)
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data), encoding="utf-8")
    _, events_before, _, _ = _counts(sqlite_store)
    result = _import(sqlite_store, changed)
    assert result.updated == ["ocds-213czf-000-00001"]
    with sqlite_store.session() as session:
        contract = get_contract(session, "ocds-213czf-000-00001")
        assert contract.whole_life_value == Decimal("12000000.00")
        events = session.exec(select(AuditEvent).where(AuditEvent.id > events_before)).all()
    assert {(e.field, e.new_value) for e in events if e.action == "edited"} == {("whole_life_value", "12000000.00")}


@pytest.fixture
def loaded(demo_store):
    with demo_store.session() as session:
        snapshot = (session.exec(select(func.count()).select_from(Contract)).one(),
                    session.exec(select(func.count()).select_from(AuditEvent)).one())
    return demo_store, snapshot


def _unchanged(store, snapshot) -> None:
    with store.session() as session:
        assert (session.exec(select(func.count()).select_from(Contract)).one(),
                session.exec(select(func.count()).select_from(AuditEvent)).one()) == snapshot


def test_truncated_json_is_refused_and_the_store_is_unchanged(loaded):
    store, snapshot = loaded
    raw = (OCDS / "uk" / "contracts-finder-2025-release-package.json").read_bytes()
    with pytest.raises(InvalidInput, match=r"not valid JSON \(line \d+, column \d+"), store.session() as session:
        import_ocds(session, raw[: len(raw) // 2], source="truncated.json", actor="importer")
    _unchanged(store, snapshot)


def test_an_impossible_date_late_in_the_file_leaves_the_store_unchanged(loaded):
    store, snapshot = loaded
    data = load(OCDS / "uk" / "contracts-finder-2025-release-package.json")
    bad = data["releases"][-1]
    bad["tender"]["tenderPeriod"]["endDate"] = "2025-02-30T12:00:00Z"
    with pytest.raises(InvalidInput) as caught, store.session() as session:
        import_ocds(session, json.dumps(data), source="bad.json", actor="importer")
    assert bad["ocid"] in str(caught.value) and "tender.tenderPeriod.endDate" in str(caught.value)
    assert "2025-02-30" in str(caught.value)
    _unchanged(store, snapshot)


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("[1, 2]", "expected an OCDS"),
    ('{"hello": "world"}', "not OCDS data"),
    ('{"releases": [{"date": "2020-01-01"}]}', "no ocid"),
])
def test_not_ocds_is_refused(sqlite_store, text, message):
    with pytest.raises(InvalidInput, match=message), sqlite_store.session() as session:
        import_ocds(session, text, source="x.json", actor="importer")
    assert _counts(sqlite_store) == (0, 0, 0, 0)


def test_an_older_notice_read_after_a_newer_one_changes_nothing(sqlite_store, tmp_path):
    """The register remembers the newest release date per ocid (table imported_record)."""
    from contract_tracker.store.models import ImportedRecord

    path = OCDS / "other" / "ocds-fictional-example-1.1-release-package.json"
    data = load(path)
    _import(sqlite_store, path)
    older = dict(data, releases=[r for r in data["releases"] if r["tag"] == ["tender"]])
    old_file = tmp_path / "tender-only.json"
    old_file.write_text(json.dumps(older), encoding="utf-8")
    before = _counts(sqlite_store)
    result = _import(sqlite_store, old_file)
    assert result.unchanged == ["ocds-213czf-000-00001"]
    assert "older than one already imported (2011-01-10T09:30:00Z)" in result.warnings[-1]
    assert _counts(sqlite_store) == before
    with sqlite_store.session() as session:
        row = session.exec(select(ImportedRecord)).one()
        assert (row.identifier, row.source_date) == ("ocds-213czf-000-00001", "2011-01-10T09:30:00Z")
        assert get_contract(session, "ocds-213czf-000-00001").status == "live"
