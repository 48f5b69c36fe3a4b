"""Editing many contracts at once, for the fields no deadline depends on.

A quarterly re-import of a register changes values, descriptions, suppliers, here and there:
through `services.edit_contract` that is a dozen statements and a rewrite of the contract's
deadlines each, about 4.5 ms a contract. The deadline engine reads a snapshot of a contract's
facts (`snapshot.snapshot_of`) that holds none of the fields in `NO_DEADLINE_DEPENDS_ON`, so a
change to them cannot change a deadline; such changes are written here with one statement per
table, audited exactly as `edit_contract` audits them (one event per field, with old and new
value; the suppliers and their numbers), with the version bumped and `updated_at` stamped.
Anything else goes through the services. `tests/test_bulk_edit.py` holds both ways equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy.engine import Connection

from ..errors import StaleEdit
from ..store.models import AuditEvent, Contract, ContractSupplier
from .audit import as_text
from .validation import identified

# Contract fields the deadline engine never reads (see the module's docstring).
NO_DEADLINE_DEPENDS_ON = frozenset({"description", "buyer", "owner_contact", "annual_value", "whole_life_value",
                                    "extension_wording"})

CONTRACT = Contract.__table__
SUPPLIER = ContractSupplier.__table__
AUDIT = AuditEvent.__table__


@dataclass
class FieldEdit:
    """One contract's changes: `old` and `new` values of fields in NO_DEADLINE_DEPENDS_ON, and
    optionally its suppliers as (name, identifier) before and after."""

    contract_id: int
    reference: str
    version: int  # as read: the edit is refused if the contract has moved on
    old: dict
    new: dict
    old_suppliers: list[tuple[str, str]] | None = None
    new_suppliers: list[tuple[str, str]] | None = None
    reason: str = ""  # when set, an event with this reason follows the edits ("imported from ...")


def edit_fields(connection: Connection, edits: list[FieldEdit], *, actor: str, now: datetime) -> None:
    """Write every edit in `connection`'s transaction. Raises StaleEdit, naming a contract, when
    one has changed since its version was read (the caller's transaction is then rolled back)."""
    if not edits:
        return
    for edit in edits:
        unknown = set(edit.new) - NO_DEADLINE_DEPENDS_ON
        if unknown:
            raise ValueError(f"edit_fields cannot change {', '.join(sorted(unknown))}: deadlines depend on them")
    by_fields: dict[tuple[str, ...], list[FieldEdit]] = {}
    for edit in edits:
        by_fields.setdefault(tuple(sorted(edit.new)), []).append(edit)
    for names, group in by_fields.items():
        statement = (update(CONTRACT)
                     .where(CONTRACT.c.id == bindparam("b_id"), CONTRACT.c.version == bindparam("b_version"))
                     .values(**{name: bindparam(f"b_{name}") for name in names},
                             version=CONTRACT.c.version + 1, updated_at=bindparam("b_now")))
        rows = [{"b_id": e.contract_id, "b_version": e.version, "b_now": now,
                 **{f"b_{name}": e.new[name] for name in names}} for e in group]
        changed = connection.execute(statement, rows).rowcount
        if changed != len(rows):
            raise StaleEdit(f"{len(rows) - changed} of the contracts were changed by someone else while this ran "
                            "(one of: " + ", ".join(e.reference for e in group[:5]) + "); nothing was written")
    with_suppliers = [edit for edit in edits if edit.new_suppliers is not None]
    if with_suppliers:
        connection.execute(delete(SUPPLIER).where(SUPPLIER.c.contract_id.in_([e.contract_id for e in with_suppliers])))
        connection.execute(insert(SUPPLIER), [
            {"contract_id": e.contract_id, "position": position, "name": name, "identifier": identifier}
            for e in with_suppliers for position, (name, identifier) in enumerate(e.new_suppliers or [], start=1)
        ])
    events = []
    for edit in edits:
        base = {"at": now, "actor": actor, "contract_id": edit.contract_id, "contract_reference": edit.reference,
                "entity": "contract", "entity_id": edit.contract_id, "contract_version": edit.version + 1}
        for name in edit.new:  # as apply_changes writes them: one event per field, in the order given
            events.append({**base, "action": "edited", "field": name, "old_value": as_text(edit.old.get(name)),
                           "new_value": as_text(edit.new[name]), "reason": ""})
        if edit.new_suppliers is not None:
            old, new = edit.old_suppliers or [], edit.new_suppliers
            if [n for n, _ in old] != [n for n, _ in new]:
                events.append({**base, "action": "edited", "field": "suppliers",
                               "old_value": as_text([n for n, _ in old]), "new_value": as_text([n for n, _ in new]),
                               "reason": ""})
            if identified(old) != identified(new):
                events.append({**base, "action": "edited", "field": "supplier identifiers",
                               "old_value": as_text(identified(old)), "new_value": as_text(identified(new)),
                               "reason": ""})
        if edit.reason:
            events.append({**base, "action": "imported", "field": "", "old_value": "", "new_value": "",
                           "reason": edit.reason})
    if events:
        connection.execute(insert(AUDIT), events)
