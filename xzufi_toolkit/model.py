"""A typed, version-neutral model of an XZuFi Leistung (service description).

One model serves XZuFi 2.2.0 and 2.3.1: readers fill it, writers render it in
either version (see :mod:`xzufi_toolkit.xzufi`). Conventions:

- every repeating XZuFi element is a ``list``; optional single ones are ``None``;
- every XÖV code value is a :class:`Code` (``code``, ``name``, ``listURI``,
  ``listVersionID``), every id an :class:`Identifier` with its scheme attributes;
- multilingual strings are lists of :class:`LocalizedText` (one per language);
  text module contents are HTML held as text, exactly as XZuFi carries them;
- amounts are :class:`~decimal.Decimal`, dates :class:`datetime.date`
  (``gueltigkeit`` begin/end stay strings: xs:dateTime as written);
- elements the model does not know are kept as :class:`Extra` (serialized XML
  plus the name of the element they followed) on the object that owned them,
  and written back at the same place, so a round trip loses nothing.

``Leistung.to_dict()`` is the stable JSON form of ``xzufi show --format json``
(documented in ``docs/xzufi.md``). The model never imports lxml.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # typing only: the model never imports lxml
    from xzufi_toolkit.xzufi.objects import Loeschung, TransferObject

_TAG = re.compile(rb"\s*<(?:[^\s/>:]+:)?([^\s/>:]+)")
#: field metadata: how the XML was written, not part of the JSON form
_NOT_JSON = {"json": False}

__all__ = [
    "TEXT_MODULE_NAMES",
    "UNIT_NAMES",
    "ActionForm",
    "Category",
    "CategoryClass",
    "Code",
    "Cost",
    "CostModule",
    "Duration",
    "DurationModule",
    "Extra",
    "Identifier",
    "IndividualTextModule",
    "LanguageVersion",
    "Leistung",
    "Lexical",
    "LexicalForm",
    "LexicalKind",
    "Link",
    "LocalizedText",
    "ModuleBase",
    "OriginPortal",
    "ReleaseModule",
    "Structure",
    "StructureKind",
    "Term",
    "TermModule",
    "TextModule",
    "TransferEntry",
    "TransferMessage",
    "Validity",
    "VersionInfo",
    "normalize_language",
    "to_jsonable",
    "unit_name",
]

StructureKind = Literal["lo", "lov", "lovd"]
#: How a Verrichtung is written: ``code`` ``verrichtung/code`` (the API model's
#: shape), ``wrapped`` ``verrichtung/verrichtungLeiKa/code`` (real 2.2.0 files),
#: ``leika`` ``verrichtungLeiKa/code`` (2.3.1).
ActionForm = Literal["code", "wrapped", "leika"]
#: How a normalised text was compared on writing back (see :class:`LexicalForm`).
LexicalKind = Literal["token", "int", "bool", "decimal", "date"]
TransferOp = Literal["schreibe", "loesche"]

# Text module codes (list urn:de:xzufi:codeliste:leistungstextmodulleika).
TEXT_MODULE_NAMES: dict[str, str] = {
    "02": "Leistungsbezeichnung",
    "03": "Leistungsbezeichnung II",
    "05": "Kurztext",
    "06": "Volltext",
    "07": "Rechtsgrundlage(n)",
    "08": "Erforderliche Unterlagen",
    "09": "Voraussetzungen",
    "11": "Verfahrensablauf",
    "14": "Formulare",
    "15": "Weiterführende Informationen",
    "16": "Hinweise (Besonderheiten)",
    "18": "Urheber",
    "22": "Zuständige Stelle",
    "23": "Ansprechpunkt",
    "24": "Teaser",
    "25": "Rechtsbehelf",
}


#: Zeiteinheit codes in words (singular, plural) for the languages pages are shown in.
UNIT_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "de": {
        "JAHR": ("Jahr", "Jahre"),
        "MONAT": ("Monat", "Monate"),
        "WOCHE": ("Woche", "Wochen"),
        "TAG": ("Tag", "Tage"),
        "WERKTAG": ("Werktag", "Werktage"),
        "ARBEITSTAG": ("Arbeitstag", "Arbeitstage"),
        "STUNDE": ("Stunde", "Stunden"),
        "MINUTE": ("Minute", "Minuten"),
        "SEKUNDE": ("Sekunde", "Sekunden"),
    },
    "en": {
        "JAHR": ("year", "years"),
        "MONAT": ("month", "months"),
        "WOCHE": ("week", "weeks"),
        "TAG": ("day", "days"),
        "WERKTAG": ("working day", "working days"),
        "ARBEITSTAG": ("business day", "business days"),
        "STUNDE": ("hour", "hours"),
        "MINUTE": ("minute", "minutes"),
        "SEKUNDE": ("second", "seconds"),
    },
}


def unit_name(unit: str | None, n: int, lang: str = "de") -> str:
    """A Zeiteinheit code in words for ``n`` (``WOCHE``, 8 → ``Wochen``/``weeks``);
    an unknown code as it is."""
    names = UNIT_NAMES.get(normalize_language(lang), UNIT_NAMES["de"]).get(unit or "")
    if names is None:
        return unit or ""
    return names[0] if n == 1 else names[1]


def normalize_language(code: str) -> str:
    """``de-DE`` → ``de``, ``EN`` → ``en``: the primary subtag, lower case."""
    return code.strip().split("-")[0].split("_")[0].lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class Extra:
    """An element the model does not know, kept verbatim for writing back.

    ``after`` is the local name of the element it followed inside its owner
    (``None``: it came first), so the writer puts it back at the same place;
    ``nth`` says which of the elements of that name it followed (1-based;
    ``None``: the last one).
    """

    after: str | None
    xml: bytes
    nth: int | None = None

    @property
    def tag(self) -> str:
        """Local name of the kept element (cheap scan, no parsing)."""
        m = _TAG.match(self.xml)
        return m.group(1).decode("utf-8", "replace") if m else ""


@dataclass(slots=True, kw_only=True)
class LocalizedText:
    """One language version of a string (``StringLocalized``/``HtmlStringLocalized``).

    ``language`` is normalised (``de``); ``language_written`` keeps the code as
    the file wrote it (``de-DE``) when that differs, and writers write it back.
    """

    language: str
    text: str
    language_written: str | None = None


@dataclass(slots=True, kw_only=True)
class Code:
    """An XÖV code value: ``code``/``name`` children, ``listURI``/``listVersionID``."""

    code: str
    name: str | None = None
    list_uri: str | None = None
    list_version_id: str | None = None


@dataclass(slots=True, kw_only=True)
class Identifier:
    """An XZuFi ``Identifikator``; unique only together with ``scheme_agency_id``."""

    value: str
    scheme_agency_id: str | None = None
    scheme_agency_name: str | None = None
    scheme_data_uri: str | None = None
    scheme_id: str | None = None
    scheme_name: str | None = None
    scheme_uri: str | None = None
    scheme_version_id: str | None = None


@dataclass(slots=True, kw_only=True)
class Link:
    """``weiterfuehrenderLink`` (HyperlinkErweitert).

    Real files carry ``languageCode`` as an attribute, the API model as a child
    element: ``language_attribute`` says which, ``language_written`` keeps the
    code as written when it differs from the normalised ``language``.
    """

    uri: str
    language: str | None = None
    language_written: str | None = None
    language_attribute: bool = False
    title: str | None = None
    description: str | None = None
    position: int | None = None


@dataclass(slots=True, kw_only=True)
class Validity:
    """``gueltigkeit`` (Zeitraum): begin/end as written (xs:dateTime), notes."""

    begin: str | None = None
    end: str | None = None
    notes: list[LocalizedText] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class ModuleBase:
    """What every XZuFi module carries besides its content.

    ``access_channel`` is 2.3.1's ``zugangskanal`` (a code; absent in 2.2.0).
    """

    access_channel: Code | None = None
    position: int | None = None
    id: Identifier | None = None
    secondary_ids: list[Identifier] = field(default_factory=list)
    validity: list[Validity] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class TextModule(ModuleBase):
    """``modulText``: a LeiKa text module, ``code`` 02…25 (see ``TEXT_MODULE_NAMES``)."""

    code: Code
    alt_titles: list[LocalizedText] = field(default_factory=list)
    contents: list[LocalizedText] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def content(self, lang: str) -> str | None:
        """The HTML content in ``lang`` (``de`` matches ``de-DE``), or ``None``."""
        return _pick(self.contents, lang)


@dataclass(slots=True, kw_only=True)
class IndividualTextModule(ModuleBase):
    """``modulTextIndividuell``: a text module of an editorial office's own type."""

    type: Code
    contents: list[LocalizedText] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Cost:
    """One ``kosten`` entry: fixed (``amount``), free, or variable (lower/upper).

    ``kind`` says which choice XZuFi's ``kostenauswahl`` holds; ``None`` when the
    entry has only a description. ``cost_link`` is ``linkKostenbildung`` (2.2.0:
    a URI; 2.3.1: a hyperlink, of which the URI and title are kept).
    """

    type: Code | None = None
    kind: Literal["fix", "frei", "variabel"] | None = None
    amount: Decimal | None = None
    currency: str | None = None
    free_description: list[LocalizedText] = field(default_factory=list)
    lower: Decimal | None = None
    lower_currency: str | None = None
    upper: Decimal | None = None
    upper_currency: str | None = None
    variable_description: list[LocalizedText] = field(default_factory=list)
    description: list[LocalizedText] = field(default_factory=list)
    prepayment: bool | None = None
    cost_links: list[Link] = field(default_factory=list)
    position: int | None = None
    validity: list[Validity] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class CostModule(ModuleBase):
    """``modulKosten`` (2.2.0: at most one; 2.3.1: any number)."""

    costs: list[Cost] = field(default_factory=list)
    description: list[LocalizedText] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Duration:
    """``bearbeitungsdauer`` (FristOhneTyp) or ``frist`` (FristMitTyp, ``type`` set).

    Either a span (``value`` ``unit`` up to ``value_to`` ``unit_to``; units are
    Zeiteinheit codes JAHR, MONAT, WOCHE, TAG, WERKTAG, ARBEITSTAG, STUNDE,
    MINUTE, SEKUNDE) or a fixed date range (``date_from``/``date_to``: a
    :class:`datetime.date`, or the text as written for MonatTag values like
    ``--05-01``).
    """

    type: Code | None = None
    value: int | None = None
    unit: str | None = None
    value_to: int | None = None
    unit_to: str | None = None
    date_from: datetime.date | str | None = None
    date_to: datetime.date | str | None = None
    description: list[LocalizedText] = field(default_factory=list)
    position: int | None = None
    validity: list[Validity] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class DurationModule(ModuleBase):
    """``modulBearbeitungsdauer`` or ``modulFrist``: ``items`` and a description."""

    items: list[Duration] = field(default_factory=list)
    description: list[LocalizedText] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Term:
    """``begriffImKontext``: a term (one language) and its type code."""

    term: LocalizedText
    type: Code | None = None
    extras: list[Extra] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class TermModule(ModuleBase):
    """``modulBegriffImKontext``."""

    terms: list[Term] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class ReleaseModule(ModuleBase):
    """``modulFachlicheFreigabe``: released on ``date`` by ``by`` (localized)."""

    date: datetime.date | None = None
    by: list[LocalizedText] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class OriginPortal(ModuleBase):
    """``modulUrsprungsportal``: the portal the description comes from."""

    language: str
    uri: str
    title: str | None = None
    #: as :class:`Link`: ``languageCode`` attribute (real files) or element.
    language_written: str | None = None
    language_attribute: bool = False


