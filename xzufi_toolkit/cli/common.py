"""Helpers shared by the command modules: reading inputs, writing outputs."""

from __future__ import annotations

import sys

from xzufi_toolkit.atomicio import ensure_not_input, write_bytes_atomic
from xzufi_toolkit.inputs import read_file, read_stream

__all__ = ["read_input", "write_output"]


def read_input(path: str) -> tuple[bytes, str]:
    """Bytes and display name of ``path``; ``-`` reads standard input."""
    if path == "-":
        return read_stream(sys.stdin.buffer, file="<stdin>"), "<stdin>"
    return read_file(path), path


def write_output(path: str, data: bytes, *inputs: str) -> None:
    """Write atomically to ``path``; ``-`` writes standard output."""
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    ensure_not_input(path, *[i for i in inputs if i != "-"])
    write_bytes_atomic(path, data)
