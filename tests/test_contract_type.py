"""A contract's type (public contract, concession, framework, call-off) and the Procurement Act 2023
rules that differ by it: UK8 (s.69) and s.70 leave concessions out; KPIs (s.52) and with them UK9
(s.71) leave frameworks and concessions out. The rules pure; then the services, the bulk path,
the command line, the migration from 0017, backups, `db check` and the OCDS importer, on SQLite
and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from contract_tracker.domain.authority_notices import AuthorityFacts, RegisterContract, authority_notices
from contract_tracker.domain.kpis import kpis_required
from contract_tracker.enums import ContractType, DeadlineKind
from contract_tracker.errors import InvalidInput
from contract_tracker.interchange.importers.ocds import import_ocds
from contract_tracker.interchange.importers.ocds_mapping import to_incoming
from contract_tracker.read.kpis import kpi_shortfalls
from contract_tracker.services import ContractFields, edit_contract, get_contract, register_contract
from contract_tracker.services.backup import backup, restore
from contract_tracker.services.bulk_load import BulkContract, bulk_load
from contract_tracker.services.demo import load_demo
from contract_tracker.services.integrity import check_store
from contract_tracker.services.kpis import kpi_standing
from contract_tracker.services.notices import authority_rows, keep_notices_current
from contract_tracker.services.validation import contract_type
from contract_tracker.store.database import _alembic_config, current_revision, head_revision, upgrade
from contract_tracker.store.models import AuditEvent, Contract, Deadline
from shared_data import OCDS, require_data
from store_rows import table_rows

TODAY = date(2026, 12, 3)
UK8, S70, UK9 = DeadlineKind.UK8_DUE, DeadlineKind.PAYMENTS_DUE, DeadlineKind.UK9_DUE
ALLOWED = "public contract, concession, framework, call-off"


# --- the rules, pure -----------------------------------------------------------------------------

def contract(**facts) -> RegisterContract:
    """A live PA 2023 contract of £6m (£2m a year), not light-touch: it needs KPIs and UK9."""
    values = {"id": 1, "reference": "BIG-1", "regime": "PA2023", "status": "live", "light_touch": False,
              "start": date(2025, 10, 1), "end": date(2028, 9, 30), "annual_value": Decimal("2000000"),
              "whole_life_value": Decimal("6000000"), "owner": "Director of Place"}
    return RegisterContract(**{**values, **facts})


def kinds(contracts) -> set[DeadlineKind]:
    return {notice.item.kind for notice in authority_notices(contracts, AuthorityFacts(), TODAY)}


@pytest.mark.parametrize("kind, light_touch, required", [
    ("public contract", False, True),
    ("call-off", False, True),  # a call-off is a public contract (awarded under a framework)
    ("framework", False, False),  # s.52: not for frameworks
    ("concession", False, False),  # nor for concessions
    ("public contract", True, False),  # nor for light-touch contracts
    ("call-off", True, False),
])
def test_which_kinds_of_contract_need_kpis(kind, light_touch, required):
    assert kpis_required(regime="PA2023", light_touch=light_touch, contract_type=kind,
                         whole_life_value=Decimal("9000000"), annual_value=None) is required


def test_a_6m_concession_gets_no_uk9_and_alone_no_uk8_or_s70():
    assert kinds([contract()]) == {UK8, S70, UK9}
    assert kinds([contract(contract_type="concession")]) == set()


def test_a_concession_beside_a_public_contract_leaves_uk8_to_the_public_one():
    concession = contract(id=1, reference="CAR-PARKS", contract_type="concession", start=date(2025, 10, 1),
                          end=date(2030, 9, 30))
    library = contract(id=2, reference="LIB-1", annual_value=Decimal("20000"), whole_life_value=Decimal("60000"),
                       start=date(2026, 4, 1), end=date(2027, 3, 31))
    notices = authority_notices([concession, library], AuthorityFacts(), TODAY)
    # Only the library's two half-years; the concession runs to 2030 and adds none.
    assert [n.key for n in notices if n.item.kind == UK8] == ["UK8 2026/27-H1", "UK8 2026/27-H2"]
    assert [n for n in notices if n.item.kind == S70] == []  # the library is worth under £30,000 a year


def test_a_framework_over_5m_needs_no_kpis_but_counts_for_payments():
    assert kinds([contract(contract_type="framework")]) == {UK8, S70}


def test_a_call_off_is_treated_as_a_public_contract():
    public = authority_notices([contract()], AuthorityFacts(), TODAY)
    call_off = authority_notices([contract(contract_type="call-off")], AuthorityFacts(), TODAY)
    assert [(n.key, n.item) for n in call_off] == [(n.key, n.item) for n in public]


@pytest.mark.parametrize("given, stored", [
    ("public contract", "public contract"), ("Public Contract", "public contract"),
    ("public-contract", "public contract"), ("PUBLIC_CONTRACT", "public contract"), ("public", "public contract"),
    ("concession", "concession"), ("Concession contract", "concession"),
    ("framework", "framework"), ("framework agreement", "framework"),
    ("call-off", "call-off"), ("call off", "call-off"), ("CALL_OFF", "call-off"), (" call-off contract ", "call-off"),
])
def test_a_type_as_people_write_it(given, stored):
    assert contract_type(given) == stored


@pytest.mark.parametrize("given", ["lease", "", "grant", None, 3, "framework call-off"])
def test_an_unknown_type_is_refused_in_one_line_listing_the_allowed_ones(given):
    with pytest.raises(InvalidInput) as refused:
        contract_type(given)
    assert str(refused.value) == f"contract type: {given!r} is not one of: {ALLOWED}"


# --- the services, on SQLite and PostgreSQL -------------------------------------------------------

def add(session, reference: str, **fields):
    values = {"title": f"Service {reference}", "start_date": date(2025, 10, 1), "initial_term": "3y",
              "regime": "PA2023", "annual_value": Decimal("2000000"), "whole_life_value": Decimal("6000000"),
              "owner_role": "Director of Place", **fields}
    return register_contract(session, ContractFields(reference=reference, **values), actor="officer")


def notice_kinds(session) -> set[str]:
    return {row.kind for row in authority_rows(session)}


def test_a_6m_concession_in_the_register_has_no_uk9_no_uk8_and_no_kpi_shortfall(store):
    with store.session() as session:
        keep_notices_current(session, TODAY)
        added = add(session, "CAR-PARKS", contract_type="concession")
        assert added.contract_type == "concession"
        assert notice_kinds(session) == set()
        assert kpi_standing(session, added).required is False
        assert kpi_shortfalls(session) == []
    with store.session() as session:
        # Recorded as a public contract after all: UK8, s.70 and UK9 are due, and its KPIs are short.
        edit_contract(session, "CAR-PARKS", {"contract_type": "public contract"}, actor="officer")
        assert notice_kinds(session) == {UK8.value, S70.value, UK9.value}
        assert [s.reference for s in kpi_shortfalls(session)] == ["CAR-PARKS"]
        uk9 = {row.id for row in authority_rows(session) if row.kind == UK9.value}
    with store.session() as session:
        # A framework: the payments notices stay, UK9 goes (kept as superseded, for the calendars).
        edit_contract(session, "CAR-PARKS", {"contract_type": "framework"}, actor="officer")
        assert notice_kinds(session) == {UK8.value, S70.value}
        assert kpi_shortfalls(session) == []
        superseded = session.exec(select(Deadline.id).where(Deadline.kind == UK9.value,
                                                            Deadline.state == "superseded")).all()
        assert set(superseded) == uk9
        changes = session.exec(select(AuditEvent.old_value, AuditEvent.new_value).where(
            AuditEvent.field == "contract_type").order_by(AuditEvent.id)).all()
        assert [tuple(change) for change in changes] == [("concession", "public contract"),
                                                         ("public contract", "framework")]
    assert check_store(store.engine).ok


def test_a_call_off_in_the_register_gets_the_notices_of_a_public_contract(store):
    with store.session() as session:
        keep_notices_current(session, TODAY)
        add(session, "CALL-1", contract_type="call-off")
        assert notice_kinds(session) == {UK8.value, S70.value, UK9.value}
        assert [s.reference for s in kpi_shortfalls(session)] == ["CALL-1"]


def test_an_edit_that_does_not_name_the_type_keeps_it(store):
    """The app's form sends every field it shows, and it does not show the type."""
    with store.session() as session:
        add(session, "CAR-PARKS", contract_type="concession")
        edit_contract(session, "CAR-PARKS", {"title": "Car parks", "light_touch": False}, actor="officer")
        assert get_contract(session, "CAR-PARKS").contract_type == "concession"


