"""Regenerate xzufi_toolkit/data/codelists/*.json from scripts/codelist-sources/*.csv.

Usage: python scripts/regen_codelists.py
Lists that no longer have a source are removed from the package folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

from xzufi_toolkit.errors import XzufiError
from xzufi_toolkit.io.atomicio import write_text_atomic
from xzufi_toolkit.reference.codelists import build_from_sources

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "scripts" / "codelist-sources"
TARGET = ROOT / "xzufi_toolkit" / "data" / "codelists"


def main() -> int:
    files = build_from_sources(SOURCES)
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write_text_atomic(TARGET / name, text)
    for stale in sorted(set(p.name for p in TARGET.glob("*.json")) - set(files)):
        (TARGET / stale).unlink()
        print(f"removed stale {stale}")
    print(f"wrote {len(files)} code lists to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except XzufiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
