"""The authority's own recurring notices under the Procurement Act 2023, worked out from the register.

Pure: the register's facts (one `RegisterContract` per contract), the authority's settings and the
notices already recorded done come in as arguments, with `today`, which only bounds notices that
have no other end (an open-ended contract, the yearly pipeline notice). Each notice is a deadline
item with a stable identity, so calendars keep its UID:

- payments compliance notice (UK8, s.69): for each reporting period (1 April-30 September,
  1 October-31 March; the first began 1 October 2025) in which a live PA 2023 contract that is not
  a concession runs, due within 30 days beginning with the period's last day: 29 April and 29 October;
- payments over £30,000 (s.70): for each quarter in which a live PA 2023 contract, not a concession,
  whose annual value exceeds £30,000 runs, due within 30 days beginning with the quarter's last day:
  29 April, 29 July, 29 October and 29 January;
- KPI assessment and contract performance notice (UK9, s.71): for each PA 2023 contract above
  £5 million that needs KPIs (s.52: not light-touch, a framework or a concession), at least once in
  every 12 months from its start (due on the last day of each contract year) and on its end;
- pipeline notice (UK1, s.93): for each financial year in which the authority expects to spend over
  £100 million, within 56 days of its first day: 1 April to 26 May.

A live contract is one awarded (not planned) that runs in the period: from its start to its current
end (its termination day, if terminated early). Each contract's type (enums.ContractType) says
whether it is a concession, outside ss.69 and 70, or a framework; a call-off counts as the public
contract it is. An authority outside UK8 (schools, transferred Northern Ireland authorities) opts
out by setting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ..enums import ContractStatus, ContractType, DeadlineKind, DeadlineState, Regime
from .dates import describe_span
from .deadline_item import DeadlineItem
from .durations import ONE_DAY, period_end
from .finance import FinancialYear, financial_year_of
from .kpis import kpis_required

CITE_UK8 = "PA 2023 s.69"
CITE_PAYMENTS = "PA 2023 s.70"
CITE_UK9 = "PA 2023 s.71"
CITE_UK1 = "PA 2023 s.93"

UK8_FROM = date(2025, 10, 1)  # s.69 came into force: the first reporting period began that day
PAYMENTS_FROM = date(2025, 2, 24)  # the Act's commencement: no PA 2023 contract runs before it
PAYMENT_OVER = Decimal("30000")
PIPELINE_OVER = Decimal("100000000")
REPORT_DAYS = 30  # "the period of 30 days beginning with the last day" of the period (ss.69, 70)
PIPELINE_DAYS = 56  # "within 56 days beginning with the first day" of the financial year (s.93)

UK9_ON_END = 0  # the ordinal of the assessment on the contract's end; yearly ones count from 1
PIPELINE_COMMAND = "contract-tracker report pipeline --uk1"  # the full list a UK1 notice publishes
PIPELINE_NAMED = 5  # references a UK1 notice's description names before "and N more"


@dataclass(frozen=True)
class RegisterContract:
    """What the notices need of one contract."""

    id: int
    reference: str
    regime: str
    status: str
    light_touch: bool
    start: date | None
    end: date | None  # its current end (termination day if terminated); None: no end recorded
    annual_value: Decimal | None = None
    whole_life_value: Decimal | None = None
    owner: str = ""
    contract_type: str = ContractType.PUBLIC_CONTRACT.value  # enums.ContractType


@dataclass(frozen=True)
class AuthorityFacts:
    """The authority-wide settings the notices depend on."""

    expected_spend: Decimal | None = None  # on public contracts in the coming financial year (UK1)
    opt_outs: frozenset[str] = frozenset()  # DeadlineKind values the authority is not subject to


@dataclass(frozen=True)
class NoticeDone:
    """A notice recorded as published."""

    done_on: date
    note: str = ""


@dataclass(frozen=True)
class AuthorityNotice:
    """One notice: its identity (`key`, e.g. "UK8 2025/26-H2"), the contract it is about (UK9 only)
    and its deadline item."""

    key: str
    contract_id: int | None
    contract_reference: str
    item: DeadlineItem


def notice_key(kind: str, ordinal: int, contract_reference: str = "") -> str:
    """A notice's name for people and for recording it done, from its identity (kind, ordinal and,
    for UK9, its contract): "UK8 2025/26-H2", "s.70 2026/27-Q1", "UK9 REF year 2", "UK1 2026/27"."""
    if kind == DeadlineKind.UK8_DUE.value:
        return f"UK8 {FinancialYear(ordinal // 10).label}-H{ordinal % 10}"
    if kind == DeadlineKind.PAYMENTS_DUE.value:
        return f"s.70 {FinancialYear(ordinal // 10).label}-Q{ordinal % 10}"
    if kind == DeadlineKind.UK9_DUE.value:
        return f"UK9 {contract_reference} " + ("end" if ordinal == UK9_ON_END else f"year {ordinal}")
    if kind == DeadlineKind.UK1_DUE.value:
        return f"UK1 {FinancialYear(ordinal).label}"
    raise ValueError(f"not an authority notice: {kind}")


def horizon(today: date) -> date:
    """The last day notices with no other end are worked out to: the end of the next financial year."""
    return financial_year_of(today).next().end


def _day(day: date) -> str:
    return describe_span(None, day)


def _report_due(last_day: date) -> date:
    return last_day + timedelta(days=REPORT_DAYS - 1)


def _is_live_pa2023(contract: RegisterContract) -> bool:
    return (contract.regime == Regime.PA2023.value and contract.status != ContractStatus.PLANNED.value
            and contract.start is not None)


def _pays_under(contract: RegisterContract) -> bool:
    """A live PA 2023 contract under which the authority pays as ss.69 and 70 count it: not a concession."""
    return _is_live_pa2023(contract) and contract.contract_type != ContractType.CONCESSION.value


def _runs_in(contract: RegisterContract, first: date, last: date) -> bool:
    assert contract.start is not None
    return contract.start <= last and (contract.end is None or contract.end >= first)


def _state(done: NoticeDone | None) -> DeadlineState:
    return DeadlineState.OPEN if done is None else DeadlineState.DONE


def _done_text(done: NoticeDone | None) -> str:
    if done is None:
        return ""
    return f" Published {_day(done.done_on)}" + (f": {done.note}" if done.note else ".")


def _half_years(until: date) -> Iterable[tuple[int, date, date]]:
    """(ordinal, first day, last day) of every UK8 reporting period that begins by `until`."""
    year = UK8_FROM.year
    while True:
        for half, first, last in ((1, date(year, 4, 1), date(year, 9, 30)),
                                  (2, date(year, 10, 1), date(year + 1, 3, 31))):
            if first < UK8_FROM:
                continue
            if first > until:
                return
            yield year * 10 + half, first, last
        year += 1


def _quarters(since: date, until: date) -> Iterable[tuple[int, date, date]]:
    """(ordinal, first day, last day) of every financial quarter that overlaps since..until."""
    fy = financial_year_of(since)
    while fy.start <= until:
        starts = [date(fy.start_year, 4, 1), date(fy.start_year, 7, 1), date(fy.start_year, 10, 1),
                  date(fy.start_year + 1, 1, 1), date(fy.start_year + 1, 4, 1)]
        for quarter in range(1, 5):
            first, last = starts[quarter - 1], starts[quarter] - ONE_DAY
            if last >= since and first <= until:
                yield fy.start_year * 10 + quarter, first, last
        fy = fy.next()


def _last_needed(contracts: list[RegisterContract], today: date) -> date:
    """The last day a notice period may begin: the latest end, or the horizon for an open-ended contract."""
    if any(c.end is None for c in contracts):
        return horizon(today)
    return max(c.end for c in contracts if c.end is not None)


def payments_compliance_notices(contracts: Iterable[RegisterContract], facts: AuthorityFacts, today: date,
                                done: Mapping[str, NoticeDone]) -> Iterable[AuthorityNotice]:
    """UK8 for each reporting period in which a live PA 2023 contract, not a concession, runs."""
    live = [c for c in contracts if _pays_under(c)]
    if not live or DeadlineKind.UK8_DUE.value in facts.opt_outs:
        return
    for ordinal, first, last in _half_years(_last_needed(live, today)):
        if not any(_runs_in(c, first, last) for c in live):
            continue
        key = notice_key(DeadlineKind.UK8_DUE.value, ordinal)
        due = _report_due(last)
        record = done.get(key)
        item = DeadlineItem(
            kind=DeadlineKind.UK8_DUE, ordinal=ordinal, due_date=due, start_date=last,
            title=f"Publish the payments compliance notice (UK8) for {describe_span(first, last)}",
            action=(f"The register holds a live PA 2023 contract in the reporting period {_day(first)} to "
                    f"{_day(last)}: publish the UK8 within 30 days beginning with its last day, by {_day(due)} "
                    f"({CITE_UK8}), approved by the finance director (Procurement Regulations 2024 reg. 38)."
                    f"{_done_text(record)}"),
            owner="", state=_state(record))
        yield AuthorityNotice(key=key, contract_id=None, contract_reference="", item=item)


def payments_over_notices(contracts: Iterable[RegisterContract], facts: AuthorityFacts, today: date,
                          done: Mapping[str, NoticeDone]) -> Iterable[AuthorityNotice]:
    """s.70 for each quarter in which a live PA 2023 contract, not a concession, worth over £30,000
    a year runs."""
    paying = [c for c in contracts if _pays_under(c) and c.annual_value is not None
              and c.annual_value > PAYMENT_OVER]
    if not paying or DeadlineKind.PAYMENTS_DUE.value in facts.opt_outs:
        return
    since = max(PAYMENTS_FROM, min(c.start for c in paying if c.start is not None))
    for ordinal, first, last in _quarters(since, _last_needed(paying, today)):
        if not any(_runs_in(c, first, last) for c in paying):
            continue
        key = notice_key(DeadlineKind.PAYMENTS_DUE.value, ordinal)
        due = _report_due(last)
        record = done.get(key)
        item = DeadlineItem(
            kind=DeadlineKind.PAYMENTS_DUE, ordinal=ordinal, due_date=due, start_date=last,
            title=f"Publish payments over £30,000 for {describe_span(first, last)}",
            action=(f"A live PA 2023 contract worth over £30,000 a year ran in the quarter {_day(first)} to "
                    f"{_day(last)}: publish each payment over £30,000 made in it within 30 days beginning with "
                    f"its last day, by {_day(due)} ({CITE_PAYMENTS}).{_done_text(record)}"),
            owner="", state=_state(record))
        yield AuthorityNotice(key=key, contract_id=None, contract_reference="", item=item)


def needs_kpis(contract: RegisterContract) -> bool:
    """A PA 2023 contract above £5 million that is not light-touch, a framework or a concession: it
    needs at least three KPIs and a yearly performance assessment (s.52, s.71)."""
    return kpis_required(regime=contract.regime, light_touch=contract.light_touch,
                         contract_type=contract.contract_type, whole_life_value=contract.whole_life_value,
                         annual_value=contract.annual_value)


def kpi_assessments(contract: RegisterContract, today: date,
                    done: Mapping[str, NoticeDone]) -> Iterable[AuthorityNotice]:
    """UK9 on the last day of each contract year, and on the contract's end."""
    if not _is_live_pa2023(contract) or not needs_kpis(contract):
        return
    assert contract.start is not None
    last_day = contract.end if contract.end is not None else horizon(today)
    year, first = 1, contract.start
    while first <= last_day:
        last = period_end(contract.start, f"{12 * year}m")
        if contract.end is not None and last >= contract.end:
            break  # the assessment on its end covers this year
        yield _uk9(contract, year, first, last, f"year {year} of the contract ({_day(first)} to {_day(last)})",
                   last, done)
        year, first = year + 1, last + ONE_DAY
    if contract.end is not None:
        yield _uk9(contract, UK9_ON_END, first, contract.end, f"the contract's end on {_day(contract.end)}",
                   contract.end, done)


