"""SQLModel tables: the facts of the register, and the deadline stream kept in step with them.

Dates are `date` (deadlines are days, not instants); money is Decimal pounds stored as pence;
enumerations are stored as their text values; periods are short text such as "3y" or "6m"
(see durations.py). Nothing here holds a rule: those live in lifecycle, deadlines and services.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from .columns import Pence


def _version_column() -> Column:
    """A row version for optimistic concurrency: every UPDATE says WHERE version = <the one read>.

    The services bump it themselves (version_id_generator False), so a change made from a stale
    copy matches no row and is refused instead of silently overwriting someone else's edit.
    """
    return Column("version", Integer, nullable=False, default=1)


def _fk(target: str, *, ondelete: str = "CASCADE", nullable: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


_CONTRACT_VERSION = _version_column()


class Contract(SQLModel, table=True):
    __tablename__ = "contract"
    __mapper_args__ = {"version_id_col": _CONTRACT_VERSION, "version_id_generator": False}

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(sa_column=Column(String(100), nullable=False, unique=True))
    title: str = Field(sa_type=String(300))
    description: str = Field(default="", sa_type=Text)
    buyer: str = Field(default="", sa_type=String(200))
    service_area: str = Field(default="", sa_type=String(200), index=True)
    owner_role: str = Field(default="", sa_type=String(200), index=True)
    owner_contact: str = Field(default="", sa_type=String(200))
    status: str = Field(default="live", sa_type=String(20), index=True)
    regime: str = Field(default="PA2023", sa_type=String(20))
    procedure: str = Field(default="open", sa_type=String(40))
    light_touch: bool = False
    # enums.ContractType: a public contract, a concession, a framework or a call-off (the rules on
    # UK8, s.70, KPIs and UK9 differ); rows written before the column read as public contracts.
    contract_type: str = Field(default="public contract", sa_column=Column(
        String(20), nullable=False, server_default="public contract"))
    start_date: date | None = None
    initial_term: str | None = Field(default=None, sa_type=String(20))
    annual_value: Decimal | None = Field(default=None, sa_type=Pence)
    whole_life_value: Decimal | None = Field(default=None, sa_type=Pence)
    currency: str = Field(default="GBP", sa_type=String(3))
    decision_notice: str = Field(default="6m", sa_type=String(20))
    reprocurement_lead: str = Field(default="12m", sa_type=String(20))
    successor_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("contract.id", ondelete="SET NULL"), nullable=True),
    )
    terminated_on: date | None = None
    termination_reason: str = Field(default="", sa_type=Text)
    # The options as the register or notice worded them ("Optional Extension Period of 2 x 12
    # Months"), kept as written; wording with no options read from it is flagged for review.
    extension_wording: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = Field(default=1, sa_column=_CONTRACT_VERSION)
    created_at: datetime
    updated_at: datetime


class ContractSupplier(SQLModel, table=True):
    __tablename__ = "contract_supplier"
    __table_args__ = (UniqueConstraint("contract_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(sa_column=_fk("contract.id"))
    position: int = 1
    name: str = Field(sa_type=String(300))
    identifier: str = Field(default="", sa_type=String(100))  # e.g. Companies House number


_OPTION_VERSION = _version_column()


class ExtensionOption(SQLModel, table=True):
    __tablename__ = "extension_option"
    __table_args__ = (UniqueConstraint("contract_id", "ordinal"),)
    __mapper_args__ = {"version_id_col": _OPTION_VERSION, "version_id_generator": False}

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(sa_column=_fk("contract.id"))
    ordinal: int  # 1 for the first option; options are taken in order
    length: str = Field(sa_type=String(20))
    notice: str | None = Field(default=None, sa_type=String(20))  # overrides the contract's
    status: str = Field(default="available", sa_type=String(20))
    decided_on: date | None = None
    decided_by: str = Field(default="", sa_type=String(200))
    note: str = Field(default="", sa_type=Text)
    version: int = Field(default=1, sa_column=_OPTION_VERSION)


class BreakClause(SQLModel, table=True):
    __tablename__ = "break_clause"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(sa_column=_fk("contract.id"))
    earliest_date: date | None = None  # a fixed break date, or
    after: str | None = Field(default=None, sa_type=String(20))  # a period after the start
    notice: str = Field(default="3m", sa_type=String(20))
    party: str = Field(default="either", sa_type=String(20))
    note: str = Field(default="", sa_type=Text)


_MILESTONE_VERSION = _version_column()


class Milestone(SQLModel, table=True):
    __tablename__ = "milestone"
    __mapper_args__ = {"version_id_col": _MILESTONE_VERSION, "version_id_generator": False}

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(sa_column=_fk("contract.id"))
    kind: str = Field(sa_type=String(40))
    name: str = Field(sa_type=String(300))
    start_date: date | None = None  # set for a span such as "July/August 2025"
    due_date: date  # the day, or the last day of the span
    status: str = Field(default="planned", sa_type=String(20))
    met_on: date | None = None
    owner: str = Field(default="", sa_type=String(200))
    notes: str = Field(default="", sa_type=Text)
    template_key: str | None = Field(default=None, sa_type=String(100))  # set by schedule apply
    version: int = Field(default=1, sa_column=_MILESTONE_VERSION)


class AuditEvent(SQLModel, table=True):
    """One changed field (or one action with no field) by one person at one moment."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str = Field(sa_type=String(200))
    contract_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("contract.id", ondelete="SET NULL"), index=True),
    )
    contract_reference: str = Field(default="", sa_type=String(100))
    entity: str = Field(sa_type=String(40))  # contract, option, milestone, break, supplier
    entity_id: int | None = None
    action: str = Field(sa_type=String(40))  # created, edited, exercised, declined, ...
    field: str = Field(default="", sa_type=String(100))
    old_value: str = Field(default="", sa_type=Text)
    new_value: str = Field(default="", sa_type=Text)
    reason: str = Field(default="", sa_type=Text)
    # The contract's version once this change was committed (NULL before revision 0008): lets a
    # refused stale edit name exactly the changes made since the version the editor had read.
    contract_version: int | None = None


