"""Key performance indicators (PA 2023 s.52): which contracts need them, and the check at award.

Pure. Before entering into a public contract with an estimated value over £5 million, the authority
sets at least three KPIs (s.52(1)) and publishes them; it then assesses performance against them at
least once in every 12 months and on the contract's end (s.71, the UK9 notice: authority_notices).
Light-touch contracts, frameworks and concessions are outside the duty (s.52), and the register
records each (`light_touch`, `contract_type`); a call-off under a framework is a public contract and
needs KPIs like any other. So, by s.52, are contracts whose performance KPIs could not appropriately
assess: the register has no field for that judgement, so the check says so in its words instead of
deciding for the user.

The value compared is the whole-life value (an estimated value includes every extension option),
else the annual value when that is all the register holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..enums import ContractStatus, ContractType, MilestoneKind, Regime

CITE_KPIS = "PA 2023 s.52"
KPI_OVER = Decimal("5000000")
MIN_KPIS = 3
# The steps at which a contract is awarded or entered into: marking one met is the moment the
# KPIs should already be set (services.kpis.award_warning).
AWARD_STEPS = frozenset({MilestoneKind.AWARD_DECISION.value, MilestoneKind.AWARD_NOTICE.value,
                         MilestoneKind.SIGNATURE.value})
EXCEPTIONS = "unless KPIs could not appropriately assess its performance"
# The kinds of contract s.52 leaves out, whatever their value.
NO_KPIS = frozenset({ContractType.FRAMEWORK.value, ContractType.CONCESSION.value})


def kpis_required(*, regime: str, light_touch: bool, contract_type: str, whole_life_value: Decimal | None,
                  annual_value: Decimal | None) -> bool:
    """A PA 2023 contract above £5 million that is not light-touch, a framework or a concession (a
    public contract or a call-off): it needs at least three KPIs (s.52) and a yearly performance
    assessment (s.71)."""
    value = whole_life_value if whole_life_value is not None else annual_value
    return (regime == Regime.PA2023.value and not light_touch and contract_type not in NO_KPIS
            and value is not None and value > KPI_OVER)


def award_step_met(milestones: Iterable[tuple[str, bool]]) -> bool:
    """Whether one of the award steps is met; `milestones` are (kind, met) pairs."""
    return any(met and kind in AWARD_STEPS for kind, met in milestones)


def entered_into(status: str, award_met: bool) -> bool:
    """Whether the contract is awarded: recorded live (or ended), or one of its award steps met."""
    return status != ContractStatus.PLANNED.value or award_met


@dataclass(frozen=True)
class KpiStanding:
    """One contract's KPIs against s.52: whether it needs them, how many are recorded, and whether
    it has been awarded (then a shortfall is a breach, before it a step still to take)."""

    reference: str
    required: bool
    recorded: int
    awarded: bool

    @property
    def missing(self) -> int:
        """How many more KPIs it needs (0 when it needs none, or has enough)."""
        return max(0, MIN_KPIS - self.recorded) if self.required else 0

    @property
    def short(self) -> bool:
        return self.missing > 0

    @property
    def breach(self) -> bool:
        """Awarded (or entered into) without the KPIs s.52 asks for."""
        return self.short and self.awarded

    def problem(self) -> str:
        """'' when nothing is to fix, else one line naming the contract, the rule and the count."""
        if not self.short:
            return ""
        kpis = "no KPIs" if self.recorded == 0 else f"{self.recorded} KPI{'s' if self.recorded != 1 else ''}"
        if self.awarded:
            return (f"{self.reference} is a PA 2023 public contract over £5 million, not light-touch, awarded with "
                    f"{kpis}; {CITE_KPIS} asks for at least {MIN_KPIS}, set before it is entered into: "
                    f"add {self.missing} more with `kpi add` ({EXCEPTIONS})")
        return (f"{self.reference} is a PA 2023 public contract over £5 million, not light-touch: {CITE_KPIS} asks for "
                f"at least {MIN_KPIS} KPIs, set before it is entered into; it has {kpis}: add {self.missing} more "
                f"with `kpi add`")

    def summary(self) -> str:
        """How the contract stands, in a few words, for a list or a screen."""
        if not self.required:
            return f"{self.recorded} recorded; not required by {CITE_KPIS}"
        if self.short:
            return f"{self.recorded} of at least {MIN_KPIS} required by {CITE_KPIS}"
        return f"{self.recorded} recorded; at least {MIN_KPIS} required by {CITE_KPIS}: met"

    def as_dict(self) -> dict:
        return {"reference": self.reference, "required": self.required, "recorded": self.recorded,
                "minimum": MIN_KPIS if self.required else 0, "missing": self.missing, "awarded": self.awarded,
                "breach": self.breach, "problem": self.problem()}
