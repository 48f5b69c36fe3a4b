"""CSV import through the bulk path: one audit event per new contract, changed rows updating their
contracts (audited, version bumped), re-imports that change nothing and say so, extension wording
read or left for review, suppliers' registration numbers, and files refused whole (malformed CSV,
dates that run backwards, more options than a contract may have). On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from contract_tracker.errors import InvalidInput
from contract_tracker.interchange.importers.transparency_csv import import_transparency_csv
from contract_tracker.read.views import contract_detail, register_rows
from contract_tracker.services import edit_contract, get_contract, options_of, refresh_deadlines
from contract_tracker.store.models import AuditEvent, Contract, ContractSupplier, Deadline, ExtensionOption

TODAY = date(2026, 11, 22)
HEADER = "Reference,Title,Supplier,Companies House Number,Start Date,End Date,Extension Options\r\n"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\r\n" for row in rows)).encode("utf-8")


def _import(store, raw: bytes, **options):
    with store.session() as session:
        return import_transparency_csv(session, raw, source="register.csv", actor="importer", **options)


def _snapshot(store) -> dict:
    """Every table an import writes, counted, and every contract's version."""
    with store.session() as session:
        counts = {model.__name__: session.exec(select(func.count()).select_from(model)).one()
                  for model in (Contract, AuditEvent, ExtensionOption, ContractSupplier, Deadline)}
        versions = dict(session.exec(select(Contract.reference, Contract.version)).all())
    return {"counts": counts, "versions": versions}


def test_each_new_contract_gets_one_audit_event_naming_the_file(store):
    rows = [f"N-{n},Contract {n},Supplier {n},,01/04/2025,31/03/2028,1y; 1y" for n in range(25)]
    result = _import(store, _csv(*rows))
    assert len(result.created) == 25
    with store.session() as session:
        events = session.exec(select(AuditEvent)).all()
        assert len(events) == 25
        assert {(e.action, e.entity, e.reason) for e in events} == {
            ("created", "contract", "imported from CSV register.csv")}
        contract = get_contract(session, "N-7")
        assert [o.length for o in options_of(session, contract)] == ["1y", "1y"]
        # the deadlines the bulk path wrote are the ones the services would write
        before = [(d.kind, d.ordinal, d.due_date, d.state, d.title, d.fingerprint)
                  for d in session.exec(select(Deadline).where(Deadline.contract_id == contract.id)
                                        .order_by(Deadline.kind, Deadline.ordinal))]
        refresh_deadlines(session, contract)
        session.flush()
        after = [(d.kind, d.ordinal, d.due_date, d.state, d.title, d.fingerprint)
                 for d in session.exec(select(Deadline).where(Deadline.contract_id == contract.id)
                                       .order_by(Deadline.kind, Deadline.ordinal))]
        assert before == after and len(before) >= 4


def test_importing_the_same_file_again_changes_nothing_and_says_so(store):
    raw = _csv("A-1,Alpha,Alpha Ltd,01234567,01/04/2025,31/03/2028,2 x 12 months",
               "A-2,Beta,Beta Ltd,,01/04/2025,31/03/2027,Angus")
    _import(store, raw)
    before = _snapshot(store)
    again = _import(store, raw)
    assert again.unchanged == ["A-1", "A-2"] and not again.created and not again.updated
    assert "nothing changed: the register already matches the file" in again.summary()
    assert _snapshot(store) == before


