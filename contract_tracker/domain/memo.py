"""Results of a function kept in a dict, for the look-ups a national load makes millions of times."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V], Generic[K, V]):
    """`make(key)` for each key, worked out once: a hit is one dict look-up in C, where
    `functools.lru_cache` costs a Python call. At most `limit` keys are kept, as a long-lived
    process may meet any number of them (days, amounts of money)."""

    def __init__(self, make: Callable[[K], V], *, limit: int = 65536, known: Mapping[K, V] | None = None):
        super().__init__(known or {})
        self.make = make
        self.limit = limit

    def __missing__(self, key: K) -> V:
        value = self.make(key)
        if len(self) < self.limit:
            self[key] = value
        return value
