"""Regenerate xzufi_toolkit/data/din91379.json from KoSIT's latinchars.xml.

Usage: python scripts/regen_din91379.py [PATH/TO/latinchars.xml]
(default: fixtures/sources/din91379/latinchars.xml, a copy of the reference data).
"""

from __future__ import annotations

import sys
from pathlib import Path

from xzufi_toolkit.errors import XzufiError
from xzufi_toolkit.io.atomicio import write_text_atomic
from xzufi_toolkit.reference.din91379 import TABLE_FILE, derive_table, dump_table

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT / "fixtures" / "sources" / "din91379" / "latinchars.xml"
TARGET = ROOT / "xzufi_toolkit" / "data" / TABLE_FILE


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    table = derive_table(source)
    write_text_atomic(TARGET, dump_table(table))
    counts = {g: len(v["chars"]) + len(v["sequences"]) for g, v in table["groups"].items()}
    print(f"wrote {TARGET.relative_to(ROOT)} from {source.name}: {counts}")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main(sys.argv[1:]))
    except XzufiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
