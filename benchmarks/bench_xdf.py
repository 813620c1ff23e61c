"""Benchmark: check applications against a Stammdatenschema, and the floor.

Measures, in one run and on the same applications,
- ours, once per process: ``xdf jsonschema`` (read the XDatenfelder file, derive
  the JSON Schema) and its compilation (``load_data_schema``);
- ours, per application: ``data check`` on parsed data (derived JSON Schema,
  date ranges, currency decimals, DIN 91379, rules: ``iter_data_findings``);
- the floor, per application: ``jsonschema`` alone validating the same data
  with a hand-written schema, compiled once, with the format checker.
  For our Leistung that schema is the case schema
  (``schemas/case/aufenthalt-antrag-case.schema.json``) and the data are the
  bundled cases in their own shape. The Blaue Karte schema has no hand-written
  schema, so the floor there is the derived JSON Schema validated by
  ``jsonschema`` alone, i.e. data check without its own passes.
- for information, per application: ``data build`` (message + XSD) and
  ``data read`` (parse + XSD + mapping) of the same data.

    .venv/bin/python benchmarks/bench_xdf.py [--n 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from xzufi_toolkit.io.resources import fixture_file, schema_file
from xzufi_toolkit.message.header import MessageHeader
from xzufi_toolkit.xdf import data as xdf_data
from xzufi_toolkit.xdf.data import iter_data_findings, load_data_schema
from xzufi_toolkit.xdf.genericode import read_genericode
from xzufi_toolkit.xdf.jsonschema import derive
from xzufi_toolkit.xdf.message import build_data_message, read_data_message
from xzufi_toolkit.xdf.reader import read_xdf

ROOT = Path(__file__).resolve().parent.parent
XDF = ROOT / "fixtures" / "xdf"
LEISTUNG = XDF / "aufenthalt-25-4-2.xdf3.xml"
BLAUE_KARTE = XDF / "S00000121-antrag-blaue-karte-eu.xdf2.xml"
CODELISTS = [
    XDF / "codelists" / "familienstand-xzufi-1.gc.xml",
    XDF / "codelists" / "vertretungsart-xzufi-1.gc.xml",
]


def _case_to_data() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The test's conversion of a case into data of our Stammdatenschema (its case map)."""
    path = ROOT / "tests" / "test_xdf_message_leistung.py"
    spec = importlib.util.spec_from_file_location("xdf_case_map", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    convert: Callable[[dict[str, Any]], dict[str, Any]] = module.case_to_data
    return convert


def best(fn: Callable[[Any], Any], items: list[Any], rounds: int) -> float:
    """Best of ``rounds`` runs, seconds per item, garbage collector paused."""
    for x in items[:20]:
        fn(x)
    times = []
    for _ in range(rounds):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            for x in items:
                fn(x)
            times.append((time.perf_counter() - start) / len(items))
        finally:
            gc.enable()
    return min(times)


def once(fn: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="applications per measurement")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    cases = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(fixture_file("cases").glob("*.json"))
    ]
    case_schema = json.loads(
        schema_file("case", "aufenthalt-antrag-case.schema.json").read_text(encoding="utf-8")
    )
    bk_app = json.loads((XDF / "data" / "valid" / "blaue-karte-application.json").read_text())
    lists = tuple((str(p), read_genericode(p)) for p in CODELISTS)

    # once per process: derive (xdf jsonschema) and compile
    t_derive_le = once(lambda: derive(read_xdf(LEISTUNG), codelists=lists), args.rounds)
    t_derive_bk = once(lambda: derive(read_xdf(BLAUE_KARTE)), args.rounds)

    def compile_fresh(path: Path, codelists: list[Path]) -> Any:
        xdf_data._CACHE.clear()  # measure the compilation, not the cache
        return load_data_schema(path, codelists)

    t_compile_le = once(lambda: compile_fresh(LEISTUNG, CODELISTS), args.rounds)
    t_compile_bk = once(lambda: compile_fresh(BLAUE_KARTE, []), args.rounds)
    ds_le = load_data_schema(LEISTUNG, CODELISTS)
    ds_bk = load_data_schema(BLAUE_KARTE, [])
    floor_le = Draft202012Validator(case_schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    floor_bk = Draft202012Validator(
        ds_bk.derived.schema, format_checker=Draft202012Validator.FORMAT_CHECKER
    )

    le_cases = [cases[i % len(cases)] for i in range(args.n)]
    case_to_data = _case_to_data()
    le_data = [case_to_data(c) for c in le_cases]
    bk_data = [bk_app] * args.n
    for d in le_data[: len(cases)]:
        assert not [f for f in iter_data_findings(d, ds_le) if f.severity.value == "error"]
    assert not [f for f in iter_data_findings(bk_app, ds_bk) if f.severity.value == "error"]

    header = MessageHeader.new()
    rows = []
    for label, ds, data, floor, floor_data in (
        ("Leistung 99010022001012 (XDF3, 58 fields)", ds_le, le_data, floor_le, le_cases),
        ("Blaue Karte EU S00000121 (XDF2, 88 fields)", ds_bk, bk_data, floor_bk, bk_data),
    ):
        codelists = lists if ds is ds_le else ()
        schema = ds.doc.content
        msgs = [
            build_data_message(schema, d, header=header, codelists=codelists) for d in data[:50]
        ]
        t_floor = best(lambda d, v=floor: list(v.iter_errors(d)), floor_data, args.rounds)
        t_ours = best(lambda d, s=ds: list(iter_data_findings(d, s)), data, args.rounds)
        t_build = best(
            lambda d, s=schema, c=codelists: build_data_message(s, d, header=header, codelists=c),
            data[: max(50, args.n // 4)],
            args.rounds,
        )
        t_read = best(
            lambda m, s=schema, c=codelists: read_data_message(s, m, codelists=c),
            [msgs[i % len(msgs)] for i in range(max(50, args.n // 4))],
            args.rounds,
        )
        rows.append((label, t_floor, t_ours, t_build, t_read))

    print(f"applications per measurement: {args.n}; best of {args.rounds}\n")
    print("Once per process (median):\n")
    print(
        "| schema | xdf jsonschema (read + derive) ms "
        "| load_data_schema (read + derive + compile) ms |"
    )
    print("|---|---:|---:|")
    print(f"| Leistung 99010022001012 | {t_derive_le * 1e3:.1f} | {t_compile_le * 1e3:.1f} |")
    print(f"| Blaue Karte EU S00000121 | {t_derive_bk * 1e3:.1f} | {t_compile_bk * 1e3:.1f} |")
    print("\nPer application:\n")
    print(
        "| schema | jsonschema, hand-written schema (floor) ms | data check ms | ratio "
        "| data build ms | data read ms |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, t_floor, t_ours, t_build, t_read in rows:
        print(
            f"| {label} | {t_floor * 1e3:.3f} | {t_ours * 1e3:.3f} | "
            f"{t_ours / t_floor:.2f}× floor | {t_build * 1e3:.3f} | {t_read * 1e3:.3f} |"
        )
    le = rows[0]
    amortised = (t_derive_le + t_compile_le) / args.n + le[2]
    print(
        f"\nLeistung, derivation and compilation spread over {args.n} applications: "
        f"{amortised * 1e3:.3f} ms per application ({amortised / le[1]:.2f}× floor)"
    )


if __name__ == "__main__":
    main()
