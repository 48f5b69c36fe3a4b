"""Importing Transparency Code contract registers (CSV): aliases, UK dates, money, encodings,
whole-or-nothing, errors naming line and column, dry runs, idempotency and the CSV round trip."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from contract_tracker.errors import InvalidInput
from contract_tracker.interchange.exporters.transparency_csv import write_transparency_csv
from contract_tracker.interchange.importers.transparency_csv import (
    import_transparency_csv,
    load_mapping,
    parse_register,
)
from contract_tracker.read.views import contract_detail
from contract_tracker.services import get_contract, options_of, suppliers_of
from contract_tracker.store.models import AuditEvent, Contract

TODAY = date(2026, 11, 22)

# Headers as councils write them (none is the exporter's own), with a £ sign, commas, UK dates,
# a supplier list and an accent that cp1252 can encode.
COUNCIL_REGISTER = (
    "Contract Reference Number,Title of Agreement,Directorate,Supplier Name,Companies House Number,"
    "Total Contract Value,Irrecoverable VAT,Contract Start Date,Contract End Date,Review Date,"
    "Extension Period Months,SME\r\n"
    "SC-0001,Café and catering concession,Communities,Brûlée Catering Ltd,01234567,\"£1,250,000.00\",0,"
    "01/04/2024,31/03/2027,01/10/2026,12,Yes\r\n"
    "SC-0002,Road gritting,Highways,Grit & Salt Ltd; Winter Roads plc,,\"£ 480,000\",,"
    "1/9/2025,31/8/2028,,,No\r\n"
    "SC-0003,Pipeline: library self-service kiosks,Communities,,,,,,,,,\r\n"
)


def _import(store, raw: bytes, *, source="register.csv", dry_run=False, mapping=None):
    with store.session() as session:
        return import_transparency_csv(session, raw, source=source, actor="importer", dry_run=dry_run,
                                       mapping=mapping)


def _counts(store) -> tuple[int, int]:
    with store.session() as session:
        return (session.exec(select(func.count()).select_from(Contract)).one(),
                session.exec(select(func.count()).select_from(AuditEvent)).one())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_council_register_with_aliases_uk_dates_and_pounds(store, encoding):
    result = _import(store, COUNCIL_REGISTER.encode(encoding))
    assert sorted(result.created) == ["SC-0001", "SC-0002", "SC-0003"]
    with store.session() as session:
        cafe = get_contract(session, "SC-0001")
        assert cafe.title == "Café and catering concession"  # decoded right in every encoding
        assert cafe.service_area == "Communities"
        assert cafe.whole_life_value == Decimal("1250000.00")
        assert cafe.start_date == date(2024, 4, 1)
        detail = contract_detail(session, cafe, as_of=TODAY).as_dict()
        assert detail["initial_end"] == "2027-03-31" and cafe.initial_term == "3y"
        assert [o.length for o in options_of(session, cafe)] == ["12m"]  # a "months" column
        assert suppliers_of(session, cafe) == ["Brûlée Catering Ltd"]
        gritting = get_contract(session, "SC-0002")
        assert gritting.whole_life_value == Decimal("480000.00")
        assert gritting.start_date == date(2025, 9, 1)
        assert suppliers_of(session, gritting) == ["Grit & Salt Ltd", "Winter Roads plc"]
        kiosks = get_contract(session, "SC-0003")
        assert kiosks.status == "planned" and kiosks.start_date is None


def test_the_same_file_twice_changes_nothing(store):
    raw = COUNCIL_REGISTER.encode("utf-8")
    _import(store, raw)
    before = _counts(store)
    again = _import(store, raw)
    assert again.unchanged == ["SC-0001", "SC-0002", "SC-0003"] and not again.created and not again.updated
    assert _counts(store) == before


def test_a_changed_row_updates_only_its_changed_fields(store):
    _import(store, COUNCIL_REGISTER.encode("utf-8"))
    _, events = _counts(store)
    changed = COUNCIL_REGISTER.replace('"£ 480,000"', '"£ 495,000"')
    result = _import(store, changed.encode("utf-8"))
    assert result.updated == ["SC-0002"]
    with store.session() as session:
        new = session.exec(select(AuditEvent).where(AuditEvent.id > events)).all()
    assert [(e.contract_reference, e.field, e.old_value, e.new_value) for e in new if e.action == "edited"] == [
        ("SC-0002", "whole_life_value", "480000.00", "495000.00")]


def test_dry_run_reports_and_changes_nothing(store):
    result = _import(store, COUNCIL_REGISTER.encode("utf-8"), dry_run=True)
    assert result.dry_run and len(result.created) == 3
    assert any(line.startswith("SC-0001 (line 2): new contract") for line in result.changes)
    assert _counts(store) == (0, 0)


def test_unknown_columns_are_reported_not_fatal(store):
    raw = b"Reference,Title,Favourite Colour\r\nX-1,Something,blue\r\n"
    result = _import(store, raw)
    assert result.created == ["X-1"]
    assert result.warnings == ["columns not recognised and ignored: Favourite Colour"]


def test_a_mapping_file_names_unusual_headers(store, tmp_path):
    mapping_file = tmp_path / "mapping.toml"
    mapping_file.write_text('[columns]\n"Our Ref" = "reference"\n"What" = "title"\n"Begins" = "start_date"\n'
                            '"Finishes" = "end_date"\n', encoding="utf-8")
    raw = b"Our Ref,What,Begins,Finishes\r\nM-1,Meals on wheels,01/04/2025,31/03/2026\r\n"
    _import(store, raw, mapping=load_mapping(mapping_file))
    with store.session() as session:
        contract = get_contract(session, "M-1")
        assert ((contract.title, contract.start_date, contract.initial_term)
                == ("Meals on wheels", date(2025, 4, 1), "1y"))


def test_a_bad_mapping_file_is_refused(tmp_path):
    mapping_file = tmp_path / "mapping.toml"
    mapping_file.write_text('[columns]\n"Our Ref" = "colour"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="unknown field 'colour'"):
        load_mapping(mapping_file)


@pytest.fixture
def before(demo_store):
    return demo_store, _counts(demo_store)


def test_a_missing_required_column_is_refused_and_the_store_unchanged(before):
    store, counts = before
    raw = b"Reference,Supplier,Start Date\r\nX-1,Someone,01/01/2025\r\n"
    with pytest.raises(InvalidInput, match=r"register.csv, line 1: missing required column 'Title'"):
        _import(store, raw)
    assert _counts(store) == counts


def test_an_impossible_date_names_line_and_column(before):
    store, counts = before
    raw = COUNCIL_REGISTER.replace("31/8/2028", "31/02/2028").encode()
    with pytest.raises(InvalidInput) as caught:
        _import(store, raw)
    message = str(caught.value)
    assert "register.csv, line 3, column 'Contract End Date'" in message
    assert "'31/02/2028'" in message and "nothing was imported" in message
    assert _counts(store) == counts


@pytest.mark.parametrize("row, column, words", [
    ("Y-1,Thing,01/04/2025,31/03/2024,100", "End Date", "before the start"),
    ("Y-1,Thing,01/04/2025,31/03/2026,-5", "Value", "must not be negative"),
    ("Y-1,Thing,01/04/2025,31/03/2026,lots", "Value", "not an amount of money"),
    ("Y 1,Thing,01/04/2025,31/03/2026,100", "Reference", "no spaces"),
    ("Y-1,,01/04/2025,31/03/2026,100", "Title", "title is empty"),
    ("Y-1,Thing,01/04/2025,,100", "End Date", "needs an end date"),
])
def test_bad_cells_name_their_column(store, row, column, words):
    raw = f"Reference,Title,Start Date,End Date,Value\r\nOK-1,Fine,01/04/2025,31/03/2026,10\r\n{row}\r\n".encode()
    with pytest.raises(InvalidInput) as caught:
        _import(store, raw)
    assert f"line 3, column '{column}'" in str(caught.value) and words in str(caught.value)
    assert _counts(store) == (0, 0)


def test_a_duplicate_reference_names_both_lines(store):
    raw = b"Reference,Title\r\nD-1,One\r\nD-2,Two\r\nD-1,Again\r\n"
    with pytest.raises(InvalidInput, match=r"line 4, column 'Reference': reference 'D-1' is already on line 2"):
        _import(store, raw)


def test_twenty_thousand_rows_with_one_bad_row_near_the_end(before):
    """Every row is checked before anything is written: the bad row is named and the store is left
    exactly as it was (how fast is for benchmarks/)."""
    store, counts = before
    lines = ["Reference,Title,Department,Supplier,Value,Start Date,End Date,Extension Options"]
    for n in range(20_000):
        end = "31/03/2028" if n != 19_990 else "30/02/2028"
        lines.append(f"BULK-{n:05d},Contract {n},Service {n % 40},Supplier {n % 700},\"£{n + 1:,}.00\","
                     f"01/04/2025,{end},1y; 1y")
    raw = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    with pytest.raises(InvalidInput) as caught:
        _import(store, raw, source="bulk.csv")
    assert "bulk.csv, line 19992, column 'End Date': no such date: '30/02/2028'" in str(caught.value)
    assert _counts(store) == counts


def test_a_good_large_file_parses_every_row():
    lines = ["Reference,Title,Start Date,End Date,Value"]
    lines += [f"P-{n},Contract {n},01/04/2025,31/03/2028,\"£{n:,}\"" for n in range(20_000)]
    parsed = parse_register("\n".join(lines).encode(), source="big.csv")
    assert len(parsed.rows) == 20_000


def _export(store) -> str:
    out = io.StringIO(newline="")
    with store.session() as session:
        write_transparency_csv(session, out, as_of=TODAY)
    return out.getvalue()


def test_round_trip_export_then_import_gives_the_same_register(demo_store, tmp_path):
    """The demo register (options exercised and declined, a termination, several suppliers)
    exported as CSV and imported into an empty store reads back the same."""
    from contract_tracker.store.database import Store

    exported = _export(demo_store)
    empty = Store.open(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        result = _import(empty, exported.encode("utf-8"), source="export.csv")
        assert len(result.created) == 10
        assert _export(empty) == exported
        keys = ("title", "buyer", "service_area", "owner_role", "suppliers", "status", "status_as_of", "regime",
                "procedure", "light_touch", "start_date", "initial_end", "current_end", "maximum_extent",
                "annual_value", "whole_life_value", "terminated_on", "termination_reason")
        with demo_store.session() as a, empty.session() as b:
            for contract in a.exec(select(Contract)):
                left = contract_detail(a, contract, as_of=TODAY).as_dict()
                right = contract_detail(b, get_contract(b, contract.reference), as_of=TODAY).as_dict()
                assert {k: left[k] for k in keys} == {k: right[k] for k in keys}, contract.reference
                assert [(o["length"], o["recorded_status"], o["decided_on"]) for o in left["options"]] == \
                       [(o["length"], o["recorded_status"], o["decided_on"]) for o in right["options"]]
        again = _import(empty, exported.encode("utf-8"), source="export.csv")
        assert len(again.unchanged) == 10
    finally:
        empty.close()


def test_progress_is_reported_up_to_the_whole_file(store):
    calls = []
    with store.session() as session:
        import_transparency_csv(session, COUNCIL_REGISTER.encode(), source="register.csv", actor="importer",
                                progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (3, 3)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)  # never backwards