def test_a_changed_row_updates_its_contract_not_a_duplicate(store):
    _import(store, _csv("C-1,Cleaning,Shine Ltd,,01/04/2025,31/03/2028,1y",
                        "C-2,Catering,Food Ltd,,01/04/2025,31/03/2028,"))
    with store.session() as session:
        version = get_contract(session, "C-1").version
        events = session.exec(select(func.count()).select_from(AuditEvent)).one()
    result = _import(store, _csv("C-1,Cleaning services,Shine Ltd,,01/04/2025,31/03/2028,1y; 1y",
                                 "C-2,Catering,Food Ltd,,01/04/2025,31/03/2028,"))
    assert result.updated == ["C-1"] and result.unchanged == ["C-2"] and not result.created
    with store.session() as session:
        assert session.exec(select(func.count()).select_from(Contract)).one() == 2
        contract = get_contract(session, "C-1")
        assert contract.title == "Cleaning services" and contract.version > version
        assert [o.length for o in options_of(session, contract)] == ["1y", "1y"]
        new = session.exec(select(AuditEvent).where(AuditEvent.id > events).order_by(AuditEvent.id)).all()
    edited = [(e.action, e.field, e.old_value, e.new_value) for e in new]
    assert ("edited", "title", "Cleaning", "Cleaning services") in edited
    assert [e.action for e in new if e.entity == "option"] == ["created"]
    assert new[-1].action == "imported" and new[-1].reason == "imported from CSV register.csv"
    assert {e.contract_reference for e in new} == {"C-1"}


def test_whole_file_or_nothing_when_a_late_check_fails(store):
    """New contracts are written before decisions and terminations are applied; a termination the
    services refuse (after the contract's end) leaves the register exactly as it was."""
    _import(store, _csv("K-0,Kept,,,01/04/2025,31/03/2026,"))
    before = _snapshot(store)
    header = "Reference,Title,Start Date,End Date,Status,Terminated On\r\n"
    raw = _csv("K-1,New one,01/04/2025,31/03/2026,live,", "K-2,Ends late,01/04/2025,31/03/2026,terminated,01/05/2026",
               header=header)
    with pytest.raises(InvalidInput, match=r"register.csv, line 3: .*after the contract ends.*nothing was imported"):
        _import(store, raw)
    assert _snapshot(store) == before


def test_a_dry_run_writes_nothing(store):
    result = _import(store, _csv("D-1,Dry,,,01/04/2025,31/03/2028,1+1"), dry_run=True)
    assert result.created == ["D-1"] and result.dry_run
    assert _snapshot(store)["counts"]["Contract"] == 0


# --- extension wording ---------------------------------------------------------------------


def test_wording_is_read_into_options_and_kept(store):
    _import(store, _csv("W-1,Worded,,,01/04/2025,31/03/2028,Optional Extension Period of 2 x 12 Months",
                        "W-2,Plus,,,01/04/2025,31/03/2028,+1+1",
                        "W-3,Own form,,,01/04/2025,31/03/2028,1y; 1y"))
    with store.session() as session:
        worded = get_contract(session, "W-1")
        assert [o.length for o in options_of(session, worded)] == ["12m", "12m"]
        assert worded.extension_wording == "Optional Extension Period of 2 x 12 Months"
        assert [o.length for o in options_of(session, get_contract(session, "W-2"))] == ["1y", "1y"]
        own = get_contract(session, "W-3")
        assert own.extension_wording == ""  # the tracker's own form: the options say it all
        assert not contract_detail(session, worded, as_of=TODAY).needs_review


def test_wording_that_cannot_be_read_is_imported_without_options_and_flagged(store):
    result = _import(store, _csv("U-1,Unread,,,01/04/2025,31/03/2028,"
                                 "may be extended further at the council's discretion",
                                 "U-2,Read,,,01/04/2025,31/03/2028,2 x 12 months"))
    assert result.created == ["U-1", "U-2"] and result.review == ["U-1"]
    assert "1 contract has extension wording that could not be read" in result.summary()
    assert "contract list --needs-review" in result.summary()
    with store.session() as session:
        unread = get_contract(session, "U-1")
        assert options_of(session, unread) == []
        assert unread.extension_wording == "may be extended further at the council's discretion"
        assert contract_detail(session, unread, as_of=TODAY).needs_review
        assert [row.reference for row in register_rows(session, as_of=TODAY, needs_review=True)] == ["U-1"]
        # once a person adds the options, it is no longer waiting for review
        edit_contract(session, "U-1", {"extension_wording": ""}, actor="officer")
        assert register_rows(session, as_of=TODAY, needs_review=True) == []


