"""Import speed vs bare pypdf text extraction, in the same run.

The peer is what any script would do first: pypdf's ``extract_text`` on every
page (plain mode, and the layout mode the import uses). The import adds the
parsing into sections, the repairs, the model mapping and the XZuFi writer;
the ratio shows what that costs on top of extraction.

    .venv/bin/python benchmarks/bench_import.py [ROUNDS]
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from xzufi_toolkit.portal_import import import_portal, read_export

ROOT = Path(__file__).resolve().parent.parent
PDF = (ROOT / "fixtures/portal/seed.pdf").read_bytes()
TXT = (ROOT / "fixtures/portal/seed.txt").read_bytes()


def _pypdf(mode: str) -> Callable[[], object]:
    def run() -> object:
        reader = PdfReader(io.BytesIO(PDF))
        return "\n".join(p.extract_text(extraction_mode=mode) for p in reader.pages)

    return run


def _time(fn: Callable[[], object], rounds: int) -> float:
    fn()  # warm-up
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    peer_plain = _time(_pypdf("plain"), rounds)
    peer_layout = _time(_pypdf("layout"), rounds)
    rows = [
        ("pypdf extract_text, plain (peer)", peer_plain, peer_plain),
        ("pypdf extract_text, layout (peer)", peer_layout, peer_plain),
        (
            "read_export(PDF): extraction + sections",
            _time(lambda: read_export(PDF, name="b"), rounds),
            peer_layout,
        ),
        (
            "import_portal(PDF) -> XZuFi 2.3.1 XML",
            _time(lambda: import_portal(PDF, name="b"), rounds),
            peer_layout,
        ),
        (
            "import_portal(text) -> XZuFi 2.3.1 XML",
            _time(lambda: import_portal(TXT, name="b"), rounds),
            peer_layout,
        ),
    ]
    pages = len(PdfReader(io.BytesIO(PDF)).pages)
    print(f"seed export: {pages} PDF pages, {len(TXT)} bytes of text; median of {rounds} rounds")
    print(f"| {'what':<42} | {'ms':>8} | {'ratio':>22} |")
    print(f"|{'-' * 44}|{'-' * 10}|{'-' * 24}|")
    for name, seconds, base in rows:
        ref = "plain" if base is peer_plain else "layout"
        print(f"| {name:<42} | {seconds * 1000:8.2f} | {seconds / base:6.2f}x pypdf {ref:<8} |")


if __name__ == "__main__":
    main()