@dataclass(slots=True, kw_only=True)
class CategoryClass:
    """``kategorie/klasse``: the class of a category (id and labels)."""

    id: Identifier | None = None
    labels: list[LocalizedText] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Category:
    """``kategorie``: a portal category the Leistung is filed under.

    The fields are a read view. ``xml`` is the element as read, written back
    verbatim (its child order is not known from a source, so it is not
    rebuilt); without ``xml`` writers build it from the fields.
    """

    id: Identifier | None = None
    parent_id: Identifier | None = None
    labels: list[LocalizedText] = field(default_factory=list)
    descriptions: list[LocalizedText] = field(default_factory=list)
    classes: list[CategoryClass] = field(default_factory=list)
    xml: bytes | None = None


@dataclass(slots=True, kw_only=True)
class VersionInfo:
    """``versionsinformation`` (2.2.0) / ``versionsinformationen`` (2.3.1).

    Values are kept as written (xs:dateTime text). ``tag`` is the element name
    as read, so a same-version round trip keeps it.
    """

    created: str | None = None
    created_by: str | None = None
    changed: str | None = None
    changed_by: str | None = None
    version: str | None = None
    tag: str | None = None
    extras: list[Extra] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class LanguageVersion:
    """``sprachversion``: a language the description is published in.

    ``language_code`` is kept as written (``de-DE`` stays).
    """

    language_code: str
    name_german: str | None = None
    name_native: str | None = None
    extras: list[Extra] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class LexicalForm:
    """How one element was written where the model's view normalises it.

    ``text`` is the text as read (``" 007 "``, ``05.04.2022``, ``1``), compared
    as ``kind``: the writer puts it back only while the model still holds the
    same value. ``attributes`` are attributes as read that the model does not
    hold (unknown ones, or a value it strips); ``child_ns`` the namespace each
    ``code``/``name`` child of a code had (``None``: unqualified).
    """

    text: str | None = None
    kind: LexicalKind = "token"
    attributes: tuple[tuple[str, str], ...] = ()
    child_ns: tuple[tuple[str, str | None], ...] = ()