def test_an_extension_wording_column_keeps_the_text_beside_the_options(store):
    header = "Reference,Title,Start Date,End Date,Extension Options,Extension Wording\r\n"
    _import(store, _csv('E-1,Both,01/04/2025,31/03/2028,1y; 1y,"+1 +1 at the council\'s discretion"',
                        "E-2,Wording only,01/04/2025,31/03/2028,,two further periods of 6 months", header=header))
    with store.session() as session:
        both = get_contract(session, "E-1")
        assert [o.length for o in options_of(session, both)] == ["1y", "1y"]
        assert both.extension_wording == "+1 +1 at the council's discretion"
        only = get_contract(session, "E-2")
        assert [o.length for o in options_of(session, only)] == ["6m", "6m"]


@pytest.mark.parametrize("cell, words", [
    ("99999 x 1y", "99999 extension options; a contract has at most 20"),
    ("21 x 12 months", "21 extension options"),
    ("2 x 60 years", "longer than 50 years"),
    ("1y; " * 21, "21 extension options; a contract has at most 20"),
    ("75y", "longer than 50 years"),
])
def test_more_or_longer_options_than_a_contract_may_have_are_refused(store, cell, words):
    with pytest.raises(InvalidInput) as caught:
        _import(store, _csv(f"O-1,Options,,,01/04/2025,31/03/2028,{cell}"))
    assert "line 2" in str(caught.value) and words in str(caught.value)
    assert _snapshot(store)["counts"]["Contract"] == 0


# --- malformed files and dates that run backwards --------------------------------------------


def test_an_unterminated_quote_is_refused_with_its_line(store):
    raw = _csv("Q-1,Fine,,,01/04/2025,31/03/2028,", 'Q-2,"Never closed,,,01/04/2025,31/03/2028,',
               "Q-3,After,,,01/04/2025,31/03/2028,")
    never_closed = r"register.csv, line 3: a quoted cell is never closed; nothing was imported"
    with pytest.raises(InvalidInput, match=never_closed):
        _import(store, raw)
    assert _snapshot(store)["counts"]["Contract"] == 0


def test_a_quote_in_the_middle_of_a_cell_is_refused_with_its_line(store):
    raw = _csv("Q-1,Fine,,,01/04/2025,31/03/2028,", 'Q-2,"Half"quoted,,,01/04/2025,31/03/2028,')
    with pytest.raises(InvalidInput, match=r"line 3: not well-formed CSV"):
        _import(store, raw)


def test_a_nul_byte_is_refused_with_its_line(store):
    raw = _csv("Z-1,Fine,,,01/04/2025,31/03/2028,", "Z-2,Bad\x00title,,,01/04/2025,31/03/2028,")
    with pytest.raises(InvalidInput, match=r"register.csv, line 3: a NUL byte"):
        _import(store, raw)
    with pytest.raises(InvalidInput, match="a NUL byte"):  # even when bad rows may be skipped
        _import(store, raw, skip_bad_rows=True)
    assert _snapshot(store)["counts"]["Contract"] == 0


BACKWARDS = [
    ("Reference,Title,Start Date,End Date,Initial Term\r\n", "B-1,End first,01/04/2025,31/03/2024,3y",
     "End Date", "before the start"),
    ("Reference,Title,Start Date,End Date,Maximum Extent Date\r\n", "B-1,Extent first,01/04/2025,31/03/2028,01/01/2027",
     "Maximum Extent Date", "before the end"),
    ("Reference,Title,Start Date,End Date,Status,Terminated On\r\n",
     "B-1,Ended first,01/04/2025,31/03/2028,terminated,01/01/2024",
     "Terminated On", "before the start"),
    ("Reference,Title,Start Date,End Date,Extension Options\r\n",
     "B-1,Decided first,01/04/2025,31/03/2028,1y (exercised 01/01/2024)",
     "Extension Options", "before the start"),
]


