"""Benchmark: applying a PVOG-shaped transfer stream to the catalog store.

A generated message of N objects (default 200,000) in the proportions of the
real stream: Zuständigkeiten far outnumber Leistungen, and many ``loesche``
name objects never received (orphaned deletions). It is applied

- by ``xzufi_toolkit.catalog.apply_message`` (ours: the streaming
  TransferReader, typed columns, SQLAlchemy Core, batched writes), and
- by the floor: bare ``lxml.etree.iterparse`` extracting the same rows with
  ``findtext`` and the driver's own ``executemany`` (sqlite3 / psycopg),

to SQLite and to PostgreSQL (a throw-away cluster, as in the tests, or
``XZUFI_BENCH_PG_URL``). Each run is a child process; its peak RSS comes from
``os.wait4``. A run at N/4 shows whether memory stays flat. Then the
``responsible`` query latency on the filled store (indexes in place).

    .venv/bin/python benchmarks/bench_catalog.py [--objects 200000] [--no-pg] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(__file__).resolve().parent / "_work"
NS = "http://xoev.de/schemata/xzufi/2_2_0"

# shares of the stream (per mille): the real stream is dominated by
# Zuständigkeiten and by deletions of Zuständigkeiten never received
MIX = [
    ("leistung", 20),
    ("oe", 60),
    ("zst", 450),
    ("od", 15),
    ("spez", 5),
    ("del_orphan", 400),
    ("del_real", 50),
]


def _leistung_template() -> str:
    text = (ROOT / "fixtures" / "catalog" / "page-1.xml").read_text(encoding="utf-8")
    m = re.search(r"  <xzufi:schreibe>\s*<xzufi:leistung>.*?</xzufi:schreibe>\n", text, re.S)
    assert m
    return m.group(0).replace(">test-1<", ">{id}<").replace(">99010022001012<", ">{key}<")


def _x(tag: str, content: str = "", **attrs: str) -> str:
    """``<xzufi:tag a="v">content</xzufi:tag>`` (``code``/``name`` unprefixed, as in real files)."""
    name = tag if tag in ("code", "name") else f"xzufi:{tag}"
    attr = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<{name}{attr}>{content}</{name}>"


def _schreibe(obj: str) -> str:
    return f"  {_x('schreibe', obj)}\n"


def generate(n: int, path: Path, seed: int = 11) -> None:
    rnd = random.Random(seed)
    kinds = [k for k, w in MIX for _ in range(w)]
    leistung = _leistung_template()
    written_zst: list[tuple[int, int]] = []
    leistungen = ["L0"]
    with path.open("w", encoding="utf-8") as out:
        out.write(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<xzufi:xzufi.transfer xmlns:xzufi="{NS}" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xzufiVersion="2.2">\n'
            "  <xzufi:nachrichtenkopf/>\n"
        )
        for i in range(n):
            kind = rnd.choice(kinds)
            land = rnd.randint(1, 16)
            ars = (
                f"{land:02d}{rnd.randint(1, 40):03d}{rnd.randint(1, 30):04d}"
                f"{rnd.randint(1, 99):03d}"
            )
            office = f"R{land}"
            if kind == "leistung":
                leistungen.append(f"L{i}")
                out.write(leistung.format(id=f"L{i}", key=f"99{i:012d}"))
            elif kind == "oe":
                kod = _x("regionalschluessel", _x("code", ars) + _x("name", "Ort"))
                address = (
                    _x("strasse", "Weg")
                    + _x("hausnummer", str(i % 90))
                    + _x("postleitzahl", str(10000 + i % 89999))
                    + _x("ort", f"Ort {i}")
                    + _x("verwaltungspolitischeKodierung", kod)
                )
                name = _x("name", _x("name", f"Amt {i}", languageCode="de"))
                ident = _x("id", f"OE{i % 5000}", schemeAgencyID=office)
                out.write(
                    _schreibe(_x("organisationseinheit", ident + name + _x("anschrift", address)))
                )
            elif kind == "zst":
                level = rnd.choice((2, 5, 5, 9, 12, 12, 12))
                written_zst.append((i, land))
                inner = (
                    _x("id", f"Z{i}", schemeAgencyID=office)
                    + _x("leistungID", rnd.choice(leistungen), schemeAgencyID=office)
                    + _x("gebietID", ars[:level])
                    + _x("rolle", _x("code", "01") + _x("name", "Zuständig"))
                )
                parent = _x("uebergeordnetesObjektID", f"OE{rnd.randint(0, 4999)}")
                out.write(
                    _schreibe(
                        _x("zustaendigkeitTransferObjekt", parent + _x("zustaendigkeit", inner))
                    )
                )
            elif kind == "od":
                link = _x("typ", _x("code", "01")) + _x("link", f"https://od.example/{i}")
                body = (
                    _x("id", f"OD{i}", schemeAgencyID=office)
                    + _x("bezeichnung", f"Dienst {i}", languageCode="de")
                    + _x("link", link)
                    + _x("vertrauensniveau", _x("code", "substanziell"))
                )
                out.write(_schreibe(_x("onlinedienst", body)))
            elif kind == "spez":
                ident = _x("id", f"S{i}", schemeAgencyID=office)
                out.write(_schreibe(_x("spezialisierung", ident)))
            else:
                if kind == "del_real" and written_zst:
                    target, tland = written_zst.pop(rnd.randrange(len(written_zst)))
                    ident, agency = f"Z{target}", f"R{tland}"
                else:
                    ident, agency = f"ZX{i}", office
                entry = _x("id", ident, schemeAgencyID=agency)
                out.write(f'  <xzufi:loesche klasse="Zustaendigkeit">{entry}</xzufi:loesche>\n')
        out.write("</xzufi:xzufi.transfer>\n")


# -- the runs (each in a child process) --------------------------------------


def child_ours(path: str, db: str) -> dict[str, object]:
    from xzufi_toolkit.catalog import apply_message, open_store

    with open_store(db) as store:
        t0 = time.perf_counter()
        r = apply_message(store, path)
        dt = time.perf_counter() - t0
    return {"objects": r.objects, "seconds": dt, "orphaned": sum(r.orphaned.values())}


def child_reader(path: str, _db: str) -> dict[str, object]:
    """The streaming TransferReader alone (typed objects, no store): the part of
    ``ours`` that is the shared reader's."""
    from xzufi_toolkit.xzufi.transfer import TransferReader

    t0 = time.perf_counter()
    n = sum(1 for _ in TransferReader(path))
    return {"objects": n, "seconds": time.perf_counter() - t0}


