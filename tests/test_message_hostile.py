"""Hostile input: mutated messages and damaged JSON give findings or one clear error, no crash."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xzufi_toolkit.case.validate import validate_case
from xzufi_toolkit.errors import InputError, XzufiError
from xzufi_toolkit.io.resources import fixture_file
from xzufi_toolkit.message import read_message

GOLDEN = fixture_file("cases", "messages", "adult-employed.xml").read_bytes()
CASE = json.loads(fixture_file("cases", "adult-employed.json").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 11, 20)
SETTINGS = settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(GOLDEN)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if op == "flip":
            data[pos] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 40))]
        elif op == "insert":
            data[pos:pos] = draw(
                st.sampled_from([b"<", b"&", b"]]>", b"<x/>", b"\x00", b"\xff", b"'", b"9"])
            )
        else:
            del data[pos:]
    return bytes(data)


@SETTINGS
@given(data=mutated())
def test_mutated_messages_never_crash(data: bytes) -> None:
    try:
        read_message(data, file="m.xml")
    except XzufiError as exc:
        assert exc.exit_code == 1
        assert exc.file == "m.xml"


JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)


def _replace_at(value: Any, path: list[Any], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict) and value:
        key = list(value)[head % len(value)]
        return {**value, key: _replace_at(value[key], rest, new)}
    if isinstance(value, list) and value:
        i = head % len(value)
        return [*value[:i], _replace_at(value[i], rest, new), *value[i + 1 :]]
    return new


@SETTINGS
@given(
    path=st.lists(st.integers(0, 50), max_size=4),
    new=st.one_of(
        JSON_LEAF,
        st.lists(JSON_LEAF, max_size=3),
        st.dictionaries(st.text(max_size=5), JSON_LEAF, max_size=3),
    ),
)
def test_damaged_case_json_gives_findings_not_crashes(path: list[int], new: Any) -> None:
    damaged = _replace_at(CASE, path, new)
    try:
        _, report = validate_case(json.dumps(damaged).encode(), today=TODAY, file="c.json")
    except InputError as exc:  # e.g. a huge float that JSON turns into infinity
        assert exc.file == "c.json"
        return
    for f in report:
        assert f.location.file == "c.json" and f.location.json_path
