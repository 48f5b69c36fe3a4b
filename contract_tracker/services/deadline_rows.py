"""How stored deadline rows follow the engine's items: the one rule (`reconcile`) used by the
services (services.sync), by the rewrite after a rules change (stream_upkeep), by the authority's
notices (services.notices) and, for new contracts, by the bulk load. Rows are never deleted: a
deadline the facts no longer produce is kept as superseded, so its history stays and its calendar
event can be cancelled; and a row's sequence (its calendar SEQUENCE) only ever grows."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from ..domain.deadline_item import DeadlineItem
from ..domain.memo import Memo
from ..enums import DeadlineState

Key = tuple[str, int]  # (kind, ordinal): a deadline's identity within its contract
K = TypeVar("K", bound=Hashable)  # a row's identity: Key, or (contract, kind, ordinal) for the authority's
SUPERSEDED = DeadlineState.SUPERSEDED.value
# What the engine decides of a row; the rest (ids, sequence, updated_at) is kept by the store.
CONTENT = ("start_date", "due_date", "state", "holds_from", "holds_until", "ends_on", "title", "action", "owner",
           "contract_reference", "contract_title", "service_area", "fingerprint")



# Each day as it is (a dict, so that a look-up costs no Python call).
_AS_GIVEN: Memo[date | None, Any] = Memo(lambda day: day)


def content_values(item: DeadlineItem, reference: str, title: str, service_area: str,
                   days: Mapping[date | None, Any] = _AS_GIVEN) -> tuple:
    """The stored content of one item, in CONTENT's order: its own fields and the contract's,
    copied for filtering; its days as `days` maps them (the bulk load: as its driver takes them).
    A tuple, as the bulk load writes a million and a half of them."""
    return (days[item.start_date], days[item.due_date], item.state._value_, days[item.holds_from],
            days[item.holds_until], days[item.ends_on], item.title, item.action, item.owner, reference, title,
            service_area, item.fingerprint())


def row_content(item: DeadlineItem, *, reference: str, title: str, service_area: str) -> dict[str, Any]:
    """The stored content of one item, by column name."""
    return dict(zip(CONTENT, content_values(item, reference, title, service_area), strict=True))


def wanted_content(items: Iterable[DeadlineItem], *, reference: str, title: str,
                   service_area: str) -> dict[Key, dict[str, Any]]:
    return {(item.kind._value_, item.ordinal): row_content(item, reference=reference, title=title,
                                                          service_area=service_area) for item in items}


def reconcile(existing: Mapping[K, Mapping[str, Any]], wanted: Mapping[K, dict[str, Any]],
              now: datetime) -> tuple[dict[K, dict[str, Any]], dict[K, dict[str, Any]]]:
    """The rows to add and the changes to make so that stored rows match `wanted`.

    `existing` maps each stored row's key to its content (as CONTENT) and `sequence`. A changed
    row's sequence grows by one; a row no longer wanted becomes superseded (once)."""
    inserts: dict[K, dict[str, Any]] = {}
    updates: dict[K, dict[str, Any]] = {}
    for key, content in wanted.items():
        row = existing.get(key)
        if row is None:
            inserts[key] = {**content, "sequence": 0, "updated_at": now}
        elif any(row[name] != value for name, value in content.items()):
            updates[key] = {**content, "sequence": row["sequence"] + 1, "updated_at": now}
    for key, row in existing.items():
        if key not in wanted and row["state"] != SUPERSEDED:
            updates[key] = {"state": SUPERSEDED, "fingerprint": f"superseded:{row['fingerprint']}"[:64],
                            "sequence": row["sequence"] + 1, "updated_at": now}
    return inserts, updates