class Deadline(SQLModel, table=True):
    """The deadline stream, materialised: rewritten for a contract whenever it changes.

    Identity is (contract_id, kind, ordinal), stable across edits, which gives calendar events
    stable UIDs. Contract fields used for filtering are copied in so that reports are a single
    indexed date-range query. The authority's own notices (deadline_item.AUTHORITY_KINDS) are rows
    of the same stream, written by the authority's refresh: with no contract (UK8, s.70, UK1),
    whose identity is (kind, ordinal), or naming the contract they are about (UK9).
    """

    __tablename__ = "deadline"
    __table_args__ = (
        UniqueConstraint("contract_id", "kind", "ordinal"),
        Index("ix_deadline_due_state", "due_date", "state"),
        # Spans only (a sixth of the rows): finds those that start inside a calendar's window but
        # end after it without walking every later deadline (feeds.calendar_rows). Partial, so
        # queries that do not ask for spans (such as the reports) cannot be planned on it.
        Index("ix_deadline_span_due", "due_date", "start_date",
              sqlite_where=text("start_date IS NOT NULL"), postgresql_where=text("start_date IS NOT NULL")),
        # The contracts whose final possible end falls in a window (report expiring).
        Index("ix_deadline_kind_ends", "kind", "ends_on"),
        # The authority's notices that name no contract: NULLs are distinct in the constraint above.
        Index("ux_deadline_authority", "kind", "ordinal", unique=True,
              sqlite_where=text("contract_id IS NULL"), postgresql_where=text("contract_id IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int | None = Field(default=None, sa_column=_fk("contract.id", nullable=True))
    kind: str = Field(sa_type=String(40))
    ordinal: int = 0
    start_date: date | None = None
    due_date: date
    state: str = Field(default="open", sa_type=String(20))  # as the facts record it (DeadlineState)
    # The days in which the deadline applies (None: no bound); `stream` judges a row on a day by them.
    holds_from: date | None = None
    holds_until: date | None = None
    ends_on: date | None = None  # the contract end it decides or prepares for
    title: str = Field(sa_type=String(400))
    action: str = Field(default="", sa_type=Text)
    owner: str = Field(default="", sa_type=String(200), index=True)
    contract_reference: str = Field(sa_type=String(100))
    contract_title: str = Field(sa_type=String(300))
    service_area: str = Field(default="", sa_type=String(200))
    fingerprint: str = Field(default="", sa_type=String(64))  # hash of dates and text
    sequence: int = 0  # grows whenever the fingerprint changes (iCalendar SEQUENCE)
    updated_at: datetime


class DeadlineVersion(SQLModel, table=True):
    """One row: a random token replaced whenever any deadline row changes (contract_tracker.store.change_marker).

    Lets the feed server tell in one primary-key read whether a cached calendar may still be
    current. A random token rather than a counter: restoring a backup brings back the token of
    the moment it was taken, which can never match a calendar built from other data."""

    __tablename__ = "deadline_version"

    id: int = Field(default=1, primary_key=True)
    token: str = Field(sa_type=String(32))
    # The deadline rules (deadlines.RULES) the stored stream was written by: when the code's rules
    # change, opening the store rewrites every contract's deadlines (stream_upkeep).
    rules: str = Field(default="", sa_column=Column(String(32), nullable=False, server_default=""))


class RegisterIdentity(SQLModel, table=True):
    """One row: the register's random identity, made with the store (migration 0014) and carried
    by its backups, so a restored register keeps it. Calendar UIDs are built from it, so two
    registers (two councils, two demo stores) never give the same UID."""

    __tablename__ = "register_identity"

    id: int = Field(default=1, primary_key=True)
    identity: str = Field(sa_type=String(36))  # a UUID, as text
    created_at: datetime


class ContractYearFigures(SQLModel, table=True):
    """One contract's money and activity for one UK financial year (1 April to 31 March).

    `financial_year` is the calendar year the financial year starts in (2024 for 2024/25). The
    spend is either a forecast or an actual (`spend_basis`); the savings target is the baseline
    less the budget (see finance.py).
    """

    __tablename__ = "contract_year_figures"
    __table_args__ = (UniqueConstraint("contract_id", "financial_year"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(sa_column=_fk("contract.id"))
    financial_year: int = Field(index=True)
    budget: Decimal | None = Field(default=None, sa_type=Pence)
    baseline: Decimal | None = Field(default=None, sa_type=Pence)
    spend: Decimal | None = Field(default=None, sa_type=Pence)
    spend_basis: str | None = Field(default=None, sa_type=String(10))  # forecast or actual
    volume: int | None = None
    volume_unit: str = Field(default="", sa_type=String(60))
    note: str = Field(default="", sa_type=Text)
    version: int = Field(default=1)
    updated_at: datetime


class FeedSubscription(SQLModel, table=True):
    """A calendar feed someone subscribes to: which deadlines, which reminders, and a secret.

    Only a hash of the token is kept: whoever reads the database cannot subscribe as someone else.
    """

    __tablename__ = "feed_subscription"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(200))
    filters: str = Field(default="{}", sa_type=Text)  # JSON: contracts, owner, service_area, kinds, dates
    alarms: str | None = Field(default=None, sa_type=String(200))  # "30d,7d"; "" for none; NULL for defaults
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime
    created_by: str = Field(default="", sa_type=String(200))
    revoked_at: datetime | None = None


class ImportedRecord(SQLModel, table=True):
    """Where an imported contract came from: the OCDS ocid and the date of the newest release read,
    so that importing an older notice after a newer one does not take the register backwards."""

    __tablename__ = "imported_record"
    __table_args__ = (UniqueConstraint("scheme", "identifier"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(sa_column=_fk("contract.id"))
    scheme: str = Field(sa_type=String(20))  # "ocds"
    identifier: str = Field(sa_type=String(200))  # the ocid
    source_date: str = Field(default="", sa_type=String(40))  # newest release date, as published
    updated_at: datetime


class AuthoritySettings(SQLModel, table=True):
    """One row: the authority-wide facts its own recurring notices depend on (authority_notices)."""

    __tablename__ = "authority_settings"

    id: int = Field(default=1, primary_key=True)
    name: str = Field(default="", sa_type=String(200))
    nation: str = Field(default="", sa_type=String(3))  # ENG, WLS, SCT or NIR; "" not set
    # On public contracts in the coming financial year: over £100m, a pipeline notice is due (UK1).
    expected_spend: Decimal | None = Field(default=None, sa_type=Pence)
    opt_outs: str = Field(default="", sa_type=Text)  # deadline kinds, comma-separated (e.g. "UK8 due")
    # The day the notices were last worked out as of: bounds those with no other end (open-ended
    # contracts, the yearly UK1) when a contract's change brings them up to date.
    notices_as_of: date | None = None
    updated_at: datetime | None = None


class AuthorityNoticeDone(SQLModel, table=True):
    """One of the authority's notices recorded as published, by its key (authority_notices.notice_key)."""

    __tablename__ = "authority_notice_done"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    done_on: date
    note: str = Field(default="", sa_type=Text)
    recorded_by: str = Field(default="", sa_type=String(200))
    recorded_at: datetime


class ContractKpi(SQLModel, table=True):
    """One key performance indicator of a contract (PA 2023 s.52), with its latest rating (s.71).

    Earlier ratings are kept in the audit trail; the row holds the one a UK9 notice would report."""

    __tablename__ = "contract_kpi"
    __table_args__ = (UniqueConstraint("contract_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(sa_column=_fk("contract.id"))
    name: str = Field(sa_type=String(200))
    target: str = Field(default="", sa_type=String(1000))
    rating: str | None = Field(default=None, sa_type=String(30))  # KpiRating; None: not rated yet
    rated_on: date | None = None  # set with the rating
    note: str = Field(default="", sa_type=Text)
    updated_at: datetime
