"""Build a wheel offline, as a release does: shared by the wheel and sdist tests."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest


def build_wheel(source: Path, out: Path) -> Path:
    """The wheel pip builds from ``source`` (a source tree or an sdist), offline."""
    if importlib.util.find_spec("hatchling") is None:
        pytest.fail("hatchling is missing: install the test extras (pip install -e '.[test]')")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("xzufi_toolkit-*.whl")
    return wheel
