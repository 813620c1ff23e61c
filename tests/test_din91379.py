"""DIN 91379: the whole character list, real names, the table's freshness, properties."""

from __future__ import annotations

import doctest
import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xzufi_toolkit.errors import UsageError
from xzufi_toolkit.io.resources import data_file
from xzufi_toolkit.reference import din91379
from xzufi_toolkit.reference.din91379 import DataType

# Transcribed independently from reference/din91379/README.md (DIN 91379:2022-08).
GROUPS_OF = {
    "A": {"bll", "bnlreq"},
    "B": {"bll", "bnlreq", "bnl"},
    "C": {"bll", "bnlreq", "bnl", "bnlopt", "bnlnot"},
    "D": {"bll", "bnlreq", "bnl", "bnlopt", "gl", "enl"},
    "E": {"bll", "bnlreq", "bnl", "bnlopt", "bnlnot", "gl", "cl", "enl"},
}

TABLE = json.loads(data_file("din91379.json").read_text(encoding="utf-8"))


def _s(cps: str) -> str:
    return "".join(chr(int(c, 16)) for c in cps.split())


ENTRIES = [
    (group, cps)
    for group, body in TABLE["groups"].items()
    for cps in body["chars"] + body["sequences"]
]


def test_doctests() -> None:
    result = doctest.testmod(din91379)
    assert result.attempted >= 5
    assert result.failed == 0


def test_table_counts_match_the_reference() -> None:
    # README.md: 777 single code points, 147 sequences.
    assert sum(len(g["chars"]) for g in TABLE["groups"].values()) == 777
    assert sum(len(g["sequences"]) for g in TABLE["groups"].values()) == 147
    assert TABLE["source"]["name"] == "String.Latin+ 1.2"
    assert TABLE["source"]["published"] == "2020-01-16"


def test_table_equals_fresh_regeneration(sources_dir: Path) -> None:
    source = sources_dir / "din91379" / "latinchars.xml"
    fresh = din91379.dump_table(din91379.derive_table(source))
    assert data_file("din91379.json").read_text(encoding="utf-8") == fresh


def test_whole_list_against_every_datatype() -> None:
    wrong = []
    for group, cps in ENTRIES:
        glyph = _s(cps)
        for dt, groups in GROUPS_OF.items():
            expected = group in groups
            if din91379.is_valid(glyph, dt) != expected:
                wrong.append((cps, group, dt, "alone"))
            # Inside a name, after a space (so NFC cannot compose a mark with a letter).
            if din91379.is_valid("Ab " + glyph + " c", dt) != expected:
                wrong.append((cps, group, dt, "embedded"))
            if (din91379.check(glyph, dt) is None) != expected:
                wrong.append((cps, group, dt, "check"))
    assert wrong == []
    assert len(ENTRIES) == 924


def test_combining_marks_alone_are_invalid_everywhere() -> None:
    marks = TABLE["groups"]["dc"]["chars"]
    assert len(marks) == 19
    for cps in marks:
        mark = _s(cps)
        assert unicodedata.combining(mark)
        for dt in "ABCDE":
            result = din91379.check("Anna " + mark, dt)
            assert result is not None
            assert result.position == 5
            assert result.code_point == f"U+{int(cps, 16):04X}"
            assert result.allowed_in == ()


@pytest.mark.parametrize(
    ("name", "valid_in"),
    [
        ("Łukasz Wiśniewski", "ABCDE"),
        ("Nguyễn Thị Minh Khai", "ABCDE"),
        ("Ştefănescu", "ABCDE"),  # S with cedilla
        ("Ștefănescu", "ABCDE"),  # S with comma below
        ("Zoë O'Brien-Müller", "ABCDE"),
        ("Dragan Đorđević", "ABCDE"),
        ("Σοφία Παπαδοπούλου", "DE"),
        ("Александр Пушкин", "E"),
        ("Hauptstraße 12a", "BCDE"),  # digits are N2
        ("Zeile eins\nZeile zwei", "CE"),  # line feed is N4
    ],
)
def test_names(name: str, valid_in: str) -> None:
    for dt in "ABCDE":
        assert din91379.is_valid(name, dt) == (dt in valid_in), dt
        assert (din91379.check(name, dt) is None) == (dt in valid_in), dt


def test_decomposed_input_is_normalised_first() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Minh Khai")
    assert decomposed != din91379.normalize(decomposed)
    assert din91379.is_valid(decomposed, "A")
    assert not din91379.is_valid(decomposed, "A", require_nfc=True)
    result = din91379.check(decomposed, "A", require_nfc=True)
    assert result is not None
    assert result.reason == "not-nfc"
    assert result.position == 4
    assert "NFC" in result.describe()