def _floor_rows(path: str) -> Iterator[tuple[str | None, ...]]:
    from lxml import etree

    z = f"{{{NS}}}"
    for _, el in etree.iterparse(path, events=("end",), tag=(f"{z}schreibe", f"{z}loesche")):
        if el.tag == f"{z}loesche":
            i = el.find(f"{z}id")
            yield ("del", i.get("schemeAgencyID") or "", i.text)
        else:
            obj = el[0]
            name = etree.QName(obj).localname
            xml = etree.tostring(obj, encoding="unicode")
            if name == "zustaendigkeitTransferObjekt":
                zz = obj.find(f"{z}zustaendigkeit")
                i = zz.find(f"{z}id")
                yield (
                    "zst",
                    i.get("schemeAgencyID") or "",
                    i.text,
                    obj.findtext(f"{z}uebergeordnetesObjektID"),
                    zz.findtext(f"{z}leistungID"),
                    zz.findtext(f"{z}gebietID"),
                    xml,
                )
            else:
                i = obj.find(f"{z}id")
                yield (name, i.get("schemeAgencyID") or "", i.text, xml)
        el.clear()
        while el.getprevious() is not None:
            del el.getparent()[0]


def child_floor(path: str, db: str) -> dict[str, object]:
    """iterparse + executemany with the bare driver: the same rows, no framework."""
    pg = db.startswith("postgresql")
    if pg:
        import psycopg

        conn = psycopg.connect(db)
        ph, up = "%s", "ON CONFLICT (agency, id) DO UPDATE SET xml = excluded.xml"
    else:
        import sqlite3

        conn = sqlite3.connect(db)
        ph, up = "?", "ON CONFLICT (agency, id) DO UPDATE SET xml = excluded.xml"
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS f_obj")
    cur.execute("DROP TABLE IF EXISTS f_zst")
    cur.execute(
        "CREATE TABLE f_obj (kind TEXT, agency TEXT, id TEXT, xml TEXT, PRIMARY KEY (agency, id))"
    )
    cur.execute(
        "CREATE TABLE f_zst (agency TEXT, id TEXT, parent TEXT, leistung TEXT, gebiet TEXT, "
        "xml TEXT, PRIMARY KEY (agency, id))"
    )
    cur.execute("CREATE INDEX f_zst_lg ON f_zst (leistung, gebiet)")
    conn.commit()
    t0 = time.perf_counter()
    objs, zsts, dels, n = [], [], [], 0
    ins_o = f"INSERT INTO f_obj VALUES ({ph}, {ph}, {ph}, {ph}) {up}"
    ins_z = f"INSERT INTO f_zst VALUES ({ph}, {ph}, {ph}, {ph}, {ph}, {ph}) {up}"
    del_z = f"DELETE FROM f_zst WHERE agency = {ph} AND id = {ph}"

    def flush() -> None:
        if objs:
            cur.executemany(ins_o, objs)
        if zsts:
            cur.executemany(ins_z, zsts)
        if dels:
            cur.executemany(del_z, dels)
        objs.clear(), zsts.clear(), dels.clear()

    for row in _floor_rows(path):
        n += 1
        if row[0] == "del":
            dels.append(row[1:])
        elif row[0] == "zst":
            zsts.append(row[1:])
        else:
            objs.append(row)
        if len(objs) + len(zsts) + len(dels) >= 2000:
            flush()
    flush()
    conn.commit()
    dt = time.perf_counter() - t0
    conn.close()
    return {"objects": n, "seconds": dt}


