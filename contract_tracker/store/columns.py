"""Column types: money as whole pence.

Integers are exact on SQLite and PostgreSQL alike (SQLite has no decimal type), and sort and sum
correctly in SQL; Python sees pounds as Decimal (domain/money.py).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from ..domain.money import PENNY


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
