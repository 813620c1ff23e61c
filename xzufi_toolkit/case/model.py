"""The typed case model of an application for Leistung 99010022001012.

Attribute names are the JSON keys of the published schema
(``schemas/case/aufenthalt-antrag-case.schema.json``), so a JSON path in a
finding names the attribute a programmer reads. Full dates are
:class:`datetime.date`, partly known dates stay strings (``YYYY``,
``YYYY-MM``, ``YYYY-MM-DD``), amounts are :class:`~decimal.Decimal` so that
JSON → message → JSON loses no digit. Optional fields are ``None`` when absent;
lists are tuples so that cases are hashable and immutable.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "Anschrift",
    "Antrag",
    "Antragsteller",
    "Aufenthaltstitel",
    "Ausweisdokument",
    "Case",
    "Erklaerungen",
    "Geburt",
    "GesetzlicherVertreter",
    "Lebensunterhalt",
    "Name",
    "Unterlage",
    "Wohnraum",
    "case_from_dict",
    "case_to_dict",
]

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True, slots=True, kw_only=True)
class Name:
    familienname: str
    vornamen: str | None = None
    geburtsname: str | None = None
    rufname: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Geburt:
    datum: str  # partly known: YYYY, YYYY-MM or YYYY-MM-DD
    ort: str | None = None
    staat: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Anschrift:
    strasse: str
    hausnummer: str | None = None
    postleitzahl: str
    wohnort: str
    zusatzangaben: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Antragsteller:
    name: Name
    geschlecht: str
    geburt: Geburt
    staatsangehoerigkeiten: tuple[str, ...]
    familienstand: str
    anschrift: Anschrift
    telefon: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GesetzlicherVertreter:
    """Who applies for a minor; ``art`` is a code of the project list vertretungsart."""

    name: Name
    art: str
    anschrift: Anschrift | None = None
    telefon: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Ausweisdokument:
    art: str
    nummer: str
    ausstellungsstaat: str
    ausstellendeBehoerde: str | None = None
    ausgestelltAm: dt.date | None = None
    gueltigBis: dt.date


@dataclass(frozen=True, slots=True, kw_only=True)
class Aufenthaltstitel:
    art: str
    azrCode: str
    eatNummer: str | None = None
    ausstellendeBehoerde: str
    gueltigAb: dt.date | None = None
    gueltigBis: dt.date
    nebenbestimmungen: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Antrag:
    grund: str
    gegenstand: str
    rechtsgrundlage: str
    ersteEinreise: dt.date
    beantragteDauerMonate: int
    begruendungHaertefall: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Lebensunterhalt:
    erwerbstaetig: bool
    arbeitgeber: str | None = None
    beschaeftigtSeit: dt.date | None = None
    nettoeinkommenMonatlich: Decimal | None = None
    reglementierterBeruf: bool
    leistungenSgbII: bool
    leistungenSgbXII: bool
    krankenversicherung: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Wohnraum:
    groesseQm: Decimal
    mietvertrag: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Erklaerungen:
    ausweisungsinteresse: bool
    einreiseUndAufenthaltsverbot: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Unterlage:
    dokumentId: str
    art: str
    dateiname: str
    mimeType: str
    sha512: str
    bezeichnung: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """One application; ``datum`` is the application date (date of signing)."""

    schemaVersion: str = SCHEMA_VERSION
    leistungsschluessel: str
    antragId: str
    antragsteller: Antragsteller
    gesetzlicherVertreter: GesetzlicherVertreter | None = None
    ausweisdokument: Ausweisdokument
    aufenthaltstitel: Aufenthaltstitel
    antrag: Antrag
    lebensunterhalt: Lebensunterhalt
    wohnraum: Wohnraum
    erklaerungen: Erklaerungen
    unterlagen: tuple[Unterlage, ...]
    ort: str
    datum: dt.date


# --- generic conversion between schema-valid JSON values and the model -------


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _strip_optional(tp: Any) -> Any:
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0]
    return tp


def _from_json(tp: Any, value: Any) -> Any:
    tp = _strip_optional(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _object_from_json(tp, value)
    if typing.get_origin(tp) is tuple:
        (item,) = typing.get_args(tp)[:1]
        return tuple(_from_json(item, v) for v in value)
    if tp is dt.date:
        return dt.date.fromisoformat(value)
    if tp is Decimal:
        # str() of a float is its shortest round-tripping form: 48.5 stays 48.5
        return Decimal(str(value))
    return value


def _object_from_json(cls: type[Any], data: dict[str, Any]) -> Any:
    hints = _hints(cls)
    kwargs = {
        f.name: _from_json(hints[f.name], data[f.name])
        for f in dataclasses.fields(cls)
        if f.name in data
    }
    return cls(**kwargs)


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _to_json(v)
            for f in dataclasses.fields(value)
            if (v := getattr(value, f.name)) is not None
        }
    if isinstance(value, tuple):
        return [_to_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and value.as_tuple().exponent == 0
            else float(value)
        )
    return value


def case_from_dict(data: dict[str, Any]) -> Case:
    """The model of a schema-valid case (see :func:`xzufi_toolkit.case.load_case`)."""
    case: Case = _object_from_json(Case, data)
    return case


def case_to_dict(case: Case) -> dict[str, Any]:
    """The JSON value of ``case``; absent optional fields are left out."""
    out: dict[str, Any] = _to_json(case)
    return out
