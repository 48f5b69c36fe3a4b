"""Turning command-line text into values, with one-line errors (never a traceback)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..domain.dates import Span, parse_date, parse_span
from ..domain.money import parse_money
from ..errors import InvalidInput


def day(text: str | None, *, name: str, today: date | None = None) -> date | None:
    if text is None:
        return None
    if today is not None and text.strip().lower() == "today":
        return today
    try:
        return parse_date(text)
    except InvalidInput as error:
        raise InvalidInput(f"{name}: {error}") from None


def span(text: str, *, name: str) -> Span:
    try:
        return parse_span(text)
    except InvalidInput as error:
        raise InvalidInput(f"{name}: {error}") from None


def money(text: str | None, *, name: str) -> Decimal | None:
    return parse_money(text, field=name)
