"""The register as a Transparency Code contract register (CSV), one row per contract.

Dates are written the UK way (01/09/2025), values as plain pounds (1250000.00). The columns the
tracker adds (initial term, options with their decisions, regime, owner, notices) let
`import csv` rebuild the same register from the file.
"""

from __future__ import annotations

import csv
from datetime import date
from typing import TextIO

from sqlmodel import Session, select

from ...enums import OptionStatus
from ...read.detail import ContractDetail, money_text
from ...read.views import contract_detail
from ...store.models import Contract
from ..transparency_code import EXPORT_COLUMNS


def _uk(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _options(detail: ContractDetail) -> str:
    parts = []
    for option in detail.options:
        text = option.length
        if option.recorded_status in (OptionStatus.EXERCISED, OptionStatus.DECLINED) and option.decided_on:
            text += f" ({option.recorded_status.value} {_uk(option.decided_on)})"
        parts.append(text)
    return "; ".join(parts)


def row_for(detail: ContractDetail) -> dict[str, str]:
    """One contract's row, keyed by tracker field."""
    review = detail.next_decision.decide_by if detail.next_decision else detail.reprocurement_start
    return {
        "reference": detail.reference,
        "title": detail.title,
        "description": detail.description,
        "service_area": detail.service_area,
        "buyer": detail.buyer,
        "suppliers": "; ".join(detail.suppliers),
        "supplier_ids": "; ".join(detail.supplier_identifiers) if any(detail.supplier_identifiers) else "",
        "whole_life_value": money_text(detail.whole_life_value) or "",
        "annual_value": money_text(detail.annual_value) or "",
        "start_date": _uk(detail.start_date),
        "end_date": _uk(detail.current_end),
        "review_date": _uk(review),
        "initial_term": detail.initial_term or "",
        "options": _options(detail),
        "extension_wording": detail.extension_wording,
        "max_extent": _uk(detail.maximum_extent) if detail.options else "",
        "status": "terminated" if detail.terminated_on else detail.status.value,
        "regime": detail.regime.value,
        "procedure": detail.procedure.value,
        "light_touch": "yes" if detail.light_touch else "no",
        "owner_role": detail.owner_role,
        "owner_contact": detail.owner_contact,
        "decision_notice": detail.decision_notice,
        "reprocurement_lead": detail.reprocurement_lead,
        "terminated_on": _uk(detail.terminated_on),
        "termination_reason": detail.termination_reason or "",
    }


def write_transparency_csv(session: Session, out: TextIO, *, as_of: date) -> int:
    """Write every contract, in reference order, to `out`; return how many were written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.header for column in EXPORT_COLUMNS])
    count = 0
    for contract in session.exec(select(Contract).order_by(Contract.reference)):
        row = row_for(contract_detail(session, contract, as_of=as_of))
        writer.writerow([row[column.field] for column in EXPORT_COLUMNS])
        count += 1
    return count
