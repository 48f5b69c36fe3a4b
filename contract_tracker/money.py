"""Money: pounds as Decimal in Python, whole pence as integers in the database.

Integers are exact on SQLite and PostgreSQL alike (SQLite has no decimal type), and sort and sum
correctly in SQL.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import BigInteger
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from .errors import InvalidInput

PENNY = Decimal("0.01")


def parse_money(text: str | int | Decimal | None, *, field: str = "value") -> Decimal | None:
    """Parse "£1,250,000.00", "250000" or a Decimal; refuse negatives and fractions of a penny."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, float):
        raise InvalidInput(f"{field}: give money as text or Decimal, not a float")
    cleaned = str(text).strip().replace("£", "").replace(",", "").replace(" ", "")
    if cleaned.upper().startswith("GBP"):
        cleaned = cleaned[3:]
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(f"{field}: not an amount of money: {text!r}") from None
    if not amount.is_finite():
        raise InvalidInput(f"{field}: not an amount of money: {text!r}")
    if amount < 0:
        raise InvalidInput(f"{field}: must not be negative: {text!r}")
    if amount != amount.quantize(PENNY):
        raise InvalidInput(f"{field}: no fractions of a penny: {text!r}")
    return amount.quantize(PENNY)


def format_money(amount: Decimal | None) -> str:
    return "" if amount is None else f"£{amount:,.2f}"


class Pence(TypeDecorator[Decimal]):
    """A Decimal amount of pounds stored as a whole number of pence."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_exact())

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(PENNY)
