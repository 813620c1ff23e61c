"""The version-neutral model of an XDatenfelder (FIM Datenfelder) schema.

One model for XDatenfelder 2 and 3.0.0: a :class:`Stammdatenschema` (``S…``) or
a single :class:`Datenfeldgruppe` (``G…``) is a tree of :class:`Struktur`
entries, each holding a cardinality (``anzahl``) and exactly one element, a
:class:`Datenfeldgruppe` or a :class:`Datenfeld` (``F…``). Groups and schemas
carry :class:`Regel` (``R…``) rules.

How to read it (for code that builds on it: JSON Schema, XSD, forms, data):

- Everything is frozen (``frozen=True, slots=True``) and hashable; the tree is
  made of tuples.
- *Absent* and *empty* differ on purpose, so that writing back is lossless:
  a text metadata value is ``None`` when its element is absent and ``""`` when
  it is present but empty (``<xdf:beschreibung/>``).
- Coded values (``feldart``, ``datentyp``, ``status``, …) are kept as
  :class:`Code` with their ``listURI``/``listVersionID`` attributes. Typed
  views are properties: :attr:`Datenfeld.kind` (:class:`Feldart`) and
  :attr:`Datenfeld.data_type` (:class:`Datentyp`), ``None`` for codes the
  standard does not know (the checker reports those).
- A cardinality is kept as its text (:attr:`Struktur.anzahl`, e.g. ``"1:*"``);
  :attr:`Struktur.cardinality` parses it into :class:`Cardinality` with
  ``max=None`` for ``*`` (``None`` as a whole when the text is malformed).
- :class:`Praezisierung` keeps its raw key/value pairs (JSON text in v2,
  attributes in v3) and offers typed views: ``min_length``, ``max_length``
  (``int``), ``min_value``, ``max_value`` (``Decimal``), ``pattern``, and the
  ``unknown`` keys. Malformed values read as ``None``; the checker reports them.
- Elements the reader does not know are kept as :class:`Extra` (the verbatim
  XML and its place among the known siblings), so nothing is lost.
- ``line`` fields are source lines for findings; they do not take part in
  equality.

Use :func:`walk` to visit every element with its JSON-style path of ids, and
:func:`label` for the text a form or message shows for an element.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

__all__ = [
    "NAMESPACES",
    "Bezug",
    "Cardinality",
    "Code",
    "CodelisteReferenz",
    "Datenfeld",
    "Datenfeldgruppe",
    "Datentyp",
    "Element",
    "Extra",
    "Feldart",
    "Header",
    "Identifikation",
    "MessageType",
    "Metadaten",
    "Praezisierung",
    "Regel",
    "Relation",
    "Stammdatenschema",
    "Struktur",
    "XdfDocument",
    "XdfVersion",
    "label",
    "parse_anzahl",
    "walk",
]


class XdfVersion(StrEnum):
    """The XDatenfelder versions the toolkit reads and writes."""

    V2 = "2"
    V3 = "3.0.0"


NAMESPACES: dict[XdfVersion, str] = {
    XdfVersion.V2: "urn:xoev-de:fim:standard:xdatenfelder_2",
    XdfVersion.V3: "urn:xoev-de:fim:standard:xdatenfelder_3.0.0",
}


class MessageType(StrEnum):
    """The message (root element) names; the same in v2 and v3."""

    STAMMDATENSCHEMA = "xdatenfelder.stammdatenschema.0102"
    DATENFELDGRUPPE = "xdatenfelder.datenfeldgruppe.0103"


class Feldart(StrEnum):
    """Code list ``xdatenfelder.feldart``: how a field is shown."""

    INPUT = "input"
    SELECT = "select"
    LABEL = "label"
    HIDDEN = "hidden"
    LOCKED = "locked"


class Datentyp(StrEnum):
    """Code list ``xdatenfelder.datentyp``: what a field's value is."""

    TEXT = "text"
    DATE = "date"
    BOOL = "bool"
    NUM = "num"
    NUM_INT = "num_int"
    NUM_CURRENCY = "num_currency"
    FILE = "file"
    OBJ = "obj"


