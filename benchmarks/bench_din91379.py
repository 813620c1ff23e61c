"""DIN 91379 checks per second: the toolkit's checker vs a naive per-character loop.

The peer is the obvious implementation: NFC-normalise, then walk the string
code point by code point, trying the known sequences (longest first) before
the single characters, with the allowed glyphs in a Python set. Both run on
the same 100 000 names (deterministic, about 1 in 10 invalid for type A).

Usage: .venv/bin/python benchmarks/bench_din91379.py [N]
"""

from __future__ import annotations

import json
import random
import sys
import time
import unicodedata
from collections.abc import Callable

from xzufi_toolkit.io.resources import data_file
from xzufi_toolkit.reference import din91379

TABLE = json.loads(data_file("din91379.json").read_text(encoding="utf-8"))
GROUPS_A = ("bll", "bnlreq")


def _s(cps: str) -> str:
    return "".join(chr(int(c, 16)) for c in cps.split())


ALLOWED_A = {_s(c) for g in GROUPS_A for k in ("chars", "sequences") for c in TABLE["groups"][g][k]}
SEQUENCES = sorted((g for g in ALLOWED_A if len(g) > 1), key=len, reverse=True)
BY_START: dict[str, list[str]] = {}
for seq in SEQUENCES:
    BY_START.setdefault(seq[0], []).append(seq)


def naive_is_valid(s: str) -> bool:
    text = unicodedata.normalize("NFC", s)
    i = 0
    n = len(text)
    while i < n:
        glyph = text[i]
        for seq in BY_START.get(glyph, ()):
            if text.startswith(seq, i):
                glyph = seq
                break
        if glyph not in ALLOWED_A:
            return False
        i += len(glyph)
    return True


def names(count: int) -> list[str]:
    rng = random.Random(91379)
    latin = [_s(c) for c in TABLE["groups"]["bll"]["chars"]]
    plain = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    seqs = [_s(c) for c in TABLE["groups"]["bll"]["sequences"]]
    foreign = [_s(c) for c in TABLE["groups"]["cl"]["chars"] + TABLE["groups"]["gl"]["chars"]]
    out = []
    for i in range(count):
        parts = []
        for _ in range(rng.randint(1, 3)):
            word = rng.choice(latin).upper() + "".join(
                rng.choice(plain if rng.random() < 0.85 else latin)
                for _ in range(rng.randint(2, 10))
            )
            if rng.random() < 0.05:
                word += rng.choice(seqs)
            parts.append(word)
        name = rng.choice([" ", "-"]).join(parts)
        if i % 10 == 0:
            name += rng.choice(foreign)
        out.append(name)
    return out


def measure(fn: Callable[[str], bool], data: list[str]) -> tuple[float, int]:
    best = float("inf")
    valid = 0
    for _ in range(3):
        t0 = time.perf_counter()
        valid = sum(1 for s in data if fn(s))
        best = min(best, time.perf_counter() - t0)
    return best, valid


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    data = names(count)
    din91379.is_valid("warm-up", "A")
    ours_t, ours_valid = measure(lambda s: din91379.is_valid(s, "A"), data)
    naive_t, naive_valid = measure(naive_is_valid, data)
    check_t, _ = measure(lambda s: din91379.check(s, "A") is None, data)
    pattern = din91379._lookup("A").prefix  # the compiled glyph regex alone, no set fast path
    regex_t, regex_valid = measure(
        lambda s: pattern.fullmatch(unicodedata.normalize("NFC", s)) is not None, data
    )
    if not ours_valid == naive_valid == regex_valid:
        print(f"MISMATCH: ours {ours_valid} valid, naive {naive_valid}")
        return 1
    rows = [
        ("din91379.is_valid (ours)", ours_t),
        ("din91379.check (ours)", check_t),
        ("glyph regex alone (ours)", regex_t),
        ("naive per-character loop", naive_t),
    ]
    print(f"{count} names, {ours_valid} valid for type A, best of 3 runs")
    print(f"| {'checker':<28} | {'checks/s':>12} | {'vs naive':>8} |")
    print(f"|{'-' * 30}|{'-' * 14}|{'-' * 10}|")
    for label, t in rows:
        print(f"| {label:<28} | {count / t:>12,.0f} | {naive_t / t:>7.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
