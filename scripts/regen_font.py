"""Copy Roboto Regular from the ``font-roboto`` package into the package data.

Usage: ``python scripts/regen_font.py [--check]``. With ``--check`` nothing is
written; the exit code says whether the shipped copy equals the source.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "xzufi_toolkit" / "data" / "fonts" / "Roboto-Regular.ttf"
LICENCE = ROOT / "xzufi_toolkit" / "data" / "fonts" / "LICENSE-Roboto.txt"


def sources() -> tuple[bytes, bytes]:
    import font_roboto  # test extra: the regeneration source, not a run-time dependency

    font = Path(font_roboto.Roboto)
    return font.read_bytes(), (font.parent / "LICENSE").read_bytes()


def main(argv: list[str]) -> int:
    font, licence = sources()
    if "--check" in argv:
        same = TARGET.read_bytes() == font and LICENCE.read_bytes() == licence
        print("unchanged" if same else "differs from font-roboto")
        return 0 if same else 1
    TARGET.write_bytes(font)
    LICENCE.write_bytes(licence)
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(font)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
