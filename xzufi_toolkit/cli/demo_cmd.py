"""``xzufi demo [-o DIR]``: the whole path on the bundled defaults."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help="run the whole path on the bundled defaults and write the results",
        description=(
            "Validate the bundled Leistung, check a sample case against it, build the "
            "message, fill and preview the form, write the bundle and the citizen page."
        ),
    )
    p.add_argument(
        "-o",
        "--output",
        default="xzufi-demo",
        metavar="DIR",
        help="folder for the results (default: ./xzufi-demo)",
    )
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from xzufi_toolkit.demo import run_demo

    result = run_demo(args.output)
    out = sys.stdout
    for step in result.steps:
        out.write(f"✓ {step}\n")
    out.write(f"\nwrote to {result.out_dir}/:\n")
    width = max(len(p.name) for p, _ in result.files)
    for path, what in result.files:
        out.write(f"  {path.name:<{width}}  {what}\n")
    return 0
