"""The register as an OCDS 1.1 release package: one release per contract, valid against the schema.

A contract whose reference is already an ocid (one imported from Find a Tender or Contracts
Finder) keeps it; others get `<ocid prefix>-<reference>`, where the prefix is the one the
publisher registered with the Open Contracting Partnership.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from ...domain.supplier_ids import split
from ...enums import ContractStatus, LifecycleStatus, MilestoneKind, MilestoneStatus, Procedure
from ...read.detail import ContractDetail
from ...read.views import contract_detail
from ...store.models import Contract

DEFAULT_OCID_PREFIX = "ocds-xxxxxx"  # a placeholder: use your registered prefix
_METHODS = {
    Procedure.OPEN.value: "open", Procedure.RESTRICTED.value: "selective",
    Procedure.COMPETITIVE_FLEXIBLE.value: "selective", Procedure.COMPETITIVE_DIALOGUE.value: "selective",
    Procedure.NEGOTIATED.value: "limited", Procedure.DIRECT_AWARD.value: "direct",
}
_MILESTONE_TYPES = {
    MilestoneKind.APPROVAL.value: "approval", MilestoneKind.MARKET_ENGAGEMENT.value: "engagement",
    MilestoneKind.ENGAGEMENT_NOTICE.value: "engagement", MilestoneKind.PIPELINE_NOTICE.value: "preProcurement",
    MilestoneKind.EVALUATION.value: "assessment", MilestoneKind.AWARD_DECISION.value: "assessment",
    MilestoneKind.MOBILISATION.value: "delivery", MilestoneKind.SERVICE_START.value: "delivery",
    MilestoneKind.CONTRACT_END.value: "delivery",
}
_MILESTONE_STATUS = {"planned": "scheduled", "met": "met", "missed": "notMet"}


def _start(day: date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00Z" if day else None


def _end(day: date | None) -> str | None:
    return f"{day.isoformat()}T23:59:59Z" if day else None


def _value(amount: Decimal | None, currency: str) -> dict | None:
    if amount is None:
        return None
    number = Decimal(f"{amount:.2f}")  # in pounds and pence, as the register keeps it
    return {"amount": int(number) if number == number.to_integral_value() else float(number), "currency": currency}


def _prune(value):
    """Drop empty fields: OCDS omits what is unknown rather than writing null or ""."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def ocid_for(reference: str, prefix: str) -> str:
    return reference if reference.startswith("ocds-") else f"{prefix}-{reference}"


def _contract_status(status_as_of: LifecycleStatus) -> str:
    """OCDS contractStatus on the export's day: "terminated" covers a contract that has come to a
    close, whether it ran its course or ended early; "pending" one signed but not yet started."""
    if status_as_of in (LifecycleStatus.EXPIRED, LifecycleStatus.TERMINATED):
        return "terminated"
    if status_as_of == LifecycleStatus.NOT_STARTED:
        return "pending"
    return "active"


def release_for(detail: ContractDetail, *, updated: datetime, prefix: str) -> dict:
    """One contract as an OCDS release."""
    ocid = ocid_for(detail.reference, prefix)
    awarded = detail.status != ContractStatus.PLANNED and detail.start_date is not None
    terminated = detail.terminated_on is not None
    period = {
        "startDate": _start(detail.start_date),
        "endDate": _end(detail.current_end),
        "maxExtentDate": _end(detail.maximum_extent) if detail.options else None,
    }
    value = _value(detail.whole_life_value, detail.currency)
    buyer = {"id": f"{ocid}-buyer", "name": detail.buyer} if detail.buyer else None
    suppliers, supplier_parties = [], []
    for n, (name, identifier) in enumerate(zip(detail.suppliers, detail.supplier_identifiers, strict=True),
                                           start=1):
        # A registered supplier is named by its identifier, as OCDS advises ({scheme}-{id}).
        reference = {"id": identifier or f"{ocid}-supplier-{n}", "name": name}
        suppliers.append(reference)
        scheme, number = split(identifier)
        registered = {"scheme": scheme, "id": number, "legalName": name} if identifier else None
        supplier_parties.append({**reference, "roles": ["supplier"], "identifier": registered})
    parties = ([{**buyer, "roles": ["buyer"]}] if buyer else []) + supplier_parties
    milestones = [
        {
            "id": str(m.id), "title": m.name, "type": _MILESTONE_TYPES.get(m.kind.value),
            "code": m.kind.value,  # the tracker's kind, so that importing this package finds the milestone
            "description": m.notes, "dueDate": _end(m.due_date),
            "dateMet": _end(m.met_on) if m.status == MilestoneStatus.MET else None,
            "status": _MILESTONE_STATUS.get(m.status.value),
        }
        for m in detail.milestones
    ]
    tags = ["contract"] if awarded else ["tender"]
    if terminated:
        tags.append("contractTermination")
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{detail.version}",
        "date": updated.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tag": tags,
        "initiationType": "tender",
        "parties": parties,
        "buyer": buyer,
        "tender": {
            "id": detail.reference,
            "title": detail.title,
            "description": detail.description,
            "status": "complete" if awarded else "planned",
            "procurementMethod": _METHODS.get(detail.procedure.value),
            "procurementMethodDetails": f"{detail.procedure.value} ({detail.regime.value})",
            "value": value,
            "milestones": milestones,
            "contractPeriod": period if not awarded else None,
        },
    }
    if awarded:
        release["awards"] = [{
            "id": f"{ocid}-award", "status": "active", "title": detail.title, "value": value,
            "suppliers": suppliers, "contractPeriod": period,
        }]
        release["contracts"] = [{
            "id": f"{ocid}-contract", "awardID": f"{ocid}-award", "title": detail.title,
            "status": _contract_status(detail.status_as_of), "value": value, "period": period,
        }]
    return _prune(release)


def register_package(session: Session, *, as_of: date, published: datetime, publisher: str,
                     uri: str = "urn:contract-tracker:register", ocid_prefix: str = DEFAULT_OCID_PREFIX) -> dict:
    """A release package of every contract in the register, in reference order."""
    releases = []
    for contract in session.exec(select(Contract).order_by(Contract.reference)):
        releases.append(release_for(contract_detail(session, contract, as_of=as_of),
                                    updated=contract.updated_at, prefix=ocid_prefix))
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "publisher": {"name": publisher},
        "releases": releases,
    }
