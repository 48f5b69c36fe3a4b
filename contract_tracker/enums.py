"""Enumerations stored as text, so that they read well in SQL, JSON and CSV."""

from enum import StrEnum


class ContractStatus(StrEnum):
    """What the register records about a contract; the status on a given day is derived
    from this and the dates (see lifecycle.status_as_of)."""

    PLANNED = "planned"  # being procured; not yet awarded
    LIVE = "live"  # awarded or signed; runs by its dates
    TERMINATED = "terminated"  # ended early, with a reason


class LifecycleStatus(StrEnum):
    """The status of a contract as of a given day."""

    PLANNED = "planned"
    NOT_STARTED = "not started"
    INITIAL_TERM = "initial term"
    EXTENDED = "extended"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class Regime(StrEnum):
    PA2023 = "PA2023"  # Procurement Act 2023: procurements begun on or after 24 Feb 2025
    PCR2015 = "PCR2015"  # Public Contracts Regulations 2015, for the whole life of older contracts
    OTHER = "other"  # earlier regimes, grants and arrangements outside procurement law


class Procedure(StrEnum):
    OPEN = "open"
    COMPETITIVE_FLEXIBLE = "competitive flexible"
    RESTRICTED = "restricted"
    COMPETITIVE_DIALOGUE = "competitive dialogue"
    NEGOTIATED = "negotiated"
    DIRECT_AWARD = "direct award"
    CALL_OFF = "call-off"
    OTHER = "other"


class OptionStatus(StrEnum):
    AVAILABLE = "available"
    EXERCISED = "exercised"
    DECLINED = "declined"
    LAPSED = "lapsed"


class BreakParty(StrEnum):
    BUYER = "buyer"
    SUPPLIER = "supplier"
    EITHER = "either"


class MilestoneStatus(StrEnum):
    PLANNED = "planned"
    MET = "met"
    MISSED = "missed"
    CANCELLED = "cancelled"


class MilestoneKind(StrEnum):
    """The steps of a procurement and of a contract's life, in their usual order.

    UK notice codes are those of the Procurement Act 2023 (UK1 pipeline ... UK12 procurement
    termination); PCR 2015 contracts use the same kinds for their equivalents.
    """

    APPROVAL = "approval"  # e.g. Cabinet or delegated decision to procure
    PIPELINE_NOTICE = "pipeline notice"  # UK1
    MARKET_ENGAGEMENT = "market engagement"  # consultation, soft market testing
    ENGAGEMENT_NOTICE = "engagement notice"  # UK2 preliminary market engagement
    PLANNED_PROCUREMENT_NOTICE = "planned procurement notice"  # UK3
    ITT_PUBLICATION = "itt publication"  # UK4 tender notice, invitation to tender
    CLARIFICATION_DEADLINE = "clarification deadline"
    TENDER_DEADLINE = "tender deadline"
    EVALUATION = "evaluation"
    AWARD_DECISION = "award decision"  # contract award; assessment summaries sent
    AWARD_NOTICE = "award notice"  # UK6; starts the standstill period
    STANDSTILL_END = "standstill end"
    SIGNATURE = "signature"  # contract entered into
    CONTRACT_DETAILS_NOTICE = "contract details notice"  # UK7
    MOBILISATION = "mobilisation"
    SERVICE_START = "service start"
    CONTRACT_CHANGE_NOTICE = "contract change notice"  # UK10
    CONTRACT_END = "contract end"
    TERMINATION_NOTICE = "termination notice"  # UK11
    OTHER = "other"


class DeadlineKind(StrEnum):
    """The kinds of dated obligation in the deadline stream."""

    EXTENSION_DECISION = "extension decision"
    BREAK_NOTICE = "break notice"
    CONTRACT_END = "contract end"
    REPROCUREMENT_START = "reprocurement start"
    MILESTONE = "milestone"
    STANDSTILL_END = "standstill end"
    UK7_DUE = "UK7 due"
    UK10_CHECK = "UK10 check"
    UK11_DUE = "UK11 due"


class DeadlineState(StrEnum):
    OPEN = "open"  # still to be acted on
    DONE = "done"  # acted on (met, decided)
    MISSED = "missed"  # passed without the action
    CANCELLED = "cancelled"  # no longer applies