@dataclass(frozen=True, slots=True)
class Identifikation:
    """``identifikation/{id, version}``; an element is addressed by both."""

    id: str
    version: str | None = None

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id} {self.version}"


@dataclass(frozen=True, slots=True)
class Code:
    """A coded value (``<xdf:feldart listURI=… listVersionID=…><code>input</code>``)."""

    code: str
    list_uri: str | None = None
    list_version_id: str | None = None


@dataclass(frozen=True, slots=True)
class Cardinality:
    """``anzahl`` parsed: ``min`` occurrences, ``max`` (``None`` = unbounded, ``*``)."""

    min: int
    max: int | None

    @property
    def optional(self) -> bool:
        return self.min == 0

    @property
    def repeated(self) -> bool:
        return self.max is None or self.max > 1

    def __str__(self) -> str:
        return f"{self.min}:{'*' if self.max is None else self.max}"


_ANZAHL = re.compile(r"([0-9]{1,9}):([0-9]{1,9}|\*)")


def parse_anzahl(text: str) -> Cardinality | None:
    """``"min:max"`` → :class:`Cardinality`; ``None`` when malformed (e.g. ``"1-2"``).

    ``min > max`` still parses; the checker reports it.
    """
    m = _ANZAHL.fullmatch(text.strip())
    if m is None:
        return None
    hi = m.group(2)
    return Cardinality(int(m.group(1)), None if hi == "*" else int(hi))


@dataclass(frozen=True, slots=True)
class Bezug:
    """A legal reference (free text); v3 may add a ``link`` attribute."""

    text: str
    link: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """v3 ``relation/{praedikat/code, objekt/{id, version}}``."""

    praedikat: Code
    objekt: Identifikation


@dataclass(frozen=True, slots=True)
class Extra:
    """An element the reader does not know, kept verbatim.

    ``position`` is how many known sibling elements preceded it; the writer
    puts it back there.
    """

    position: int
    xml: bytes


@dataclass(frozen=True, slots=True)
class Metadaten:
    """The metadata every element may carry (union of v2 and v3).

    v2 only: ``status``, ``freigabedatum``. v3 only: ``freigabestatus``,
    ``status_gesetzt_am``/``_durch``, ``gueltig_ab``/``_bis``,
    ``letzte_aenderung``, ``stichwort``, ``relation``, and on a
    Stammdatenschema ``bezeichnung``/``hilfetext`` (v2 uses
    ``bezeichnungEingabe``/``hilfetextEingabe`` there too).
    """

    name: str | None = None
    bezeichnung_eingabe: str | None = None
    bezeichnung_ausgabe: str | None = None
    beschreibung: str | None = None
    definition: str | None = None
    bezug: tuple[Bezug, ...] = ()
    status: Code | None = None
    freigabestatus: Code | None = None
    status_gesetzt_am: str | None = None
    status_gesetzt_durch: str | None = None
    gueltig_ab: str | None = None
    gueltig_bis: str | None = None
    fachlicher_ersteller: str | None = None
    versionshinweis: str | None = None
    freigabedatum: str | None = None
    veroeffentlichungsdatum: str | None = None
    letzte_aenderung: str | None = None
    schemaelementart: Code | None = None
    hilfetext_eingabe: str | None = None
    hilfetext_ausgabe: str | None = None
    bezeichnung: str | None = None  # v3 Stammdatenschema: its one label
    hilfetext: str | None = None  # v3 Stammdatenschema: its one help text
    stichwort: tuple[str, ...] = ()
    relation: tuple[Relation, ...] = ()


_MAX_EXPONENT = 30
# praezisierung keys the standard defines; anything else is "unknown".
PRAEZISIERUNG_KEYS: tuple[str, ...] = ("minLength", "maxLength", "minValue", "maxValue", "pattern")


