"""``xzufi catalog``: apply PVOG transfer streams to a store and query it.

``apply`` and ``sync`` report invalid objects with the shared report flags;
``responsible``, ``stats`` and ``export`` answer from the store. ``--db`` is a
SQLite file (default ``xzufi-catalog.sqlite``) or a ``postgresql://`` URL;
give a PostgreSQL password through ``PGPASSWORD`` or ``~/.pgpass`` rather than
the URL (it never appears in messages either way).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xzufi_toolkit.cli.common import print_help, write_output
from xzufi_toolkit.cli.report_options import add_report_options, emit_report, input_finding
from xzufi_toolkit.errors import InputError, UsageError

if TYPE_CHECKING:
    from xzufi_toolkit.catalog.apply import Totals
    from xzufi_toolkit.catalog.query import Answer
    from xzufi_toolkit.catalog.store import CatalogStore

__all__ = ["register"]

TOKEN_ENV = "XZUFI_PVOG_TOKEN"  # noqa: S105 - the variable's name, not a token


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="SQLite file or postgresql://… URL (default: $XZUFI_CATALOG_DB, "
        "else xzufi-catalog.sqlite)",
    )


def _lock_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lock-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="SQLite: how long to wait for another writer to finish (default: 30)",
    )


def _invalid_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--on-invalid",
        choices=["skip", "stop"],
        default="skip",
        help="an object the store cannot hold: skip it (reported) or stop and roll the "
        "message back (default: skip)",
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cat = sub.add_parser(
        "catalog",
        help="apply PVOG transfer streams to a catalog store and ask who is responsible",
        description="A catalog store (SQLite or PostgreSQL) fed from XZuFi transfer messages "
        "or a Bereitstelldienst-shaped paged source.",
    )
    cat.set_defaults(handler=lambda _a: print_help(cat))
    csub = cat.add_subparsers(dest="catalog_command", metavar="COMMAND")

    p = csub.add_parser("apply", help="apply transfer messages in order, one transaction each")
    p.add_argument("files", nargs="+", metavar="FILE", help="transfer messages (XZuFi XML)")
    _db_option(p)
    _lock_option(p)
    _invalid_option(p)
    add_report_options(p)
    p.set_defaults(handler=run_apply)

    p = csub.add_parser("sync", help="follow a paged Bereitstelldienst source into the store")
    p.add_argument("source", metavar="URL", help="http(s):// URL, or a folder of page files")
    _db_option(p)
    where = p.add_mutually_exclusive_group()
    where.add_argument("--resume", action="store_true", help="continue at the stored position")
    where.add_argument("--restart", action="store_true", help="forget the position, start over")
    p.add_argument(
        "--token-env",
        metavar="NAME",
        default=None,
        help=f"environment variable holding the bearer token (default: {TOKEN_ENV} if set)",
    )
    p.add_argument("--token-file", metavar="FILE", default=None, help="file holding the token")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per request (30)")
    p.add_argument("--retries", type=int, default=4, help="retries on 5xx/connection errors (4)")
    p.add_argument(
        "--backoff", type=float, default=1.0, help="first retry delay in seconds, doubling (1)"
    )
    _lock_option(p)
    _invalid_option(p)
    add_report_options(p)
    p.set_defaults(handler=run_sync)

    p = csub.add_parser("responsible", help="who is responsible for a Leistung in a region")
    p.add_argument("key", metavar="KEY-OR-ID", help="LeiKa key or Leistung id")
    p.add_argument("--region", required=True, metavar="ARS", help="Regionalschlüssel (2–12)")
    _db_option(p)
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    p.set_defaults(handler=run_responsible)

    p = csub.add_parser("stats", help="objects per kind, deletions, sync positions")
    _db_option(p)
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    p.set_defaults(handler=run_stats)

    p = csub.add_parser("export", help="one stored object as XZuFi")
    p.add_argument("id", metavar="ID", help="the object's id")
    p.add_argument("-o", "--output", metavar="FILE", default="-", help="default: stdout")
    _db_option(p)
    p.add_argument("--kind", default=None, help="Leistung, Organisationseinheit, …")
    p.add_argument(
        "--agency",
        default=None,
        metavar="SCHEMEAGENCYID",
        help="the id's schemeAgencyID, where ids of several agencies are stored",
    )
    p.add_argument(
        "--as-transfer", action="store_true", help="a Leistung as a transfer message too"
    )
    p.set_defaults(handler=run_export)


def _db(args: argparse.Namespace) -> str:
    from xzufi_toolkit.catalog.store import DEFAULT_DB

    return str(args.db or os.environ.get("XZUFI_CATALOG_DB") or DEFAULT_DB)


def _open(args: argparse.Namespace, *, create: bool = True) -> CatalogStore:
    from xzufi_toolkit.catalog.store import DEFAULT_BUSY_TIMEOUT, open_store

    wait = getattr(args, "lock_timeout", None)
    return open_store(_db(args), create=create, busy_timeout=wait or DEFAULT_BUSY_TIMEOUT)


class _Bar:
    """A progress bar with objects/s on a terminal's stderr; silent in pipes and CI."""

    def __init__(self, name: str, size: int, enabled: bool) -> None:
        self.name, self.size, self.enabled = name, size, enabled
        self.start = self.last = time.monotonic()

    def __call__(self, objects: int, done: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and done < self.size):
            return
        self.last = now
        rate = objects / max(now - self.start, 1e-6)
        frac = min(done / self.size, 1.0) if self.size else 0.0
        bar = "#" * int(frac * 30)
        sys.stderr.write(
            f"\r{self.name} [{bar:<30}] {frac:4.0%} {objects:,} objects {rate:,.0f} objects/s"
        )
        sys.stderr.flush()

    def end(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _interactive(args: argparse.Namespace) -> bool:
    return sys.stderr.isatty() and not args.quiet and not os.environ.get("CI")


def _summary(name: str, r: Totals) -> str:
    return (
        f"{name}: {r.objects:,} entries: {sum(r.written.values()):,} written, "
        f"{sum(r.deleted.values()):,} deleted, {sum(r.orphaned.values()):,} orphaned "
        f"deletion(s), {r.skipped:,} skipped"
    )


def run_apply(args: argparse.Namespace) -> int:
    from xzufi_toolkit.catalog.apply import RULES, ApplyStopped, apply_message
    from xzufi_toolkit.findings import Report

    report = Report()
    with _open(args) as store:
        for name in args.files:
            size = Path(name).stat().st_size if Path(name).is_file() else 0
            bar = _Bar(f"xzufi catalog apply {name}", size, _interactive(args))
            try:
                result = apply_message(store, name, on_invalid=args.on_invalid, progress=bar)
            except InputError as exc:
                bar.end()
                report.add(input_finding("CAT-INPUT", exc))
                report.documents += 1
                sys.stderr.write(f"xzufi: {name}: not applied; later files were not applied\n")
                break
            except ApplyStopped as stop:
                bar.end()
                report.extend(stop.result.findings)
                report.documents += 1
                sys.stderr.write(
                    f"xzufi: {name}: stopped at an invalid object (--on-invalid stop); "
                    "nothing of it was applied, later files were not applied\n"
                )
                break
            bar.end()
            report.extend(result.findings)
            report.documents += 1
            if not args.quiet:
                sys.stderr.write(_summary(name, result) + "\n")
    return emit_report(report, args, rules=RULES, inputs=args.files)


def _token(args: argparse.Namespace) -> str | None:
    if args.token_file:
        from xzufi_toolkit.io.inputs import read_file

        raw = read_file(args.token_file, limit=64 * 1024)
        token = raw.decode("utf-8", "replace").strip()
        if not token:
            raise UsageError("the token file is empty", file=args.token_file)
        return token
    if args.token_env:
        token = os.environ.get(args.token_env, "").strip()
        if not token:
            raise UsageError(f"environment variable {args.token_env} is not set or empty")
        return token
    return os.environ.get(TOKEN_ENV, "").strip() or None


def run_sync(args: argparse.Namespace) -> int:
    from xzufi_toolkit.catalog.apply import RULES, ApplyStopped
    from xzufi_toolkit.catalog.sync import sync
    from xzufi_toolkit.findings import Report

    if args.retries < 0 or args.timeout <= 0 or args.backoff < 0:
        raise UsageError("--retries and --backoff must be ≥ 0, --timeout > 0")
    from xzufi_toolkit.catalog.sync import source_key

    source_key(args.source)  # a bad source fails before a store is created
    token = _token(args)
    interactive = _interactive(args)

    def progress(pages: int, objects: int) -> None:
        if interactive:
            sys.stderr.write(f"\rxzufi catalog sync: {pages:,} page(s), {objects:,} objects")
            sys.stderr.flush()

    report = Report()
    with _open(args) as store:
        try:
            result = sync(
                store,
                args.source,
                resume=args.resume,
                restart=args.restart,
                token=token,
                timeout=args.timeout,
                retries=args.retries,
                backoff=args.backoff,
                on_invalid=args.on_invalid,
                progress=progress,
            )
        except ApplyStopped as stop:
            report.extend(stop.result.findings)
            sys.stderr.write(
                f"xzufi: {stop.result.file}: stopped at an invalid object (--on-invalid stop);"
                " nothing of this page was applied, the position stays before it\n"
            )
            return emit_report(report, args, rules=RULES)
        finally:
            if interactive:
                sys.stderr.write("\r\033[K")
    report.extend(result.findings)
    report.documents = result.pages
    if not args.quiet:
        state = "complete" if result.complete else "not complete"
        sys.stderr.write(
            _summary(f"{result.source}: {result.pages} page(s), {state}", result) + "\n"
        )
    return emit_report(report, args, rules=RULES)


def _address(o: Any) -> str:
    street = " ".join(x for x in (o.strasse, o.hausnummer) if x)
    town = " ".join(x for x in (o.postleitzahl, o.ort) if x)
    return ", ".join(x for x in (street, town) if x) or "-"


def _answer_text(a: Answer) -> str:
    lines: list[str] = []
    if a.leistungen:
        for ref in a.leistungen:
            lines.append(f"Leistung {ref.id} ({ref.agency or '-'}): {ref.name or '-'}")
    else:
        lines.append(f"Leistung {a.query}: not in the store (Zuständigkeiten matched by id)")
    offices = a.offices
    lines.append(f"Responsible in {a.region}: {len(offices)}")
    for r in offices:
        role = r.rolle_name or r.rolle_code or "-"
        if r.office is None:
            lines.append(f"- {role} [{r.level} {r.gebiet_id}]: {r.parent_id} (not in the store)")
            continue
        lines.append(f"- {role} [{r.level} {r.gebiet_id}]: {r.office.name or r.office.id}")
        lines.append(f"  {_address(r.office)}")
    services = a.online_services
    if services:
        lines.append("Online services:")
        lines.extend(f"- {s.name or s.id}: {s.link or '-'}" for s in services)
    return "\n".join(lines) + "\n"


def run_responsible(args: argparse.Namespace) -> int:
    from xzufi_toolkit.catalog.query import responsible

    with _open(args, create=False) as store:
        answer = responsible(store, args.key, args.region)
    if args.format == "json":
        sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_answer_text(answer))
    return 0


def run_stats(args: argparse.Namespace) -> int:
    from xzufi_toolkit.catalog.query import stats

    with _open(args, create=False) as store:
        data = stats(store)
    if args.format == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    out = [f"store: {data['store']} (schema {data['schema_version']})"]
    out.extend(f"{kind}: {n:,}" for kind, n in data["objects"].items())
    c = data["counters"]
    out.append(
        f"messages applied: {c['messages']:,}; written: {c['written']:,}; deleted: "
        f"{c['deleted']:,}; orphaned deletions: {c['orphaned']:,}; skipped: {c['skipped']:,}"
    )
    for pos in data["sync"]:
        state = "complete" if pos["complete"] else f"next index {pos['next_index']}"
        out.append(f"sync {pos['source']}: {pos['pages']:,} page(s), {state}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from xzufi_toolkit.catalog.query import export_object

    with _open(args, create=False) as store:
        data = export_object(
            store, args.id, kind=args.kind, agency=args.agency, as_transfer=args.as_transfer
        )
    write_output(args.output, data)
    return 0
