"""Benchmark: how fast hostile XML is refused, and what the hardening costs on good input.

Measures, in one run and on the same bytes,
- ours: ``xmlsafe.parse_bytes`` (prolog scan for a DOCTYPE, libxml2 without
  entity resolution, DTD loading or network, size and depth limits);
- the peer: xmlschema's ``XMLResource(..., defuse="always")`` (its SafeXMLParser
  over ElementTree, the defused reader the second validation engine uses).

For each input the table shows the median time of one call in milliseconds,
what each reader did with the input (refused / parsed), and ours ÷ peer.

    .venv/bin/python benchmarks/bench_hostile.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import xmlschema

from xzufi_toolkit.errors import XzufiError
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.io.resources import fixture_file

ROOT = Path(__file__).resolve().parent.parent
NS = b'xmlns="http://xoev.de/schemata/xzufi/2_3_1"'


def inputs() -> dict[str, bytes]:
    leistung = fixture_file("leistung", "99010022001012-2.3.1.xml").read_bytes()
    transfer = fixture_file("leistung", "transfer-2.3.1.xml").read_bytes()
    secret = b"file:///etc/hostname"
    return {
        "valid Leistung (20 KB)": leistung,
        "valid transfer (22 KB)": transfer,
        "billion laughs": (ROOT / "fixtures" / "hostile" / "billion-laughs.xml").read_bytes(),
        "XXE (external entity)": b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "'
        + secret
        + b'">]>\n<leistung '
        + NS
        + b">&x;</leistung>",
        "nested 5000 deep": b"<leistung "
        + NS
        + b">"
        + b"<a>" * 5000
        + b"</a>" * 5000
        + b"</leistung>",
        "nested 150 deep": b"<leistung "
        + NS
        + b">"
        + b"<a>" * 150
        + b"</a>" * 150
        + b"</leistung>",
        "11 MB text node": b"<leistung " + NS + b"><a>" + b"x" * 11_000_000 + b"</a></leistung>",
        "truncated Leistung": leistung[: len(leistung) // 2],
    }


def ours(data: bytes) -> str:
    try:
        xmlsafe.parse_bytes(data, file="bench.xml")
    except XzufiError:
        return "refused"
    return "parsed"


def peer(data: bytes) -> str:
    try:
        xmlschema.XMLResource(data.decode("utf-8"), defuse="always")
    except Exception:  # xmlschema raises its own and ElementTree's errors
        return "refused"
    return "parsed"


def median_ms(fn: Callable[[bytes], str], data: bytes, repeat: int) -> tuple[float, str]:
    outcome = fn(data)  # warm-up (and the outcome)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, outcome


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    head = f"| {'input':<24} | {'ours ms':>9} | {'ours':<8} | {'xmlschema defuse ms':>19} "
    print(head + f"| {'peer':<8} | {'ours/peer':>9} |")
    print("|" + "|".join("-" * n for n in (26, 11, 10, 21, 10, 11)) + "|")
    for name, data in inputs().items():
        ms_ours, out_ours = median_ms(ours, data, args.repeat)
        ms_peer, out_peer = median_ms(peer, data, args.repeat)
        ratio = ms_ours / ms_peer if ms_peer else float("inf")
        print(
            f"| {name:<24} | {ms_ours:>9.3f} | {out_ours:<8} | {ms_peer:>19.3f} "
            f"| {out_peer:<8} | {ratio:>9.2f} |"
        )


if __name__ == "__main__":
    main()
