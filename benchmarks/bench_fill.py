"""Benchmark: our form fill vs bare pypdf vs fillpdf, on the same cases, in one run.

    .venv/bin/python benchmarks/bench_fill.py            # 1,000 fills per tool
    .venv/bin/python benchmarks/bench_fill.py --n 200 --process-runs 3

Measures per tool: milliseconds per form in process (template read once where
the API allows it; fillpdf's API reads the template and writes a file on every
call, so every tool writes its output file too), milliseconds per whole
process (interpreter start, imports, one fill), output size, and how many
expected values each shows when rendered by pdfium (as Chrome: form
environment on), poppler (pdftoppm) and MuPDF (PyMuPDF, with annotations).

"Shown" is decided from pixels, not from /V: a text value is shown when the
field region holds as many separate ink shapes (glyphs, dots, accents) as the
expected text drawn by reportlab in Roboto, at the size and place our layout
picks, rendered by the same engine; a checkbox or radio button when its
widget has more ink than in the empty form exactly when it should. Shape
counts hardly depend on the typeface, so a substituted Helvetica still counts;
a dropped letter, a "?", an empty field, text running out of its box do not.
Letters touch or not depending on the typeface a viewer substitutes and on
sub-pixel offsets, so counts wobble: up to one shape, or one in 12 in longer
texts, may differ. A dropped letter with its accent (-2) in a short name is
caught, a single lost accent in a long text or one "?" for a three-shape
letter (ễ) is not; multiline text must also fill at least 60 % of the expected
height (pypdf's unwrapped line does not). The numbers are a coarse, engine-neutral
screen; the tests (tests/test_form_render.py) check our output pixel by pixel.

Also times ``xzufi form fill`` of N case files with ``--jobs 1`` and ``--jobs 2``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xzufi_toolkit.form import FormFiller
from xzufi_toolkit.form.mapping import apply_mapping, load_mapping
from xzufi_toolkit.form.render import GrayImage, render_pdfium, render_poppler
from xzufi_toolkit.form.verify import expected_texts, field_region, reference_pdf
from xzufi_toolkit.io.resources import fixture_file, form_file

ROOT = Path(__file__).resolve().parent.parent

FORM = form_file("aufenthalt-25-4-2.pdf")
MAPPING = form_file("aufenthalt-25-4-2.mapping.json")
CASE_FILES = sorted(
    [*fixture_file("cases").glob("*.json"), *(ROOT / "fixtures" / "forms" / "cases").glob("*.json")]
)
DPI = 216.0
SLACK = 12  # shapes that may differ per 12: letters touching or not, by typeface and offset
PAGE_H = 841.8898


# -- the three tools -----------------------------------------------------------
def values_for_case(mapping: Any, path: Path) -> dict[str, Any]:
    values, _, problems = apply_mapping(mapping, json.loads(path.read_text(encoding="utf-8")))
    assert not problems, problems
    return values


def as_states(filler: FormFiller, values: dict[str, Any], slash: bool) -> dict[str, str]:
    """The same values as pypdf (``/Ja``) or fillpdf (``Ja``) want them."""
    out: dict[str, str] = {}
    for name, value in values.items():
        kind = filler.info.by_name[name].kind
        if kind == "checkbox":
            state = "Ja" if value else "Off"
            out[name] = f"/{state}" if slash else state
        elif kind == "radio":
            out[name] = f"/{value}" if slash else str(value)
        else:
            out[name] = str(value)
    return out


class Ours:
    name = "xzufi-toolkit"

    def __init__(self, filler: FormFiller) -> None:
        self.filler = filler

    def fill(self, values: dict[str, Any], out: Path) -> None:
        out.write_bytes(self.filler.fill(values))


class BarePypdf:
    name = "pypdf (bare)"

    def __init__(self, filler: FormFiller) -> None:
        from pypdf import PdfReader

        self.filler = filler
        self.reader = PdfReader(io.BytesIO(FORM.read_bytes()))

    def fill(self, values: dict[str, Any], out: Path) -> None:
        from pypdf import PdfWriter

        writer = PdfWriter(clone_from=self.reader)
        data = as_states(self.filler, values, slash=True)
        for page in writer.pages:
            writer.update_page_form_field_values(page, data, auto_regenerate=False)
        buf = io.BytesIO()
        writer.write(buf)
        out.write_bytes(buf.getvalue())


class FillPdf:
    name = "fillpdf"

    def __init__(self, filler: FormFiller) -> None:
        from fillpdf import fillpdfs

        self.filler = filler
        self.fillpdfs = fillpdfs

    def fill(self, values: dict[str, Any], out: Path) -> None:
        data = as_states(self.filler, values, slash=False)
        self.fillpdfs.write_fillable_pdf(str(FORM), str(out), data)


# -- visibility ------------------------------------------------------------------
def render_mupdf(pdf: bytes, page: int, *, dpi: float) -> GrayImage:
    import pymupdf

    doc = pymupdf.open(stream=pdf, filetype="pdf")
    try:
        pix = doc[page - 1].get_pixmap(dpi=int(dpi), colorspace=pymupdf.csGRAY, annots=True)
        rows = [pix.samples[y * pix.stride : y * pix.stride + pix.width] for y in range(pix.height)]
        return GrayImage(pix.width, pix.height, b"".join(rows))
    finally:
        doc.close()


ENGINES: dict[str, Callable[..., GrayImage]] = {
    "pdfium": render_pdfium,
    "poppler": render_poppler,
    "MuPDF": render_mupdf,
}


def region(img: GrayImage, rect: tuple[float, float, float, float], inset: float) -> GrayImage:
    return field_region(img, rect, dpi=DPI, page_height=PAGE_H, inset=inset)


def shapes(img: GrayImage, threshold: int = 140, reach: int = 1) -> int:
    """Ink shapes: pixels closer than ``reach`` + 1 pixels belong to one shape.

    The reach joins letters that touch or nearly touch depending on sub-pixel
    position (the "ff" in "Offenbach"); accents stay apart from their letters.
    """
    steps = range(-reach, reach + 1)
    w = img.width
    ink = {(i % w, i // w) for i, p in enumerate(img.pixels) if p < threshold}
    count = 0
    while ink:
        count += 1
        stack = [ink.pop()]
        while stack:
            x, y = stack.pop()
            for dx in steps:
                for dy in steps:
                    q = (x + dx, y + dy)
                    if q in ink:
                        ink.remove(q)
                        stack.append(q)
    return count


def ink_height(img: GrayImage) -> int:
    """Rows between the first and the last row with ink."""
    rows = [
        y for y in range(img.height) if min(img.pixels[y * img.width : (y + 1) * img.width]) < 140
    ]
    return rows[-1] - rows[0] + 1 if rows else 0


def reference_pages(filler: FormFiller, values: dict[str, Any], engine: str) -> dict[int, Any]:
    """The expected texts drawn by reportlab where our layout puts them, rendered."""
    pdf = reference_pdf(filler, expected_texts(filler, values))
    return {p: ENGINES[engine](pdf, p, dpi=DPI) for p in range(1, filler.info.pages + 1)}


def count_shown(
    filler: FormFiller,
    pdf: bytes,
    values: dict[str, Any],
    engine: str,
    empty: dict[int, Any],
    ref: dict[int, Any],
) -> tuple[int, int]:
    """(values shown, values expected) for one filled PDF in one engine."""
    info = filler.info
    render = ENGINES[engine]
    pages = {p: render(pdf, p, dpi=DPI) for p in range(1, info.pages + 1)}
    texts = expected_texts(filler, values)
    shown = 0
    for name, value in values.items():
        f = info.by_name[name]
        if f.kind in ("checkbox", "radio"):
            widgets = _widget_rects(filler, name)
            ok = True
            for state, rect, page in widgets:
                want_on = (value is True) if f.kind == "checkbox" else (state == value)
                ink = region(pages[page], rect, 0.5).ink()
                base = region(empty[page], rect, 0.5).ink()
                ok &= (ink > base + 8) if want_on else abs(ink - base) <= 8
            shown += ok
            continue
        if name not in texts:
            continue
        have, expect = region(pages[f.page], f.rect, 1.0), region(ref[f.page], f.rect, 1.0)
        got, want = shapes(have), shapes(expect)
        ok = abs(got - want) <= max(1, want // SLACK)
        if f.kind == "multiline":  # wrapped, not one line running out of the box
            ok &= ink_height(have) >= 0.6 * ink_height(expect)
        shown += ok
    return shown, len(values)


_WIDGETS: dict[str, list[tuple[str, tuple[float, float, float, float], int]]] = {}


def _widget_rects(filler: FormFiller, name: str) -> list[tuple[str, Any, int]]:
    if not _WIDGETS:
        from pypdf import PdfReader

        from xzufi_toolkit.form.inspect import (
            iter_terminal_fields,
            on_states,
            page_of,
            widget_pages,
        )

        reader = PdfReader(io.BytesIO(FORM.read_bytes()))
        pages = widget_pages(reader)
        for fname, _node, widgets in iter_terminal_fields(reader):
            _WIDGETS[fname] = [
                (
                    (on_states(w) or ["?"])[0],
                    tuple(float(v) for v in w["/Rect"]),
                    page_of(w, pages),
                )
                for w in widgets
            ]
    return _WIDGETS[name]


# -- runs ------------------------------------------------------------------------
def time_in_process(tool: Any, cases: list[dict[str, Any]], n: int, tmp: Path) -> tuple[float, int]:
    out = tmp / f"{tool.__class__.__name__}.pdf"
    tool.fill(cases[0], out)  # warm-up (imports, first-use caches)
    start = time.perf_counter()
    for i in range(n):
        tool.fill(cases[i % len(cases)], out)
    elapsed = (time.perf_counter() - start) * 1000 / n
    sizes = []
    for i, case in enumerate(cases):
        p = tmp / f"size-{i}.pdf"
        tool.fill(case, p)
        sizes.append(p.stat().st_size)
    return elapsed, round(statistics.mean(sizes))


PROCESS_SCRIPTS = {
    "pypdf (bare)": """
