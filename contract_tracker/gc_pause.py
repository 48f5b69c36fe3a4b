"""Pausing Python's cyclic garbage collector while work builds millions of objects.

Each time enough objects have been made, CPython runs a collection, and now and then a full one
that walks every live object again, holding the GIL. Reading the whole register at 100,000
contracts (about a million objects) ran nine full collections of 0.1-0.3 s, a quarter of its CPU,
each freezing the TUI's keys and scrolling for as long; a national bulk load spent about 6 s of
its loading process's CPU in the collector. Nothing built there is cyclic garbage (rows, tuples
and dicts freed by reference counting), so the collector is paused while such work runs and
resumed after. Pauses may overlap (a replaced read still finishes in its thread): the last one
out resumes it.
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