@pytest.mark.parametrize("action", [
    lambda s: add(s, "NEW-1", contract_type="lease"),
    lambda s: edit_contract(s, "CAR-PARKS", {"contract_type": "lease", "title": "Renamed"}, actor="officer"),
])
def test_bad_input_is_refused_in_one_line_and_nothing_is_written(store, action):
    with store.session() as session:
        add(session, "CAR-PARKS", contract_type="concession")
    before = table_rows(store.engine)
    with pytest.raises(InvalidInput) as refused, store.session() as session:
        action(session)
    assert str(refused.value) == f"contract type: 'lease' is not one of: {ALLOWED}"
    assert table_rows(store.engine) == before


def test_the_bulk_path_stores_the_type_and_refuses_a_bad_one_alike(store):
    def load(kind: str, reference: str):
        fields = ContractFields(reference=reference, title="Bulk", start_date=date(2025, 10, 1), initial_term="2y",
                                regime="PA2023", annual_value=Decimal("50000"), contract_type=kind)
        bulk_load(store, [BulkContract(contract=fields)], actor="officer")

    with store.session() as session:
        keep_notices_current(session, TODAY)
    load("concession", "BULK-1")
    with store.session() as session:
        assert get_contract(session, "BULK-1").contract_type == "concession"
        assert authority_rows(session) == []  # a concession alone: no UK8, no s.70
    before = table_rows(store.engine)
    with pytest.raises(InvalidInput) as refused:
        load("lease", "BULK-2")
    assert str(refused.value) == f"BULK-2: contract type: 'lease' is not one of: {ALLOWED}"
    assert table_rows(store.engine) == before


