"""Helpers shared by the command modules: reading inputs, writing outputs."""

from __future__ import annotations

import sys
from pathlib import Path

from xzufi_toolkit.atomicio import ensure_not_input, write_bytes_atomic
from xzufi_toolkit.errors import InputError

__all__ = ["read_input", "write_output"]


def read_input(path: str) -> tuple[bytes, str]:
    """Bytes and display name of ``path``; ``-`` reads standard input."""
    if path == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    p = Path(path)
    try:
        return p.read_bytes(), path
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=path) from None
    except FileNotFoundError:
        raise InputError("no such file", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=path) from None


def write_output(path: str, data: bytes, *inputs: str) -> None:
    """Write atomically to ``path``; ``-`` writes standard output."""
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    ensure_not_input(path, *[i for i in inputs if i != "-"])
    write_bytes_atomic(path, data)
