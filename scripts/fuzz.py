"""Fuzz every input family of the toolkit: XML, case JSON, PDF, ZIP, portal text.

The invariant, for any input: the library returns, or raises an exception of
its own tree (:class:`~xzufi_toolkit.errors.XzufiError`); never another
exception, never an ``XZ-INT-001`` ("validation failed: <bug>") finding, and
the text report stays bounded (a capped number of lines per document).

Inputs are the repository's own documents, mutated (bit flips, inserted and
deleted bytes, repeated slices, truncation, hostile tokens) plus generated
ones (case JSON with a leaf replaced by any JSON value, ZIPs with arbitrary
entry names). Hypothesis drives it, so nothing beyond the test extras is
needed; with ``--atheris`` (if installed) a family runs under libFuzzer.

    python scripts/fuzz.py                           # every family, 200 inputs each
    python scripts/fuzz.py xml pdf -n 5000           # a longer run of two families
    python scripts/fuzz.py --seed 7 -n 100           # reproducible
    python scripts/fuzz.py zip --atheris -- -max_total_time=600

Exit 0: no failure. Exit 1: the failing input is printed (and saved under
``--save DIR``), with the traceback.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import io
import json
import logging
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from xzufi_toolkit.errors import XzufiError
from xzufi_toolkit.io.resources import fixture_file, form_file

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 20)
MAX_REPORT_LINES = 1002  # the per-document cap (1000), its note and the summary

# -- the targets ------------------------------------------------------------------


def _report_is_bounded(report: Any) -> None:
    from xzufi_toolkit.reporters import render

    internal = [f for f in report if f.code == "XZ-INT-001"]
    assert not internal, internal[0].message
    lines = render(report, "text").count("\n")
    assert lines <= MAX_REPORT_LINES * max(report.documents, 1), f"{lines} report lines"


def _quietly(fn: Callable[[], object]) -> object:
    """``fn()``; an error of the toolkit's own tree is a fine answer to bad input."""
    try:
        return fn()
    except XzufiError:
        return None


def target_xml(data: bytes) -> None:
    from xzufi_toolkit.message.read import read_message
    from xzufi_toolkit.validate.api import validate_bytes
    from xzufi_toolkit.xzufi import read_leistung, write_leistung

    _report_is_bounded(validate_bytes(data, name="fuzz.xml"))
    try:
        result = read_leistung(data, file="fuzz.xml")
    except XzufiError:
        result = None
    if result is not None:  # what convert does: a Leistung read is written in both versions
        leistung = result.leistung
        _quietly(lambda: write_leistung(leistung, "2.2.0"))
        _quietly(lambda: write_leistung(leistung, "2.3.1"))
    _quietly(lambda: read_message(data, file="fuzz.xml"))
    _quietly(lambda: _stream_transfer(data))


def _stream_transfer(data: bytes) -> None:
    """What ``show`` and ``convert`` do with a transfer message: frame, then entries."""
    from xzufi_toolkit.xzufi import open_transfer

    reader = open_transfer(data, file="fuzz.xml")
    reader.frame()
    for _ in reader:
        pass


def target_case(data: bytes) -> None:
    from xzufi_toolkit.errors import ValidationFailedError
    from xzufi_toolkit.message import Message, MessageHeader, build_message, read_message
    from xzufi_toolkit.pipeline import check_case_bytes

    try:
        checked = check_case_bytes(data, today=TODAY, file="fuzz.json", leistung=_leistung())
    except ValidationFailedError as exc:
        _report_is_bounded(exc.report)
        return
    except XzufiError:
        return
    _report_is_bounded(checked.report)
    header = MessageHeader.new(now=dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC))
    # a case that passes its checks builds a valid message, and reads back
    xml = build_message(Message(case=checked.case, header=header))
    read_message(xml, file="built.xml")


def target_pdf(data: bytes) -> None:
    from xzufi_toolkit.form.inspect import inspect_form
    from xzufi_toolkit.form.render import render_pdfium
    from xzufi_toolkit.portal_import import import_portal

    _quietly(lambda: inspect_form(data, file="fuzz.pdf"))
    _quietly(lambda: import_portal(data, name="fuzz.pdf"))
    _quietly(lambda: render_pdfium(data, 1, dpi=10, file="fuzz.pdf"))


def target_zip(data: bytes) -> None:
    from xzufi_toolkit.bundle.verify import verify_bundle

    with tempfile.TemporaryDirectory(prefix="xzufi-fuzz-") as tmp:
        path = Path(tmp) / "bundle.zip"
        path.write_bytes(data)
        report = _quietly(lambda: verify_bundle(path))
        if report is not None:
            _report_is_bounded(report)


