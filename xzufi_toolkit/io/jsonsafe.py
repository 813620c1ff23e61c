"""Strict JSON for untrusted files: duplicate keys, ``NaN`` and ``Infinity`` refused.

Python's ``json`` keeps the last of two equal keys silently, so a file can
show a checker one value and a reader another; case files and bundle
metadata refuse that.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["DuplicateKeyError", "loads_strict", "no_duplicates"]


class DuplicateKeyError(ValueError):
    """A JSON object names a key twice; ``str(exc)`` is the key."""


def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` that refuses a key given twice."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(key)
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def loads_strict(text: str) -> Any:
    """``json.loads`` refusing duplicate keys (:class:`DuplicateKeyError`) and
    non-finite numbers (``ValueError``); other errors as ``json.loads`` raises them."""
    return json.loads(
        text, object_pairs_hook=no_duplicates, parse_constant=_no_constant, parse_float=_finite
    )
