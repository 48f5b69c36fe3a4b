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


class ContractType(StrEnum):
    """What kind of contract the Procurement Act 2023 sees, for the rules that differ by kind.

    The Act's own words, as the register shows them: a concession is outside the payments
    compliance notice (UK8, s.69) and the payments-over-£30,000 publication (s.70); a framework or
    a concession needs no KPIs (s.52) and so no contract performance notices (UK9, s.71). A call-off
    (a contract awarded under a framework) is a public contract like any other; it is recorded as
    such so the register can say which contracts came from a framework.
    """

    PUBLIC_CONTRACT = "public contract"  # the default: every contract the rules were written for
    CONCESSION = "concession"
    FRAMEWORK = "framework"
    CALL_OFF = "call-off"


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
    # Never stored: how an available option stands on a day after its decide-by date, before the
    # term it would extend has ended (lifecycle.option_windows).
    OVERDUE = "overdue"


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


class KpiRating(StrEnum):
    """How a supplier performs against one KPI, in the words of the contract performance notice
    (UK9, PA 2023 s.71)."""

    GOOD = "good"
    APPROACHING_TARGET = "approaching target"
    REQUIRES_IMPROVEMENT = "requires improvement"
    INADEQUATE = "inadequate"
    OTHER = "other"  # a KPI the four ratings do not fit; the note says how it stands


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
    # The authority's own recurring notices (authority_notices), not any one contract's.
    UK8_DUE = "UK8 due"  # payments compliance notice, s.69
    PAYMENTS_DUE = "payments over 30k due"  # payments over £30,000, s.70
    UK9_DUE = "UK9 due"  # KPI assessment and contract performance notice, s.71 (about one contract)
    UK1_DUE = "UK1 due"  # pipeline notice, s.93


class DeadlineState(StrEnum):
    """A deadline row's state as stored: what the facts say, on no day in particular."""

    OPEN = "open"  # still to be acted on (within the row's window of days, see Standing)
    DONE = "done"  # acted on (met, decided)
    MISSED = "missed"  # recorded as passed without the action
    CANCELLED = "cancelled"  # no longer applies (e.g. the contract was terminated)
    LAPSED = "lapsed"  # an option that can no longer be taken (an earlier one declined or lapsed)
    SUPERSEDED = "superseded"  # the facts no longer produce this deadline; kept for its history


class Standing(StrEnum):
    """How a deadline stands on a given day (contract_tracker.read.stream), for every reader alike."""

    PENDING = "pending"  # its window of days has not begun: it does not apply yet
    OPEN = "open"  # to be acted on, due today or later
    OVERDUE = "overdue"  # to be acted on, and its day has passed
    PASSED = "passed"  # a date that marks an event (a contract end) and is behind us
    DONE = "done"
    MISSED = "missed"  # recorded missed, or its window closed after it fell due, undone
    CANCELLED = "cancelled"
    LAPSED = "lapsed"  # its window closed before it fell due, or recorded lapsed
    SUPERSEDED = "superseded"

    @property
    def is_open(self) -> bool:
        return self in (Standing.OPEN, Standing.OVERDUE)

    @property
    def stopped(self) -> bool:
        """No longer applies: calendars show it cancelled, without reminders."""
        return self in (Standing.CANCELLED, Standing.LAPSED, Standing.SUPERSEDED)
