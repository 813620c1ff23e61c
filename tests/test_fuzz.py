"""A short fixed-seed pass of every fuzz target (``scripts/fuzz.py``).

The same inputs on every run (seed 1414): a failure here is a regression,
reproducible with ``python scripts/fuzz.py FAMILY -n N --seed 1414``. The long
runs are described in docs/hardening.md.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fuzz.py"

# inputs per family: a few seconds in all (the PDF target renders each input)
EXAMPLES = {"xml": 40, "case": 30, "pdf": 15, "zip": 40, "portal": 40}


@pytest.fixture(scope="module")
def fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location("xzufi_fuzz", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("family", list(EXAMPLES))
def test_fixed_seed_fuzz_pass(family: str, fuzz: ModuleType) -> None:
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    outcome = fuzz.run(family, examples=EXAMPLES[family], seed=1414)
    assert outcome.failure is None, outcome.failure
    assert outcome.examples >= EXAMPLES[family]


def test_every_family_has_a_target_and_seeds(fuzz: ModuleType) -> None:
    assert set(fuzz.TARGETS) == set(EXAMPLES)
    for family in EXAMPLES:
        assert fuzz._seeds(family), family


def test_a_target_does_fail_on_a_foreign_exception(
    fuzz: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pass can fail: an exception outside the toolkit's tree is reported."""

    def broken(data: bytes) -> None:
        raise ValueError("not one of ours")

    monkeypatch.setitem(fuzz.TARGETS, "portal", broken)
    outcome = fuzz.run("portal", examples=5, seed=1)
    assert outcome.failure is not None and "not one of ours" in outcome.failure
    assert outcome.data is not None