def test_check_reports_first_invalid_glyph_without_the_value() -> None:
    result = din91379.check("Anna Иванова", DataType.A)
    assert result is not None
    assert (result.position, result.code_point) == (5, "U+0418")
    assert result.name == "CYRILLIC CAPITAL LETTER I"
    assert result.allowed_in == (DataType.E,)
    assert "Иванова" not in result.describe()
    emoji = din91379.check("Anna 😀", "E")
    assert emoji is not None
    assert emoji.name == "GRINNING FACE"
    assert emoji.allowed_in == ()


def test_datatype_names() -> None:
    assert din91379.is_valid("Anna", "datatypeA")
    assert din91379.is_valid("Anna", "a")
    with pytest.raises(UsageError, match="data type"):
        din91379.is_valid("Anna", "F")


def test_empty_string_is_valid() -> None:
    for dt in "ABCDE":
        assert din91379.check("", dt) is None


def test_transliterate_every_latin_letter_to_a_z() -> None:
    for cps in TABLE["groups"]["bll"]["chars"] + TABLE["groups"]["bll"]["sequences"]:
        assert re.fullmatch("[A-Z]+", din91379.transliterate(_s(cps))), cps
    assert din91379.transliterate("Łukasz Wiśniewski") == "LUKASZ WISNIEWSKI"
    assert din91379.transliterate("Straße") == "STRASSE"
    assert din91379.transliterate("Ægir Øster") == "AEGIR OESTER"


def test_table_info_pins_the_source() -> None:
    info = din91379.table_info()
    assert info["release"] == "1.2"
    assert re.fullmatch("[0-9a-f]{64}", info["sha256"])


# --- properties: the regex checker agrees with a plain greedy splitter ---

_SEQS = sorted((_s(cps) for _, cps in ENTRIES if " " in cps), key=lambda s: (-len(s), s))
_ALL = [_s(cps) for _, cps in ENTRIES]


def _naive_valid(s: str, dt: str) -> bool:
    allowed = {_s(cps) for group, cps in ENTRIES if group in GROUPS_OF[dt]}
    text = unicodedata.normalize("NFC", s)
    i = 0
    while i < len(text):
        glyph = next((q for q in _SEQS if text.startswith(q, i)), text[i])
        if glyph not in allowed:
            return False
        i += len(glyph)
    return True


names = st.lists(st.one_of(st.sampled_from(_ALL), st.characters(codec="utf-8")), max_size=12).map(
    "".join
)


@settings(max_examples=300)
@given(names, st.sampled_from("ABCDE"))
def test_checker_agrees_with_naive_greedy_split(s: str, dt: str) -> None:
    valid = din91379.is_valid(s, dt)
    assert valid == _naive_valid(s, dt)
    result = din91379.check(s, dt)
    assert (result is None) == valid
    if result is not None:
        text = din91379.normalize(s)
        assert din91379.is_valid(text[: result.position], dt)
        assert result.code_point == f"U+{ord(text[result.position]):04X}"


@given(names)
def test_glyphs_reassemble_the_nfc_string(s: str) -> None:
    assert "".join(din91379.glyphs(s)) == din91379.normalize(s)


@given(names)
def test_table_json_round_trip(s: str) -> None:
    # dump_table is the writer of the derived table; its reader is json.loads.
    table = {"source": {"name": s}, "groups": {}, "names": {}, "icao": {"0041": s}}
    assert json.loads(din91379.dump_table(table)) == table


def test_derive_table_refuses_bad_sources(tmp_path: Path) -> None:
    from xzufi_toolkit.errors import InputError, UnsafeXmlError

    with pytest.raises(InputError, match="cannot read"):
        din91379.derive_table(tmp_path / "missing.xml")
    doctype = tmp_path / "doctype.xml"
    doctype.write_text('<!DOCTYPE x [<!ENTITY e "e">]><characterSet/>', encoding="utf-8")
    with pytest.raises(UnsafeXmlError):
        din91379.derive_table(doctype)
    other = tmp_path / "other.xml"
    other.write_text("<other/>", encoding="utf-8")
    with pytest.raises(InputError, match=r"not a latinchars\.xml"):
        din91379.derive_table(other)
    nogroup = tmp_path / "nogroup.xml"
    nogroup.write_text(
        '<characterSet xmlns="http://xoev.de/latinchars"><char group="zz"><cp>0041</cp></char>'
        "</characterSet>",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="known group") as info:
        din91379.derive_table(nogroup)
    assert info.value.line == 1
