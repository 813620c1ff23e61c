"""Code lists: every list declares a version, lookups, the JSON matches its CSV sources."""

from __future__ import annotations

import doctest
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xzufi_toolkit.errors import InputError, UsageError
from xzufi_toolkit.findings import Severity
from xzufi_toolkit.io.resources import data_file
from xzufi_toolkit.reference import codelists
from xzufi_toolkit.reference.codelists import UNVERSIONED, CodeList

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "scripts" / "codelist-sources"

# (short name, listURI, version) as the reference notes give them.
PINNED = [
    ("textmodul", "urn:de:xzufi:codeliste:leistungstextmodulleika", UNVERSIONED),
    ("typisierung", "urn:de:fim:leika:typisierung", UNVERSIONED),
    ("freigabestatus", "urn:xoev-de:xprozess:codeliste:status", UNVERSIONED),
    ("sdg", "urn:xoev-de:fim:codeliste:sdginformationsbereich", UNVERSIONED),
    ("pvlagen", "urn:xoev-de:fim:codeliste:pvlagen", UNVERSIONED),
    ("geschlecht", "urn:xoev-de:xinneres:codeliste:geschlecht", "1"),
    (
        "staatsangehoerigkeit",
        "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsangehoerigkeit",
        "2024-08-01",
    ),
    ("antragsgrund", "urn:xoev-de:xauslaender:codeliste:ozg.antragsgrund", "4"),
    ("gegenstand", "urn:de:xauslaender:codelist:aufenthaltsantrag:gegenstand", "2"),
    ("aufenthaltserlaubnis", "urn:de:xauslaender:codelist:azr:aufenthaltserlaubnis", "17"),
    ("ausweisdokumente", "urn:de:dsmeld:schluesseltabelle:pass.und.ausweisdokumente", "5"),
    ("erreichbarkeit", "urn:de:xoev:codeliste:erreichbarkeit", "3"),
    ("verzeichnisdienst", "urn:xoev-de:kosit:codeliste:verzeichnisdienst", "3"),
]

# (list, code, German name or None where the notes confirm no meaning)
NAMES = [
    ("textmodul", "02", "Leistungsbezeichnung"),
    ("textmodul", "25", "Rechtsbehelf"),
    ("typisierung", "2/3", "Bund regelt, Land/Kommune vollzieht"),
    ("typisierung", "8", None),
    ("freigabestatus", "5", "fachlich freigegeben (silber)"),
    ("leistungsadressat", "003", None),
    ("kostentyp", "018", None),
    (
        "sdg",
        "1040400",
        "Anforderungen in Bezug auf Aufenthaltskarten für Unionsbürger und "
        "ihre Familienmitglieder, einschließlich Familienmitglieder, die keine Unionsbürger sind",
    ),
    ("leistungsgruppierung", "010", "Aufenthaltstitel"),
    ("pvlagen", "1080100", "Einwanderung"),
    ("staatsangehoerigkeit", "000", "deutsch"),
    ("staatsangehoerigkeit", "998", "ungeklärt"),
    ("antragsgrund", "02", "Verlängerung"),
    ("aufenthaltserlaubnis", "029", "§ 25 Abs. 4 S. 1 AufenthG"),
    ("aufenthaltstitelart", "03", None),
    ("familienstand", "LE", "Lebenspartnerschaft für tot erklärt"),
]

INCOMPLETE = {
    "staat",  # state names only for the Staatsangehörigkeit codes the notes give
    "sdg",
    "leistungsgruppierung",
    "verrichtung",
    "pvlagen",
    "staatsangehoerigkeit",
    "aufenthaltserlaubnis",
    "aufenthaltstitelart",
    "ausweisdokumente",
    "erreichbarkeit",
}


def test_doctests() -> None:
    result = doctest.testmod(codelists)
    assert result.attempted >= 4
    assert result.failed == 0


def test_all_requested_lists_are_there() -> None:
    names = {cl.short_name for cl in codelists.all_lists()}
    assert names == {
        "textmodul", "typisierung", "freigabestatus", "leistungsadressat", "vertrauensniveau",
        "zeiteinheit", "kostentyp", "fristtyp", "sdg", "leistungsgruppierung", "verrichtung",
        "pvlagen", "zugangskanal", "detaillierungsstufe", "dokumenttyp", "einheitlichestelletyp",
        "geschlecht", "staatsangehoerigkeit", "antragsgrund", "gegenstand",
        "aufenthaltserlaubnis", "aufenthaltstitelart", "ausweisdokumente", "erreichbarkeit",
        "verzeichnisdienst", "familienstand", "staat",
    }  # fmt: skip


