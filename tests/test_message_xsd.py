"""The message XSD and reader on data: goldens, invalid messages, code lists, second engine."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from xzufi_toolkit.case import read_case_file
from xzufi_toolkit.errors import InputError, ValidationFailedError
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.io.resources import fixture_file, schema_file
from xzufi_toolkit.message import (
    NAMESPACE,
    Message,
    MessageHeader,
    Participant,
    SummaryDocument,
    build_message,
    read_message,
    read_message_file,
)
from xzufi_toolkit.message.codes import code_ref
from xzufi_toolkit.message.schema import XSD_PATH

GOLDEN = sorted(fixture_file("cases", "messages").glob("*.xml"))
INVALID = Path(__file__).resolve().parent.parent / "fixtures" / "cases" / "invalid" / "messages"
BAD = sorted(INVALID.glob("*.xml"))
XS = "{http://www.w3.org/2001/XMLSchema}"


# The order the goldens were generated in: it numbers their UUIDs.
ORDER = ["adult-employed", "minor", "sgb2-exempt", "regulated-profession", "minor-parents"]


def _golden_message(name: str) -> Message:
    """The message a golden file was built from: fixed header, fixed ids."""
    i = ORDER.index(name)
    summary = None
    if name == "adult-employed":  # one golden carries the summary document
        summary = SummaryDocument(
            f"0a1b2c3d-4e5f-4a6b-8c7d-{i:012d}", f"antrag-{name}.pdf", "0" * 128
        )
    header = MessageHeader(
        nachrichten_uuid=f"6f0e4c2a-9b1d-4e8f-a{i}3c-5d7e9f1a2b4c",
        erstellungszeitpunkt=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC),
        leser=Participant("psw:00000000", "Zuständige Ausländerbehörde (Beispiel)"),
        autor=Participant("psw:99999999", "Online-Dienst (Beispiel)", "DVDV FIT-Connect"),
        produktversion=None,
    )
    case = read_case_file(fixture_file("cases", f"{name}.json"))
    return Message(case=case, header=header, zusammenfassung=summary)


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_golden_messages(path: Path) -> None:
    message = _golden_message(path.stem)
    assert build_message(message) == path.read_bytes()
    assert read_message_file(str(path)) == message


def test_every_bundled_case_has_a_golden_message() -> None:
    cases = {p.stem for p in fixture_file("cases").glob("*.json")}
    assert {p.stem for p in GOLDEN} == cases


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_second_engine_agrees(path: Path) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(schema_file(*XSD_PATH)))
    assert schema.is_valid(str(path))


def test_invalid_corpus_is_complete() -> None:
    assert len(BAD) >= 10
    assert all(p.with_suffix(".expected.json").is_file() for p in BAD)


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_invalid_message(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    data = path.read_bytes()
    if "error" in expected:
        with pytest.raises(InputError, match=expected["error"]) as info:
            read_message(data, file=path.name)
        assert not isinstance(info.value, ValidationFailedError)
        assert info.value.file == path.name
        return
    with pytest.raises(ValidationFailedError) as failed:
        read_message(data, file=path.name)
    report = failed.value.report
    codes = {f.code for f in report}  # type: ignore[attr-defined]  # report is typed object in errors.py
    assert codes == set(expected["findings"])
    for f in report:  # type: ignore[attr-defined]  # see above
        assert f.location.file == path.name and f.location.line
        if "must_not_contain" in expected:
            assert expected["must_not_contain"] not in f.message


def test_values_show_only_when_asked() -> None:
    data = (INVALID / "bad-postcode.xml").read_bytes()
    with pytest.raises(ValidationFailedError) as failed:
        read_message(data, show_values=True)
    assert any("6O316" in f.message for f in failed.value.report)  # type: ignore[attr-defined]  # see above


def test_date_with_time_zone_is_read() -> None:
    text = (
        GOLDEN[0]
        .read_text(encoding="utf-8")
        .replace(
            "<aa:antragsdatum>2026-11-02</aa:antragsdatum>",
            "<aa:antragsdatum>2026-11-02+01:00</aa:antragsdatum>",
        )
    )
    assert read_message(text.encode()).case.datum == dt.date(2026, 11, 2)


def _fixed_code_lists() -> dict[str, tuple[str, str | None]]:
    xsd = xmlsafe.parse_file(schema_file(*XSD_PATH))
    out: dict[str, tuple[str, str | None]] = {}
    for ct in xsd.getroot().iter(f"{XS}complexType"):
        name = ct.get("name", "")
        if not name.startswith("Code."):
            continue
        attrs = {a.get("name"): a.get("fixed") for a in ct.iter(f"{XS}attribute")}
        out[name] = (attrs["listURI"] or "", attrs["listVersionID"])
    return out


@pytest.mark.parametrize(
    ("code_type", "short_name"),
    [
        ("Code.Nachrichtentyp", "nachrichtentyp"),
        ("Code.Verzeichnisdienst", "verzeichnisdienst"),
        ("Code.Geschlecht", "geschlecht"),
        ("Code.Staatsangehoerigkeit", "staatsangehoerigkeit"),
        ("Code.Familienstand", "familienstand"),
        ("Code.Erreichbarkeit", "erreichbarkeit"),
        ("Code.Ausweisdokument", "ausweisdokumente"),
        ("Code.Aufenthaltstitelart", "aufenthaltstitelart"),
        ("Code.AZRAufenthaltserlaubnis", "aufenthaltserlaubnis"),
        ("Code.Antragsgrund", "antragsgrund"),
        ("Code.Gegenstand", "gegenstand"),
        ("Code.Nachweisart", "nachweisart"),
        ("Code.Vertretungsart", "vertretungsart"),
    ],
)
def test_xsd_fixes_the_pinned_list_versions(code_type: str, short_name: str) -> None:
    ref = code_ref(short_name)
    assert _fixed_code_lists()[code_type] == (ref.uri, ref.version)


def test_namespace_is_the_projects_own() -> None:
    assert NAMESPACE.startswith("urn:xzufi-toolkit:")
    xsd = xmlsafe.parse_file(schema_file(*XSD_PATH))
    assert xsd.getroot().get("targetNamespace") == NAMESPACE
    assert not any(host in etree.tostring(xsd).decode() for host in ("xoev.de/schemata", "osci.de"))