def target_portal(data: bytes) -> None:
    from xzufi_toolkit.portal_import import import_portal
    from xzufi_toolkit.xzufi import read_leistung

    result = _quietly(lambda: import_portal(data, name="fuzz.txt"))
    xml = getattr(result, "xml", None)
    if xml is not None:  # what the import writes, the readers read
        read_leistung(xml, file="imported.xml")


# -- the inputs -----------------------------------------------------------------------


@cache
def _leistung() -> Any:
    from xzufi_toolkit.case.leistung import load_leistung

    return load_leistung(None)


@cache
def _bundle() -> bytes:
    """A real bundle, written once by the demo."""
    from xzufi_toolkit.demo import run_demo

    with tempfile.TemporaryDirectory(prefix="xzufi-fuzz-") as tmp:
        run_demo(Path(tmp) / "demo")
        return (Path(tmp) / "demo" / "bundle.zip").read_bytes()


def _files(*paths: Path) -> list[bytes]:
    return [p.read_bytes() for p in paths if p.is_file()]


@cache
def _seeds(family: str) -> tuple[bytes, ...]:
    hostile = ROOT / "fixtures" / "hostile"
    if family == "xml":
        found = _files(
            fixture_file("leistung", "99010022001012-2.3.1.xml"),
            fixture_file("leistung", "transfer-2.3.1.xml"),
            fixture_file("cases", "messages", "adult-employed.xml"),
            *sorted(hostile.glob("*.xml")),
        )
    elif family == "case":
        found = _files(
            *sorted(fixture_file("cases").glob("*.json")), *sorted(hostile.glob("*.json"))
        )
    elif family == "pdf":
        found = _files(
            form_file("aufenthalt-25-4-2.pdf"),
            ROOT / "fixtures" / "portal" / "seed.pdf",
            *sorted((ROOT / "fixtures" / "forms").glob("*.pdf")),
        )
    elif family == "zip":
        found = [_bundle()]
    else:
        found = _files(*sorted((ROOT / "fixtures" / "portal").rglob("*.txt")))
    return tuple(found)


TOKENS: dict[str, list[bytes]] = {
    "xml": [
        b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
        b"&e;",
        b"<![CDATA[",
        b"]]>",
        b"<!--",
        b"-->",
        b"<?pi x?>",
        b"\x00",
        b"\x1b[31m",
        b"\xff\xfe",
        b"\xef\xbb\xbf",
        b' xmlns:p="urn:x"',
        b' xsi:type="p:X"',
        b"<xi:include xmlns:xi='http://www.w3.org/2001/XInclude' href='/etc/passwd'/>",
        b"<a>" * 120,
        b"2024-02-30",
    ],
    "case": [b"NaN", b"1e999", b'"', b"\\u0000", b"[" * 64, b'"2024-02-30"', b"\x1b", b"null"],
    "pdf": [
        b"/FlateDecode",
        b"/Kids [",
        b"/MediaBox [0 0 14400 14400]",
        b"endobj",
        b"%%EOF",
        b"\x00",
    ],
    "zip": [b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"../", b"\x00" * 8, b"\xff" * 4],
    "portal": [
        b"\x1b",
        b"\x07",
        b"\x00",
        b"\f",
        b"Kosten:",
        b"100 EUR",
        b"Frist:",
        b"\xad",
        b"-\n",
    ],
}


@dataclass(frozen=True)
class Mutation:
    kind: str
    at: int
    arg: Any


def _mutations(family: str) -> st.SearchStrategy[Mutation]:
    pos = st.integers(0, 2**31)
    return st.one_of(
        st.builds(Mutation, st.just("flip"), pos, st.integers(0, 7)),
        st.builds(Mutation, st.just("insert"), pos, st.binary(min_size=1, max_size=16)),
        st.builds(Mutation, st.just("delete"), pos, st.integers(1, 64)),
        st.builds(
            Mutation, st.just("repeat"), pos, st.tuples(st.integers(1, 64), st.integers(2, 50))
        ),
        st.builds(Mutation, st.just("truncate"), pos, st.none()),
        st.builds(Mutation, st.just("token"), pos, st.sampled_from(TOKENS[family])),
    )


def _apply(data: bytes, changes: list[Mutation]) -> bytes:
    buf = bytearray(data)
    for m in changes:
        at = m.at % (len(buf) + 1)
        if m.kind == "flip" and at < len(buf):
            buf[at] ^= 1 << m.arg
        elif m.kind in ("insert", "token"):
            buf[at:at] = m.arg
        elif m.kind == "delete":
            del buf[at : at + m.arg]
        elif m.kind == "repeat":
            size, times = m.arg
            buf[at:at] = bytes(buf[at : at + size]) * times
        elif m.kind == "truncate":
            del buf[at:]
    return bytes(buf)