def _uk9(contract: RegisterContract, ordinal: int, first: date, last: date, what: str, due: date,
         done: Mapping[str, NoticeDone]) -> AuthorityNotice:
    key = notice_key(DeadlineKind.UK9_DUE.value, ordinal, contract.reference)
    record = done.get(key)
    item = DeadlineItem(
        kind=DeadlineKind.UK9_DUE, ordinal=ordinal, due_date=due, start_date=first if first < last else None,
        title=f"Assess KPIs and publish the contract performance notice (UK9): {contract.reference}",
        action=(f"Assess the supplier's performance against the contract's KPIs for {what} and publish a "
                f"contract performance notice by {_day(due)} ({CITE_UK9}).{_done_text(record)}"),
        owner=contract.owner, state=_state(record))
    return AuthorityNotice(key=key, contract_id=contract.id, contract_reference=contract.reference, item=item)


def pipeline_list(references: Sequence[str]) -> str:
    """What a UK1 notice lists, in a sentence: how many contracts, the first few references and the
    command that gives them all."""
    if not references:
        return (f" The register now lists no contract over £2 million to start in the next 18 months; "
                f"check with `{PIPELINE_COMMAND}`.")
    named = ", ".join(references[:PIPELINE_NAMED])
    more = f" and {len(references) - PIPELINE_NAMED} more" if len(references) > PIPELINE_NAMED else ""
    count = "1 contract" if len(references) == 1 else f"{len(references)} contracts"
    return (f" To publish, as the register now stands: {count} over £2 million to start in the next 18 months, "
            f"{named}{more}; the full list: `{PIPELINE_COMMAND}`.")


