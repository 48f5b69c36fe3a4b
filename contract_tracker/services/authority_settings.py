"""Reading the authority's own settings (one row, id 1; all unset until first set): what the
authority's notices are worked out from (services.notices) and what `authority show` prints.
Writing them is services.authority's."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from ..domain.authority_notices import AuthorityFacts
from ..domain.workdays import NATION_NAMES
from ..store.models import AuthoritySettings


@dataclass(frozen=True)
class AuthorityView:
    name: str
    nation: str  # a code (ENG, WLS, SCT, NIR) or ""
    expected_spend: Decimal | None
    opt_outs: tuple[str, ...]

    def facts(self) -> AuthorityFacts:
        return AuthorityFacts(expected_spend=self.expected_spend, opt_outs=frozenset(self.opt_outs))

    def as_dict(self) -> dict:
        return {"name": self.name, "nation": self.nation,
                "nation_name": NATION_NAMES.get(self.nation, ""),
                "expected_spend": None if self.expected_spend is None else str(self.expected_spend),
                "opt_outs": list(self.opt_outs)}


def _opt_outs_of(text: str) -> tuple[str, ...]:
    return tuple(part for part in (piece.strip() for piece in text.split(",")) if part)


def authority_settings(session: Session) -> AuthorityView:
    """The settings as stored, or all unset."""
    row = session.get(AuthoritySettings, 1)
    if row is None:
        return AuthorityView(name="", nation="", expected_spend=None, opt_outs=())
    return AuthorityView(name=row.name, nation=row.nation, expected_spend=row.expected_spend,
                         opt_outs=_opt_outs_of(row.opt_outs))
