"""Benchmark: peak memory and time of reading a large Stammdatenschema, whole and streamed.

A schema of about ``--mb`` MB is made from the real Blaue Karte schema (its
top-level ``struktur`` entries repeated; harmonised reuse, as large FIM schemas
have it). Each way of reading runs in a fresh process, which reports its peak
RSS (``ru_maxrss``); the floor is the same process importing the reader and
reading nothing.

- whole: ``read_xdf(path, stream=False)``, the file read into memory and parsed
  into one lxml tree, then read into the model (before streaming existed this
  was the only way);
- streamed: ``read_xdf(path, stream=True)`` (the default above
  ``reader.STREAM_BYTES``): each Datenfeld becomes model when its ``enthaelt``
  ends and its subtree is dropped.

    .venv/bin/python benchmarks/bench_xdf_stream.py [--mb 30] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLAUE_KARTE = ROOT / "fixtures" / "xdf" / "S00000121-antrag-blaue-karte-eu.xdf2.xml"

_PROBE = """
import resource, sys, time
from xzufi_toolkit.xdf.reader import read_xdf
t = time.perf_counter()
mode = sys.argv[2]
if mode != "floor":
    doc = read_xdf(sys.argv[1], stream=mode == "streamed")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - t)
"""


def big_schema(target_bytes: int) -> bytes:
    """The Blaue Karte schema with its top-level entries repeated to about ``target_bytes``."""
    head, sep, rest = BLAUE_KARTE.read_bytes().partition(b"<xdf:struktur>")
    body, end = rest.rsplit(b"</xdf:stammdatenschema>", 1)
    body = sep + body
    return head + body * max(1, target_bytes // len(body)) + b"</xdf:stammdatenschema>" + end


def _probe(path: Path, mode: str) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path), mode], check=True, capture_output=True, text=True
    ).stdout.split()
    return int(out[0]) / 1024, float(out[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.xdf2.xml"
        path.write_bytes(big_schema(int(args.mb * 1024 * 1024)))
        size = path.stat().st_size / 1024 / 1024
        print(f"schema: {size:.1f} MB, Blaue Karte entries repeated; {args.rounds} rounds, median")
        print("| read | peak RSS MB | above floor MB | s |")
        print("|---|---:|---:|---:|")
        floor = statistics.median(_probe(path, "floor")[0] for _ in range(args.rounds))
        print(f"| floor (imports only) | {floor:.0f} | 0 | – |")
        for mode in ("whole", "streamed"):
            runs = [_probe(path, mode) for _ in range(args.rounds)]
            rss = statistics.median(r[0] for r in runs)
            secs = statistics.median(r[1] for r in runs)
            print(f"| {mode} | {rss:.0f} | {rss - floor:.0f} | {secs:.2f} |")


if __name__ == "__main__":
    main()