@dataclass(slots=True, kw_only=True)
class Lexical:
    """What a same-version writer needs to give back exactly what was read.

    ``forms`` maps an element's path below the Leistung (``{ns}tag[n]`` steps,
    ``n`` counting same-named siblings from 1) to its :class:`LexicalForm`.
    Not part of the model's view: not compared, not in the JSON form.
    """

    version: str
    forms: dict[str, LexicalForm] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class Structure:
    """``struktur``: the Leistungstyp and the LeiKa building blocks.

    ``kind`` is the xsi:type: ``lo`` LeistungsstrukturObjekt, ``lov`` …ObjektMit-
    Verrichtung, ``lovd`` …ObjektMitVerrichtungUndDetail. ``grouping`` is the
    Leistungsgruppierung (3 digits), ``action`` the Verrichtung (2.2.0 ``001``,
    2.3.1 ``1``: the model keeps what the file says; writers convert).
    """

    kind: StructureKind
    grouping: Code | None = None
    object_id: Identifier | None = None
    action: Code | None = None
    #: the Verrichtung's XML shape as read (see :data:`ActionForm`); ``None``
    #: lets the writer choose its version's usual one.
    action_form: ActionForm | None = None
    action_details: list[LocalizedText] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Leistung:
    """One Leistung (service description), version-neutral.

    Fields that exist in one version only are documented with it; writing to
    the other version reports them as not carried over.
    """

    id: Identifier
    secondary_ids: list[Identifier] = field(default_factory=list)
    structure: Structure | None = None
    #: LeiKa keys (2.2.0 ``referenzLeiKa`` code values, 2.3.1
    #: ``referenzLeistungsschluessel`` ids).
    leika_keys: list[str] = field(default_factory=list)
    #: Attributes of each key element, parallel to ``leika_keys`` (2.2.0:
    #: listURI/listVersionID/name; 2.3.1: scheme attributes).
    leika_key_attrs: list[dict[str, str]] = field(default_factory=list)
    typisierung: list[Code] = field(default_factory=list)
    #: 2.3.1 only: ``statusKatalog`` / ``statusBibliothek`` (codes 1–8).
    status_catalog: Code | None = None
    status_library: Code | None = None
    #: 2.3.1 only: ``detailstufe``, ``bezugsortTyp``.
    detail_level: Code | None = None
    place_type: Code | None = None
    leistungsadressat: list[Code] = field(default_factory=list)
    text_modules: list[TextModule] = field(default_factory=list)
    individual_text_modules: list[IndividualTextModule] = field(default_factory=list)
    deadline_modules: list[DurationModule] = field(default_factory=list)
    cost_modules: list[CostModule] = field(default_factory=list)
    processing_time_modules: list[DurationModule] = field(default_factory=list)
    term_modules: list[TermModule] = field(default_factory=list)
    release_modules: list[ReleaseModule] = field(default_factory=list)
    origin_portals: list[OriginPortal] = field(default_factory=list)
    vertrauensniveau: Code | None = None
    #: 2.2.0 ``kennzeichenSchriftformerfordernis``, 2.3.1
    #: ``kennzeichenFormularSchriftformerfordernis``.
    written_form_required: bool | None = None
    #: 2.3.1 only: ``kennzeichenFormularPersoenlich``, ``kennzeichenFormularFormlos``.
    personal_attendance_required: bool | None = None
    informal_application: bool | None = None
    #: No XZuFi element is known for it (FIM puts it into text module 14);
    #: writers report it as not carried over when set.
    online_possible: bool | None = None
    #: ``klassifizierung``: Lagen Portalverbund (list urn:xoev-de:fim:codeliste:pvlagen).
    classifications: list[Code] = field(default_factory=list)
    #: SDG information areas (2.2.0 ``informationsbereichSDG``, 2.3.1
    #: ``informationsbereicheSDG/informationsbereichSDG1``).
    sdg_codes: list[Code] = field(default_factory=list)
    #: 2.3.1 only: ``informationsbereicheSDG/informationsbereichSDG2``.
    sdg2_codes: list[Code] = field(default_factory=list)
    #: 2.2.0 only: ``kennzeichenEA`` (Einheitlicher Ansprechpartner).
    single_point_of_contact: bool | None = None
    #: 2.3.1 only: ``durchfuehrbarEinheitlicheStelle`` codes (00, 11, 19).
    single_point_codes: list[Code] = field(default_factory=list)
    #: ``kategorie``: the portal categories.
    categories: list[Category] = field(default_factory=list)
    #: ``gueltigkeitGebietID``: the regions (ARS) the description is valid for.
    validity_area_ids: list[Identifier] = field(default_factory=list)
    #: ``versionsinformation`` (2.2.0) / ``versionsinformationen`` (2.3.1).
    version_info: VersionInfo | None = None
    #: ``sprachversion``: the languages the description is published in.
    language_versions: list[LanguageVersion] = field(default_factory=list)
    #: ``gueltigkeit`` of the whole Leistung.
    validity: list[Validity] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)
    #: The lexical forms as read (see :class:`Lexical`); ``None`` for a model not
    #: read from XML.
    lexical: Lexical | None = field(default=None, compare=False, repr=False, metadata=_NOT_JSON)

    # -- convenience accessors -------------------------------------------

    @property
    def key(self) -> str | None:
        """The first LeiKa key, or ``None``."""
        return self.leika_keys[0] if self.leika_keys else None

    @property
    def source_editor(self) -> str | None:
        """Quellredaktion: the editorial office owning the id."""
        return self.id.scheme_agency_name or self.id.scheme_agency_id

    def text_module(self, code: str) -> TextModule | None:
        """The first text module with ``code`` ("02"…"25")."""
        for module in self.text_modules:
            if module.code.code == code:
                return module
        return None

    def text(self, code: str, lang: str = "de") -> str | None:
        """HTML content of text module ``code`` in ``lang``, or ``None``."""
        for module in self.text_modules:
            if module.code.code == code:
                found = module.content(lang)
                if found is not None:
                    return found
        return None

    def name(self, lang: str = "de") -> str | None:
        """Leistungsbezeichnung (text module 02) in ``lang``."""
        return self.text("02", lang)

    @property
    def costs(self) -> list[Cost]:
        return [c for m in self.cost_modules for c in m.costs]

    @property
    def processing_times(self) -> list[Duration]:
        return [d for m in self.processing_time_modules for d in m.items]

    @property
    def deadlines(self) -> list[Duration]:
        return [d for m in self.deadline_modules for d in m.items]

    @property
    def released_on(self) -> datetime.date | None:
        return next((m.date for m in self.release_modules if m.date is not None), None)

    def released_by(self, lang: str = "de") -> str | None:
        for module in self.release_modules:
            found = _pick(module.by, lang)
            if found is not None:
                return found
        return None

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form (see ``docs/xzufi.md``)."""
        out = to_jsonable(self)
        assert isinstance(out, dict)  # a dataclass always maps to a dict
        return out


@dataclass(slots=True, kw_only=True)
class TransferEntry:
    """One ``schreibe`` or ``loesche`` of a transfer message.

    ``klasse`` is the object's class: for ``schreibe`` the element name of the
    object (``leistung``, ``organisationseinheit``…), for ``loesche`` the
    ``klasse`` attribute (``Leistung``…). ``index`` counts entries from 0,
    ``line`` is where the entry starts. ``leistung`` is filled for a written
    Leistung, ``obj`` for the four other kinds (:mod:`xzufi_toolkit.xzufi.objects`),
    ``deletion`` for a ``loesche``. Every entry but a Leistung also keeps the
    ``xml`` bytes of its ``schreibe``/``loesche`` element (an entry of unusable
    shape, e.g. a ``schreibe`` with two objects, has only those).
    """

    op: TransferOp
    klasse: str
    object_id: str | None = None
    index: int = 0
    line: int | None = None
    leistung: Leistung | None = None
    xml: bytes | None = None
    obj: TransferObject | None = None
    deletion: Loeschung | None = None


@dataclass(slots=True, kw_only=True)
class TransferMessage:
    """The frame of a transfer message (root attributes and header).

    ``entries`` is only filled when a whole message is held in memory; the
    streaming reader yields :class:`TransferEntry` objects instead.
    ``header`` is the ``nachrichtenkopf`` element, kept verbatim.
    """

    version: str
    xzufi_version: str | None = None
    produktbezeichnung: str | None = None
    produkthersteller: str | None = None
    header: bytes | None = None
    transaktion_id: str | None = None
    transaktion_position: str | None = None
    entries: list[TransferEntry] = field(default_factory=list)
    root_name: str = "xzufi.transfer"


def _pick(texts: list[LocalizedText], lang: str) -> str | None:
    want = normalize_language(lang)
    for t in texts:
        if normalize_language(t.language) == want:
            return t.text
    return None


def to_jsonable(value: object) -> Any:
    """Model objects → JSON-ready values.

    Dataclasses become dicts (field order, ``None`` and empty lists left out),
    ``Decimal`` a string (exact), dates ISO strings, ``Extra`` ``{"after", "xml"}``.
    """
    if isinstance(value, Extra):
        result: Any = {"after": value.after, "xml": value.xml.decode("utf-8", "replace")}
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        result = {}
        for f in dataclasses.fields(value):
            if f.metadata.get("json", True) is False:
                continue
            item = getattr(value, f.name)
            if item is None or (isinstance(item, list | dict) and not item):
                continue
            result[f.name] = to_jsonable(item)
    elif isinstance(value, list):
        result = [to_jsonable(v) for v in value]
    elif isinstance(value, dict):
        result = {str(k): to_jsonable(v) for k, v in value.items()}
    elif isinstance(value, Decimal):
        result = str(value)
    elif isinstance(value, datetime.date):
        result = value.isoformat()
    elif isinstance(value, bytes):
        result = value.decode("utf-8", "replace")
    else:
        result = value
    return result
