"""The version-neutral model: accessors, the stable JSON form (golden files), helpers."""

from __future__ import annotations

import datetime
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from xzufi_toolkit.model import (
    Code,
    Cost,
    CostModule,
    Extra,
    Identifier,
    Leistung,
    LocalizedText,
    TextModule,
    TransferEntry,
    normalize_language,
    to_jsonable,
)
from xzufi_toolkit.xzufi import default_path, load_default, read_leistung

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "xzufi" / "golden"


@pytest.mark.parametrize("version", ["2.2.0", "2.3.1"])
def test_json_form_matches_golden_file(version: str) -> None:
    """XML → model → JSON equals the stored file (regenerate: XZUFI_REGEN_GOLDEN=1)."""
    doc = read_leistung(default_path(version)).leistung.to_dict()
    golden = GOLDEN / f"99010022001012-{version}.json"
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if os.environ.get("XZUFI_REGEN_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_bundled_leistung_facts_from_the_seed() -> None:
    item = load_default()
    assert item.key == "99010022001012"
    assert item.source_editor == "Hessen"
    assert [c.code for c in item.typisierung] == ["2/3"]
    assert item.status_library is not None and item.status_library.code == "5"
    assert item.status_catalog is None  # seed: "unbestimmter Freigabestatus"
    assert item.structure is not None
    assert (item.structure.kind, item.structure.grouping, item.structure.action) == (
        "lov",
        Code(code="010", name="Aufenthaltstitel"),
        Code(code="1", name="Erteilung"),
    )
    assert [c.code for c in item.sdg_codes] == ["1040400"]
    assert [c.code for c in item.classifications] == ["1080100"]
    assert item.released_on == datetime.date(2022, 4, 5)
    assert item.released_by("de") == "Hessisches Ministerium des Innern und für Sport"
    assert item.released_by("en") == "Hessian Ministry of the Interior and Sport"
    fixed = sorted(c.amount for c in item.costs if c.kind == "fix" and c.amount is not None)
    assert fixed == [Decimal(50), Decimal(100)]
    assert [c.kind for c in item.costs].count("frei") == 1
    (dauer,) = item.processing_times
    assert (dauer.value, dauer.unit, dauer.value_to, dauer.unit_to) == (6, "WOCHE", 8, "WOCHE")
    (frist,) = item.deadlines
    assert (frist.value, frist.unit) == (3, "JAHR")
    assert item.personal_attendance_required is True
    # what the seed lacks stays out
    for code in ("03", "15", "25", "22"):
        assert item.text_module(code) is None
    assert item.origin_portals == []
    assert item.leistungsadressat == []


def test_seed_text_repairs() -> None:
    item = load_default()
    volltext = item.text("06", "en") or ""
    assert "Book II of the Social Code" in volltext and "Book Il" not in volltext
    assert "Ausländerbehörde" in (item.text("11", "en") or "")
    assert "<li>" in (item.text("08", "en") or "")
    assert "§ 25 Abs. 4 Satz 2" in (item.text("07", "de") or "")
    assert item.name("de") == (
        "Aufenthaltserlaubnis aus völkerrechtlichen, humanitären oder politischen Gründen"
        " Erteilung für außergewöhnliche Härtefälle"
    )
    for module in item.text_modules:
        assert {t.language for t in module.contents} == {"de", "en"}


def test_text_accessor_matches_regional_language_codes() -> None:
    item = Leistung(
        id=Identifier(value="x"),
        text_modules=[
            TextModule(code=Code(code="02"), contents=[LocalizedText(language="de-DE", text="A")])
        ],
    )
    assert item.text("02", "de") == "A"
    assert item.name("de-AT") == "A"
    assert item.name("en") is None
    assert item.text("06") is None
    assert item.key is None


@pytest.mark.parametrize(
    ("raw", "clean"), [("de-DE", "de"), ("EN", "en"), ("de_AT", "de"), (" fr ", "fr")]
)
def test_normalize_language(raw: str, clean: str) -> None:
    assert normalize_language(raw) == clean


def test_extra_tag() -> None:
    assert Extra(after=None, xml=b'<x:herausgeber xmlns:x="urn:a"/>').tag == "herausgeber"
    assert Extra(after="id", xml=b"\n <zusatz>t</zusatz>").tag == "zusatz"


def test_to_jsonable_is_exact_and_drops_empties() -> None:
    item = Leistung(
        id=Identifier(value="x", scheme_agency_id="L1"),
        cost_modules=[CostModule(costs=[Cost(kind="fix", amount=Decimal("0.10"))])],
    )
    doc = item.to_dict()
    assert doc == {
        "id": {"value": "x", "scheme_agency_id": "L1"},
        "cost_modules": [{"costs": [{"kind": "fix", "amount": "0.10"}]}],
    }
    entry = TransferEntry(op="loesche", klasse="Leistung", object_id="x", xml=b"<a/>")
    assert to_jsonable(entry) == {
        "op": "loesche",
        "klasse": "Leistung",
        "object_id": "x",
        "index": 0,
        "xml": "<a/>",
    }
