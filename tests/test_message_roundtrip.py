"""Property tests: case → message → case and case → JSON → case lose nothing.

Cases are generated inside the JSON Schema, with DIN 91379 text drawn from the
packaged character table, combining sequences included (``"C̆"``, ``"Ł̣"`` …).
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xzufi_toolkit.case import dump_case, iter_schema_findings, load_case
from xzufi_toolkit.case.checks import DIN_FIELDS
from xzufi_toolkit.io.resources import data_file
from xzufi_toolkit.message import (
    Message,
    MessageHeader,
    Participant,
    SummaryDocument,
    build_message,
    read_message,
)
from xzufi_toolkit.reference import codelists, din91379

_TABLE = json.loads(data_file("din91379.json").read_text(encoding="utf-8"))


def _glyphs(datatype: din91379.DataType) -> list[str]:
    out: set[str] = set()
    for group in din91379.DATATYPE_GROUPS[datatype]:
        g = _TABLE["groups"][group]
        for entry in [*g["chars"], *g["sequences"]]:
            out.add("".join(chr(int(cp, 16)) for cp in entry.split()))
    return sorted(out)


GLYPHS = {
    dt_: _glyphs(dt_) for dt_ in (din91379.DataType.A, din91379.DataType.B, din91379.DataType.C)
}
SEQUENCES_A = [g for g in GLYPHS[din91379.DataType.A] if len(g) > 1]


def din_text(
    datatype: din91379.DataType, max_glyphs: int, max_len: int, *, exclude: str = ""
) -> st.SearchStrategy[str]:
    alphabet = [g for g in GLYPHS[datatype] if not set(g) & set(exclude)]
    return (
        st.lists(st.sampled_from(alphabet), min_size=1, max_size=max_glyphs)
        .map("".join)
        .filter(lambda s: len(s) <= max_len and unicodedata.is_normalized("NFC", s))
    )


A = din_text(din91379.DataType.A, 8, 120)
# a name that certainly holds a combining sequence
A_SEQ = (
    st.tuples(A, st.sampled_from(SEQUENCES_A), A)
    .map("".join)
    .filter(lambda s: len(s) <= 120 and unicodedata.is_normalized("NFC", s))
)
B40 = din_text(din91379.DataType.B, 10, 40)
B55 = din_text(din91379.DataType.B, 12, 55)
B255 = din_text(din91379.DataType.B, 12, 255)
C = din_text(din91379.DataType.C, 30, 10000)
FILENAME = din_text(din91379.DataType.B, 12, 255, exclude="/\\")
DATE = st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat)
PARTIAL = st.one_of(DATE, DATE.map(lambda d: d[:7]), DATE.map(lambda d: d[:4]))
UUID = st.uuids(version=4).map(str)
SHA = st.binary(min_size=64, max_size=64).map(bytes.hex)
DOCNO = st.from_regex(r"[A-Z0-9]{1,20}", fullmatch=True)


def code(short: str) -> st.SearchStrategy[str]:
    return st.sampled_from(codelists.get(short).codes)


def money(low: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(Decimal(low), Decimal("10000"), places=2, allow_nan=False)


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


PHONE = st.from_regex(r"\+?[0-9][0-9 /()-]{2,29}", fullmatch=True)
EMAIL = st.from_regex(r"[a-z0-9.]{1,12}@[a-z]{1,12}\.[a-z]{2,6}", fullmatch=True)


@st.composite
def person_names(draw: st.DrawFn) -> dict[str, Any]:
    return _drop_none(
        {
            "familienname": draw(st.one_of(A, A_SEQ)),
            "vornamen": draw(_opt(A_SEQ)),
            "geburtsname": draw(_opt(A)),
            "rufname": draw(_opt(A)),
        }
    )


@st.composite
def addresses(draw: st.DrawFn) -> dict[str, Any]:
    return _drop_none(
        {
            "strasse": draw(B55),
            "hausnummer": draw(_opt(st.from_regex(r"[1-9][0-9]{0,3}[a-z]?", fullmatch=True))),
            "postleitzahl": draw(st.from_regex(r"[0-9]{5}", fullmatch=True)),
            "wohnort": draw(B40),
            "zusatzangaben": draw(_opt(B55)),
        }
    )


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    employed = draw(st.booleans())
    antragsteller = {
        "name": draw(person_names()),
        "geschlecht": draw(code("geschlecht")),
        "geburt": _drop_none(
            {
                "datum": draw(PARTIAL),
                "ort": draw(_opt(B40)),
                "staat": draw(_opt(code("staatsangehoerigkeit"))),
            }
        ),
        "staatsangehoerigkeiten": draw(
            st.lists(code("staatsangehoerigkeit"), min_size=1, max_size=4, unique=True)
        ),
        "familienstand": draw(code("familienstand")),
        "anschrift": draw(addresses()),
        "telefon": draw(_opt(PHONE)),
        "email": draw(_opt(EMAIL)),
    }
    # optional, and generated for adults too: the message must carry it either way
    vertreter = draw(
        _opt(
            st.fixed_dictionaries(
                {
                    "name": person_names(),
                    "art": st.sampled_from(["01", "02", "03", "04"]),
                    "anschrift": _opt(addresses()),
                    "telefon": _opt(PHONE),
                    "email": _opt(EMAIL),
                }
            ).map(_drop_none)
        )
    )
    unterlagen = [
        _drop_none(
            {
                "dokumentId": draw(UUID),
                "art": draw(st.sampled_from(["01", "02", "03", "04", "05", "06", "07", "99"])),
                "dateiname": draw(FILENAME),
                "mimeType": draw(
                    st.sampled_from(["application/pdf", "image/jpeg", "image/png", "image/tiff"])
                ),
                "sha512": draw(SHA),
                "bezeichnung": draw(_opt(B255)),
            }
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    return {
        "schemaVersion": "1.0",
        "leistungsschluessel": "99010022001012",
        "antragId": draw(UUID),
        "antragsteller": _drop_none(antragsteller),
        **({} if vertreter is None else {"gesetzlicherVertreter": vertreter}),
        "ausweisdokument": _drop_none(
            {
                "art": draw(code("ausweisdokumente")),
                "nummer": draw(DOCNO),
                "ausstellungsstaat": draw(code("staatsangehoerigkeit")),
                "ausstellendeBehoerde": draw(_opt(B255)),
                "ausgestelltAm": draw(_opt(DATE)),
                "gueltigBis": draw(DATE),
            }
        ),
        "aufenthaltstitel": _drop_none(
            {
                "art": draw(code("aufenthaltstitelart")),
                "azrCode": draw(code("aufenthaltserlaubnis")),
                "eatNummer": draw(_opt(DOCNO)),
                "ausstellendeBehoerde": draw(B255),
                "gueltigAb": draw(_opt(DATE)),
                "gueltigBis": draw(DATE),
                "nebenbestimmungen": draw(_opt(C)),
            }
        ),
        "antrag": {
            "grund": draw(code("antragsgrund")),
            "gegenstand": draw(code("gegenstand")),
            "rechtsgrundlage": draw(code("aufenthaltserlaubnis")),
            "ersteEinreise": draw(DATE),
            "beantragteDauerMonate": draw(st.integers(1, 120)),
            "begruendungHaertefall": draw(C),
        },
        "lebensunterhalt": _drop_none(
            {
                "erwerbstaetig": employed,
                "arbeitgeber": draw(B255) if employed else draw(_opt(B255)),
                "beschaeftigtSeit": draw(DATE) if employed else draw(_opt(DATE)),
                "nettoeinkommenMonatlich": draw(_opt(money("0"))),
                "reglementierterBeruf": draw(st.booleans()),
                "leistungenSgbII": draw(st.booleans()),
                "leistungenSgbXII": draw(st.booleans()),
                "krankenversicherung": draw(B255),
            }
        ),
        "wohnraum": {"groesseQm": draw(money("0.01")), "mietvertrag": draw(st.booleans())},
        "erklaerungen": {
            "ausweisungsinteresse": draw(st.booleans()),
            "einreiseUndAufenthaltsverbot": draw(st.booleans()),
        },
        "unterlagen": unterlagen,
        "ort": draw(B40),
        "datum": draw(DATE),
    }


@st.composite
def headers(draw: st.DrawFn) -> MessageHeader:
    def party() -> Participant:
        return Participant(
            kennung=draw(st.from_regex(r"[a-z]{1,8}:[0-9A-Za-z]{1,12}", fullmatch=True)),
            name=draw(B255),
            verzeichnisdienst=draw(code("verzeichnisdienst")),
        )

    zone = draw(
        st.sampled_from(
            [
                dt.UTC,
                dt.timezone(dt.timedelta(hours=1)),
                dt.timezone(dt.timedelta(hours=-5, minutes=-30)),
            ]
        )
    )
    return MessageHeader(
        nachrichten_uuid=draw(UUID),
        erstellungszeitpunkt=draw(
            st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2099, 1, 1), timezones=st.just(zone))
        ),
        leser=party(),
        autor=party(),
        test=draw(st.sampled_from([None, True, False])),
    )


SUMMARY = st.builds(SummaryDocument, dokument_id=UUID, dateiname=FILENAME, sha512=SHA)

SETTINGS = settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(data=cases())
def test_generated_cases_are_schema_and_din_valid(data: dict[str, Any]) -> None:
    assert list(iter_schema_findings(data)) == []
    case = load_case(data)
    from xzufi_toolkit.case.checks import _INDEX, iter_text_fields

    for path, text in iter_text_fields(case):
        datatype = DIN_FIELDS.get(_INDEX.sub("[*]", path))
        if datatype is not None:
            assert din91379.is_valid(text, datatype), path


@SETTINGS
@given(data=cases(), header=headers(), summary=st.one_of(st.none(), SUMMARY))
def test_case_to_message_to_case_is_lossless(
    data: dict[str, Any], header: MessageHeader, summary: SummaryDocument | None
) -> None:
    case = load_case(data)
    message = Message(case=case, header=header, zusammenfassung=summary)
    assert read_message(build_message(message)) == message


@SETTINGS
@given(data=cases())
def test_case_to_json_to_case_is_lossless(data: dict[str, Any]) -> None:
    case = load_case(data)
    assert load_case(dump_case(case)) == case
