"""Start-up cost: what each command imports, and the lazy ``xzufi_toolkit.xzufi`` package.

The import checks run in a fresh interpreter (``sys.modules`` of the test
process already holds everything); help texts are printed in-process there.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import xzufi_toolkit.xzufi as xzufi_pkg

ROOT = Path(__file__).resolve().parent.parent
LEISTUNG = ROOT / "xzufi_toolkit" / "fixtures" / "leistung" / "99010022001012-2.3.1.xml"

#: What no help text needs (the PDF, schema and sanitiser libraries, and our reader/writer).
HEAVY = (
    "pypdf",
    "pypdfium2",
    "pikepdf",
    "fontTools",
    "xmlschema",
    "jsonschema",
    "nh3",
    "lxml.etree",
    "xzufi_toolkit.xzufi.reader",
    "xzufi_toolkit.xzufi.writer",
    "xzufi_toolkit.xzufi.transfer",
)

#: Every command and command group, each asked for its help.
HELP_ARGVS = (
    [],
    ["show"],
    ["convert"],
    ["validate"],
    ["form"],
    ["form", "fill"],
    ["form", "inspect"],
    ["form", "preview"],
    ["import-portal"],
    ["render"],
    ["case"],
    ["case", "check"],
    ["message"],
    ["message", "build"],
    ["message", "read"],
    ["bundle"],
    ["bundle", "verify"],
    ["demo"],
)

_PROBE = """
import contextlib, io, json, sys
from xzufi_toolkit.cli.main import main
codes = []
for argv in json.loads(sys.argv[1]):
    out = io.TextIOWrapper(io.BytesIO())  # binary output goes to its buffer
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            codes.append(main(argv))
        except SystemExit as exc:
            codes.append(exc.code)
print(json.dumps({"codes": codes, "modules": sorted(sys.modules)}))
"""


def _loaded(*argvs: list[str]) -> tuple[list[object], set[str]]:
    """Exit codes of ``xzufi ARGV`` run one after another in a fresh interpreter, and
    the modules loaded at the end."""
    res = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(argvs)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    return out["codes"], set(out["modules"])


def test_help_of_every_command_imports_no_heavy_module() -> None:
    codes, modules = _loaded(*([*argv, "--help"] for argv in HELP_ARGVS))
    assert codes == [0] * len(HELP_ARGVS)
    assert sorted(m for m in HEAVY if m in modules) == []


@pytest.mark.parametrize(
    ("argv", "unused"),
    [
        # the lxml schema engine and the rules; not the model reader, writer or PDF libraries
        (
            ["validate", "-q", str(LEISTUNG)],
            ("xzufi_toolkit.xzufi.reader", "xzufi_toolkit.xzufi.writer", "pypdf", "xmlschema"),
        ),
        (
            ["show", str(LEISTUNG)],
            ("xzufi_toolkit.xzufi.writer", "xzufi_toolkit.xzufi.transfer", "nh3", "pypdf"),
        ),
        (
            ["render", str(LEISTUNG)],
            ("xzufi_toolkit.xzufi.writer", "xzufi_toolkit.xzufi.transfer", "pypdf"),
        ),
    ],
)
def test_command_imports_only_what_it_uses(argv: list[str], unused: tuple[str, ...]) -> None:
    codes, modules = _loaded(argv)
    assert codes == [0]
    assert sorted(m for m in unused if m in modules) == []


def test_lazy_package_exports_every_public_name() -> None:
    for name in xzufi_pkg.__all__:
        value = getattr(xzufi_pkg, name)
        module = xzufi_pkg._LAZY.get(name)
        if module is not None:  # the object of its own module, not a copy
            owner = importlib.import_module(f"xzufi_toolkit.xzufi.{module}")
            assert value is getattr(owner, name), name
    assert set(xzufi_pkg.__all__) <= set(dir(xzufi_pkg))
    assert set(xzufi_pkg._LAZY) <= set(xzufi_pkg.__all__)
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = xzufi_pkg.no_such_name  # type: ignore[attr-defined]  # the missing name is the point


def test_from_import_of_every_name_works_in_a_fresh_interpreter() -> None:
    names = ", ".join(xzufi_pkg.__all__)
    res = subprocess.run(
        [sys.executable, "-c", f"from xzufi_toolkit.xzufi import {names}; print(DEFAULT_KEY)"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "99010022001012"
