"""``form inspect --skeleton``: what a person needs to write a mapping, without guessing.

For every field: its kind, the label printed next to it (page text near the
widget), its tooltip, MaxLen and comb, and all options of radios and combos
with the value the form stores and the text it prints; a table from printed
text to stored value where they differ ("Rüde" -> "Ruede").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.form.inspect import inspect_form, mapping_skeleton
from xzufi_toolkit.form.labels import TextRun, nearest_text, with_labels
from xzufi_toolkit.form.mapping import load_mapping
from xzufi_toolkit.io.resources import form_file

ROOT = Path(__file__).resolve().parent.parent
FOREIGN = ROOT / "fixtures" / "forms" / "foreign" / "hundesteuer-anmeldung.pdf"

EXPECTED = {
    "Text1": ("text", "Name, Vorname"),
    "Text2": ("text", "Straße, Hausnummer"),
    "Text3": ("comb", "Postleitzahl"),
    "Text4": ("text", "Wohnort"),
    "Text5": ("text", "Rufname des Hundes"),
    "Optionsfeld1": ("radio", "Geschlecht"),
    "Dropdown1": ("combo", "Rasse"),
    "Text6": ("text", "Gehalten seit (TT.MM.JJJJ)"),
    "Kontrollkästchen1": ("checkbox", "Der Hund gilt als gefährlich (Listenhund)."),
    "Bemerkungen": ("multiline", "3. Bemerkungen"),
}


def _skeleton(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code = main(["form", "inspect", str(FOREIGN), "--skeleton", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_the_skeleton_lists_kind_label_tooltip_limits_and_every_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = json.loads(_skeleton(capsys))
    fields = doc["fields"]
    assert {n: (r["about"]["kind"], r["about"]["label"]) for n, r in fields.items()} == EXPECTED
    assert fields["Text1"]["about"]["tooltip"] == "Name und Vorname der Halterin"
    assert fields["Text3"]["about"].items() >= {"max_len": 5, "comb": True}.items()
    radio = fields["Optionsfeld1"]
    assert radio["about"]["options"] == [
        {"value": "Ruede", "text": "Rüde"},
        {"value": "Huendin", "text": "Hündin"},
    ]
    assert radio["table"] == {"Rüde": "Ruede", "Hündin": "Huendin"}
    combo = fields["Dropdown1"]
    assert [o["value"] for o in combo["about"]["options"]] == ["MIX", "LAB", "DSH", "DAC", "AND"]
    assert combo["table"]["Deutscher Schäferhund"] == "DSH" and len(combo["table"]) == 5
    assert fields["Kontrollkästchen1"]["transform"] == ["bool"]
    assert fields["Text6"]["transform"] == ["date"]  # the label asks for TT.MM.JJJJ
    assert all(rule["path"] is None for rule in fields.values())
    # the skeleton is a valid mapping as it stands (no rules until paths are set)
    assert load_mapping(json.dumps(doc).encode()).rules == ()


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_readable_review_of_the_same(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    out = _skeleton(capsys, "--format", fmt)
    for name, (kind, label) in EXPECTED.items():
        assert name in out and kind in out and label in out
    assert "Ruede = 'Rüde'" in out and "LAB = 'Labrador Retriever'" in out
    assert "max 5 comb" in out
    if fmt == "markdown":
        assert "| page | kind | field | printed label | tooltip | limits | options |" in out


def test_inspect_json_carries_labels_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["form", "inspect", str(FOREIGN), "--format", "json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert "label" not in plain["fields"][0]  # the fast path reads no page text
    assert main(["form", "inspect", str(FOREIGN)]) == 0
    assert "label: Name, Vorname" in capsys.readouterr().out


def test_the_bundled_form_s_labels_agree_with_its_tooltips() -> None:
    """On a form we know, the printed label is (the start of) each field's /TU."""
    data = form_file("aufenthalt-25-4-2.pdf").read_bytes()
    info = with_labels(data, inspect_form(data))
    fields = [f for f in info.fields if f.tooltip]
    agree = [f for f in fields if f.label and f.tooltip and f.tooltip.startswith(f.label[:12])]
    assert len(agree) >= 0.9 * len(fields), [(f.name, f.label) for f in fields if f not in agree]
    skeleton = mapping_skeleton(info, form_name="a.pdf")
    assert all("label" in r["about"] for r in skeleton["fields"].values())


def test_control_characters_in_field_names_do_not_reach_the_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import pikepdf

    pdf = pikepdf.open(FOREIGN)
    pdf.Root.AcroForm.Fields[0].T = pikepdf.String("Text\x1b[31m1\nxzufi: error: forged")
    out = tmp_path / "f.pdf"
    pdf.save(out)
    for fmt in ("text", "markdown"):
        assert main(["form", "inspect", str(out), "--format", fmt]) == 0
        text = capsys.readouterr().out
        assert "\x1b" not in text and "\nxzufi: error" not in text


def test_nearest_text_prefers_the_same_line_and_flush_labels_above() -> None:
    runs = [
        TextRun("Rasse", (50, 470, 80, 482)),
        TextRun("Rüde", (220, 500, 245, 512)),  # above, but not where the field starts
        TextRun("Bemerkungen", (300, 492, 360, 504)),  # above and flush with the field
    ]
    assert nearest_text(runs, (200, 468, 400, 486), sides=("left",)) == runs[0]
    assert nearest_text(runs, (300, 400, 500, 488), sides=("left",)) == runs[2]
    assert nearest_text(runs, (200, 400, 210, 410), sides=("right", "left")) is None


def test_labels_are_left_out_where_the_work_would_be_unbounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import xzufi_toolkit.form.labels as labels

    data = FOREIGN.read_bytes()
    info = inspect_form(data)
    monkeypatch.setattr(labels, "MAX_PAIRS", 10)
    assert labels.with_labels(data, info) == info  # no labels, no error
    monkeypatch.setattr(labels, "MAX_CHARS", 0)
    monkeypatch.setattr(labels, "MAX_PAIRS", 10**9)
    assert all(f.label is None for f in labels.with_labels(data, info).fields)
