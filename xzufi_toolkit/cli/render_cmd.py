"""``xzufi render LEISTUNG.xml -o PAGE.html``: the citizen page of a Leistung."""

from __future__ import annotations

import argparse

from xzufi_toolkit.cli.common import read_input, write_output
from xzufi_toolkit.errors import UsageError

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
    p.add_argument("file", metavar="LEISTUNG.xml", nargs="?", help="the Leistung ('-' reads stdin)")
    store = p.add_argument_group("from a catalog store (xzufi catalog)")
    store.add_argument("--db", metavar="URL", help="render a stored Leistung with its office")
    store.add_argument("--leistung", metavar="ID", help="Leistung id or LeiKa key (with --db)")
    store.add_argument("--region", metavar="ARS", help="Regionalschlüssel (with --db)")
    p.add_argument("-o", "--output", metavar="PAGE.html", default="-", help="default: stdout")
    p.add_argument(
        "--lang", choices=["de", "en"], default="de", help="language of the page (default: de)"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from xzufi_toolkit.render import render_page
    from xzufi_toolkit.xzufi.reader import read_leistung

    if args.db or args.leistung or args.region:
        return _run_store(args)
    if args.file is None:
        raise UsageError("no LEISTUNG.xml given", hint="or --db URL --leistung ID --region ARS")
    data, name = read_input(args.file)
    leistung = read_leistung(data, file=name).leistung
    write_output(args.output, render_page(leistung, lang=args.lang).encode("utf-8"), args.file)
    return 0


def _run_store(args: argparse.Namespace) -> int:
    from xzufi_toolkit.catalog.store import open_store
    from xzufi_toolkit.render.office import render_from_store

    if not (args.db and args.leistung and args.region) or args.file is not None:
        raise UsageError("--db, --leistung and --region go together, without LEISTUNG.xml")
    with open_store(args.db, create=False) as store:
        page = render_from_store(store, args.leistung, args.region, lang=args.lang)
    write_output(args.output, page.encode("utf-8"))
    return 0
