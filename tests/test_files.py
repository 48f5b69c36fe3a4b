"""Output files are written whole or not at all, also when written piece by piece."""

from __future__ import annotations

import pytest

from contract_tracker.errors import InvalidInput
from contract_tracker.files import open_atomically, write_atomically


def test_pieces_appear_only_when_the_file_is_complete(tmp_path):
    target = tmp_path / "out.ics"
    with open_atomically(target) as out:
        out.write(b"BEGIN:")
        assert not target.exists()
        out.write(b"VCALENDAR\r\n")
    assert target.read_bytes() == b"BEGIN:VCALENDAR\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ics"]


def test_a_failure_half_way_keeps_the_old_file_and_leaves_no_scratch_file(tmp_path):
    target = tmp_path / "out.ics"
    write_atomically(target, b"old")
    with pytest.raises(RuntimeError, match="database went away"), open_atomically(target) as out:
        out.write(b"new, half")
        raise RuntimeError("database went away")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ics"]


def test_an_unwritable_place_is_a_message_not_a_traceback(tmp_path):
    with pytest.raises(InvalidInput, match="cannot write"):
        write_atomically(tmp_path / "no such folder" / "out.ics", b"x")
