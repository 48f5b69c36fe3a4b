"""Where the real published test data lives (tests/data, see its README for sources and licences), and
helpers that read it independently of the importers, so that tests check the importers against the files."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
OCDS = DATA / "ocds"


def require_data() -> Path:
    if not (OCDS / "uk").is_dir():
        pytest.fail(f"the test data is missing: expected {OCDS} (it is part of the repository)", pytrace=False)
    return DATA


def ocds_files() -> list[Path]:
    """Every OCDS JSON file, or one placeholder path that fails clearly when the data is missing."""
    files = sorted(OCDS.rglob("*.json"))
    return files or [OCDS / "MISSING"]


def file_id(path: Path) -> str:
    return str(path.relative_to(OCDS)) if path.is_relative_to(OCDS) else path.name


def load(path: Path):
    require_data()
    return json.loads(path.read_text(encoding="utf-8"))


def releases_in(data) -> list[dict]:
    """Every release (or compiled release) in any OCDS packaging, in file order."""
    items = data if isinstance(data, list) else [data]
    out = []
    for item in items:
        if "records" in item:
            for record in item["records"]:
                embedded = [r for r in record.get("releases", []) if "tag" in r]
                out.extend(embedded or [record["compiledRelease"]])
        elif "releases" in item and "ocid" not in item:
            out.extend(item["releases"])
        else:
            out.append(item)
    return out


def ocids_in(data) -> list[str]:
    return list(dict.fromkeys(release["ocid"] for release in releases_in(data)))


def clean(text: str) -> str:
    """Text as the importer keeps names and titles: entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(text).split())
