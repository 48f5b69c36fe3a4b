"""The demo register, from the two seed documents and a handful of realistic other contracts.

Warwickshire County Council, SEND Mediation Services: Cabinet report of 6 March 2025 (Table Two
schedule, 3+3+3 years from 1 Sept 2025; Table One spend, families, and the budget falling from
£300,000 to £250,000 a year from 2025/26).
West Sussex County Council, SEND Mediation and Disagreement Resolution: market consultation of
2019. The others are invented to show the register in varied states. People appear as roles only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from ..domain.authority_notices import notice_key
from ..domain.dates import Span, parse_span
from ..enums import ContractStatus, MilestoneKind, MilestoneStatus, Procedure, Regime
from ..errors import RuleViolation
from ..store.models import Contract
from . import (
    BreakInput,
    ContractFields,
    add_milestone,
    decline_option,
    exercise_option,
    register_contract,
    terminate,
)
from .finance import set_year_figures
from .kpis import add_kpi, rate_kpi
from .notices import authority_rows, keep_notices_current, record_notice_done

WARWICKSHIRE_REFERENCE = "WCC-SEND-MED-2025"
WARWICKSHIRE_EXECUTIVE = "Executive Director for Children and Young People"
WARWICKSHIRE_LEAD = "SEND Commissioning & Strategy Support Lead"
DEMO_ACTOR = "demo loader"
# The demo council published its own statutory notices (UK8, s.70) due up to here, as a council
# keeping up would have, so the first screen shows what is open rather than a year of notices never
# recorded; those due on 29 Oct 2026 are left open, three weeks late on the demo's day (22 Nov 2026).
NOTICES_PUBLISHED_UNTIL = date(2026, 9, 30)

# Table Two of the Cabinet report; dates before the report's own are recorded as met.
WARWICKSHIRE_SCHEDULE = [
    (MilestoneKind.APPROVAL, "Cabinet approval to procure", "6 March 2025", WARWICKSHIRE_EXECUTIVE),
    (MilestoneKind.ITT_PUBLICATION, "Publish the Invitation to Tender", "1 April 2025", WARWICKSHIRE_LEAD),
    (MilestoneKind.TENDER_DEADLINE, "Deadline for providers to respond", "12 May 2025", WARWICKSHIRE_LEAD),
    (MilestoneKind.AWARD_DECISION, "Contract award", "24 June 2025", WARWICKSHIRE_EXECUTIVE),
    (MilestoneKind.MOBILISATION, "Mobilisation period", "July/August 2025", WARWICKSHIRE_LEAD),
    (MilestoneKind.SERVICE_START, "New SEND Mediation Service commences", "1 Sept 2025", WARWICKSHIRE_LEAD),
]


def _contract(session: Session, **fields) -> Contract:
    return register_contract(session, ContractFields(**fields), actor=DEMO_ACTOR)


def _milestone(session: Session, reference: str, kind: MilestoneKind, name: str, when: str, owner: str,
               met: bool, notes: str = "") -> None:
    due: Span = parse_span(when)
    add_milestone(
        session, reference, kind=kind.value, name=name, due=due, owner=owner, actor=DEMO_ACTOR,
        status=MilestoneStatus.MET.value if met else MilestoneStatus.PLANNED.value,
        met_on=due.end if met else None, notes=notes,
    )


def _warwickshire(session: Session) -> None:
    for letter in "ABC":
        _contract(
            session,
            reference=f"WCC-SEND-MED-2014-{letter}",
            title=f"SEND mediation: provider {letter} (2014 arrangement)",
            description="One of three historical arrangements, established in 2014, under which families "
                        "are signposted to a choice of mediation providers.",
            buyer="Warwickshire County Council", service_area="Education: SEND",
            owner_role=WARWICKSHIRE_LEAD, regime=Regime.OTHER.value, procedure=Procedure.OTHER.value,
            light_touch=True, start_date=date(2014, 9, 1), initial_term="11y",
            suppliers=[f"SEND mediation provider {letter}"],
        )
    _contract(
        session,
        reference=WARWICKSHIRE_REFERENCE,
        title="SEND Mediation Services",
        description="Free, independent SEND mediation for families challenging a decision on an EHC needs "
                    "assessment or special educational provision (SEND Code of Practice). One provider, "
                    "replacing the three 2014 arrangements.",
        buyer="Warwickshire County Council", service_area="Education: SEND",
        owner_role=WARWICKSHIRE_EXECUTIVE, owner_contact="SEND Commissioning & Strategy team",
        regime=Regime.PA2023.value, procedure=Procedure.OPEN.value, light_touch=True,
        start_date=date(2025, 9, 1), initial_term="3y", options=["3y", "3y"],
        annual_value=Decimal("250000.00"), whole_life_value=Decimal("2250000.00"),
        decision_notice="6m", reprocurement_lead="12m",
        suppliers=["SEND mediation provider (awarded June 2025)"],
        replaces=[f"WCC-SEND-MED-2014-{letter}" for letter in "ABC"],
    )
    for kind, name, when, owner in WARWICKSHIRE_SCHEDULE:
        _milestone(session, WARWICKSHIRE_REFERENCE, kind, name, when, owner, met=True)
    # The report gives the award (24 Jun 2025) but not the signature or the UK7: these two dates are
    # assumed for the demo, so that the statutory UK7 deadline (120 days, light-touch) can be shown.
    assumed = "Date assumed for the demo: the Cabinet report does not give it."
    _milestone(session, WARWICKSHIRE_REFERENCE, MilestoneKind.SIGNATURE, "Contract entered into", "1 Jul 2025",
               WARWICKSHIRE_EXECUTIVE, met=True, notes=assumed)
    _milestone(session, WARWICKSHIRE_REFERENCE, MilestoneKind.CONTRACT_DETAILS_NOTICE,
               "Contract details notice (UK7) published", "15 Jul 2025", WARWICKSHIRE_LEAD, met=True, notes=assumed)
    _milestone(session, WARWICKSHIRE_REFERENCE, MilestoneKind.CONTRACT_END,
               "End of contract (with an option to extend)", "31 August 2028", WARWICKSHIRE_EXECUTIVE, met=False)


# Table One of the Cabinet report (section 2): what the council spent on SEND mediation, 2024/25 a forecast.
WARWICKSHIRE_SPEND = [
    ("2021/22", "174129", "actual"),
    ("2022/23", "274121", "actual"),
    ("2023/24", "355166", "actual"),
    ("2024/25", "335400", "forecast"),
]
# Families using the service (report 2.1) are counted by calendar year; each count is recorded
# against the financial year holding nine of its twelve months (2021 -> 2021/22, 2024 -> 2024/25).
WARWICKSHIRE_FAMILIES = {"2021/22": (111, "calendar year 2021"), "2024/25": (330, "calendar year 2024")}
CORE_BUDGET, REDUCED_BUDGET = Decimal("300000"), Decimal("250000")
# The MTFS saving runs "from 2025/26 onwards"; it is recorded for the full years of the initial term.
SAVING_YEARS = ["2025/26", "2026/27", "2027/28"]


def _warwickshire_finance(session: Session) -> None:
    # Table One was spent under the three 2014 arrangements, but the report gives one total for the
    # service and never splits it by provider; dividing it among 2014-A/B/C would invent figures. The
    # figures are the history the new contract's budget and saving are set against (the report uses
    # them so), so they are recorded on WCC-SEND-MED-2025, each year noting where it was spent, and
    # the contract's chart then shows the rise in spend and the cut in budget as one series.
    for label, spend, basis in WARWICKSHIRE_SPEND:
        changes = {"spend": Decimal(spend), "spend_basis": basis,
                   "note": "Spent under the three 2014 arrangements (Table One; not split by provider)."}
        if label in WARWICKSHIRE_FAMILIES:
            families, counted = WARWICKSHIRE_FAMILIES[label]
            changes.update(volume=families, volume_unit="families",
                           note=changes["note"] + f" Families: {counted} count, recorded against {label}.")
        if label == "2024/25":
            changes["budget"] = CORE_BUDGET  # the core budget the saving reduces (report 2.4)
        set_year_figures(session, WARWICKSHIRE_REFERENCE, label, changes, actor=DEMO_ACTOR)
    for label in SAVING_YEARS:
        set_year_figures(session, WARWICKSHIRE_REFERENCE, label, {
            "budget": REDUCED_BUDGET, "baseline": CORE_BUDGET,
            "note": "MTFS saving: core budget down from £300,000 to £250,000 a year, through a unit cost "
                    "about 20% lower and fewer families needing mediation (report 2.4 to 2.6).",
        }, actor=DEMO_ACTOR)


def _west_sussex(session: Session) -> None:
    reference = "WSCC-SEND-MDR-2020"
    owner = "SEND Commissioning Manager"
    _contract(
        session,
        reference=reference,
        title="SEND Mediation and Disagreement Resolution",
        description="Impartial, independent SEND mediation and disagreement resolution, free to families "
                    "(SEND Code of Practice 2014). Market consultation of providers in 2019.",
        buyer="West Sussex County Council", service_area="Education: SEND", owner_role=owner,
        status=ContractStatus.PLANNED.value, regime=Regime.PCR2015.value, procedure=Procedure.OPEN.value,
        light_touch=True,
    )
    for kind, name, when in [
        (MilestoneKind.MARKET_ENGAGEMENT, "Market consultation opens", "31 May 2019"),
        (MilestoneKind.MARKET_ENGAGEMENT, "Market consultation closes", "5 Jul 2019"),
        (MilestoneKind.ITT_PUBLICATION, "Contract opportunity published on the e-tendering portal", "September 2019"),
        (MilestoneKind.MARKET_ENGAGEMENT, "Consultation results", "24 Mar 2020"),
        (MilestoneKind.MARKET_ENGAGEMENT, "Consultation feedback", "31 Mar 2020"),
    ]:
        _milestone(session, reference, kind, name, when, owner, met=True)


def _others(session: Session) -> None:
    transport = "Head of Home to School Transport"
    _contract(  # PCR 2015, an option decision now overdue
        session, reference="DEMO-HST-2023", title="Home to school transport: SEND routes",
        buyer="Demo County Council", service_area="Education: Transport", owner_role=transport,
        regime=Regime.PCR2015.value, procedure=Procedure.RESTRICTED.value,
        start_date=date(2023, 12, 1), initial_term="3y", options=["1y", "1y"], decision_notice="6m",
        annual_value=Decimal("1450000.00"), whole_life_value=Decimal("7250000.00"),
        suppliers=["County Coaches Ltd", "Accessible Travel CIC"],
    )
    _contract(  # no options left: expiring, re-procurement overdue to start
        session, reference="DEMO-CARERS-2021", title="Carers' support and short breaks",
        buyer="Demo County Council", service_area="Adult Social Care", owner_role="Commissioning Manager, Carers",
        regime=Regime.PCR2015.value, procedure=Procedure.OPEN.value, light_touch=True,
        start_date=date(2021, 4, 1), initial_term="4y", options=["2y"], decision_notice="6m",
        reprocurement_lead="18m", annual_value=Decimal("620000.00"), whole_life_value=Decimal("3720000.00"),
        suppliers=["Carers Trust Partnership"],
    )
    exercise_option(session, "DEMO-CARERS-2021", 1, today=date(2024, 9, 1), on=date(2024, 9, 1), actor=DEMO_ACTOR,
                    note="Cabinet member decision, September 2024")
    _contract(  # terminated early
        session, reference="DEMO-YOUTH-2024", title="Youth mentoring service",
        buyer="Demo County Council", service_area="Children's Services", owner_role="Head of Early Help",
        regime=Regime.PA2023.value, procedure=Procedure.COMPETITIVE_FLEXIBLE.value,
        start_date=date(2025, 4, 1), initial_term="2y", options=["1y"],
        breaks=[BreakInput(after="12m", notice="3m", party="either")],
        annual_value=Decimal("180000.00"), suppliers=["Mentoring Matters CIC"],
    )
    terminate(session, "DEMO-YOUTH-2024", on=date(2026, 6, 30), actor=DEMO_ACTOR,
              reason="Provider entered administration; service brought in-house")
    _milestone(session, "DEMO-YOUTH-2024", MilestoneKind.TERMINATION_NOTICE,
               "Contract termination notice (UK11) published", "14 Jul 2026", "Head of Early Help", met=True)
    _contract(  # PA 2023 light-touch, with a break clause and options ahead
        session, reference="DEMO-SL-2026", title="Supported living for young adults with learning disabilities",
        buyer="Demo County Council", service_area="Adult Social Care", owner_role="Head of Commissioning, Adults",
        regime=Regime.PA2023.value, procedure=Procedure.COMPETITIVE_FLEXIBLE.value, light_touch=True,
        start_date=date(2026, 4, 1), initial_term="2y", options=["1y", "1y"], decision_notice="3m",
        breaks=[BreakInput(after="18m", notice="6m", party="buyer")],
        annual_value=Decimal("2100000.00"), whole_life_value=Decimal("8400000.00"),
        suppliers=["Horizon Living Ltd"],
    )
    _supported_living_kpis(session)
    _contract(  # an option declined: ends at the initial term
        session, reference="DEMO-LIB-2022", title="Library management system",
        buyer="Demo County Council", service_area="Communities", owner_role="Head of Libraries",
        regime=Regime.PCR2015.value, procedure=Procedure.CALL_OFF.value,
        start_date=date(2022, 7, 1), initial_term="5y", options=["2y"], decision_notice="9m",
        annual_value=Decimal("95000.00"), suppliers=["Shelfwise Library Systems Ltd"],
    )
    decline_option(session, "DEMO-LIB-2022", 1, today=date(2026, 5, 1), on=date(2026, 5, 1), actor=DEMO_ACTOR,
                   note="Moving to a shared regional system")
    _milestone(session, "DEMO-LIB-2022", MilestoneKind.MARKET_ENGAGEMENT,
               "Soft market testing for the regional library system", "15 Jan 2027",
               "Head of Libraries", met=False)


# The largest PA 2023 contract of the demo (£8.4m whole life). Light-touch, so s.52 does not require
# KPIs of it; the council sets three anyway, as Cabinet Office guidance encourages, and rates them.
SUPPORTED_LIVING_KPIS = [
    ("Support plans reviewed on time", "100% reviewed with the person within 6 months", None),
    ("Personal outcomes achieved", "85% of agreed outcomes met or progressing at review",
     ("approaching target", "79% at the six-month review; two new support workers in training")),
    ("Staff turnover", "Below 25% a year", ("good", "18% over the first six months, annualised")),
]


def _supported_living_kpis(session: Session) -> None:
    reference = "DEMO-SL-2026"
    for name, target, rated in SUPPORTED_LIVING_KPIS:
        add_kpi(session, reference, name=name, target=target, actor=DEMO_ACTOR)
        if rated is not None:
            rating, note = rated
            rate_kpi(session, reference, name, rating=rating, on=date(2026, 10, 30), today=date(2026, 10, 30),
                     note=note, actor=DEMO_ACTOR)


def load_demo(session: Session) -> int:
    """Load the demo register into an empty store; return the number of contracts added."""
    if session.exec(select(Contract.id)).first() is not None:
        raise RuleViolation("the store already holds contracts; load the demo into an empty store (--db)")
    _warwickshire(session)
    _warwickshire_finance(session)
    _west_sussex(session)
    _others(session)
    _published_notices(session)
    return len(session.exec(select(Contract.id)).all())


def _published_notices(session: Session) -> None:
    """Record each of the authority's notices due by NOTICES_PUBLISHED_UNTIL published on its due day."""
    keep_notices_current(session, NOTICES_PUBLISHED_UNTIL)
    for row in authority_rows(session):
        if row.due_date <= NOTICES_PUBLISHED_UNTIL:
            key = notice_key(row.kind, row.ordinal, row.contract_reference)
            record_notice_done(session, key, done_on=row.due_date, today=NOTICES_PUBLISHED_UNTIL,
                               note="Published (demo)", actor=DEMO_ACTOR)