@pytest.mark.parametrize("kind, template, successor", [
    ("concession", "pa2023-open", "concession"),
    ("framework", "pa2023-competitive-flexible", "framework"),
    ("public contract", "pa2023-call-off", "call-off"),  # awarded under a framework
    ("call-off", "pa2023-open", "public contract"),  # re-procured by an open procedure of its own
])
def test_a_successor_takes_the_type_of_the_contract_it_follows(store, kind, template, successor):
    from contract_tracker.domain.workdays import statutory_calendar
    from contract_tracker.services.reprocurement import reprocure

    with store.session() as session:
        add(session, "OLD-1", contract_type=kind)
        result = reprocure(session, ["OLD-1"], reference="NEW-1", template_key=template, as_of=TODAY,
                           calendar=statutory_calendar(), actor="officer")
        assert result.successor.contract_type == successor
        assert get_contract(session, "NEW-1").contract_type == successor


# --- the command line ----------------------------------------------------------------------------

def test_contract_add_and_edit_take_a_type(cli):
    added = cli("contract", "add", "--ref", "CAR-PARKS", "--title", "Car parks", "--start", "2025-10-01",
                "--term", "10y", "--regime", "PA2023", "--whole-life-value", "£6,000,000", "--type", "concession")
    assert added.exit_code == 0, added.output
    assert "--type" in cli("contract", "add", "--help").stdout
    edited = cli("contract", "edit", "CAR-PARKS", "--type", "public contract")
    assert edited.exit_code == 0, edited.output
    # Live, over £5m and now needing KPIs, with none: said at once, and the change stands.
    assert edited.stderr.startswith("warning: CAR-PARKS is a PA 2023 public contract over £5 million")
    history = json.loads(cli("contract", "history", "CAR-PARKS", "--format", "json").stdout)["events"]
    assert [(e["field"], e["old_value"], e["new_value"]) for e in history if e["field"] == "contract_type"] == [
        ("contract_type", "concession", "public contract")]
    assert cli("contract", "edit", "CAR-PARKS", "--type", "Framework").stderr == ""


def test_a_bad_type_on_the_command_line_is_one_line_and_writes_nothing(cli, tmp_path):
    assert cli("contract", "add", "--ref", "LIB-1", "--title", "Libraries", "--status", "planned").exit_code == 0
    for args in (["contract", "add", "--ref", "LIB-2", "--title", "More", "--status", "planned", "--type", "lease"],
                 ["contract", "edit", "LIB-1", "--type", "lease", "--title", "Renamed"]):
        refused = cli(*args)
        assert refused.exit_code == 2
        assert refused.stderr == f"error: contract type: 'lease' is not one of: {ALLOWED}\n"
    listed = json.loads(cli("contract", "list", "--format", "json").stdout)["contracts"]
    assert [(c["reference"], c["title"]) for c in listed] == [("LIB-1", "Libraries")]


# --- the migration, backups, db check -------------------------------------------------------------

def test_a_store_at_0017_upgrades_with_every_row_kept_as_public_contracts(store):
    with store.session() as session:
        load_demo(session)
    command.downgrade(_alembic_config(store.engine), "0017")
    before = table_rows(store.engine)
    assert "contract_type" not in dict(before["contract"][0]) and len(before["contract"]) == 10
    assert len(before["milestone"]) > 10 and len(before["deadline"]) > 50 and before["extension_option"]
    upgrade(store.engine, "head")
    assert current_revision(store.engine) == head_revision() == "0018"
    after = table_rows(store.engine)
    assert {dict(row)["contract_type"] for row in after["contract"]} == {"public contract"}
    assert table_rows(store.engine, drop_columns=("contract_type",)) == before
    assert check_store(store.engine).ok
    with store.session() as session:
        edit_contract(session, "DEMO-SL-2026", {"contract_type": "concession"}, actor="upgrader")
        assert get_contract(session, "DEMO-SL-2026").contract_type == "concession"


