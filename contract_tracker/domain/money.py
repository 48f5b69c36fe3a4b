"""Money: pounds as Decimal, read from what people type and checked against what the register
holds (whole pence in a 64-bit column: store/columns.py)."""

from __future__ import annotations

import re
from decimal import Decimal

from ..errors import InvalidInput
from .limits import BIGINT_MAX

PENNY = Decimal("0.01")
# The most a 64-bit column of pence holds: £92,233,720,368,547,758.07.
MAX_POUNDS = Decimal(BIGINT_MAX) / 100
_AMOUNT = re.compile(r"^[0-9]+(?:\.[0-9]*)?$|^\.[0-9]+$")


def parse_money(text: str | int | Decimal | None, *, field: str = "value") -> Decimal | None:
    """Parse "£1,250,000.00", "250000" or a Decimal; refuse negatives, fractions of a penny and
    amounts beyond what the column holds."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, float):
        raise InvalidInput(f"{field}: give money as text or Decimal, not a float")
    if isinstance(text, (Decimal, int)) and not isinstance(text, bool):
        return check_money(Decimal(text), field=field)
    if not isinstance(text, str):
        raise InvalidInput(f"{field}: not an amount of money: {text!r:.40}")
    cleaned = text.strip().replace("£", "").replace(",", "").replace(" ", "")
    if cleaned.upper().startswith("GBP"):
        cleaned = cleaned[3:]
    if cleaned.startswith("-") and _AMOUNT.match(cleaned[1:]):
        raise InvalidInput(f"{field}: must not be negative: {_shown(text)}")
    # Plain digits only: Decimal() would also take "1e400", "NaN" and "1_000", none of them money.
    if not _AMOUNT.match(cleaned):
        raise InvalidInput(f"{field}: not an amount of money: {_shown(text)}")
    whole, _, _pence = cleaned.partition(".")
    if len(whole.lstrip("0")) > len(str(MAX_POUNDS.to_integral_value())):
        raise InvalidInput(f"{field}: more than the most the register holds ({format_money(MAX_POUNDS)}): "
                           f"{_shown(text)}")
    return check_money(Decimal(cleaned), field=field, shown=text)


def check_money(amount: Decimal, *, field: str = "value", shown: object = None) -> Decimal:
    """`amount` as whole pence, between £0 and MAX_POUNDS; InvalidInput otherwise."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        problem = "not an amount of money"
    elif amount < 0:
        problem = "must not be negative"
    elif amount > MAX_POUNDS:
        problem = f"more than the most the register holds ({format_money(MAX_POUNDS)})"
    elif amount != (pence := amount.quantize(PENNY)):
        problem = "no fractions of a penny"
    else:
        return pence
    raise InvalidInput(f"{field}: {problem}: {_shown(amount if shown is None else shown)}")


def _shown(value: object) -> str:
    text = repr(str(value))
    return text if len(text) <= 40 else text[:37] + "...'"


def format_money(amount: Decimal | None) -> str:
    return "" if amount is None else f"£{amount:,.2f}"
