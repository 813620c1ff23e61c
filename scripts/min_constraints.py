"""Print pip constraints that pin every run-time dependency to its declared minimum.

``pip install -c <(python scripts/min_constraints.py) -e '.[test]'`` then installs the
oldest versions ``pyproject.toml`` admits, so CI can check that the minimums are true.
Only ``>=`` lower bounds are pinned; extras of a requirement are kept out of the pin.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_REQ = re.compile(r"^\s*([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*>=\s*([0-9][0-9A-Za-z.]*)")


def constraints(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    pins = []
    for req in project["dependencies"]:
        m = _REQ.match(req)
        if m is None:
            raise SystemExit(f"no '>=' minimum in dependency {req!r}")
        pins.append(f"{m.group(1)}=={m.group(2)}")
    return pins


if __name__ == "__main__":
    sys.stdout.write("".join(f"{pin}\n" for pin in constraints()))
