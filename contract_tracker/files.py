"""Writing output files whole or not at all: a half-written calendar or export loses data silently."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InvalidInput


def write_atomically(path: str | Path, body: bytes) -> None:
    """Write `body` to a scratch file beside `path`, then move it into place in one step."""
    target = Path(path).expanduser()
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_bytes(body)
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {error.strerror or error}") from None