def test_a_backup_and_restore_keeps_the_type(demo_store, tmp_path):
    with demo_store.session() as session:
        edit_contract(session, "DEMO-SL-2026", {"contract_type": "concession"}, actor="officer")
        edit_contract(session, "WCC-SEND-MED-2025", {"contract_type": "call-off"}, actor="officer")
    kept = table_rows(demo_store.engine)
    # A JSON dump from either database; a SQLite store is also backed up as a copy of its file.
    names = ["backup.json.gz", *(["backup.sqlite"] if demo_store.engine.dialect.name == "sqlite" else [])]
    for name in names:
        backup(demo_store.engine, tmp_path / name)
        with demo_store.session() as session:
            edit_contract(session, "DEMO-SL-2026", {"contract_type": "framework"}, actor="spoiler")
        restore(demo_store.engine, tmp_path / name)
        assert table_rows(demo_store.engine) == kept, name
    with demo_store.session() as session:
        assert {c.reference: c.contract_type for c in session.exec(select(Contract))
                if c.contract_type != "public contract"} == {"DEMO-SL-2026": "concession",
                                                              "WCC-SEND-MED-2025": "call-off"}
    assert check_store(demo_store.engine).ok


def test_db_check_finds_a_type_written_behind_the_services_back(demo_store):
    with demo_store.engine.begin() as connection:
        connection.execute(text("UPDATE contract SET contract_type = 'lease' WHERE reference = 'DEMO-SL-2026'"))
    assert check_store(demo_store.engine).findings == [
        f"DEMO-SL-2026: contract type 'lease' is not one of: {ALLOWED} (the notices count it as a public "
        "contract; set it with `contract edit --type`)"]


# --- OCDS ----------------------------------------------------------------------------------------

def release(**tender) -> dict:
    return {"ocid": "ocds-b5fd17-0001", "id": "1", "date": "2025-06-01T00:00:00Z", "tag": ["tender"],
            "tender": {"id": "T1", "title": "A tender", **tender}}


@pytest.mark.parametrize("extra, tender, kind", [
    ({}, {"techniques": {"hasFrameworkAgreement": True}}, "framework"),
    ({"relatedProcesses": [{"id": "1", "relationship": ["framework"], "scheme": "ocid",
                            "identifier": "ocds-b5fd17-0000"}]}, {}, "call-off"),
    ({}, {"procurementMethodDetails": "Call-off from a framework agreement"}, "call-off"),
    ({}, {"procurementMethodDetails": "Other - Further Competition - Framework"}, "call-off"),
    ({}, {"legalBasis": {"scheme": "CELEX", "id": "32014L0023"}}, "concession"),
])
def test_ocds_fields_that_say_what_the_contract_is(extra, tender, kind):
    incoming = to_incoming({**release(**tender), **extra}, source="test", warnings=[])
    assert incoming.fields.contract_type == kind and "contract_type" in incoming.provided


@pytest.mark.parametrize("tender", [
    {}, {"techniques": {"hasFrameworkAgreement": False}},
    {"procurementMethodDetails": "Call-off from a dynamic purchasing system"},  # not a framework
    {"legalBasis": {"scheme": "CELEX", "id": "32014L0024"}},  # the public contracts directive
])
def test_ocds_that_says_nothing_of_the_type_provides_none(tender):
    incoming = to_incoming(release(**tender), source="test", warnings=[])
    assert incoming.fields.contract_type == "public contract" and "contract_type" not in incoming.provided


def test_importing_contracts_finder_finds_its_call_offs_and_keeps_a_type_it_does_not_say(store):
    require_data()
    path = OCDS / "uk" / "contracts-finder-2025-release-package.json"
    with store.session() as session:
        import_ocds(session, path.read_bytes(), source=path.name, actor="importer")
    with store.session() as session:
        types = {c.reference: c.contract_type for c in session.exec(select(Contract))}
    # The FCDO's monitoring contract: "Call-off from a framework agreement"; Merton's consultation hub: open.
    assert types["ocds-b5fd17-6b5d499c-3804-4496-9f22-2c8551e9912d"] == ContractType.CALL_OFF
    assert types["ocds-b5fd17-deddd0f5-7f54-41ae-9c16-bbd0e5933625"] == ContractType.PUBLIC_CONTRACT
    assert 25 <= sum(kind == "call-off" for kind in types.values()) < len(types)
    with store.session() as session:
        edit_contract(session, "ocds-b5fd17-deddd0f5-7f54-41ae-9c16-bbd0e5933625", {"contract_type": "concession"},
                      actor="officer")
    before = table_rows(store.engine)
    with store.session() as session:
        again = import_ocds(session, path.read_bytes(), source=path.name, actor="importer")
    assert again.created == again.updated == []
    assert table_rows(store.engine) == before
