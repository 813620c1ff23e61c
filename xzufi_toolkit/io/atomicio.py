"""Atomic output: a file is either fully written or not there at all.

Inputs are never modified: writers refuse to overwrite the file they read.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from xzufi_toolkit.errors import InputError, UsageError

__all__ = [
    "check_output",
    "ensure_not_input",
    "open_atomic",
    "write_bytes_atomic",
    "write_text_atomic",
]


def _file_mode(target: Path) -> int:
    """The mode a plain ``open(path, "w")`` would give (mkstemp's files are 0600)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)  # reading the umask means setting it; restore at once
        os.umask(mask)
        return 0o666 & ~mask


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    with open_atomic(path) as fh:
        fh.write(data)


@contextmanager
def open_atomic(path: str | Path) -> Iterator[IO[bytes]]:
    """A binary file that becomes ``path`` only when the block succeeds (streamed output).

    The data goes to a temporary file in the same folder, which is removed if
    the block fails; an :class:`OSError` (a full disk) names the output.
    """
    target = Path(path)
    folder = _writable_target(target)
    try:  # a read-only folder, /proc, a full inode table: the output is named
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _write_error(exc, target) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fchmod(fh.fileno(), _file_mode(target))
            os.fsync(fh.fileno())
        Path(tmp).replace(target)
    except OSError as exc:
        _remove(tmp)
        raise _write_error(exc, target) from None
    except BaseException:
        _remove(tmp)
        raise


def _write_error(exc: OSError, target: Path) -> InputError:
    reason = exc.strerror or type(exc).__name__
    return InputError(f"cannot write output: {reason}", file=str(target))


def _remove(tmp: str) -> None:
    # the folder became unwritable: the first error is the one to report
    with contextlib.suppress(OSError):
        Path(tmp).unlink(missing_ok=True)


def _writable_target(target: Path) -> Path:
    """The folder ``target`` will be written into; usage errors for impossible targets."""
    if target.is_dir():
        raise UsageError(
            "output is a folder, not a file", file=str(target), hint="name a file inside it"
        )
    try:
        info = target.stat()  # through a symlink: /proc/self/fd/1 is the terminal or a pipe
    except OSError:
        pass  # a new file (or a dangling link, which is replaced)
    else:
        if not stat.S_ISREG(info.st_mode):
            # replacing /dev/full or /dev/null by a regular file (as root) breaks the system
            raise UsageError(
                "output is not a regular file (a device, pipe or socket)",
                file=str(target),
                hint="name a file, or write to standard output with '-o -'",
            )
    folder = target.parent if str(target.parent) else Path()
    if not folder.is_dir():
        raise UsageError(f"output folder does not exist: {folder}", file=str(target))
    return folder


def check_output(path: str | Path, *inputs: str | Path) -> None:
    """Refuse an output path before any work is done (so no other output is written first).

    The same checks the writers make: the folder exists, the path is not a
    folder and not one of the inputs. ``-`` (standard output) always passes.
    """
    if str(path) == "-":
        return
    target = Path(path)
    folder = _writable_target(target)
    ensure_not_input(path, *inputs)
    # the writer's first step, tried now: a folder where no file can be made
    # (read-only, /proc) must fail before another output is written
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _write_error(exc, target) from None
    os.close(fd)
    _remove(probe)


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    write_bytes_atomic(path, text.encode(encoding))


def ensure_not_input(output: str | Path, *inputs: str | Path) -> None:
    """Refuse to write over one of the inputs (inputs are never modified).

    Compares device and inode, so symlinks and hard links to an input count too.
    An input ``-`` (standard input) is no file and is passed over.
    """
    try:
        out = Path(output).stat()
    except OSError:
        return  # a new file cannot be an input
    for src in inputs:
        if str(src) == "-":
            continue
        try:
            same = os.path.samestat(out, Path(src).stat())
        except OSError:
            continue
        if same:
            raise UsageError(
                "output would overwrite the input",
                file=str(output),
                hint="choose another output path",
            )
