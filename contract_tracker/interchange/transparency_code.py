"""The columns of a Local Government Transparency Code 2015 contract register, as councils name them.

Each field has the header the exporter writes and the other headers councils use for it (compared
ignoring case, spaces and punctuation). The Code asks for reference, title, description,
department, supplier (and registration number), value, irrecoverable VAT, start, end and review
dates, the procurement route and SME/VCSE status; the tracker adds the columns it needs to rebuild
its own register (initial term, options and their decisions and wording, regime, owner, notices).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    field: str  # the tracker's name for it
    header: str  # what the exporter writes ("" for columns only read, never written)
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("reference", "Reference", ("reference number", "contract reference", "contract reference number",
                                      "contract ref", "ref", "ref no", "contract id", "contract number", "id")),
    Column("title", "Title", ("contract title", "title of contract", "title of agreement", "contract name", "name")),
    Column("description", "Description", ("description of goods and services", "description of goods or services",
                                          "contract description", "goods services", "goods and services")),
    Column("service_area", "Department", ("directorate", "department directorate", "service area", "service",
                                          "responsible department", "business unit")),
    Column("buyer", "Buyer", ("organisation", "organisation name", "council", "contracting authority",
                              "local authority", "body")),
    Column("suppliers", "Supplier", ("suppliers", "supplier name", "supplier names", "name of supplier",
                                     "contractor", "provider", "supplier name and details")),
    # Registration numbers, by position with the suppliers ("01234567; 1123456"): written in full
    # ("GB-COH-01234567"); read from a column that names the register, or in full from any.
    Column("supplier_ids", "Supplier Registration Number", ("supplier registration numbers", "supplier identifier",
                                                            "supplier identifiers", "organisation identifier")),
    Column("company_numbers", "", ("companies house number", "company number", "company registration number",
                                   "registered company number", "supplier company registration number",
                                   "companies house registration number", "company reg no")),
    Column("charity_numbers", "", ("charity number", "registered charity number", "charity registration number",
                                   "charity reg no")),
    Column("whole_life_value", "Value", ("total value", "contract value", "total contract value", "whole life value",
                                         "estimated total value", "value of contract", "contract value gbp",
                                         "sum to be paid over the length of the contract")),
    Column("annual_value", "Annual Value", ("estimated annual value", "annual contract value", "annual spend",
                                            "estimated annual expenditure", "value per annum")),
    Column("irrecoverable_vat", "", ("irrecoverable vat", "vat that cannot be recovered", "vat not recoverable")),
    Column("start_date", "Start Date", ("contract start date", "start", "commencement date", "contract start")),
    Column("end_date", "End Date", ("contract end date", "end", "expiry date", "contract end", "current end date")),
    Column("review_date", "Review Date", ("contract review date", "review")),
    Column("initial_term", "Initial Term", ("initial term", "initial period", "contract term")),
    Column("options", "Extension Options", ("extension options", "options to extend", "extension", "extensions",
                                            "extension period", "extension periods", "extension period months",
                                            "option to extend", "extension details")),
    # The options as the register worded them, kept as written (the tracker's own column).
    Column("extension_wording", "Extension Wording", ("extension wording", "extension terms")),
    Column("max_extent", "Maximum Extent Date", ("max extent date", "maximum end date", "end date including extensions",
                                                 "latest end date", "final end date")),
    Column("procurement_route", "", ("procurement route", "procurement type", "route to market",
                                     "quote or tender", "invitation to quote or tender", "procurement process")),
    Column("sme", "", ("sme", "sme status", "supplier is sme")),
    Column("vcse", "", ("vcse", "vcse status", "supplier is vcse")),
    Column("status", "Status", ("contract status",)),
    Column("regime", "Regime", ("procurement regime", "regulations")),
    Column("procedure", "Procedure", ("procurement procedure",)),
    Column("light_touch", "Light Touch", ("light touch regime", "light touch services")),
    Column("owner_role", "Owner", ("contract owner", "contract manager", "responsible officer", "owner role")),
    Column("owner_contact", "Owner Contact", ("contact", "contact details", "owner email")),
    Column("decision_notice", "Decision Notice", ("extension notice", "notice period for extension")),
    Column("reprocurement_lead", "Reprocurement Lead", ("re procurement lead time", "reprocurement lead time")),
    Column("terminated_on", "Terminated On", ("termination date", "date terminated")),
    Column("termination_reason", "Termination Reason", ("reason for termination",)),
)

REQUIRED = ("reference", "title")
# Columns that are recognised (so not reported as unknown) but not kept: the tracker derives
# them (review date) or has nowhere to keep them yet.
READ_ONLY = ("irrecoverable_vat", "review_date", "procurement_route", "sme", "vcse")
EXPORT_COLUMNS = tuple(column for column in COLUMNS if column.header)
BY_FIELD = {column.field: column for column in COLUMNS}


def normalise_header(text: str) -> str:
    """"Contract Start Date", "contract_start_date" and "Contract start date:" all read the same."""
    return re.sub(r"[^a-z0-9]+", " ", text.replace("£", "").lower()).strip()


def alias_table() -> dict[str, str]:
    table = {}
    for column in COLUMNS:
        for name in (column.field, column.header, *column.aliases):
            if name:
                table.setdefault(normalise_header(name), column.field)
    return table