def test_every_list_declares_a_version_or_says_it_has_none() -> None:
    for cl in codelists.all_lists():
        assert cl.version.strip(), cl.short_name
        assert cl.versioned == (cl.version != UNVERSIONED)
        if cl.versioned:
            assert "unversioned" not in cl.version
        assert cl.source
        assert len(cl) > 0


@pytest.mark.parametrize(("short", "uri", "version"), PINNED)
def test_uri_and_version(short: str, uri: str, version: str) -> None:
    cl = codelists.get(short)
    assert cl.uri == uri
    assert cl.version == version
    assert codelists.get(uri) is cl
    assert codelists.get(uri.upper()) is cl


@pytest.mark.parametrize(("short", "code", "name"), NAMES)
def test_names(short: str, code: str, name: str | None) -> None:
    cl = codelists.get(short)
    assert code in cl
    assert cl.name(code) == name
    assert cl.name(code, "de-DE") == name


def test_english_only_where_given() -> None:
    sdg = codelists.get("urn:xoev-de:fim:codeliste:sdginformationsbereich")
    assert (
        sdg.name(
            "1040400",
            "en",
        )
        is not None
    )
    assert sdg.name("1040400", "en").startswith("requirements related to residence cards")
    assert codelists.get("geschlecht").name("m", "en") is None


def test_completeness_flags() -> None:
    for cl in codelists.all_lists():
        assert cl.complete == (cl.short_name not in INCOMPLETE), cl.short_name
        expected = Severity.ERROR if cl.complete else Severity.WARNING
        assert cl.unknown_code_severity is expected


def test_exact_code_sets_from_the_notes() -> None:
    assert tuple(codelists.get("fristtyp")) == ("001", "002", "003", "005", "006", "009")
    assert tuple(codelists.get("vertrauensniveau")) == ("00", "10", "15", "20", "30", "40")
    assert len(codelists.get("kostentyp")) == 18
    assert tuple(codelists.get("geschlecht")) == ("m", "w", "d", "x")
    assert set(codelists.get("aufenthaltserlaubnis")) == {
        "026", "027", "036", "028", "029", "032", "030"
    }  # fmt: skip
    assert "1040400" in codelists.get("sdg")
    assert "ARBEITSTAG" in codelists.get("zeiteinheit")


def test_membership_is_exact() -> None:
    cl = codelists.get("textmodul")
    assert "7" not in cl  # codes are strings compared exactly: 07, not 7
    assert 7 not in cl
    assert None not in cl


def test_unknown_list() -> None:
    assert codelists.find("urn:example:nope") is None
    with pytest.raises(UsageError, match="unknown code list"):
        codelists.get("urn:example:nope")


def test_lookup_keys_do_not_collide() -> None:
    seen: dict[str, str] = {}
    for cl in codelists.all_lists():
        for key in {k.lower() for k in (cl.short_name, cl.uri, *cl.aliases) if k}:
            assert key not in seen, (key, seen.get(key), cl.short_name)
            seen[key] = cl.short_name


def test_json_equals_fresh_generation_from_sources() -> None:
    fresh = codelists.build_from_sources(SOURCES)
    folder = data_file("codelists")
    packaged = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.json")}
    assert packaged == fresh


def test_bad_sources_raise_input_errors(tmp_path: Path) -> None:
    shutil.copytree(SOURCES, tmp_path / "src")
    src = tmp_path / "src"
    (src / "geschlecht.csv").write_text("code,name_de,name_en\nm,a,\nm,b,\n", encoding="utf-8")
    with pytest.raises(InputError, match="repeated code"):
        codelists.build_from_sources(src)
    (src / "geschlecht.csv").unlink()
    with pytest.raises(InputError, match="cannot read"):
        codelists.build_from_sources(src)


codes = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1)


@given(st.dictionaries(codes, st.text(max_size=30), min_size=1, max_size=8), st.booleans())
def test_json_writer_reader_round_trip(entries: dict[str, str], complete: bool) -> None:
    head = {
        "short_name": "x",
        "uri": "urn:example:x",
        "aliases": [],
        "version": "1",
        "complete": complete,
        "title": "X",
        "source": "test",
    }
    rows = [{"code": c, "name": {"de": n}} if n else {"code": c} for c, n in entries.items()]
    cl = codelists._from_json(json.loads(codelists._dump(head, rows)))
    assert isinstance(cl, CodeList)
    assert cl.codes == tuple(entries)
    for c, n in entries.items():
        assert c in cl
        assert cl.name(c) == (n or None)


def test_lists_are_hashable_values() -> None:
    cl = codelists.get("geschlecht")
    assert {cl: 1}[cl] == 1
    assert cl == codelists._from_json(
        json.loads(data_file("codelists", "geschlecht.json").read_text(encoding="utf-8"))
    )