def child_query(db: str, n: int) -> dict[str, object]:
    """``responsible`` for Leistungen that have Zuständigkeiten, asked for a
    municipality below each one's region (so every query has an answer)."""
    from sqlalchemy import select

    from xzufi_toolkit.catalog import open_store, responsible, tables

    rnd = random.Random(5)
    times = []
    hits = 0
    with open_store(db) as store:
        z = tables.zustaendigkeit
        with store.read() as conn:
            pairs = conn.execute(select(z.c.leistung_id, z.c.gebiet_id).limit(20 * n)).all()
        for leistung, gebiet in rnd.sample(pairs, min(n, len(pairs))):
            region = gebiet + "".join(rnd.choice("0123456789") for _ in range(12 - len(gebiet)))
            t0 = time.perf_counter()
            a = responsible(store, leistung, region)
            times.append(time.perf_counter() - t0)
            hits += bool(a.responsibilities)
    return {
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": sorted(times)[int(0.95 * len(times))] * 1000,
        "hits": hits,
        "n": len(times),
    }


CHILDREN = {
    "ours": child_ours,
    "floor": child_floor,
    "reader": child_reader,
    "query": child_query,
}


def run_child(name: str, *args: str) -> tuple[dict[str, object], float]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", name, *args], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"child {name} failed")
    return json.loads(out), usage.ru_maxrss / 1024


def _load_support() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "catalog_support", ROOT / "tests" / "catalog_support.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["catalog_support"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=200_000)
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="interleaved runs; the best counts")
    ap.add_argument("--child", nargs="+")
    args = ap.parse_args()
    if args.child:
        name, *rest = args.child
        fn = CHILDREN[name]
        conv = [int(x) if x.isdigit() else x for x in rest]
        print(json.dumps(fn(*conv)))
        return
    WORK.mkdir(exist_ok=True)
    sizes = [args.objects // 4, args.objects]
    streams = {}
    for n in sizes:
        p = WORK / f"catalog-{n}.xml"
        if not p.exists():
            generate(n, p)
        streams[n] = p
    rows = []
    with contextlib.ExitStack() as stack:
        backends: list[tuple[str, object]] = [("SQLite", None)]
        if not args.no_pg:
            url = os.environ.get("XZUFI_BENCH_PG_URL")
            cluster = None
            if not url:
                support = _load_support()
                cluster = stack.enter_context(support.pg_cluster())
            backends.append(("PostgreSQL", url or cluster))
        for label, pg in backends:
            for n in sizes:
                res: dict[str, tuple[dict[str, object], float, str]] = {}
                for _ in range(args.repeat):  # interleaved; the best run of each counts
                    for who in ("floor", "ours", "reader"):
                        if pg is None:
                            db = str(WORK / f"{who}-{n}.sqlite")
                            Path(db).unlink(missing_ok=True)
                        else:
                            db = pg if isinstance(pg, str) else pg.database()
                        out, rss = run_child(who, str(streams[n]), db)
                        if who not in res or out["seconds"] < res[who][0]["seconds"]:
                            res[who] = (out, max(rss, res[who][1]) if who in res else rss, db)
                f, o, rd = res["floor"], res["ours"], res["reader"]
                fr = f[0]["objects"] / f[0]["seconds"]
                orate = o[0]["objects"] / o[0]["seconds"]
                share = rd[0]["seconds"] / o[0]["seconds"]
                rows.append((label, n, orate, o[1], fr, f[1], fr / orate, o[0]["orphaned"], share))
                if n == sizes[-1]:
                    q, _ = run_child("query", o[2], "1000")
                    rows.append((label, "query", q, None, None, None, None, None, None))
    mb = streams[sizes[-1]].stat().st_size / 1e6
    print(f"\nstream: {sizes[-1]:,} objects, {mb:.0f} MB; mix (per mille): {MIX}\n")
    print(
        "| store | objects | ours obj/s | ours peak RSS MB | floor obj/s | floor peak RSS MB"
        " | ours/floor time | TransferReader share of ours | orphaned deletions |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r[1] == "query":
            continue
        print(
            f"| {r[0]} | {r[1]:,} | {r[2]:,.0f} | {r[3]:.0f} | {r[4]:,.0f} | {r[5]:.0f}"
            f" | {r[6]:.2f}× | {r[8]:.0%} | {r[7]:,} |"
        )
    print("\n| store | responsible() median ms | p95 ms | queries with an answer |")
    print("|---|---:|---:|---:|")
    for r in rows:
        if r[1] == "query":
            q = r[2]
            print(f"| {r[0]} | {q['median_ms']:.2f} | {q['p95_ms']:.2f} | {q['hits']}/{q['n']} |")


if __name__ == "__main__":
    main()
