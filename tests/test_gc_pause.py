"""gc_paused: the collector is off while any read that paused it runs, and back as it was after."""

from __future__ import annotations

import gc

from contract_tracker.gc_pause import gc_paused


def test_overlapping_reads_resume_the_collector_when_the_last_ends():
    assert gc.isenabled()
    first, second = gc_paused(), gc_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first read ends while the second still runs
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_already_off_stays_off():
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_resumes_the_collector():
    try:
        with gc_paused():
            raise ValueError("the read failed")
    except ValueError:
        pass
    assert gc.isenabled()
