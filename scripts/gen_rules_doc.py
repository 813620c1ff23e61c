"""Regenerate docs/rules.md from the rule registry.

Usage: python scripts/gen_rules_doc.py [--check]
With --check, exit 1 when docs/rules.md is out of date (used by the tests).
"""

from __future__ import annotations

import sys
from pathlib import Path

from xzufi_toolkit.io.atomicio import write_text_atomic
from xzufi_toolkit.validate.registry import rules_markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def main(argv: list[str]) -> int:
    text = rules_markdown()
    if "--check" in argv:
        current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
        if current != text:
            print(f"{DOC} is out of date: run python scripts/gen_rules_doc.py", file=sys.stderr)
            return 1
        return 0
    write_text_atomic(DOC, text)
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
