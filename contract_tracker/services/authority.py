"""The authority's own settings: its name, nation, expected spend and the notices it opts out of.

One row (authority_settings, id 1), written on first `set`; unset until then. Every change is
audited (entity "authority", no contract) and rewrites the authority's notices in the stream.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from ..domain.deadline_item import AUTHORITY_KINDS
from ..domain.limits import clean_text, column_length
from ..domain.money import parse_money
from ..domain.workdays import NATION_NAMES, NATIONS
from ..errors import InvalidInput
from ..store.models import AuthoritySettings
from .audit import record_authority, utcnow
from .authority_settings import AuthorityView, authority_settings
from .notices import refresh_authority_notices

__all__ = ["OPT_OUT_KINDS", "AuthorityView", "authority_settings", "parse_nation", "parse_opt_outs",
           "set_authority"]

# Kinds an authority may opt out of: the s.69 exemptions (schools, transferred Northern Ireland
# authorities), and the rest for authorities outside the Act's scope for them.
OPT_OUT_KINDS = tuple(sorted(AUTHORITY_KINDS))
_NATION_WORDS = {**{code.lower(): code for code in NATIONS},
                 **{name.lower(): code for code, name in NATION_NAMES.items()}}


def parse_nation(text: str) -> str:
    """"" to unset, else a nation's code or name: ENG/England, WLS/Wales, SCT/Scotland, NIR/Northern Ireland."""
    cleaned = clean_text(text, field="nation").lower().replace("-", " ")
    if not cleaned:
        return ""
    try:
        return _NATION_WORDS[cleaned]
    except KeyError:
        choices = ", ".join(f"{code} ({name})" for code, name in NATION_NAMES.items())
        raise InvalidInput(f"nation: {text!r} is not one of: {choices}") from None


def parse_opt_outs(kinds: list[str]) -> tuple[str, ...]:
    """Each kind named once, as the stream names it (case does not matter)."""
    known = {kind.lower(): kind for kind in OPT_OUT_KINDS}
    chosen: list[str] = []
    for text in kinds:
        kind = known.get(clean_text(text, field="opt-out").lower())
        if kind is None:
            raise InvalidInput(f"opt-out: {text!r} is not one of: {', '.join(OPT_OUT_KINDS)}")
        if kind not in chosen:
            chosen.append(kind)
    return tuple(sorted(chosen))


_UNCHANGED = object()


def set_authority(session: Session, *, actor: str, today: date, name: str | None = None, nation: str | None = None,
                  expected_spend: str | Decimal | object | None = _UNCHANGED,
                  opt_outs: list[str] | None = None) -> AuthorityView:
    """Change the settings given (None: keep; an expected spend of "" or None clears it); audit
    each change; rewrite the authority's notices. Returns the settings as now stored."""
    row = session.get(AuthoritySettings, 1) or AuthoritySettings(id=1, name="", nation="", opt_outs="")
    wanted: dict[str, object] = {}
    if name is not None:
        wanted["name"] = clean_text(name, field="name", max_length=column_length(AuthoritySettings, "name"))
    if nation is not None:
        wanted["nation"] = parse_nation(nation)
    if expected_spend is not _UNCHANGED:
        wanted["expected_spend"] = parse_money(expected_spend, field="expected spend")  # type: ignore[arg-type]
    if opt_outs is not None:
        wanted["opt_outs"] = ",".join(parse_opt_outs(opt_outs))
    now = utcnow()
    changed = False
    for field, value in wanted.items():
        old = getattr(row, field)
        if old != value:
            setattr(row, field, value)
            record_authority(session, actor=actor, entity="authority", action="edited", field=field,
                             old=old, new=value, at=now)
            changed = True
    if changed:
        row.updated_at = now
        session.add(row)
        session.flush()
    refresh_authority_notices(session, today=today)
    return authority_settings(session)
