"""Bounded reads of input files and streams.

A path may name a device (``/dev/zero``), a pipe (``<(curl …)``) or standard
input: their size from ``stat`` says nothing, and an unbounded read runs out of
memory. Inputs are read up to a limit and refused beyond it, with the file
named; regular files are read whole after a size check, as before.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from xzufi_toolkit.errors import InputError, LimitExceededError

__all__ = ["MAX_INPUT_BYTES", "check_size", "read_errors", "read_file", "read_stream"]

MAX_INPUT_BYTES = 64 * 1024 * 1024


def _too_large(what: str, file: str) -> LimitExceededError:
    return LimitExceededError(what, file=file, hint="is this the right file?")


def read_stream(stream: IO[bytes], *, file: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """At most ``limit`` bytes of ``stream``; more is a :class:`LimitExceededError`."""
    return check_size(stream.read(limit + 1), file=file, limit=limit)


def check_size(data: bytes, *, file: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """``data`` as read with one byte to spare (``read(limit + 1)``), refused above
    ``limit``: cut at the limit, it would be reported as truncated instead."""
    if len(data) > limit:
        raise _too_large(f"input is larger than the limit of {limit} bytes", file)
    return data


def read_file(path: str | Path, *, file: str | None = None, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of ``path`` (``file`` is its display name), refused above ``limit``."""
    name = str(path) if file is None else file
    with read_errors(name), Path(path).open("rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):  # pipe or device: read up to the limit
            return read_stream(fh, file=name, limit=limit)
        if info.st_size > limit:
            raise _too_large(f"input is {info.st_size} bytes, more than the limit of {limit}", name)
        return fh.read()


@contextmanager
def read_errors(file: str) -> Iterator[None]:
    """An :class:`OSError` while reading ``file`` as the :class:`InputError` naming it."""
    try:
        yield
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=file) from None
    except FileNotFoundError:
        raise InputError("no such file", file=file) from None
    except PermissionError:
        raise InputError("permission denied", file=file) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=file) from None
