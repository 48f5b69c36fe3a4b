"""The limits on what the register accepts, stated once and checked where values enter.

- Dates run from year 1 to year 9999 (all a date can hold), and so must every date worked out from
  a contract's facts: a term that would end after 9999 is refused, not left to crash a report.
- Periods (terms, options, notices, leads, report windows) are whole units of at most 50 years
  (`durations.parse_duration`); a contract has at most 20 extension options.
- Money is whole pence from £0 up to what its 64-bit column holds (`money.parse_money`).
- Whole numbers (volumes, versions, ids) fit their column: 32 bits, as PostgreSQL's `integer`.
- Text is valid Unicode with no control characters (notes may hold line breaks and tabs), no longer
  than its column: SQLite would store anything, PostgreSQL refuses, and a terminal shows escapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import InvalidInput

FIRST_YEAR, LAST_YEAR = 1, 9999
MAX_PERIOD_YEARS = 50
MAX_OPTIONS = 20
INTEGER_MAX = 2**31 - 1  # PostgreSQL integer; SQLite holds more, but a register must move between them
BIGINT_MAX = 2**63 - 1


def check_whole_number(value: object, *, field: str, minimum: int = 0, maximum: int = INTEGER_MAX) -> int:
    """`value` as an int within [minimum, maximum]; InvalidInput otherwise (bools are not numbers)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(f"{field}: give a whole number, not {value!r:.40}")
    if not minimum <= value <= maximum:
        shown = value if len(str(value)) < 25 else "a number that large"
        raise InvalidInput(f"{field}: must be a whole number from {minimum:,} to {maximum:,}, not {shown}")
    return value


# Control characters (Unicode category Cc) and lone surrogates (Cs), found by one C-speed search:
# a bulk load checks every text field of 100,000 contracts.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_FORBIDDEN_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """What makes `value` unfit to store or show, or None: a lone surrogate (half of a character,
    which cannot be written as UTF-8) or a control character (NUL, escape sequences, bells)."""
    found = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN).search(value)
    if found is None:
        return None
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        return f"is not valid text (a broken character at position {found.start() + 1})"
    return f"contains a control character ({char!r}) at position {found.start() + 1}"


def clean_text(value: object, *, field: str, max_length: int | None = None, multiline: bool = False,
               required: bool = False) -> str:
    """`value` stripped of surrounding space and checked: InvalidInput naming `field` otherwise."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{field}: give text, not {type(value).__name__}")
    text = value.strip()
    if problem := text_problem(text, multiline=multiline):
        raise InvalidInput(f"{field} {problem}")
    if max_length is not None and len(text) > max_length:
        raise InvalidInput(f"{field} is {len(text):,} characters long; at most {max_length:,} are kept")
    if required and not text:
        raise InvalidInput(f"{field} must not be empty")
    return text


def column_length(model, name: str) -> int | None:
    """The declared length of a text column (None for unbounded text)."""
    return getattr(model.__table__.c[name].type, "length", None)


class DateOutOfRange(InvalidInput):
    """A date worked out from the facts (an end, a decision date) would fall outside years 1-9999."""


def is_date_range_error(error: BaseException) -> bool:
    """Whether `error` is Python's way of saying a date left the years 1-9999 (date arithmetic
    raises OverflowError, the date constructor ValueError "year 10000 is out of range")."""
    if isinstance(error, OverflowError):
        return True
    return isinstance(error, ValueError) and "out of range" in str(error)


@contextmanager
def computed_dates(subject: str) -> Iterator[None]:
    """Turn a date worked out beyond the years 1-9999 into a refusal that names `subject`."""
    try:
        yield
    except (OverflowError, ValueError) as error:
        if not is_date_range_error(error):
            raise
        raise DateOutOfRange(f"{subject}: a date worked out from it would fall outside the years "
                             f"{FIRST_YEAR} to {LAST_YEAR}") from None


def argument_problem(argument: str) -> str | None:
    """Why a command-line argument cannot be used at all (before any command looks at it): a NUL
    or a lone surrogate, which is how Python passes on bytes that are not valid text."""
    found = _UNUSABLE_ARGUMENT.search(argument)
    if found is None:
        return None
    if found.group() == "\x00":
        return f"contains a NUL character at position {found.start() + 1}"
    try:  # bytes the shell could not decode come back as they were typed
        typed = argument.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return f"is not valid text (a broken character at position {found.start() + 1})"
    return f"is not UTF-8 text: {typed!r} (check the encoding of your terminal or script)"


_UNUSABLE_ARGUMENT = re.compile("[\x00\ud800-\udfff]")
