"""Scripted reports: indexed date-range queries on the materialised deadline table.

Each report module returns a `Report` (rows of JSON-ready values in a documented shape);
`render` turns a report into a table for people or CSV, JSON or Markdown for machines.
No report walks the whole register through the lifecycle engine: rows come from the
`deadline` table, and the few reports that need a contract's exact final end compute it
only for the contracts an indexed query has already picked out (see `expiring`).
"""

from .breaks import breaks_report
from .common import Filters, Report, Window, parse_kind, window
from .decisions import decisions_report
from .expiring import expiring_report
from .overdue import overdue_report
from .pipeline import financial_year, pipeline_report
from .upcoming import upcoming_report

__all__ = [
    "Filters", "Report", "Window", "breaks_report", "decisions_report", "expiring_report",
    "financial_year", "overdue_report", "parse_kind", "pipeline_report", "upcoming_report", "window",
]