def _mutated(family: str) -> st.SearchStrategy[bytes]:
    return st.builds(
        _apply,
        st.sampled_from(_seeds(family)),
        st.lists(_mutations(family), min_size=1, max_size=6),
    )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _leaves(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(doc, dict):
        return [p for k, v in doc.items() for p in _leaves(v, (*path, k))] or [path]
    if isinstance(doc, list):
        return [p for i, v in enumerate(doc) for p in _leaves(v, (*path, i))] or [path]
    return [path]


@cache
def _case_doc() -> Any:
    return json.loads(fixture_file("cases", "adult-employed.json").read_text("utf-8"))


def _with_leaf(path: tuple[Any, ...], value: Any) -> bytes:
    doc = copy.deepcopy(_case_doc())
    if not path:
        return json.dumps(value).encode()
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _zip_of(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as zf:
        warnings.simplefilter("ignore")  # a name twice is one of the inputs wanted
        for name, data in entries:
            try:
                zf.writestr(name or "x", data)
            except (ValueError, IndexError):  # names zipfile cannot write ("/", NUL)
                continue
    return buf.getvalue()


def strategy(family: str) -> st.SearchStrategy[bytes]:
    mutated = _mutated(family)
    if family == "case":
        leaf = st.sampled_from(_leaves(_case_doc())).flatmap(
            lambda path: st.builds(_with_leaf, st.just(path), JSON)
        )
        return st.one_of(mutated, leaf)
    if family == "zip":
        names = st.sampled_from(["metadata.json", "data.xml", "attachments/a/b.pdf"]) | st.text(
            min_size=1, max_size=20
        )
        generated = st.lists(st.tuples(names, st.binary(max_size=64)), max_size=5).map(_zip_of)
        return st.one_of(mutated, generated)
    if family == "portal":
        return st.one_of(mutated, st.text(max_size=400).map(lambda t: t.encode("utf-8")))
    return mutated


TARGETS: dict[str, Callable[[bytes], None]] = {
    "xml": target_xml,
    "case": target_case,
    "pdf": target_pdf,
    "zip": target_zip,
    "portal": target_portal,
}


# -- running ---------------------------------------------------------------------------


@dataclass
class Outcome:
    family: str
    examples: int
    seconds: float
    slowest: float
    failure: str | None = None
    data: bytes | None = None


def run(family: str, *, examples: int, seed: int | None = 1414) -> Outcome:
    """Run ``examples`` inputs of ``family`` through its target (``seed`` fixes them)."""
    target = TARGETS[family]
    outcome = Outcome(family, 0, 0.0, 0.0)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=seed is None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy(family))
    def check(data: bytes) -> None:
        start = time.perf_counter()
        try:
            target(data)
        except BaseException:
            outcome.data = data
            raise
        finally:
            outcome.examples += 1
            outcome.slowest = max(outcome.slowest, time.perf_counter() - start)

    if seed is not None:
        check = hypothesis_seed(seed)(check)
    start = time.perf_counter()
    try:
        check()
    except Exception:
        # the traceback, without Hypothesis' repr of the input (--save keeps the bytes)
        text = traceback.format_exc()
        for marker in ("Failing test case:", "Falsifying example:", "while generating"):
            text = text.split(marker)[0]
        outcome.failure = text
    outcome.seconds = time.perf_counter() - start
    return outcome


def _atheris(family: str, argv: list[str]) -> int:  # pragma: no cover - optional engine
    try:
        import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        sys.stderr.write("fuzz: atheris is not installed (pip install atheris)\n")
        return 2
    target = TARGETS[family]
    atheris.Setup([sys.argv[0], *argv], target)
    atheris.Fuzz()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("families", nargs="*", choices=[*TARGETS, []], default=[])
    parser.add_argument("-n", "--examples", type=int, default=200, help="inputs per family")
    parser.add_argument("--seed", type=int, default=None, help="fix the inputs (default: random)")
    parser.add_argument("--save", type=Path, help="folder for failing inputs")
    parser.add_argument("--atheris", action="store_true", help="run one family under atheris")
    args, rest = parser.parse_known_args(argv)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # "EOF marker not found" per input
    families = args.families or list(TARGETS)
    if args.atheris:
        return _atheris(families[0], rest)
    failed = False
    print(f"{'family':8} {'inputs':>7} {'seconds':>8} {'slowest s':>9}  result")
    for family in families:
        seed = args.seed if args.seed is not None else int(time.time() * 1000) % 2**31
        out = run(family, examples=args.examples, seed=seed)
        verdict = "ok" if out.failure is None else f"FAILED (seed {seed})"
        print(f"{family:8} {out.examples:7} {out.seconds:8.1f} {out.slowest:9.2f}  {verdict}")
        if out.failure is not None:
            failed = True
            print(out.failure, file=sys.stderr)
            if args.save is not None and out.data is not None:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"{family}-{seed}.bin").write_bytes(out.data)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
