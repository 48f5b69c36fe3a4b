"""Pausing Python's cyclic garbage collector while a thread builds many long-lived objects.

Reading the whole register at 100,000 contracts builds about a million objects (rows, their
cells, the query's rows). Each time enough have been made, CPython runs a full collection that
walks all of them again, holding the GIL: nine collections of 0.1-0.3 s during one read, a
quarter of its CPU, and each one freezes the UI thread (keys, scrolling) for as long. Nothing
built there is cyclic garbage, so the collector is paused while it runs and resumed after.
Reads may overlap (a replaced read still finishes in its thread): the last one out resumes it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pausing = 0  # reads running with the collector paused
_was_enabled = True


@contextmanager
def gc_paused() -> Iterator[None]:
    global _pausing, _was_enabled
    with _lock:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _lock:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()