@pytest.mark.parametrize("header, row, column, words", BACKWARDS)
def test_a_row_whose_dates_run_backwards_is_refused(store, header, row, column, words):
    raw = _csv("G-1,Good,01/04/2025,31/03/2028," + ",".join([""] * (header.count(",") - 3)), row, header=header)
    with pytest.raises(InvalidInput) as caught:
        _import(store, raw)
    assert f"line 3, column '{column}'" in str(caught.value) and words in str(caught.value)
    assert _snapshot(store)["counts"]["Contract"] == 0


@pytest.mark.parametrize("header, row, column, words", BACKWARDS)
def test_with_the_skip_option_such_a_row_is_reported_and_skipped(store, header, row, column, words):
    raw = _csv("G-1,Good,01/04/2025,31/03/2028," + ",".join([""] * (header.count(",") - 3)), row, header=header)
    result = _import(store, raw, skip_bad_rows=True)
    assert result.created == ["G-1"] and result.skipped == ["line 3"]
    assert any(w.startswith("skipped line 3, column") and words in w for w in result.warnings)
    assert "1 row skipped" in result.summary()
    with store.session() as session:
        assert list(session.exec(select(Contract.reference))) == ["G-1"]


# --- suppliers' registration numbers --------------------------------------------------------


def test_companies_house_and_charity_numbers_are_kept_and_shown(store):
    header = "Reference,Title,Supplier,Companies House Number,Charity Number,Start Date,End Date\r\n"
    _import(store, _csv('S-1,Grit,"Grit & Salt Ltd; Winter Roads plc","1234567; SC123456",,01/04/2025,31/03/2028',
                        "S-2,Advice,Citizens Advice Avon,,1123456,01/04/2025,31/03/2028", header=header))
    with store.session() as session:
        grit = contract_detail(session, get_contract(session, "S-1"), as_of=TODAY).as_dict()
        assert list(zip(grit["suppliers"], grit["supplier_identifiers"], strict=True)) == [
            ("Grit & Salt Ltd", "GB-COH-01234567"), ("Winter Roads plc", "GB-COH-SC123456")]
        advice = contract_detail(session, get_contract(session, "S-2"), as_of=TODAY).as_dict()
        assert advice["supplier_identifiers"] == ["GB-CHC-1123456"]


def test_a_supplier_named_again_without_its_number_is_matched_by_name(store):
    raw = _csv("M-1,First,Grit & Salt Ltd,01234567,01/04/2025,31/03/2028,",
               "M-2,Second,GRIT AND SALT LIMITED,,01/04/2025,31/03/2028,",
               "M-3,Third,Someone Else Ltd,,01/04/2025,31/03/2028,")
    _import(store, raw)
    with store.session() as session:
        ids = dict(session.exec(select(ContractSupplier.name, ContractSupplier.identifier)).all())
    assert ids == {"Grit & Salt Ltd": "GB-COH-01234567", "GRIT AND SALT LIMITED": "GB-COH-01234567",
                   "Someone Else Ltd": ""}
    # a later file naming the supplier without its number keeps the number on record
    _import(store, _csv("M-4,Fourth,Grit and Salt Ltd,,01/04/2025,31/03/2028,"))
    with store.session() as session:
        assert session.exec(select(ContractSupplier.identifier).where(
            ContractSupplier.name == "Grit and Salt Ltd")).one() == "GB-COH-01234567"
    assert _import(store, raw).unchanged == ["M-1", "M-2", "M-3"]


