"""Benchmark: ``xzufi validate`` against its floor (bare lxml parse + XSD) and xmlschema.

Generates, into benchmarks/_work/ (git-ignored), 10,000 realistic Leistung
files of 5-30 KB and a transfer message of 20,000 entries (~250 MB) at
``--scale 1``, then measures in the same run:

- floor: bare lxml parse + XSD validation of the files (one process);
- xzufi (library): validate_paths, XSD + all rules (one process);
- xzufi CLI, --jobs 1 and --jobs 2 (subprocesses, start-up included);
- xmlschema iter_errors on a sample of the same files (per-file time);
- the transfer message through the CLI, with the child's peak RSS.

Every timed row is run ``--repeat`` times, interleaved, and its best time is
reported (as ``timeit`` does): on a shared machine the minimum is the run least
disturbed by other processes, and floor, xzufi and xmlschema get the same treatment.

Usage: python benchmarks/bench_validate.py [--scale 0.1] [--xmlschema-sample 300] [--repeat 3]
       python benchmarks/bench_validate.py --whole-process 3000 [--repeat 3]
       (one ``xzufi validate`` process vs one bare-lxml process, start-up included)
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.validate.api import Options, validate_paths
from xzufi_toolkit.validate.config import RuleConfig
from xzufi_toolkit.validate.registry import RULES
from xzufi_toolkit.xzufi.schema import load_schema, schema_path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work" / "validate"  # own folder: other benchmarks share _work
BASE = (ROOT / "fixtures" / "valid" / "leistung-99010022001012-2.2.0.xml").read_text("utf-8")

WORDS = [
    "Aufenthaltserlaubnis",
    "Ausländerbehörde",
    "Antrag",
    "Verlängerung",
    "Härte",
    "Einzelfall",
    "Unterlagen",
    "Nachweis",
    "Pass",
    "Lichtbild",
    "Krankenversicherung",
    "Lebensunterhalt",
    "Gebühr",
    "Termin",
    "persönlich",
    "Behörde",
    "Bundesgebiet",
    "Voraussetzungen",
    "Erteilung",
    "Familiennachzug",
    "Integrationskurs",
    "Erwerbstätigkeit",
    "Sozialleistungen",
    "Mietvertrag",
    "Arbeitsvertrag",
    "Identität",
    "Ausweisung",
    "die",
    "der",
    "und",
    "für",
    "eine",
    "wird",
    "Sie",
    "Ihre",
    "bei",
    "nach",
    "mit",
    "von",
    "zur",
    "oder",
    "nicht",
    "auch",
    "werden",
    "kann",
]


def _paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _module(rng: random.Random, code: str, size: int) -> str:
    de = "".join(f"&lt;p&gt;{_paragraph(rng, 40)}&lt;/p&gt;" for _ in range(size))
    en = "".join(f"&lt;p&gt;{_paragraph(rng, 40)}&lt;/p&gt;" for _ in range(size))
    return (
        "  <xzufi:modulText>\n    <xzufi:leikaTextmodul>\n"
        f"      <code>{code}</code>\n    </xzufi:leikaTextmodul>\n"
        f'    <xzufi:inhalt languageCode="de">{de}</xzufi:inhalt>\n'
        f'    <xzufi:inhalt languageCode="en">{en}</xzufi:inhalt>\n  </xzufi:modulText>\n'
    )


def leistung(rng: random.Random, i: int, largest: int = 30_000) -> str:
    """One realistic Leistung (5-30 KB): the fixture with more and longer text modules."""
    target = rng.randint(5_000, largest)
    extra = []
    size = len(BASE)
    for code in ("08", "09", "11", "16", "05", "15", "14", "25"):
        if size >= target:
            break
        n = max(1, min(6, (target - size) // 700))
        m = _module(rng, code, n)
        extra.append(m)
        size += len(m.encode("utf-8"))
    kennung = 1 + i % 999
    key = f"99010{kennung:03d}001012"
    text = BASE.replace("test-99010022001012", f"bench-{i}").replace(
        "<code>99010022001012</code>", f"<code>{key}</code>"
    )
    return text.replace("  <xzufi:modulFrist>", "".join(extra) + "  <xzufi:modulFrist>", 1)


def generate_files(n_files: int) -> list[Path]:
    files_dir = WORK / f"files-{n_files}"
    if not files_dir.is_dir() or len(list(files_dir.glob("*.xml"))) != n_files:
        shutil.rmtree(files_dir, ignore_errors=True)
        files_dir.mkdir(parents=True)
        rng = random.Random(1)
        for i in range(n_files):
            (files_dir / f"leistung-{i:05d}.xml").write_text(leistung(rng, i), "utf-8")
    return sorted(files_dir.glob("*.xml"))


def generate(n_files: int, n_entries: int) -> tuple[list[Path], Path]:
    files = generate_files(n_files)
    transfer = WORK / f"transfer-{n_entries}.xml"
    if not transfer.is_file():
        rng = random.Random(2)
        tmp = transfer.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<xzufi:xzufi.transfer xmlns:xzufi="http://xoev.de/schemata/xzufi/2_2_0" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xzufiVersion="2.2.0">\n'
                "  <xzufi:nachrichtenkopf/>\n"
            )
            for i in range(n_entries):
                # 5-20 KB entries: 20,000 of them make the ~250 MB of the issue
                body = leistung(rng, i, 20_000).split("?>\n", 1)[1].split("-->\n", 1)[1]
                body = body.replace(
                    ' xmlns:xzufi="http://xoev.de/schemata/xzufi/2_2_0"\n'
                    '                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
                    "",
                )
                fh.write("<xzufi:schreibe>" + body + "</xzufi:schreibe>\n")
            fh.write("</xzufi:xzufi.transfer>\n")
        tmp.replace(transfer)
    return files, transfer


def floor(files: list[Path]) -> float:
    schema = load_schema("2.2.0")
    parser = xmlsafe.make_parser()
    t = time.perf_counter()
    for p in files:
        root = etree.fromstring(p.read_bytes(), parser)  # the floor: bare lxml, safe parser
        schema.validate(root)
    return time.perf_counter() - t


def library(files: list[Path]) -> float:
    t = time.perf_counter()
    report = validate_paths([str(p) for p in files], options=Options())
    elapsed = time.perf_counter() - t
    if report.counts["error"]:
        print(f"  note: generated files gave {report.counts['error']} errors", file=sys.stderr)
    return elapsed


def xsd_only(files: list[Path]) -> float:
    """The library with every rule disabled: what xmlschema's iter_errors does too (XSD only)."""
    off = RuleConfig(disabled=frozenset(code for code, r in RULES.items() if r.fn is not None))
    t = time.perf_counter()
    validate_paths([str(p) for p in files], options=Options(config=off))
    return time.perf_counter() - t