@dataclass(frozen=True, slots=True)
class Praezisierung:
    """A field's constraints, kept raw with typed views.

    ``items`` are the key/value pairs in document order (v2: the JSON object's
    members with values as strings; v3: the attributes). ``text`` is the v2
    element text verbatim (``None`` in v3); ``json_error`` says why that text
    is not a JSON object (then ``items`` is empty).
    """

    items: tuple[tuple[str, str], ...] = ()
    text: str | None = None
    json_error: str | None = None

    @classmethod
    def of(
        cls,
        *,
        min_length: int | None = None,
        max_length: int | None = None,
        min_value: Decimal | int | str | None = None,
        max_value: Decimal | int | str | None = None,
        pattern: str | None = None,
        v2: bool = False,
    ) -> Praezisierung:
        """Build one from typed values; ``v2=True`` also renders the JSON text."""
        pairs = (
            ("minLength", min_length),
            ("maxLength", max_length),
            ("minValue", min_value),
            ("maxValue", max_value),
            ("pattern", pattern),
        )
        items = tuple((k, str(v)) for k, v in pairs if v is not None)
        text = json.dumps(dict(items), ensure_ascii=False, separators=(",", ":")) if v2 else None
        return cls(items=items, text=text)

    def get(self, key: str) -> str | None:
        for k, v in self.items:
            if k == key:
                return v
        return None

    def _int(self, key: str) -> int | None:
        raw = self.get(key)
        if raw is None or not re.fullmatch(r"\s*[0-9]{1,9}\s*", raw):
            return None
        return int(raw)

    def _dec(self, key: str) -> Decimal | None:
        raw = self.get(key)
        if raw is None:
            return None
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            return None
        # a bound like 1e999999 is no constraint but would make a huge int or an
        # infinite float downstream: read it as malformed
        if not value.is_finite() or not -_MAX_EXPONENT <= value.adjusted() <= _MAX_EXPONENT:
            return None
        return value

    @property
    def min_length(self) -> int | None:
        return self._int("minLength")

    @property
    def max_length(self) -> int | None:
        return self._int("maxLength")

    @property
    def min_value(self) -> Decimal | None:
        return self._dec("minValue")

    @property
    def max_value(self) -> Decimal | None:
        return self._dec("maxValue")

    @property
    def pattern(self) -> str | None:
        return self.get("pattern")

    @property
    def unknown(self) -> tuple[tuple[str, str], ...]:
        """Pairs whose key the standard does not define (kept, reported by the checker)."""
        return tuple((k, v) for k, v in self.items if k not in PRAEZISIERUNG_KEYS)

    @property
    def empty(self) -> bool:
        return not self.items and not (self.text or "").strip()


@dataclass(frozen=True, slots=True)
class CodelisteReferenz:
    """A ``select`` field's code list: genericode identification (contents are external).

    v2 nests it (``identifikation/id``, ``genericodeIdentification/…``); v3 has
    the three genericode children directly and no ``id``.
    """

    id: str | None = None
    canonical_identification: str | None = None
    version: str | None = None
    canonical_version_uri: str | None = None


@dataclass(frozen=True, slots=True)
class Regel:
    """A rule. ``definition`` (v2) / ``freitext_regel`` (v3) is prose for a human;
    ``script`` is an expression the toolkit never executes."""

    identifikation: Identifikation
    meta: Metadaten = field(default_factory=Metadaten)
    freitext_regel: str | None = None
    script: str | None = None
    typ: Code | None = None
    extras: tuple[Extra, ...] = ()
    line: int | None = field(default=None, compare=False)

    @property
    def text(self) -> str:
        """The rule's prose (v3 ``freitextRegel``, else ``definition``), ``""`` if none."""
        return self.freitext_regel or self.meta.definition or ""


