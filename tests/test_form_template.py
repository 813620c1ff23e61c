"""The bundled form: generated reproducibly, pinned by the mapping, matching the Leistung."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from xzufi_toolkit.form import inspect_form, mapping_skeleton
from xzufi_toolkit.form.mapping import check_mapping, load_mapping
from xzufi_toolkit.io.resources import form_file

ROOT = Path(__file__).resolve().parent.parent
FORM = form_file("aufenthalt-25-4-2.pdf")
MAPPING = form_file("aufenthalt-25-4-2.mapping.json")
DESCRIPTION = form_file("aufenthalt-25-4-2.form.json")


@pytest.fixture(scope="module")
def info() -> Any:
    return inspect_form(FORM.read_bytes(), file=str(FORM))


def test_mapping_is_pinned_to_the_template(info: Any) -> None:
    mapping = load_mapping(MAPPING.read_bytes(), file=str(MAPPING))
    assert mapping.form == FORM.name
    assert mapping.form_sha256 == hashlib.sha256(FORM.read_bytes()).hexdigest()
    assert check_mapping(mapping, info) == []


def test_mapping_and_template_disagree_when_the_form_changes(info: Any) -> None:
    from dataclasses import replace

    mapping = load_mapping(MAPPING.read_bytes())
    other = replace(info, sha256="f" * 64, fields=info.fields[1:], by_name={})
    codes = {f.code for f in check_mapping(mapping, other)}
    assert codes == {"FORM-MAPPING-HASH", "FORM-MAPPING-FIELD"}


def test_every_fillable_field_is_mapped(info: Any) -> None:
    mapping = load_mapping(MAPPING.read_bytes())
    mapped = {r.field for r in mapping.rules}
    fillable = {f.name for f in info.fields if f.kind not in ("signature", "button")}
    # computed by the case check (pipeline.clerk_values): the fee and the minor's box;
    # the legal representative's fields come from the case, the signatures stay for the hand
    computed = {"gebuehr", "minderjaehrig"}
    assert {"vertretung_name", "vertretung_art", "vertretung_anschrift"} <= mapped
    assert fillable == mapped | computed
    assert not mapped & computed


def test_generator_reproduces_the_committed_pdf() -> None:
    spec = importlib.util.spec_from_file_location("make_form", ROOT / "scripts" / "make_form.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    form_id, pdf = module.build(DESCRIPTION)
    assert f"{form_id}.pdf" == FORM.name
    assert hashlib.sha256(pdf).hexdigest() == hashlib.sha256(FORM.read_bytes()).hexdigest()


def test_form_has_every_field_kind(info: Any) -> None:
    kinds = {f.kind for f in info.fields}
    assert {"text", "date", "comb", "multiline", "checkbox", "radio", "combo"} <= kinds
    assert 2 <= info.pages <= 3
    assert not info.xfa and not info.need_appearances
    postcode = info.field("postleitzahl")
    assert postcode.comb and postcode.max_len == 5
    assert info.field("pass_gueltig_bis").date_format == "dd.mm.yyyy"
    assert set(info.field("geschlecht").on_states) == {
        "weiblich",
        "maennlich",
        "divers",
        "keine_Angabe",
    }
    assert info.field("unterlage_lichtbild").on_states == ("Ja",)
    signature = info.field("unterschrift")  # unsigned, over the drawn box, for pyHanko & co.
    assert signature.kind == "signature" and signature.page == 3


def test_combo_offers_every_familienstand_code() -> None:
    mapping = json.loads(MAPPING.read_text(encoding="utf-8"))
    codes = json.loads(
        (ROOT / "xzufi_toolkit" / "data" / "codelists" / "familienstand.json").read_text("utf-8")
    )["codes"]
    table = mapping["tables"]["familienstand"]
    assert set(table) == {c["code"] for c in codes}
    for c in codes:  # German label of the code list starts each option
        assert table[c["code"]].startswith(c["name"]["de"] + " / ")


# Module 08 (Erforderliche Unterlagen) of Leistung 99010022001012 as the FIM export lists it
MODULE_08 = {
    "unterlage_aufenthaltstitel": "Presentation of the currently valid residence permit",
    "unterlage_lichtbild": "current biometric photo",
    "unterlage_identitaet": "Proof of identity",
    "unterlage_arbeitsvertrag": "Employment contract or binding job offer",
    "unterlage_berufserlaubnis": "for regulated professions",
    "unterlage_krankenversicherung": "Proof of your health insurance",
    "unterlage_mietvertrag": "Lease",
}


def test_checklist_matches_module_08_of_the_seed(info: Any, sources_dir: Path) -> None:
    seed = (sources_dir / "seed" / "000_e212b9124acdb818.txt").read_text(encoding="utf-8")
    section = seed.split("Erforderliche Unterlagen", 1)[1].split("Voraussetzungen", 1)[0]
    items = [i for i in re.split(r"\n\s*[*»•+]\s*", " " + section) if i.strip()]
    assert len(items) == len(MODULE_08) == 7
    for phrase in MODULE_08.values():
        assert phrase.lower() in " ".join(section.split()).lower()
    checklist = [f.name for f in info.fields if f.name.startswith("unterlage_")]
    assert checklist == list(MODULE_08)
    desc = json.loads(DESCRIPTION.read_text(encoding="utf-8"))
    labels = {
        f["name"]: f["en"]
        for page in desc["pages"]
        for block in page
        for row in block.get("rows", [])
        for f in row
        if "name" in f
    }
    identity = labels["unterlage_identitaet"].lower()
    for doc in ("passport", "id card", "birth certificate", "marriage certificate", "citizenship"):
        assert doc in identity


def test_checklist_codes_follow_nachweisart(info: Any) -> None:
    mapping = load_mapping(MAPPING.read_bytes())
    rules = {r.field: r for r in mapping.rules}
    assert [rules[n].value for n in MODULE_08] == ["01", "02", "03", "04", "05", "06", "07"]


def test_skeleton_lists_fillable_fields(info: Any) -> None:
    skel = mapping_skeleton(info, form_name="x.pdf")
    assert skel["form_sha256"] == info.sha256
    assert "geschlecht" in skel["fields"]
    assert skel["fields"]["pass_gueltig_bis"]["transform"] == ["date"]
    load_mapping(json.dumps(skel).encode())  # a skeleton is a valid (empty) mapping
