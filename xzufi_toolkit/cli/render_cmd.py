"""``xzufi render LEISTUNG.xml -o PAGE.html``: the citizen page of a Leistung."""

from __future__ import annotations

import argparse

from xzufi_toolkit.cli.common import read_input, write_output

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "render",
        help="render a Leistung as a self-contained, accessible HTML page",
        description=(
            "Render an XZuFi Leistung (2.2.0 or 2.3.1) as the page a portal shows citizens: "
            "text modules in portal order, costs, durations, required documents, legal basis "
            "and contact. One HTML file with inline CSS; no scripts, no external resources; "
            "module HTML is sanitised against an allow-list (nh3)."
        ),
    )
    p.add_argument("file", metavar="LEISTUNG.xml", help="the Leistung ('-' reads stdin)")
    p.add_argument("-o", "--output", metavar="PAGE.html", default="-", help="default: stdout")
    p.add_argument(
        "--lang", choices=["de", "en"], default="de", help="language of the page (default: de)"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from xzufi_toolkit.render import render_page
    from xzufi_toolkit.xzufi.reader import read_leistung

    data, name = read_input(args.file)
    leistung = read_leistung(data, file=name).leistung
    write_output(args.output, render_page(leistung, lang=args.lang).encode("utf-8"), args.file)
    return 0
