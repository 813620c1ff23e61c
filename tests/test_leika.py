"""LeiKa key: valid and invalid cases as data, doctests, property tests."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xzufi_toolkit.errors import InputError
from xzufi_toolkit.reference import leika

SEED_KEY = "99010022001012"

VALID = [
    # (input, compact key, level)
    ("99010022001012", SEED_KEY, "lovd"),
    ("99 010 022 001 012", SEED_KEY, "lovd"),
    ("99.010.022.001.012", SEED_KEY, "lovd"),
    (" 99-010-022-001-012\n", SEED_KEY, "lovd"),
    ("99010022001000", "99010022001000", "lov"),
    ("99010022000000", "99010022000000", "lo"),
]

INVALID = [
    # (input, exception, part named)
    ("", leika.InvalidFormat, None),
    ("   ", leika.InvalidFormat, None),
    ("9901002200101X", leika.InvalidFormat, None),
    ("٩٩010022001012", leika.InvalidFormat, None),  # Arabic-Indic digits are not ASCII
    ("9901002200101", leika.InvalidLength, None),
    ("990100220010120", leika.InvalidLength, None),
    ("12010022001012", leika.InvalidComponent, "prefix"),
    ("99010022000012", leika.InvalidComponent, "detail"),
]


def test_doctests() -> None:
    result = doctest.testmod(leika)
    assert result.attempted > 5
    assert result.failed == 0


@pytest.mark.parametrize(("text", "key", "lvl"), VALID)
def test_valid(text: str, key: str, lvl: str) -> None:
    assert leika.validate(text) == key
    assert leika.is_valid(text)
    assert leika.level(text) == lvl


@pytest.mark.parametrize(("text", "exc", "part"), INVALID)
def test_invalid(text: str, exc: type[leika.LeikaError], part: str | None) -> None:
    with pytest.raises(exc) as info:
        leika.validate(text)
    assert info.value.part == part
    assert info.value.exit_code == 1
    assert not leika.is_valid(text)


def test_errors_are_input_errors() -> None:
    for cls in (leika.InvalidFormat, leika.InvalidLength, leika.InvalidComponent):
        assert issubclass(cls, leika.LeikaError)
        assert issubclass(cls, InputError)


def test_message_names_the_wrong_part() -> None:
    with pytest.raises(leika.InvalidComponent, match="Verrichtungsdetail 012"):
        leika.validate("99010022000012")
    with pytest.raises(leika.InvalidComponent, match="starts with '12'"):
        leika.validate("12010022001012")


def test_split_and_format_of_the_seed() -> None:
    parts = leika.split(SEED_KEY)
    assert parts == ("010", "022", "001", "012")
    assert parts.group == "010"
    assert parts.leistungskennung == "022"
    assert parts.verrichtung == "001"
    assert parts.detail == "012"
    assert leika.format(SEED_KEY) == "99 010 022 001 012"


def test_parents() -> None:
    assert leika.parents(SEED_KEY) == ("99010022001000", "99010022000000")
    assert leika.parents("99010022001000") == ("99010022000000",)
    assert leika.parents("99010022000000") == ()


def test_urn() -> None:
    urn = "urn:de:fim:leika:leistung:99010022001012"
    assert leika.to_urn(SEED_KEY) == urn
    assert leika.from_urn(urn) == SEED_KEY
    assert leika.from_urn("URN:DE:FIM:LEIKA:LEISTUNG:99010022001012") == SEED_KEY
    for bad in ("urn:de:fim:leika:99010022001012", SEED_KEY, "urn:de:fim:leika:leistung:99 010"):
        with pytest.raises(leika.InvalidFormat):
            leika.from_urn(bad)
    with pytest.raises(leika.InvalidLength):
        leika.from_urn("urn:de:fim:leika:leistung:990100220010")


blocks = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@st.composite
def keys(draw: st.DrawFn) -> str:
    group, kennung, verrichtung = draw(blocks), draw(blocks), draw(blocks)
    detail = "000" if verrichtung == "000" else draw(blocks)
    return "99" + group + kennung + verrichtung + detail


@given(keys())
def test_format_validate_round_trip(key: str) -> None:
    assert leika.validate(leika.format(key)) == key
    assert leika.from_urn(leika.to_urn(key)) == key
    assert "".join(("99", *leika.split(key))) == key


@given(keys())
def test_parents_are_valid_and_one_level_up(key: str) -> None:
    order = [leika.Level.LO, leika.Level.LOV, leika.Level.LOVD]
    own = order.index(leika.level(key))
    ps = leika.parents(key)
    assert len(ps) == own
    for i, parent in enumerate(ps):
        assert leika.level(parent) == order[own - 1 - i]
        assert parent[:8] == key[:8]


@given(st.text(max_size=20))
def test_never_crashes(text: str) -> None:
    try:
        key = leika.validate(text)
    except leika.LeikaError:
        assert not leika.is_valid(text)
    else:
        assert len(key) == 14
