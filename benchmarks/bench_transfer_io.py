"""Benchmark: streamed transfer messages, our reader/writer vs bare lxml.

For each size N (default 2,000 and 20,000 Leistungen, each the bundled
99010022001012 with its own id) this script

1. writes the message with ``TransferWriter`` (ours) and, as the peer, with
   bare ``lxml.etree.xmlfile`` writing a pre-built element N times;
2. reads it with ``open_transfer`` (ours: every Leistung into the model) and,
   as the peer, with bare ``lxml.etree.iterparse`` that only clears elements.

Every step runs in its own child process; its peak RSS comes from
``os.wait4`` (per child, not the maximum of all children). Peak memory must
stay flat from 2,000 to 20,000 entries.

    .venv/bin/python benchmarks/bench_transfer_io.py [--sizes 2000 20000]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path

WORK = Path(__file__).resolve().parent / "_work"
NS = "http://xoev.de/schemata/xzufi/2_3_1"


def child_write_ours(n: int, path: Path) -> int:
    from xzufi_toolkit.model import TransferMessage
    from xzufi_toolkit.xzufi import TransferWriter, load_default

    item = load_default()
    message = TransferMessage(version="2.3.1", produktbezeichnung="bench")
    with path.open("wb") as fh, TransferWriter(fh, message) as writer:
        for i in range(n):
            item.id.value = f"L{i:08d}"
            writer.write_leistung(item)
    return n


def child_write_peer(n: int, path: Path) -> int:
    from lxml import etree

    from xzufi_toolkit.io import xmlsafe
    from xzufi_toolkit.xzufi import default_path

    leistung = xmlsafe.parse_file(default_path()).getroot()
    id_el = leistung[0]
    with path.open("wb") as fh, etree.xmlfile(fh, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{NS}}}xzufi.transfer", {"xzufiVersion": "2.3.1"}):
            xf.write(etree.Element(f"{{{NS}}}nachrichtenkopf"))
            for i in range(n):
                id_el.text = f"L{i:08d}"
                schreibe = etree.Element(f"{{{NS}}}schreibe")
                schreibe.append(copy.deepcopy(leistung))
                xf.write(schreibe)
    return n


def child_read_ours(path: Path) -> int:
    from xzufi_toolkit.xzufi import open_transfer

    count = 0
    for item in open_transfer(path):
        assert item.entry.leistung is not None
        count += 1
    return count


def child_read_peer(path: Path) -> int:
    from lxml import etree

    count = 0
    for _, el in etree.iterparse(str(path), tag=f"{{{NS}}}schreibe"):
        count += 1
        el.clear()
        parent = el.getparent()
        if parent is not None:
            while el.getprevious() is not None:
                del parent[0]
    return count


def run_child(step: str, n: int, path: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, count) of one step in a fresh process."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", step, str(n), str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"child {step} {n} failed ({proc.returncode})")
    result = json.loads(out)
    return result["seconds"], usage.ru_maxrss / 1024, result["count"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--child", nargs=3, metavar=("STEP", "N", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, n, path = args.child[0], int(args.child[1]), Path(args.child[2])
        start = time.perf_counter()
        count = {
            "write-ours": lambda: child_write_ours(n, path),
            "write-peer": lambda: child_write_peer(n, path),
            "read-ours": lambda: child_read_ours(path),
            "read-peer": lambda: child_read_peer(path),
        }[step]()
        print(json.dumps({"seconds": time.perf_counter() - start, "count": count}))
        return 0

    WORK.mkdir(exist_ok=True)
    rows = []
    for n in args.sizes:
        ours_file = WORK / f"transfer-{n}-ours.xml"
        peer_file = WORK / f"transfer-{n}-peer.xml"
        for op, ours_step, peer_step, ours_path, peer_path in (
            ("write", "write-ours", "write-peer", ours_file, peer_file),
            ("read", "read-ours", "read-peer", ours_file, ours_file),
        ):
            t_ours, m_ours, c_ours = run_child(ours_step, n, ours_path)
            t_peer, m_peer, c_peer = run_child(peer_step, n, peer_path)
            assert c_ours == c_peer == n, (c_ours, c_peer, n)
            size_mb = ours_file.stat().st_size / 1e6
            rows.append((op, n, size_mb, t_ours, t_peer, m_ours, m_peer))
    head = ["op", "entries", "file MB", "ours s", "lxml peer s", "ratio"]
    head += ["ours peak RSS MB", "peer peak RSS MB"]
    print("| " + " | ".join(head) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for op, n, size_mb, t_ours, t_peer, m_ours, m_peer in rows:
        print(
            f"| {op} | {n:,} | {size_mb:.0f} | {t_ours:.2f} | {t_peer:.2f} | "
            f"{t_ours / t_peer:.1f}x | {m_ours:.0f} | {m_peer:.0f} |"
        )
    for op in ("write", "read"):
        peaks = [r[5] for r in rows if r[0] == op]
        if len(peaks) > 1:
            print(
                f"{op}: peak RSS {peaks[0]:.0f} MB → {peaks[-1]:.0f} MB "
                f"({peaks[-1] / peaks[0]:.2f}x for {args.sizes[-1] // args.sizes[0]}x entries)"
            )
    for f in WORK.glob("transfer-*.xml"):
        f.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