@pytest.mark.parametrize("header, cell, words", [
    ("Companies House Number", "123456789", "not a Companies House number"),
    ("Charity Number", "12", "not a charity number"),
    ("Supplier Registration Number", "1123456", "could be a company or a charity number"),
    ("Companies House Number", "01234567; 07654321", "2 numbers for 1 supplier"),
])
def test_a_bad_registration_number_names_its_column(store, header, cell, words):
    raw = _csv(f'R-1,Thing,Someone Ltd,"{cell}",01/04/2025,31/03/2028',
               header=f"Reference,Title,Supplier,{header},Start Date,End Date\r\n")
    with pytest.raises(InvalidInput) as caught:
        _import(store, raw)
    assert f"line 2, column '{header}'" in str(caught.value) and words in str(caught.value)


def test_the_export_carries_numbers_and_wording_and_reads_back_the_same(store, tmp_path):
    import io

    from contract_tracker.interchange.exporters.transparency_csv import write_transparency_csv
    from contract_tracker.store.database import Store

    _import(store, _csv('X-1,Exported,"Grit & Salt Ltd; Other plc",01234567,01/04/2025,31/03/2028,2 x 12 months',
                        "X-2,Unread,,,01/04/2025,31/03/2028,renewed upon expiry subject to business needs"))

    def export(of) -> str:
        out = io.StringIO(newline="")
        with of.session() as session:
            write_transparency_csv(session, out, as_of=TODAY)
        return out.getvalue()

    exported = export(store)
    assert "Supplier Registration Number" in exported.splitlines()[0]
    assert "GB-COH-01234567; " in exported and "2 x 12 months" in exported
    empty = Store.open(f"sqlite:///{tmp_path / 'again.sqlite'}")
    try:
        with empty.session() as session:
            result = import_transparency_csv(session, exported.encode(), source="export.csv", actor="importer")
        assert result.review == ["X-2"]
        assert export(empty) == exported
    finally:
        empty.close()


def _deadline_indexes(store) -> list[tuple]:
    with store.engine.connect() as connection:
        return sorted(connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deadline'").all())


def test_a_large_first_import_leaves_the_deadline_indexes_as_they_were(tmp_path):
    """Into an empty SQLite store the deadline indexes are built once, after the rows: they are all
    back afterwards, and back when the import fails part-way too."""
    from contract_tracker.store.database import Store

    store = Store.open(f"sqlite:///{tmp_path / 'first.sqlite'}")
    try:
        before = _deadline_indexes(store)
        assert len(before) >= 4
        rows = [f"L-{n:04d},Large {n},,,01/04/2025,31/03/2028,1y; 1y" for n in range(1200)]
        late = ("Reference,Title,Supplier,Companies House Number,Start Date,End Date,Extension Options,Status,"
                "Terminated On\r\n")
        failing = _csv(*(row + ",," for row in rows), "L-LAST,Ends late,,,01/04/2025,31/03/2026,,terminated,01/05/2026",
                       header=late)
        with pytest.raises(InvalidInput, match="after the contract ends"):
            _import(store, failing)
        assert _deadline_indexes(store) == before and _snapshot(store)["counts"]["Contract"] == 0
        assert len(_import(store, _csv(*rows)).created) == 1200
        assert _deadline_indexes(store) == before
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        store.close()


def test_unreadable_wording_for_a_contract_with_options_keeps_them_and_says_so(store):
    _import(store, _csv("P-1,Has options,,,01/04/2025,31/03/2028,1y; 1y"))
    result = _import(store, _csv("P-1,Has options,,,01/04/2025,31/03/2028,renewal at the council's discretion"))
    assert result.review == [] and result.updated == ["P-1"]  # the wording is kept
    assert any("options the register has are left as they are" in w for w in result.warnings)
    with store.session() as session:
        contract = get_contract(session, "P-1")
        assert [o.length for o in options_of(session, contract)] == ["1y", "1y"]
        assert contract.extension_wording == "renewal at the council's discretion"
        assert not contract_detail(session, contract, as_of=TODAY).needs_review