def xmlschema_per_file(files: list[Path]) -> float:
    import xmlschema

    schema = xmlschema.XMLSchema10(str(schema_path("2.2.0")))
    t = time.perf_counter()
    for p in files:
        for _ in schema.iter_errors(str(p)):
            pass
    return (time.perf_counter() - t) / len(files)


_CHILD = (
    "import resource, sys\n"
    "from xzufi_toolkit.cli.main import main\n"
    "rc = main(sys.argv[1:])\n"
    "sys.stderr.write(f'MAXRSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
    "raise SystemExit(rc)\n"
)


def cli(*args: str) -> tuple[float, int]:
    """Wall time and peak RSS (KB) of one ``xzufi validate`` run in a fresh process."""
    out = WORK / "report.json"
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, "validate", "-q", "-f", "json", "-o", str(out), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"xzufi validate failed: {proc.stderr}")
    lines = proc.stderr.splitlines()
    rss = max(int(line.split()[1]) for line in lines if line.startswith("MAXRSS"))
    return elapsed, rss


# The whole-process floor: a bare Python process that imports lxml, compiles the
# XSD and parses + validates every file with a safe parser, start-up included.
_BARE = (
    "import sys\n"
    "from lxml import etree\n"
    "parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)\n"
    "schema = etree.XMLSchema(etree.parse(sys.argv[1]))\n"
    "bad = 0\n"
    "for name in sys.argv[2:]:\n"
    "    with open(name, 'rb') as fh:\n"
    "        bad += not schema.validate(etree.fromstring(fh.read(), parser))\n"
    "sys.stdout.write(f'{bad}\\n')\n"
)


