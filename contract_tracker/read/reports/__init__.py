"""Scripted reports: indexed date-range queries on the materialised deadline table.

Each report module returns a `Report` (rows of JSON-ready values in a documented shape);
`render` turns a report into a table for people or CSV, JSON or Markdown for machines.
Every report reads the materialised stream, and asks it the same question through
`contract_tracker.read.stream` (what is open, overdue or in force on the report's day); none works
dates out with the lifecycle engine itself.
"""

from .breaks import breaks_report
from .common import Filters, Report, Window, parse_kind, window
from .decisions import decisions_report
from .expiring import expiring_report
from .obligations import obligations_report
from .overdue import overdue_report
from .pipeline import financial_year, pipeline_report
from .upcoming import upcoming_report

__all__ = [
    "Filters", "Report", "Window", "breaks_report", "decisions_report", "expiring_report",
    "financial_year", "obligations_report", "overdue_report", "parse_kind", "pipeline_report", "upcoming_report",
    "window",
]
