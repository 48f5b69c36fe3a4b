"""Writing output files whole or not at all: a half-written calendar or export loses data silently."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import InvalidInput


@contextmanager
def open_atomically(path: str | Path) -> Iterator[BinaryIO]:
    """A file to write piece by piece (so a large export never sits whole in memory): a scratch file
    beside `path`, moved into place in one step when the block ends, removed if it fails."""
    target = Path(path).expanduser()
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("wb") as out:
            yield out
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_atomically(path: str | Path, body: bytes) -> None:
    """Write `body` to a scratch file beside `path`, then move it into place in one step."""
    with open_atomically(path) as out:
        out.write(body)
