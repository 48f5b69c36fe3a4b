"""One deadline of the stream, as the pure engine makes it, and what every kind of row means.

Each item carries what it needs to be judged on any day (`contract_tracker.read.stream`): its state as
the facts record it, and the window of days in which it applies (`holds_from` to `holds_until`).
An extension decision applies while every earlier option can still be decided; a re-procurement
start applies while the end it prepares for is still the latest the contract can run to. So the
materialised stream never depends on the day it was written, and every reader asks the same
question of it: what is open as of day D.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from ..enums import DeadlineKind, DeadlineState
from .memo import Memo
from .quick_init import quick_init

# `str` of each date (and of None) a fingerprint names, worked out once: formatting the dates was
# half a fingerprint's cost, and a register's deadlines fall on a few thousand days.
_DAY_TEXT: Memo[date | None, str] = Memo(str)


@quick_init
@dataclass(frozen=True)
class DeadlineItem:
    kind: DeadlineKind
    ordinal: int
    due_date: date
    title: str
    action: str
    owner: str
    state: DeadlineState = DeadlineState.OPEN
    start_date: date | None = None  # set for a span (e.g. "July/August 2025") or a notice's window
    holds_from: date | None = None  # first day the deadline applies; None: from the start
    holds_until: date | None = None  # last day it applies; None: for good
    ends_on: date | None = None  # the contract end it decides or prepares for (option, break, re-procurement)

    def fingerprint(self) -> str:
        """Changes whenever what a person would see, or the days it applies, change."""
        # One f-string: the same text as "|".join(str(part) ...) at a fraction of the cost.
        day = _DAY_TEXT
        text = (f"{day[self.due_date]}|{day[self.start_date]}|{self.title}|{self.action}|{self.state}"
                f"|{day[self.holds_from]}|{day[self.holds_until]}|{day[self.ends_on]}")
        return hashlib.sha256(text.encode()).hexdigest()[:32]


# Kinds that mark an event rather than ask for an action: they pass, they are never overdue.
INFORMATIONAL = frozenset({DeadlineKind.CONTRACT_END.value, DeadlineKind.STANDSTILL_END.value})
# Kinds that offer a right rather than set a duty: when their window closes they lapse, never "missed".
OPPORTUNITIES = frozenset({DeadlineKind.BREAK_NOTICE.value})
# Kinds of the authority's own recurring notices (authority_notices): written by the authority's
# refresh (services.authority_stream), never by a contract's; a UK9 row still names its contract.
AUTHORITY_KINDS = frozenset({DeadlineKind.UK8_DUE.value, DeadlineKind.PAYMENTS_DUE.value,
                             DeadlineKind.UK9_DUE.value, DeadlineKind.UK1_DUE.value})
