"""Reading OCDS in any packaging and compiling one release per ocid.

Accepts a release package, a record package, a JSON array of either, a bare release (with or
without Contracts Finder's non-standard `packageInfo`) or a compiled release. OCDS 1.0 data is
upgraded to 1.1 with ocdskit; the releases of one ocid are merged in date order by ocdsmerge using
the shipped 1.1 schema's merge rules.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from decimal import Decimal

from ...errors import InvalidInput


def parse_json(raw: bytes | str, *, source: str):
    """Parse JSON text, keeping amounts exact; a broken file gives one line naming where it breaks."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidInput(f"{source}: OCDS JSON must be UTF-8 (byte {error.start} is not)") from None
    if not raw.strip():
        raise InvalidInput(f"{source}: the file is empty")
    if "\x00" in raw or re.search(r"\\u0000", raw, re.I):
        raise InvalidInput(f"{source}: the data holds a NUL character, which no register field can keep")
    try:
        return json.loads(raw, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"{source}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
            "is the file complete?"
        ) from None
    except RecursionError:
        raise InvalidInput(f"{source}: the JSON is nested too deeply to be OCDS") from None
    except ValueError as error:  # e.g. an integer of more digits than Python will convert
        raise InvalidInput(f"{source}: not usable JSON ({error})") from None


@dataclass
class Collected:
    releases: dict[str, list[dict]] = field(default_factory=dict)  # ocid -> releases, file order
    compiled: dict[str, dict] = field(default_factory=dict)  # ocid -> compiled release given as such

    def ocids(self) -> list[str]:
        return list(dict.fromkeys([*self.releases, *self.compiled]))


def _upgrade(item: dict) -> dict:
    from ocdskit.upgrade import upgrade_10_11

    return upgrade_10_11(item, reorder=False)


def _add_release(found: Collected, release, *, where: str) -> None:
    if not isinstance(release, dict):
        raise InvalidInput(f"{where}: a release must be a JSON object")
    ocid = release.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        raise InvalidInput(f"{where}: a release has no ocid")
    for key, kind in (("tender", dict), ("planning", dict), ("buyer", dict), ("awards", list), ("contracts", list),
                      ("parties", list)):
        if release.get(key) is not None and not isinstance(release[key], kind):
            raise InvalidInput(f"{where}: release {ocid}: '{key}' must be a JSON "
                               f"{'object' if kind is dict else 'list'}, not {type(release[key]).__name__}")
    tags = release.get("tag")
    if isinstance(tags, list) and "compiled" in tags:
        found.compiled[ocid] = release
    else:
        found.releases.setdefault(ocid, []).append(release)


def collect(data, *, source: str) -> Collected:
    """Every release in `data`, grouped by ocid."""
    found = Collected()
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        where = source if not isinstance(data, list) else f"{source}, item {index + 1}"
        if not isinstance(item, dict):
            raise InvalidInput(f"{where}: expected an OCDS release package, record package or release")
        try:
            item = _upgrade(item)
        except (TypeError, AttributeError, KeyError, ValueError) as error:
            raise InvalidInput(f"{where}: OCDS 1.0 data that cannot be upgraded "
                               f"({type(error).__name__}: {error})") from None
        if "records" in item:
            records = item["records"]
            if not isinstance(records, list):
                raise InvalidInput(f"{where}: 'records' must be a list")
            for record in records:
                if not isinstance(record, dict):
                    raise InvalidInput(f"{where}: a record must be a JSON object")
                listed = record.get("releases") or []
                if not isinstance(listed, list):
                    raise InvalidInput(f"{where}: a record's 'releases' must be a list")
                embedded = [r for r in listed if isinstance(r, dict) and "tag" in r]
                if embedded:
                    for release in embedded:
                        _add_release(found, release, where=where)
                elif isinstance(record.get("compiledRelease"), dict):
                    _add_release(found, {**record["compiledRelease"], "tag": ["compiled"]}, where=where)
                else:
                    raise InvalidInput(
                        f"{where}: record {record.get('ocid', '?')} has only linked releases and no compiledRelease"
                    )
        elif "releases" in item and "ocid" not in item:
            if not isinstance(item["releases"], list):
                raise InvalidInput(f"{where}: 'releases' must be a list")
            for release in item["releases"]:
                _add_release(found, release, where=where)
        elif "ocid" in item:
            _add_release(found, item, where=where)
        else:
            raise InvalidInput(
                f"{where}: not OCDS data (expected a release package, a record package or a release with an ocid)"
            )
    if not found.ocids():
        raise InvalidInput(f"{source}: no releases found")
    return found


def compile_ocid(found: Collected, ocid: str) -> dict:
    """The compiled release of `ocid`: its releases merged in date order (ocdsmerge)."""
    releases = found.releases.get(ocid)
    if not releases:
        return found.compiled[ocid]
    from ocdsmerge.exceptions import OCDSMergeError, OCDSMergeWarning

    from ..ocds_schema import merger

    for release in releases:
        if not isinstance(release.get("date"), str):
            raise InvalidInput(f"{ocid}: every release needs a date (text); one has {release.get('date')!r}")
    by_position = any(_duplicate_supplier_ids(release) for release in releases)
    try:
        with warnings.catch_warnings():
            # Duplicate ids within one array are the publisher's; merging copes with them.
            warnings.simplefilter("ignore", OCDSMergeWarning)
            return merger(suppliers_by_position=by_position).create_compiled_release(releases)
    except OCDSMergeError as error:
        raise InvalidInput(f"{ocid}: the releases cannot be merged: {error}") from None
    except (TypeError, AttributeError, KeyError, ValueError) as error:  # fields of the wrong type
        raise InvalidInput(f"{ocid}: the releases cannot be merged ({type(error).__name__}: {error})") from None


def _duplicate_supplier_ids(release: dict) -> bool:
    awards = release.get("awards") if isinstance(release.get("awards"), list) else []
    for award in (a for a in awards if isinstance(a, dict)):
        suppliers = award.get("suppliers") if isinstance(award.get("suppliers"), list) else []
        ids = [s.get("id") for s in suppliers if isinstance(s, dict) and s.get("id") is not None]
        if len(ids) != len(set(map(str, ids))):
            return True
    return False