import json, sys, io
from pypdf import PdfReader, PdfWriter
w = PdfWriter(clone_from=PdfReader(sys.argv[1]))
data = json.load(open(sys.argv[2]))
for page in w.pages:
    w.update_page_form_field_values(page, data, auto_regenerate=False)
w.write(sys.argv[3])
""",
    "fillpdf": """
import json, sys
from fillpdf import fillpdfs
fillpdfs.write_fillable_pdf(sys.argv[1], sys.argv[3], json.load(open(sys.argv[2])))
""",
}


def time_processes(
    filler: FormFiller, cases: list[dict[str, Any]], runs: int, tmp: Path
) -> dict[str, float]:
    """Median milliseconds of one whole process per tool (start-up, imports, one fill)."""
    py = sys.executable
    xzufi = str(Path(py).parent / "xzufi")
    out: dict[str, float] = {}
    case_path = CASE_FILES[0]
    cmds: dict[str, list[str]] = {
        "xzufi-toolkit": [xzufi, "form", "fill", str(case_path), "-o", str(tmp / "p.pdf")],
    }
    for name, script in PROCESS_SCRIPTS.items():
        slash = name.startswith("pypdf")
        data = tmp / f"{slash}.json"
        data.write_text(json.dumps(as_states(filler, cases[0], slash=slash)), encoding="utf-8")
        cmds[name] = [py, "-c", script, str(FORM), str(data), str(tmp / "p.pdf")]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    for name, cmd in cmds.items():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=env)
            times.append((time.perf_counter() - start) * 1000)
        out[name] = statistics.median(times)
    return out


def time_batch(n: int, tmp: Path) -> dict[int, float]:
    """Seconds for ``xzufi form fill`` of n case files with --jobs 1 and 2."""
    src = tmp / "cases"
    src.mkdir()
    for i in range(n):
        shutil.copy(CASE_FILES[i % len(CASE_FILES)], src / f"case-{i:05d}.json")
    files = sorted(str(p) for p in src.iterdir())
    xzufi = str(Path(sys.executable).parent / "xzufi")
    result: dict[int, float] = {}
    for jobs in (1, 2):
        dest = tmp / f"out-{jobs}"
        dest.mkdir()
        start = time.perf_counter()
        subprocess.run(
            [xzufi, "form", "fill", *files, "-o", str(dest), "--jobs", str(jobs)],
            check=True,
            capture_output=True,
        )
        result[jobs] = time.perf_counter() - start
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="fills per tool in process")
    ap.add_argument("--process-runs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=1000, help="case files for the --jobs run")
    args = ap.parse_args()

    import logging
    import warnings

    warnings.simplefilter("ignore")  # fitz/fillpdf deprecation noise
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # "not supported by font encoding"
    mapping = load_mapping(MAPPING.read_bytes())
    start = time.perf_counter()
    filler = FormFiller(FORM.read_bytes())
    filler.fill({})  # builds the font subset
    setup_ms = (time.perf_counter() - start) * 1000
    cases = [values_for_case(mapping, p) for p in CASE_FILES]
    tools = [Ours(filler), BarePypdf(filler), FillPdf(filler)]

    with tempfile.TemporaryDirectory(prefix="bench-fill-") as tmpname:
        tmp = Path(tmpname)
        timing = {t.name: time_in_process(t, cases, args.n, tmp) for t in tools}
        procs = time_processes(filler, cases, args.process_runs, tmp)
        empty = {
            e: {p: ENGINES[e](FORM.read_bytes(), p, dpi=DPI) for p in (1, 2, 3)} for e in ENGINES
        }
        visible: dict[str, dict[str, tuple[int, int]]] = {}
        refs: dict[tuple[int, str], dict[int, Any]] = {}
        for tool in tools:
            visible[tool.name] = {}
            for engine in ENGINES:
                shown = total = 0
                for i, case in enumerate(cases):
                    p = tmp / f"vis-{i}.pdf"
                    tool.fill(case, p)
                    if (i, engine) not in refs:
                        refs[i, engine] = reference_pages(filler, case, engine)
                    s, t = count_shown(
                        filler, p.read_bytes(), case, engine, empty[engine], refs[i, engine]
                    )
                    shown, total = shown + s, total + t
                visible[tool.name][engine] = (shown, total)
        batch = time_batch(args.batch, tmp) if args.batch else {}

    base = timing["pypdf (bare)"][0]
    print(
        f"{args.n} fills per tool over {len(cases)} cases; one-off set-up of ours "
        f"(template + font subset): {setup_ms:.0f} ms\n"
    )
    head = "| tool | ms/form in process | × bare pypdf | ms per process | output KB |"
    head += " shown in pdfium | poppler | MuPDF |"
    print(head)
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for tool in tools:
        ms, size = timing[tool.name]
        vis = visible[tool.name]
        cells = [f"{vis[e][0]}/{vis[e][1]}" for e in ENGINES]
        print(
            f"| {tool.name} | {ms:.1f} | {ms / base:.2f} | {procs[tool.name]:.0f} | "
            f"{size / 1024:.0f} | " + " | ".join(cells) + " |"
        )
    if batch:
        print(
            f"\n`xzufi form fill` of {args.batch} case files (validation + fill + write): "
            f"--jobs 1 {batch[1]:.1f} s, --jobs 2 {batch[2]:.1f} s, "
            f"speed-up {batch[1] / batch[2]:.2f}× on {os.cpu_count()} CPU(s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