def whole_process(n_files: int, repeat: int) -> None:
    """``xzufi validate`` as one process on N files against a bare-lxml process on the
    same files, both timed from process start to exit (issue 14: within 3x)."""
    files = generate_files(n_files)
    names = [str(p) for p in files]
    xsd = str(schema_path("2.2.0"))
    out = str(WORK / "report-whole.txt")
    xzufi = [sys.executable, "-m", "xzufi_toolkit", "validate"]
    runs: dict[str, list[str]] = {
        "bare": [sys.executable, "-c", _BARE, xsd, *names],
        "text": [*xzufi, "-o", out, *names],
        "json": [*xzufi, "-f", "json", "-o", out, *names],
    }
    best: dict[str, float] = {}
    for _ in range(max(1, repeat)):
        for name, argv in runs.items():
            t = time.perf_counter()
            proc = subprocess.run(argv, capture_output=True, check=False)
            elapsed = time.perf_counter() - t
            if proc.returncode not in (0, 1):
                raise SystemExit(f"{name} failed: {proc.stderr.decode()}")
            best[name] = min(best.get(name, float("inf")), elapsed)
    print(f"\nwhole process, {len(files)} files, best of {max(1, repeat)} interleaved runs")
    print(f"| {'run':<52} | {'seconds':>8} | {'ms/file':>8} | ratio")
    print(f"|{'-' * 54}|{'-' * 10}|{'-' * 10}|{'-' * 14}")
    for name, label in (
        ("bare", "python + lxml parse + XSD (floor, start-up included)"),
        ("text", "xzufi validate FILES -o report.txt (text)"),
        ("json", "xzufi validate FILES -f json -o report.json"),
    ):
        secs = best[name]
        ratio = secs / best["bare"]
        print(f"| {label:<52} | {secs:8.2f} | {secs / len(files) * 1000:8.3f} | {ratio:.2f}x floor")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--xmlschema-sample", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3, help="runs per row; the best is reported")
    ap.add_argument(
        "--whole-process",
        type=int,
        metavar="N",
        help="only compare whole processes on N files: xzufi validate vs bare lxml (e.g. 3000)",
    )
    args = ap.parse_args()
    if args.whole_process:
        WORK.mkdir(parents=True, exist_ok=True)
        whole_process(args.whole_process, args.repeat)
        return 0
    n_files = max(10, int(10_000 * args.scale))
    n_entries = max(10, int(20_000 * args.scale))
    WORK.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    files, transfer = generate(n_files, n_entries)
    total = sum(p.stat().st_size for p in files)
    sizes = [p.stat().st_size // 1024 for p in files]
    print(
        f"generated/loaded {len(files)} files ({total / len(files) / 1024:.1f} KB avg, "
        f"{min(sizes)}-{max(sizes)} KB) "
        f"and a transfer of {n_entries} entries ({transfer.stat().st_size / 2**20:.0f} MB) "
        f"in {time.perf_counter() - t:.1f}s"
    )
    floor(files[:50])  # warm-up: schema compile, page cache
    # an evenly spread sample: the first files of the sorted list are not the
    # average (at scale 1 the first 300 are 6% larger than the mean), and
    # xmlschema's time grows with the size of the file
    step = max(1, len(files) // max(1, args.xmlschema_sample))
    sample = files[::step][: args.xmlschema_sample]
    sample_kb = sum(p.stat().st_size for p in sample) / len(sample) / 1024
    print(
        f"xmlschema sample: {len(sample)} files, every {step}th, {sample_kb:.1f} KB avg "
        f"(all files: {total / len(files) / 1024:.1f} KB avg)"
    )
    folder = str(files[0].parent)
    measures: dict[str, Callable[[], float]] = {
        "floor": lambda: floor(files),
        "lib": lambda: library(files),
        "xsd": lambda: xsd_only(files),
        "cli1": lambda: cli(folder)[0],
        "cli2": lambda: cli("--jobs", "2", folder)[0],
        "xs": lambda: xmlschema_per_file(sample) * len(files),
    }
    best: dict[str, float] = {}
    for _ in range(max(1, args.repeat)):  # interleaved, so a disturbance hits one run of each
        for name, measure in measures.items():
            best[name] = min(best.get(name, float("inf")), measure())
    t_floor, t_lib, t_xsd, t_cli1, t_cli2, t_xs = (
        best[k] for k in ("floor", "lib", "xsd", "cli1", "cli2", "xs")
    )
    t_tr, rss_tr = cli(str(transfer))

    rows = [
        ("bare lxml parse + XSD (floor)", t_floor, "1.00x floor"),
        ("xzufi validate, library, 1 process", t_lib, f"{t_lib / t_floor:.2f}x floor"),
        ("xzufi validate, XSD only (rules disabled)", t_xsd, f"{t_xsd / t_floor:.2f}x floor"),
        ("xzufi validate CLI --jobs 1", t_cli1, f"{t_cli1 / t_floor:.2f}x floor"),
        ("xzufi validate CLI --jobs 2", t_cli2, f"{t_cli1 / t_cli2:.2f}x speed-up over --jobs 1"),
        (
            f"xmlschema iter_errors (sample {len(sample)}, scaled)",
            t_xs,
            f"{t_xs / t_lib:.1f}x slower than xzufi (library)",
        ),
        ("  the same, against xzufi XSD only", t_xs, f"{t_xs / t_xsd:.1f}x slower"),
    ]
    print(f"\n{len(files)} files, {total / 2**20:.0f} MB, best of {max(1, args.repeat)} runs")
    print(f"| {'run':<46} | {'seconds':>8} | {'ms/file':>8} | ratio")
    print(f"|{'-' * 48}|{'-' * 10}|{'-' * 10}|{'-' * 40}")
    for name, secs, ratio in rows:
        print(f"| {name:<46} | {secs:8.2f} | {secs / len(files) * 1000:8.3f} | {ratio}")
    size_mb = transfer.stat().st_size / 2**20
    print(
        f"\ntransfer message: {n_entries} entries, {size_mb:.0f} MB: {t_tr:.1f}s "
        f"({size_mb / t_tr:.1f} MB/s), peak RSS {rss_tr / 1024:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
