"""Benchmark: build and read back aufenthalt.antrag.0100 messages.

Measures, in one run and on the same cases,
- ours: case → message (lxml tree + serialisation + XSD validation) and
  message → case (hardened parse + XSD validation + mapping), with the share
  of time spent in XSD validation;
- the peer: xmlschema's schema-driven encode (dict → XML, validating) and
  decode (XML → dict, validating) of the same messages: the alternative the
  issue named for the mapping. xmlschema is much slower, so it runs on fewer
  messages (rates are per second either way).

    .venv/bin/python benchmarks/bench_message.py [--n 10000] [--peer-n 1000]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import time
import uuid
from xml.etree import ElementTree

from lxml import etree

from xzufi_toolkit.case import read_case_file
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.io.resources import fixture_file, schema_file
from xzufi_toolkit.message import Message, MessageHeader, build_message, read_message
from xzufi_toolkit.message.read import message_from_tree
from xzufi_toolkit.message.schema import XSD_PATH, message_schema
from xzufi_toolkit.message.write import message_tree

NAMES = ("adult-employed", "minor", "sgb2-exempt", "regulated-profession")


def messages(n: int) -> list[Message]:
    cases = [read_case_file(fixture_file("cases", f"{name}.json")) for name in NAMES]
    now = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    rng = uuid.UUID(int=0x1234)
    out = []
    for i in range(n):
        rid = str(uuid.UUID(int=(rng.int + i * 7919) % (1 << 128), version=4))
        case = dataclasses.replace(cases[i % len(cases)], antragId=rid)
        out.append(Message(case=case, header=MessageHeader(rid, now)))
    return out


def timed(fn, items):  # type: ignore[no-untyped-def]
    """Seconds for ``fn`` over ``items`` after a warm-up, garbage collector paused."""
    for x in items[:50]:
        fn(x)
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        results = [fn(x) for x in items]
        return time.perf_counter() - start, results
    finally:
        gc.enable()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--peer-n", type=int, default=1_000)
    args = ap.parse_args()
    msgs = messages(args.n)
    schema = message_schema()

    # ours, whole directions
    t_build, blobs = timed(build_message, msgs)
    t_read, back = timed(read_message, blobs)
    assert back == msgs, "round trip lost data"

    # ours, split inside one loop per direction, so the shares add up
    build_parts = {"tree": 0.0, "XSD validation": 0.0, "serialise": 0.0}
    read_parts = {"hardened parse": 0.0, "XSD validation": 0.0, "mapping to the case model": 0.0}
    gc.collect()
    gc.disable()
    try:
        for m in msgs:
            t0 = time.perf_counter()
            tree = message_tree(m)
            t1 = time.perf_counter()
            assert schema.validate(tree)
            t2 = time.perf_counter()
            etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
            t3 = time.perf_counter()
            build_parts["tree"] += t1 - t0
            build_parts["XSD validation"] += t2 - t1
            build_parts["serialise"] += t3 - t2
        for b in blobs:
            t0 = time.perf_counter()
            tree = xmlsafe.parse_bytes(b)
            t1 = time.perf_counter()
            assert schema.validate(tree)
            t2 = time.perf_counter()
            message_from_tree(tree)
            t3 = time.perf_counter()
            read_parts["hardened parse"] += t1 - t0
            read_parts["XSD validation"] += t2 - t1
            read_parts["mapping to the case model"] += t3 - t2
    finally:
        gc.enable()

    # peer: xmlschema encode/decode of the same messages
    import xmlschema

    xs = xmlschema.XMLSchema(str(schema_file(*XSD_PATH)))
    peer = blobs[: args.peer_n]
    t_dec, dicts = timed(lambda b: xs.to_dict(b.decode("utf-8")), peer)
    t_enc, encoded = timed(lambda d: ElementTree.tostring(xs.encode(d)), dicts)
    assert all(xs.is_valid(e.decode("utf-8")) for e in encoded[:10])

    n, pn = args.n, len(peer)
    rate = lambda count, secs: count / secs  # noqa: E731
    ours_b, ours_r = rate(n, t_build), rate(n, t_read)
    peer_b, peer_r = rate(pn, t_enc), rate(pn, t_dec)
    print(f"messages: ours {n}, xmlschema {pn}; {len(blobs[0])} bytes each (first)")
    print()
    print("| direction | ours (lxml mapping + lxml XSD) msg/s | xmlschema msg/s | ratio |")
    print("|---|---:|---:|---:|")
    for label, ours, theirs, how in (
        ("case → message (build, validated)", ours_b, peer_b, "encode"),
        ("message → case (read, validated)", ours_r, peer_r, "decode"),
    ):
        print(f"| {label} | {ours:,.0f} | {theirs:,.0f} ({how}) | {ours / theirs:.1f}× |")
    print()
    print("| ours, per message | µs | share of the direction |")
    print("|---|---:|---:|")
    for label, parts in (("build", build_parts), ("read", read_parts)):
        total = sum(parts.values())
        for part, secs in parts.items():
            print(f"| {label}: {part} | {secs / n * 1e6:.0f} | {secs / total:.0%} |")


if __name__ == "__main__":
    main()