@dataclass(frozen=True, slots=True)
class Datenfeld:
    """A data field (``F…``)."""

    identifikation: Identifikation
    meta: Metadaten = field(default_factory=Metadaten)
    feldart: Code | None = None
    datentyp: Code | None = None
    praezisierung: Praezisierung | None = None
    inhalt: str | None = None
    codeliste_referenz: CodelisteReferenz | None = None
    # v3 only
    vorbefuellung: Code | None = None
    code_key: str | None = None
    name_key: str | None = None
    help_key: str | None = None
    max_size: str | None = None
    media_type: tuple[str, ...] = ()
    regeln: tuple[Regel, ...] = ()
    extras: tuple[Extra, ...] = ()
    line: int | None = field(default=None, compare=False)

    @property
    def kind(self) -> Feldart | None:
        """The field kind, ``None`` when absent or not a code of the standard."""
        code = self.feldart.code if self.feldart else ""
        return Feldart(code) if code in Feldart._value2member_map_ else None

    @property
    def data_type(self) -> Datentyp | None:
        """The data type, ``None`` when absent or not a code of the standard."""
        code = self.datentyp.code if self.datentyp else ""
        return Datentyp(code) if code in Datentyp._value2member_map_ else None


@dataclass(frozen=True, slots=True)
class Struktur:
    """One child slot of a group or schema: cardinality text and the element."""

    anzahl: str
    element: Datenfeld | Datenfeldgruppe
    bezug: tuple[Bezug, ...] = ()
    extras: tuple[Extra, ...] = ()
    line: int | None = field(default=None, compare=False)

    @property
    def cardinality(self) -> Cardinality | None:
        return parse_anzahl(self.anzahl)


@dataclass(frozen=True, slots=True)
class Datenfeldgruppe:
    """A group of fields and groups (``G…``)."""

    identifikation: Identifikation
    meta: Metadaten = field(default_factory=Metadaten)
    art: Code | None = None  # v3: rechtliche/semantische Gruppe
    regeln: tuple[Regel, ...] = ()
    struktur: tuple[Struktur, ...] = ()
    extras: tuple[Extra, ...] = ()
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Stammdatenschema:
    """A whole application's data schema (``S…``)."""

    identifikation: Identifikation
    meta: Metadaten = field(default_factory=Metadaten)
    ableitungsmodifikationen_struktur: Code | None = None
    ableitungsmodifikationen_repraesentation: Code | None = None
    regeln: tuple[Regel, ...] = ()
    struktur: tuple[Struktur, ...] = ()
    extras: tuple[Extra, ...] = ()
    line: int | None = field(default=None, compare=False)


Element = Datenfeld | Datenfeldgruppe | Stammdatenschema


@dataclass(frozen=True, slots=True)
class Header:
    """The message header."""

    nachricht_id: str | None = None
    erstellungszeitpunkt: str | None = None
    extras: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class XdfDocument:
    """One XDatenfelder message: version, message type, header and its content.

    ``prefix`` is the namespace prefix the source used (``"xdf"``; ``None`` for
    a default namespace), so the writer can give the same bytes back.
    """

    version: XdfVersion
    message_type: MessageType
    header: Header | None
    content: Stammdatenschema | Datenfeldgruppe
    prefix: str | None = "xdf"
    extras: tuple[Extra, ...] = ()

    @property
    def schema(self) -> Stammdatenschema | Datenfeldgruppe:
        return self.content


def label(element: Element | Regel) -> str:
    """What a form shows: ``bezeichnungEingabe`` (v3 schema: ``bezeichnung``), else
    ``name``, else the id."""
    meta = element.meta
    for text in (meta.bezeichnung_eingabe, meta.bezeichnung, meta.name):
        if text and text.strip():
            return text.strip()
    return element.identifikation.id


def walk(
    root: Stammdatenschema | Datenfeldgruppe, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Struktur]]:
    """Every :class:`Struktur` below ``root`` depth-first, with the ids leading to it.

    The path ends with the entry's own element id. Callers that must resist
    cyclic input rely on the reader's depth limit (a model is a finite tree).
    """
    for entry in root.struktur:
        here = (*path, entry.element.identifikation.id)
        yield here, entry
        if isinstance(entry.element, Datenfeldgruppe):
            yield from walk(entry.element, here)
