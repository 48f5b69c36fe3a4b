"""Files in and out: output written whole or not at all (a half-written calendar or export loses
data silently), and input read as text or JSON with every failure one line, never a traceback."""

from __future__ import annotations

import json
import os
import sys
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


def read_text(source: str | Path, *, stdin: BinaryIO | None = None) -> str:
    """The UTF-8 text of a file, or of standard input when `source` is "-" (a byte-order mark is
    dropped); InvalidInput in one line when it cannot be read or is not UTF-8 text."""
    name = "standard input" if str(source) == "-" else str(source)
    try:
        body = (stdin or sys.stdin.buffer).read() if str(source) == "-" else Path(source).expanduser().read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {name}: {error.strerror or error}") from None
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{name} is not UTF-8 text (byte {error.start + 1} cannot be read)") from None


def loads_json(text: str | bytes, *, source: str) -> object:
    """`json.loads`, with every way it can fail turned into one InvalidInput line naming `source`:
    not JSON, nested too deeply for Python (RecursionError), or an integer past Python's limit
    on converting long digit strings (a ValueError that is not a JSONDecodeError)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{source} is not valid JSON: {error.msg} (line {error.lineno}, "
                           f"column {error.colno})") from None
    except RecursionError:
        raise InvalidInput(f"{source} is nested too deeply to read") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{source} cannot be read as JSON: {str(error).splitlines()[0][:120]}") from None
