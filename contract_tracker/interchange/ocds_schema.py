"""The official OCDS 1.1 release schema, shipped with the package, and validation against it.

There is no network at run time, so the schema cannot be fetched from standard.open-contracting.org.
`data/ocds-release-schema-1.1.4.json` is the official 1.1.4 release schema exactly as the
`ocdsmerge` 0.8.0 source distribution ships it (tests/fixtures/release-schema-1__1__4.json;
sha256 4226ea4a3016030171db667166c11ab5c22777de5f75a44aa601a610809b5696). It drives both merging
(ocdsmerge reads its merge rules) and validation (jsonschema, Draft 4, as the schema declares).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

SCHEMA_FILE = Path(__file__).parent / "data" / "ocds-release-schema-1.1.4.json"
RELEASE_SCHEMA_ID = "https://standard.open-contracting.org/schema/1__1__4/release-schema.json"

# The release package schema of OCDS 1.1 (release-package-schema.json), reduced to what it checks:
# its required fields and their types; each release is checked against the release schema above.
PACKAGE_SCHEMA = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "required": ["uri", "publisher", "publishedDate", "releases", "version"],
    "properties": {
        "uri": {"type": "string", "format": "uri"},
        "version": {"type": "string", "pattern": "^(\\d+\\.)(\\d+)$"},
        "extensions": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "publishedDate": {"type": "string", "format": "date-time"},
        "releases": {"type": "array", "minItems": 1, "items": {"$ref": RELEASE_SCHEMA_ID}, "uniqueItems": True},
        "publisher": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "scheme": {"type": ["string", "null"]},
                           "uid": {"type": ["string", "null"]}, "uri": {"type": ["string", "null"], "format": "uri"}},
        },
        "license": {"type": ["string", "null"], "format": "uri"},
        "publicationPolicy": {"type": ["string", "null"], "format": "uri"},
    },
}


@lru_cache(maxsize=1)
def release_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=2)
def merger(*, suppliers_by_position: bool = False):
    """An ocdsmerge Merger using the shipped schema's merge rules (never the network).

    Some publishers give every supplier the same id (Contracts Finder 2020 uses 0), which merging
    by id would collapse into one supplier; for those, suppliers are merged by position instead.
    """
    import ocdsmerge

    overrides = {("awards", "suppliers"): ocdsmerge.MERGE_BY_POSITION} if suppliers_by_position else None
    return ocdsmerge.Merger(schema=release_schema(), rule_overrides=overrides)


def package_errors(package: dict) -> list[str]:
    """Every way `package` breaks the OCDS 1.1 release package schema, as "path: message" lines."""
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    registry = Registry().with_resource(RELEASE_SCHEMA_ID, Resource.from_contents(release_schema(), DRAFT4))
    validator = Draft4Validator(PACKAGE_SCHEMA, registry=registry, format_checker=FormatChecker())
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(package)'}: {error.message}"
        for error in sorted(validator.iter_errors(package), key=lambda e: list(map(str, e.absolute_path)))
    ]