def pipeline_notices(facts: AuthorityFacts, today: date, done: Mapping[str, NoticeDone],
                     pipeline: Sequence[str] | None = None) -> Iterable[AuthorityNotice]:
    """UK1 for this financial year and the next, while the expected spend is over £100 million.
    `pipeline`: the references `report pipeline --uk1` lists as of `today`, named in each open
    notice's description (one recorded done keeps the text it was published with, less the list)."""
    if (facts.expected_spend is None or facts.expected_spend <= PIPELINE_OVER
            or DeadlineKind.UK1_DUE.value in facts.opt_outs):
        return
    this_year = financial_year_of(today)
    for year in (this_year, this_year.next()):
        key = notice_key(DeadlineKind.UK1_DUE.value, year.start_year)
        due = year.start + timedelta(days=PIPELINE_DAYS - 1)
        record = done.get(key)
        item = DeadlineItem(
            kind=DeadlineKind.UK1_DUE, ordinal=year.start_year, due_date=due, start_date=year.start,
            title=f"Publish the pipeline notice (UK1) for {year.label}",
            action=(f"The authority expects to spend over £100 million on public contracts in {year.label}: "
                    f"publish a pipeline notice within 56 days of 1 April, by {_day(due)} ({CITE_UK1}), listing "
                    f"the contracts over £2 million it expects to advertise in the next 18 months."
                    f"{_listed(pipeline, record)}{_done_text(record)}"),
            owner="", state=_state(record))
        yield AuthorityNotice(key=key, contract_id=None, contract_reference="", item=item)


def _listed(pipeline: Sequence[str] | None, record: NoticeDone | None) -> str:
    if record is not None:
        return ""
    if pipeline is None:
        return f" The list: `{PIPELINE_COMMAND}`."
    return pipeline_list(pipeline)


def authority_notices(contracts: Iterable[RegisterContract], facts: AuthorityFacts, today: date,
                      done: Mapping[str, NoticeDone] | None = None,
                      pipeline: Sequence[str] | None = None) -> list[AuthorityNotice]:
    """Every notice of the authority, ordered by date then kind. `pipeline`: the references of the
    contracts a UK1 notice lists (see pipeline_notices)."""
    register = list(contracts)
    records: Mapping[str, NoticeDone] = done or {}
    notices = [*payments_compliance_notices(register, facts, today, records),
               *payments_over_notices(register, facts, today, records),
               *(notice for contract in register for notice in kpi_assessments(contract, today, records)),
               *pipeline_notices(facts, today, records, pipeline)]
    return sorted(notices, key=lambda n: (n.item.due_date, n.item.kind, n.contract_reference, n.item.ordinal))
